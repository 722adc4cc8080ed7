"""Realistic journeys for `make load` (issue 12). Each simulated person signs in with their
own account (from the accounts file the runner made), then: staff speak up, support ideas and
comment; leaders read the inbox, acknowledge, decide and add actions; the guardian replies;
anonymous people raise a concern and follow it up at /check.

Every create carries a unique marker in its text, and is written to the journal when the
server acknowledged it (the redirect or receipt it answers with): the runner then checks that
each acknowledged marker is in the database exactly once."""

from __future__ import annotations

import json
import os
import random
import re
import threading
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import count
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text(encoding="utf-8"))
JOURNAL = os.environ["LOAD_JOURNAL"]
PASSPHRASE = "purple elephants dance in the rain"  # noqa: S105 - a made-up load-test value
_journal_lock = threading.Lock()
_next = {role: count() for role in ("staff", "leader", "guardian")}
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
TOKEN = re.compile(r'name="submit_token" value="([^"]+)"')
SUBMISSION_LINK = re.compile(r'href="/submissions/(\d+)"')
FOLLOWUP_CODE = re.compile(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b")


def _acknowledged(kind: str, marker: str) -> None:
    with _journal_lock, open(JOURNAL, "a", encoding="utf-8") as journal:
        journal.write(json.dumps({"kind": kind, "marker": marker}) + "\n")


def _marker(kind: str) -> str:
    return f"load-{kind}-{uuid.uuid4().hex}"


def _tokens(html: str) -> Iterator[tuple[str, str]]:
    """(csrf, submit token) pairs in page order."""
    return zip(CSRF.findall(html), TOKEN.findall(html), strict=False)


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 4)
    role = "staff"

    def on_start(self) -> None:
        pool = ACCOUNTS[self.role]
        self.account = pool[next(_next[self.role]) % len(pool)]
        page = self.client.get("/sign-in", name="/sign-in").text
        self.client.post(
            "/sign-in",
            data={
                "csrf_token": CSRF.findall(page)[0],
                "email": self.account["email"],
                "password": ACCOUNTS["password"],
            },
            name="/sign-in [POST]",
        )

    def _form(self, path: str, name: str, index: int = 0) -> tuple[str, str, str] | None:
        response = self.client.get(path, name=name)
        found = list(_tokens(response.text))
        if response.status_code != 200 or len(found) <= index:
            return None
        return (*found[index], response.text)

    def _post(self, path: str, name: str, data: dict[str, Any], kind: str, marker: str) -> None:
        with self.client.post(
            path, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code in (302, 303):
                _acknowledged(kind, marker)
                response.success()
            elif response.status_code < 500:
                response.failure(f"refused: {response.status_code}")

    def _submission_ids(self, path: str, name: str) -> list[int]:
        return [int(i) for i in SUBMISSION_LINK.findall(self.client.get(path, name=name).text)]


class Staff(Person):
    weight = 12
    role = "staff"

    @task(3)
    def speak_up(self) -> None:
        form = self._form("/speak-up", "/speak-up")
        if form is None:
            return
        csrf, token, _ = form
        marker = _marker("submission")
        kind = random.choice(["idea", "idea", "concern"])
        data = {
            "csrf_token": csrf, "submit_token": token, "kind": kind, "title": marker,
            "description": "Raised during a load test: " + marker,
            "unit_id": str(self.account["unit_id"]), "theme_id": str(ACCOUNTS["theme_id"]),
            "patient_safety": "no", "mode": "open",
        }  # fmt: skip
        if kind == "concern" and random.random() < 0.5:
            data["to_guardian"] = "y"
        self._post("/speak-up", "/speak-up [POST]", data, "submission", marker)

    @task(4)
    def support_and_comment(self) -> None:
        ideas = self._submission_ids("/ideas", "/ideas")
        if not ideas:
            return
        idea = random.choice(ideas)
        page = self.client.get(f"/submissions/{idea}", name="/submissions/[id]").text
        if "Me too: support this idea" in page and random.random() < 0.5:
            found = re.search(
                r'action="/submissions/\d+/support".*?name="csrf_token" value="([^"]+)".*?'
                r'name="submit_token" value="([^"]+)"',
                page,
                re.S,
            )
            if found:
                self.client.post(
                    f"/submissions/{idea}/support",
                    data={"csrf_token": found[1], "submit_token": found[2]},
                    name="/submissions/[id]/support [POST]",
                )
        found = re.search(
            r'action="/submissions/\d+/comments".*?name="csrf_token" value="([^"]+)".*?'
            r'name="submit_token" value="([^"]+)"',
            page,
            re.S,
        )
        if found:
            marker = _marker("comment")
            data = {"csrf_token": found[1], "submit_token": found[2], "body": marker}
            path = f"/submissions/{idea}/comments"
            self._post(path, "/submissions/[id]/comments [POST]", data, "comment", marker)

    @task(2)
    def my_items(self) -> None:
        self.client.get("/submissions/mine", name="/submissions/mine")


class Leader(Person):
    weight = 4
    role = "leader"

    @task(4)
    def read_inbox(self) -> None:
        self.client.get("/inbox", name="/inbox")

    @task(3)
    def acknowledge_decide_and_act(self) -> None:
        waiting = self._submission_ids("/inbox", "/inbox")
        if not waiting:
            return
        item = random.choice(waiting)
        page = self.client.get(f"/submissions/{item}", name="/submissions/[id]").text
        status = re.search(
            r'action="/submissions/\d+/status".*?name="csrf_token" value="([^"]+)"', page, re.S
        )
        if status and 'value="acknowledged"' in page:
            self.client.post(
                f"/submissions/{item}/status",
                data={"csrf_token": status[1], "status": "acknowledged", "note": ""},
                name="/submissions/[id]/status [POST]",
            )
        form = self._form(f"/submissions/{item}/decision", "/submissions/[id]/decision")
        if form is not None and random.random() < 0.5:
            csrf, token, _ = form
            marker = _marker("decision")
            data = {"csrf_token": csrf, "submit_token": token, "outcome": "adopt",
                    "response": marker, "reason": ""}  # fmt: skip
            path = f"/submissions/{item}/decision"
            self._post(path, "/submissions/[id]/decision [POST]", data, "decision", marker)
        form = self._form(f"/submissions/{item}/actions/new", "/submissions/[id]/actions/new")
        if form is not None:
            csrf, token, html = form
            owner = re.search(r'<option value="(\d+)"', html.split('name="owner_id"', 1)[-1])
            if owner is None:
                return
            marker = _marker("action")
            data = {
                "csrf_token": csrf, "submit_token": token, "description": marker,
                "owner_id": owner[1], "status": "planned", "progress": "0",
                "due_on": (date.today() + timedelta(days=14)).isoformat(),
            }  # fmt: skip
            path = f"/submissions/{item}/actions/new"
            self._post(path, "/submissions/[id]/actions/new [POST]", data, "action", marker)


class Guardian(Person):
    weight = 1
    role = "guardian"

    @task
    def reply(self) -> None:
        concerns = self._submission_ids("/inbox", "/inbox")
        if not concerns:
            return
        item = random.choice(concerns)
        form = self._form(f"/submissions/{item}", "/submissions/[id]")
        if form is None:
            return
        csrf, token, html = form
        if f'action="/submissions/{item}/messages"' not in html:
            return
        marker = _marker("message")
        data = {"csrf_token": csrf, "submit_token": token, "body": marker}
        path = f"/submissions/{item}/messages"
        self._post(path, "/submissions/[id]/messages [POST]", data, "message", marker)


class Anonymous(HttpUser):
    """Signed out: raises an anonymous concern, then follows it up at /check."""

    weight = 3
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.code: str | None = None

    @task
    def raise_or_follow_up(self) -> None:
        if self.code is None:
            self._raise()
        else:
            self._follow_up()

    def _raise(self) -> None:
        page = self.client.get("/speak-up", name="/speak-up (signed out)").text
        found = list(_tokens(page))
        if not found:
            return
        marker = _marker("submission")
        data = {
            "csrf_token": found[0][0], "submit_token": found[0][1], "kind": "concern",
            "title": marker, "description": "Anonymous, during a load test.",
            "unit_id": str(random.choice(ACCOUNTS["unit_ids"])),
            "theme_id": str(ACCOUNTS["theme_id"]), "patient_safety": "no",
            "mode": "anonymous", "passphrase": PASSPHRASE, "passphrase_confirm": PASSPHRASE,
        }  # fmt: skip
        with self.client.post(
            "/speak-up", data=data, name="/speak-up [POST anonymous]", catch_response=True
        ) as response:
            code = FOLLOWUP_CODE.search(response.text) if response.status_code == 200 else None
            if code:
                _acknowledged("submission", marker)
                self.code = code[1]
            elif response.status_code < 500:
                response.failure(f"refused: {response.status_code}")

    def _follow_up(self) -> None:
        page = self.client.get("/check", name="/check").text
        csrf = CSRF.findall(page)
        if not csrf:
            return
        self.client.post(
            "/check",
            data={"csrf_token": csrf[0], "reference": self.code, "passphrase": PASSPHRASE},
            name="/check [POST]",
        )
        form = self._case_form()
        if form is None:
            return
        csrf_value, token = form
        marker = _marker("message")
        with self.client.post(
            "/check/case/messages",
            data={"csrf_token": csrf_value, "submit_token": token, "body": marker},
            name="/check/case/messages [POST]",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in (302, 303):
                _acknowledged("message", marker)
        self.code = None if random.random() < 0.3 else self.code

    def _case_form(self) -> tuple[str, str] | None:
        page = self.client.get("/check/case", name="/check/case").text
        found = list(_tokens(page))
        return found[0] if found else None
