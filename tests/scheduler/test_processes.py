"""The real commands, as separate processes on a database of their own: two `jobs run-due`
at once deliver each message once; two schedulers, one active, the other taking over."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text

from engage.accounts.models import Role
from engage.extensions import db
from engage.mail.services import send_mail
from engage.responses.models import Escalation
from tests.factories.accounts import make_user
from tests.factories.organisation import make_unit
from tests.factories.smtp import Inbox
from tests.factories.submissions import make_submission

PROJECT = Path(__file__).resolve().parent.parent.parent


def _environment(app: Flask, smtp_port: int | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ENGAGE_ENV="development",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY="test-secret-key",
        ENGAGE_SCHEDULER_LOCK_POLL_SECONDS="1",
    )
    if smtp_port is not None:
        env.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port))
    return env


def _flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "engage", *args]


def _overdue_trust(app: Flask) -> tuple[list[str], list[str]]:
    """Three directorate leads, four overdue ideas and a password reset waiting to go."""
    app.config["MAIL_BACKEND"] = "smtp"  # as the processes will be: mail waits to be sent
    with app.test_request_context():
        upgrade()
        ward = make_unit()
        leads = [
            make_user(Role.LEADER, leads_directorates=(ward.directorate,)).email for _ in range(3)
        ]
        references = []
        for _ in range(4):
            idea = make_submission(make_user(unit=ward))
            idea.submitted_on = date(2026, 12, 16)
            references.append(idea.reference)
        send_mail("forgetful@test.nhs.uk", "Reset your engage password", "A link")
        db.session.commit()
        db.session.remove()
    return leads, references


def test_two_run_dues_at_once_deliver_each_message_once_and_a_third_sends_nothing(
    empty_app: Flask, smtp_inbox: Inbox
) -> None:
    leads, references = _overdue_trust(empty_app)
    env = _environment(empty_app, smtp_inbox.app.config["SMTP_PORT"])
    command = _flask("jobs", "run-due", "--as-of", "2027-01-04T08:00")
    together = [
        subprocess.Popen(
            command,
            cwd=PROJECT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in together]
    assert [process.returncode for process in together] == [0, 0], outputs

    subjects = Counter((message["To"], message["Subject"]) for message in smtp_inbox.messages)
    assert set(subjects.values()) == {1}, "each message arrives once"
    assert ("forgetful@test.nhs.uk", "Reset your engage password") in subjects
    for lead in leads:
        # Each lead's weekly digest (Monday 07:00) and their daily alert of the four new
        # ideas. One process sends one alert, of the new ideas; with two at once, one may send
        # it before the other's escalation commits, and the escalation then reaches the lead
        # in an alert of its own. Either way each thing is said once.
        theirs = smtp_inbox.to(lead)
        digests = [m for m in theirs if m["Subject"] == "Your weekly digest: your units in engage"]
        alerts = [m.get_content() for m in theirs if m not in digests]
        assert len(digests) == 1 and 1 <= len(alerts) <= 2
        assert sum(text.count("4 new ideas are waiting.") for text in alerts) == 1, alerts
        late = [text for text in alerts if "4 new ideas are waiting." not in text]
        assert all("4 overdue items have been passed to you." in text for text in late), alerts
    with empty_app.app_context():
        escalated = db.session.scalars(select(Escalation)).all()
        assert sorted(e.submission.reference for e in escalated) == sorted(references)
        assert all(sorted(p.email for p in e.recipients) == sorted(leads) for e in escalated)
        expected = len(smtp_inbox.messages)

    third = subprocess.run(
        command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
    )
    assert third.returncode == 0, third.stdout + third.stderr
    assert len(smtp_inbox.messages) == expected, "a third run sends nothing"


def _wait_for(path: Path, text: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = path.read_text(encoding="utf-8") if path.exists() else ""
        if text in log:
            return log
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in the log within {timeout} s:\n{path.read_text()}")


def test_one_scheduler_is_active_and_another_takes_over_when_it_dies(
    empty_app: Flask, tmp_path: Path
) -> None:
    with empty_app.app_context():
        upgrade()
        db.session.remove()
    env = _environment(empty_app)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    processes = []
    try:
        for log in logs:
            with log.open("w", encoding="utf-8") as output:
                processes.append(
                    subprocess.Popen(
                        _flask("scheduler"), cwd=PROJECT, env=env, stdout=output, stderr=output
                    )
                )
            if not processes[1:]:
                _wait_for(logs[0], "this scheduler is active", 60)
        first, second = processes
        _wait_for(logs[1], "another scheduler is active: waiting to take over", 60)
        first_log = _wait_for(logs[0], "responses.escalate has never run", 30)
        assert "responses.escalate has never run" in first_log
        active = next(line for line in first_log.splitlines() if "scheduler is active" in line)
        assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (GMT|BST) INFO ", active), active
        _wait_for(logs[0], "job responses.escalate finished", 60)

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = time.monotonic()
        _wait_for(logs[1], "this scheduler is active", 60)
        assert time.monotonic() - killed_at < 60, "takes over within a minute"

        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
        assert "scheduler stopped" in logs[1].read_text(encoding="utf-8")
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


@pytest.mark.postgres_only(reason="on SQLite an flock cannot be lost while its process lives")
def test_a_scheduler_that_loses_its_database_session_stands_down_then_takes_the_lock_again(
    empty_app: Flask, tmp_path: Path
) -> None:
    with empty_app.app_context():
        upgrade()
        db.session.remove()
    log = tmp_path / "scheduler.log"
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            _flask("scheduler"),
            cwd=PROJECT,
            env=_environment(empty_app),
            stdout=output,
            stderr=output,
        )
    try:
        _wait_for(log, "this scheduler is active", 60)
        with empty_app.app_context():
            # What a database restart or a network cut does to the lock's session.
            ended = (
                db.session.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = 'engage-scheduler' "
                        "AND datname = current_database()"
                    )
                )
                .scalars()
                .all()
            )
            db.session.remove()
        assert ended == [True]
        _wait_for(log, "the scheduler lock was lost", 30)
        deadline = time.monotonic() + 30
        while log.read_text(encoding="utf-8").count("this scheduler is active") < 2:
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
