"""Finding 7: sign-in answers alike for unknown and real accounts, and a stranger cannot lock
anyone out; finding 5: guessing is rate-limited and paused requests never reach argon2."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from limits import parse

from engage.accounts import passwords, services
from engage.accounts.models import Role
from engage.accounts.throttles import DEVICE_COOKIE
from tests.factories.accounts import (
    client_at,
    credentials,
    make_user,
    pause_account_for_everyone,
    sign_in,
)
from tests.factories.smtp import Inbox

WRONG = "wrong password entirely"


def _main_text(response: Any, email: str) -> str:
    """What the person reads, with the address they typed and the page's nonce and CSRF token
    taken out."""
    html = response.get_data(as_text=True)
    main = re.search(r"<main.*</main>", html, re.DOTALL)
    assert main is not None
    return re.sub(r'nonce="[^"]*"|name="csrf_token" value="[^"]*"', "", main.group(0)).replace(
        email, "EMAIL"
    )


@pytest.fixture
def argon2_calls(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Every password check made, by the hash it was checked against (None: the dummy)."""
    calls: list[str | None] = []
    real = passwords.verify_password

    def counting(password_hash: str | None, password: str) -> bool:
        calls.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(services, "verify_password", counting)
    return calls


def test_the_fifth_failure_pauses_that_client_for_that_account_only(
    app: Flask, client: FlaskClient
) -> None:
    guardian = make_user(Role.GUARDIAN)
    assert app.config["LOGIN_MAX_FAILURES"] == 5
    for _ in range(4):
        refused = client.post("/sign-in", data=credentials(guardian, WRONG))
        assert refused.status_code == 200
        assert "Enter a correct email address and password" in refused.get_data(as_text=True)
    fifth = client.post("/sign-in", data=credentials(guardian, WRONG))
    assert fifth.status_code == 429
    assert "Try again in 15 minutes." in fifth.get_data(as_text=True)
    assert client.post("/sign-in", data=credentials(guardian)).status_code == 429
    # The guardian, at their own computer, is not locked out by someone else's guesses.
    own_computer = client_at(app, "10.20.30.40")
    assert own_computer.post("/sign-in", data=credentials(guardian)).status_code == 302
    assert "Hello," in own_computer.get("/").get_data(as_text=True)


def test_unknown_and_real_accounts_are_answered_alike_through_the_pause(
    app: Flask, db_session: object, argon2_calls: list[str | None]
) -> None:
    admin = make_user(Role.ADMIN)
    inactive = make_user(active=False)
    answers: dict[str, list[tuple[int, str]]] = {}
    checks: dict[str, int] = {}
    for n, email in enumerate([admin.email, inactive.email, "nobody.here@test.nhs.uk"]):
        client = client_at(app, f"10.1.1.{n + 1}")
        before = len(argon2_calls)
        answers[email] = [
            (response.status_code, _main_text(response, email))
            for response in (
                client.post("/sign-in", data={"email": email, "password": WRONG})
                for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1)
            )
        ]
        checks[email] = len(argon2_calls) - before
    first, *others = answers.values()
    assert [status for status, _ in first] == [200, 200, 200, 200, 429, 429]
    assert all(other == first for other in others), "the same pages, whoever's address"
    # The same work (one argon2 check per attempt inside the limit) whether or not the
    # account exists; the paused sixth attempt runs none.
    assert set(checks.values()) == {5}


def test_paused_attempts_never_reach_argon2(
    app: Flask, client: FlaskClient, argon2_calls: list[str | None]
) -> None:
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/sign-in", data=credentials(user, WRONG))
    checked = len(argon2_calls)
    for _ in range(10):
        assert client.post("/sign-in", data=credentials(user)).status_code == 429
    assert len(argon2_calls) == checked


def test_one_client_cannot_try_account_after_account(app: Flask, client: FlaskClient) -> None:
    allowed = int(parse(app.config["RATELIMIT_SIGN_IN"]).amount)
    assert allowed == 20
    statuses = [
        client.post("/sign-in", data={"email": f"guess{n}@test.nhs.uk", "password": WRONG})
        for n in range(allowed)
    ]
    assert [r.status_code for r in statuses] == [200] * (allowed - 1) + [429]
    user = make_user()
    assert client.post("/sign-in", data=credentials(user)).status_code == 429
    assert client_at(app, "10.3.3.3").post("/sign-in", data=credentials(user)).status_code == 302


def test_a_success_forgets_that_clients_earlier_failures(app: Flask, client: FlaskClient) -> None:
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        client.post("/sign-in", data=credentials(user, WRONG))
    assert client.post("/sign-in", data=credentials(user)).status_code == 302
    client.post("/sign-out")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        assert client.post("/sign-in", data=credentials(user, WRONG)).status_code == 200


def test_the_guardians_own_browser_is_not_paused_with_the_account(
    app: Flask, db_session: object
) -> None:
    guardian = make_user(Role.GUARDIAN)
    own_browser = client_at(app, "10.77.0.1")
    sign_in(own_browser, guardian)
    own_browser.post("/sign-out")
    pause_account_for_everyone(app, guardian)
    assert (
        client_at(app, "10.77.0.2").post("/sign-in", data=credentials(guardian)).status_code == 429
    )
    assert own_browser.post("/sign-in", data=credentials(guardian)).status_code == 302
    forged = client_at(app, "10.77.0.3")
    forged.set_cookie(DEVICE_COOKIE, "not-a-signed-value")
    assert forged.post("/sign-in", data=credentials(guardian)).status_code == 429


def test_guessing_from_many_clients_pauses_the_account_until_a_password_reset(
    app: Flask, db_session: object, smtp_inbox: Inbox
) -> None:
    user = make_user(Role.ADMIN)
    clients = pause_account_for_everyone(app, user)
    assert len(clients) == 20, "a stranger needs 20 addresses to get here"
    elsewhere = client_at(app, "10.99.0.1")
    assert elsewhere.post("/sign-in", data=credentials(user)).status_code == 429
    elsewhere.post("/forgotten-password", data={"email": user.email})
    smtp_inbox.deliver()
    [message] = smtp_inbox.to(user.email)
    link = re.search(r"http://127\.0\.0\.1:5000(/reset-password/\S+)", message.get_content())
    assert link is not None
    new_password = "a brand new passphrase"
    done = elsewhere.post(link.group(1), data={"password": new_password, "confirm": new_password})
    assert done.status_code == 302
    assert elsewhere.post("/sign-in", data=credentials(user, new_password)).status_code == 302


def test_mistakes_on_a_known_browser_never_pause_the_account_for_everyone(
    app: Flask, db_session: object
) -> None:
    # A nurse's own laptop, remembered by its signed cookie, mistyping on ward after ward's
    # network: each address stops at its own limit, but none of it counts towards the pause
    # that keeps strangers out of the account everywhere.
    user = make_user(Role.STAFF)
    own_laptop = client_at(app, "10.78.0.1")
    sign_in(own_laptop, user)
    own_laptop.post("/sign-out")
    remembered = own_laptop.get_cookie(DEVICE_COOKIE)
    assert remembered is not None
    per_client = app.config["LOGIN_MAX_FAILURES"]
    for_account = int(parse(app.config["RATELIMIT_ACCOUNT"]).amount)
    for ward in range(for_account // (per_client - 1) + 1):
        roaming = client_at(app, f"10.78.1.{ward + 1}")
        roaming.set_cookie(DEVICE_COOKIE, remembered.value)
        for _ in range(per_client - 1):
            wrong = roaming.post("/sign-in", data=credentials(user, "wrong password entirely"))
            assert wrong.status_code == 200
    stranger = client_at(app, "10.78.2.1")
    assert stranger.post("/sign-in", data=credentials(user)).status_code == 302
