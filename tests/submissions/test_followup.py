"""Following up anonymously (issue 11, finding 6): a private code that colleagues never see,
passphrases that are hard to guess, guesses slowed down per code and per client rather than a
lock anyone can set off, one answer for every refusal, and "Finish" that really ends it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engage.accounts.models import Role
from engage.submissions import anonymous
from engage.submissions.models import Kind, SpeakUpMode, Submission
from tests.factories.accounts import make_user, sign_in
from tests.factories.submissions import FOLLOWUP_CODE, PASSPHRASE, shown_followup_code, theme

WRONG = "not the right one at all"


def _raise_idea(client: FlaskClient) -> tuple[str, Submission]:
    """An anonymous idea (shown on /ideas with its reference): its follow-up code and row."""
    from engage.extensions import db
    from engage.submissions.references import followup_digest

    person = make_user()
    sign_in(client, person)
    page = client.post(
        "/speak-up",
        data={
            "kind": "idea",
            "title": "Quieter night-time ward rounds",
            "description": "Dim the lights and lower voices after 11pm.",
            "unit_id": str(person.unit_id),
            "theme_id": str(theme().id),
            "patient_safety": "no",
            "mode": "anonymous",
            "passphrase": PASSPHRASE,
            "passphrase_confirm": PASSPHRASE,
        },
    ).get_data(as_text=True)
    code = shown_followup_code(page)
    client.post("/sign-out")
    found = db.session.scalar(
        db.select(Submission).where(Submission.followup_digest == followup_digest(code))
    )
    assert found is not None
    assert found.reference in page and found.reference != code
    return code, found


def _try(client: FlaskClient, code: str, passphrase: str, address: str) -> TestResponse:
    return client.post(
        "/check",
        data={"reference": code, "passphrase": passphrase},
        environ_base={"REMOTE_ADDR": address},
    )


def _refusal(response: TestResponse, typed_code: str) -> str:
    """The page as a visitor sees it, without the per-response CSP nonce and CSRF token and
    the code they typed (kept in the field)."""
    assert response.status_code == 200
    page = response.get_data(as_text=True).replace(f'value="{typed_code}"', "")
    return re.sub(r'nonce="[^"]*"|name="csrf_token" value="[^"]*"', "", page)


def test_the_public_reference_on_ideas_does_not_open_the_item(client: FlaskClient) -> None:
    code, idea = _raise_idea(client)
    colleague = make_user(Role.STAFF, unit=idea.unit)
    sign_in(client, colleague)
    assert idea.reference in client.get("/ideas").get_data(as_text=True)
    client.post("/sign-out")

    by_reference = _try(client, idea.reference, PASSPHRASE, "10.0.0.1")
    assert anonymous.NO_MATCH in by_reference.get_data(as_text=True)
    by_code = _try(client, code.lower().replace("-", " "), PASSPHRASE, "10.0.0.1")
    assert by_code.status_code == 302


def test_a_colleague_guessing_at_the_reference_cannot_keep_the_submitter_out(
    client: FlaskClient,
) -> None:
    code, idea = _raise_idea(client)
    for _ in range(25):
        _try(client, idea.reference, WRONG, "10.0.0.2")
    assert _try(client, code, PASSPHRASE, "10.0.0.3").status_code == 302


def test_wrong_guesses_slow_the_code_down_for_every_client(client: FlaskClient) -> None:
    code, _ = _raise_idea(client)
    for attempt in range(5):
        _try(client, code, WRONG, f"10.0.1.{attempt}")
    # The sixth try within 15 minutes waits, even with the right passphrase and from
    # elsewhere, and is told exactly what a wrong passphrase is told.
    slowed = _try(client, code, PASSPHRASE, "10.0.1.99")
    assert anonymous.NO_MATCH in slowed.get_data(as_text=True)
    assert client.get("/check/case").status_code == 302


def test_fourth_wrong_guess_still_leaves_the_right_one_in(client: FlaskClient) -> None:
    code, _ = _raise_idea(client)
    for _ in range(4):
        _try(client, code, WRONG, "10.0.2.1")
    assert _try(client, code, PASSPHRASE, "10.0.2.1").status_code == 302


def test_a_client_guessing_at_many_codes_is_slowed_down_but_others_are_not(
    client: FlaskClient,
) -> None:
    code, _ = _raise_idea(client)
    for number in range(10):
        _try(client, f"{number:04d}-AAAA-BBBB", WRONG, "10.0.3.1")
    assert _try(client, code, PASSPHRASE, "10.0.3.1").status_code == 200
    assert _try(client, code, PASSPHRASE, "10.0.3.2").status_code == 302


def test_unknown_code_wrong_passphrase_and_slowed_try_look_the_same(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _ = _raise_idea(client)
    for _ in range(5):
        _try(client, code, WRONG, "10.0.4.1")
    checks: list[str | None] = []
    real_verify: Callable[[str | None, str], bool] = anonymous.verify_password

    def counting_verify(stored: str | None, given: str) -> bool:
        checks.append(stored)
        return real_verify(stored, given)

    other_code, _ = _raise_idea(client)
    monkeypatch.setattr(anonymous, "verify_password", counting_verify)
    visitor = client.application.test_client
    unknown = _try(visitor(), "ZZZZ-ZZZZ-ZZZZ", PASSPHRASE, "10.0.4.2")
    slowed = _try(visitor(), code, PASSPHRASE, "10.0.4.3")
    wrong = _try(visitor(), other_code, WRONG, "10.0.4.4")
    seen = {
        _refusal(unknown, "ZZZZ-ZZZZ-ZZZZ"),
        _refusal(slowed, code),
        _refusal(wrong, other_code),
    }
    assert len(seen) == 1
    assert anonymous.NO_MATCH in seen.pop()
    # One argon2 check each: the same work, so the same time, whatever the reason.
    assert len(checks) == 3


@pytest.mark.parametrize("weak", ["aaaaaaaaaa", "password123", "qwertyuiop"])
def test_an_easily_guessed_passphrase_is_refused_with_advice(
    client: FlaskClient, weak: str
) -> None:
    person = make_user()
    sign_in(client, person)
    response = client.post(
        "/speak-up",
        data={
            "kind": "concern",
            "title": "Quieter night-time ward rounds",
            "description": "Lights on at 3am.",
            "unit_id": str(person.unit_id),
            "theme_id": str(theme().id),
            "patient_safety": "no",
            "mode": "anonymous",
            "passphrase": weak,
            "passphrase_confirm": weak,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose a passphrase that is harder to guess" in page
    assert 'id="passphrase-error"' in page, "the message sits beside the field"
    assert "Lights on at 3am." in page, "what was typed is kept"


def test_finish_ends_the_session_even_for_a_copied_cookie(client: FlaskClient) -> None:
    code, _ = _raise_idea(client)
    assert _try(client, code, PASSPHRASE, "10.0.5.1").status_code == 302
    cookie = client.get_cookie("session")
    assert cookie is not None
    copy = client.application.test_client()
    copy.set_cookie("session", cookie.value)
    assert copy.get("/check/case").status_code == 200, "the copy works until Finish"

    client.post("/check/finish")
    assert client.get("/check/case").status_code == 302
    copy.set_cookie("session", cookie.value)
    assert copy.get("/check/case").status_code == 302
    refused = copy.post("/check/case/messages", data={"body": "Written with a stolen cookie"})
    assert refused.status_code == 302


def test_opening_the_item_again_ends_the_earlier_session(client: FlaskClient) -> None:
    code, _ = _raise_idea(client)
    first = client.application.test_client()
    second = client.application.test_client()
    assert _try(first, code, PASSPHRASE, "10.0.6.1").status_code == 302
    assert _try(second, code, PASSPHRASE, "10.0.6.2").status_code == 302
    assert second.get("/check/case").status_code == 200
    assert first.get("/check/case").status_code == 302


def test_an_anonymous_idea_is_made_with_a_code_and_no_account(app_context: None) -> None:
    from engage.submissions import services
    from tests.factories.organisation import make_unit

    receipt = services.submit(
        None,
        services.NewSubmission(
            kind=Kind.IDEA,
            title="Hand gel at every bay",
            description="Some bays have none.",
            unit_id=make_unit().id,
            theme_id=theme().id,
            patient_safety=False,
            mode=SpeakUpMode.ANONYMOUS,
            passphrase=PASSPHRASE,
        ),
    )
    assert receipt.followup_code and FOLLOWUP_CODE.fullmatch(receipt.followup_code)
    assert receipt.followup_code != receipt.reference


def test_after_finish_the_row_looks_as_if_no_one_had_followed_it_up(client: FlaskClient) -> None:
    """A copy of the database must not show which anonymous items their submitter came back
    to: once they finish, the session column is empty again, as it is on an item never
    opened."""
    from engage.extensions import db

    code, row = _raise_idea(client)
    _never_opened, untouched = _raise_idea(client.application.test_client())
    assert _try(client, code, PASSPHRASE, "10.0.7.1").status_code == 302
    client.post("/check/finish")
    db.session.expire_all()
    assert db.session.get(Submission, row.id).check_session_digest is None  # type: ignore[union-attr]
    assert db.session.get(Submission, untouched.id).check_session_digest is None  # type: ignore[union-attr]
