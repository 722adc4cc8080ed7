"""The migrations on a database of their own, on SQLite and PostgreSQL: down and up again
without losing full-text search, and data written by an earlier revision carried forward."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from engage.extensions import db
from engage.submissions.models import Submission
from engage.submissions.search import matching

BEFORE_UNIQUE_MESSAGE_POSITIONS = "9ad7e582a54d"
BEFORE_FOLLOWUP_CODES = "c41e7d2a9b10"
BEFORE_SIGNED_REPLIES = "c6e2a9d4f1b7"


def _insert_submission(
    connection: sa.Connection, title: str, passphrase_hash: str | None = None, legacy: bool = True
) -> int:
    """A submission as an earlier revision stored it (`legacy`: before follow-up codes),
    written in plain SQL."""
    directorate = connection.execute(
        sa.text("INSERT INTO directorates (name) VALUES ('Surgery') RETURNING id")
    ).scalar_one()
    unit = connection.execute(
        sa.text(
            "INSERT INTO units (name, directorate_id, headcount) "
            "VALUES ('Ward 7', :directorate, 30) RETURNING id"
        ),
        {"directorate": directorate},
    ).scalar_one()
    theme = connection.execute(sa.text("SELECT MIN(id) FROM themes")).scalar_one()
    submission_id = 4_242_424
    statement = (
        "INSERT INTO submissions (id, reference, kind, mode, queue, status, title, "
        "description, unit_id, theme_id, patient_safety, submitted_on, passphrase_hash{0}) "
        "VALUES (:id, 'CN-TEST-0001', 'concern', 'anonymous', 'guardian', 'acknowledged', "
        ":title, 'Described', :unit, :theme, false, :today, :hash{1})"
    )
    legacy_counter = (", failed_passphrases", ", 0") if legacy else ("", "")
    connection.execute(
        sa.text(statement.format(*legacy_counter)),
        {
            "id": submission_id,
            "title": title,
            "unit": unit,
            "theme": theme,
            "today": date.today(),
            "hash": passphrase_hash,
        },
    )
    return submission_id


def _insert_message(
    connection: sa.Connection,
    submission_id: int,
    message_id: int,
    position: int,
    body: str,
    *,
    role: str = "handler",
    author: int | None = None,
) -> None:
    connection.execute(
        sa.text(
            "INSERT INTO messages (id, submission_id, author_role, author_id, body, sent_on, "
            "position) VALUES (:id, :submission, :role, :author, :body, :today, :position)"
        ),
        {
            "id": message_id,
            "submission": submission_id,
            "role": role,
            "author": author,
            "body": body,
            "today": date.today(),
            "position": position,
        },
    )


def test_the_migrations_go_down_to_nothing_and_up_again(empty_app: Flask) -> None:
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        with db.engine.begin() as connection:
            _insert_submission(connection, "Broken hoist on the night shift", legacy=False)
        found = db.session.scalars(sa.select(Submission.title).where(matching("hoist"))).all()
        db.session.remove()
    assert found == ["Broken hoist on the night shift"]


def test_messages_that_shared_a_place_are_renumbered_in_their_order(empty_app: Flask) -> None:
    with empty_app.app_context():
        upgrade(revision=BEFORE_UNIQUE_MESSAGE_POSITIONS)
        with db.engine.begin() as connection:
            submission_id = _insert_submission(connection, "Rota gaps")
            _insert_message(connection, submission_id, 11, 1, "first")
            _insert_message(connection, submission_id, 12, 2, "second, sent at the same time")
            _insert_message(connection, submission_id, 13, 2, "third, sent at the same time")
        upgrade()
        with db.engine.connect() as connection:
            bodies = connection.execute(
                sa.text("SELECT position, body FROM messages ORDER BY position")
            ).all()
            counter = connection.execute(
                sa.text("SELECT message_count FROM submissions")
            ).scalar_one()
            with pytest.raises(sa.exc.IntegrityError):
                _insert_message(connection, submission_id, 14, 3, "a clash")
    assert [tuple(row) for row in bodies] == [
        (1, "first"),
        (2, "second, sent at the same time"),
        (3, "third, sent at the same time"),
    ]
    assert counter == 3


def test_an_anonymous_submitters_old_code_becomes_their_private_follow_up_code(
    empty_app: Flask,
) -> None:
    """What they hold is the code they were given (the old reference): it keeps opening the
    item at /check, and the reference everyone else sees becomes a different value."""
    from engage.accounts.passwords import hash_password

    with empty_app.app_context():
        upgrade(revision=BEFORE_FOLLOWUP_CODES)
        with db.engine.begin() as connection:
            submission_id = _insert_submission(
                connection, "Night staffing", hash_password("lantern orchard velvet")
            )
            connection.execute(
                sa.text(
                    "INSERT INTO audit_events (id, occurred_at, action, target_type, target_id, "
                    "summary, detail) VALUES (77, :day, 'submission.acknowledged', 'Submission', "
                    ":target, 'CN-TEST-0001 acknowledged', '{}')"
                ),
                {"day": date.today(), "target": str(submission_id)},
            )
        upgrade()
        with db.engine.connect() as connection:
            reference, summary = connection.execute(
                sa.text(
                    "SELECT reference, summary FROM submissions JOIN audit_events "
                    "ON audit_events.target_id = CAST(submissions.id AS VARCHAR(60))"
                )
            ).one()
        db.session.remove()
    assert reference != "CN-TEST-0001" and reference.startswith("CN-")
    assert summary == f"{reference} acknowledged"
    visitor = empty_app.test_client()
    by_old_reference = visitor.post(
        "/check", data={"reference": "cn test 0001", "passphrase": "lantern orchard velvet"}
    )
    assert by_old_reference.status_code == 302
    assert "Night staffing" in visitor.get("/check/case").get_data(as_text=True)
    by_new_reference = empty_app.test_client().post(
        "/check", data={"reference": reference, "passphrase": "lantern orchard velvet"}
    )
    assert by_new_reference.status_code == 200


def _insert_handler(
    connection: sa.Connection, name: str, role: str, *, unit: int = 0, directorate: int = 0
) -> int:
    """A user, and a leader's scope over `unit` or `directorate` when one is given."""
    user_id = connection.execute(
        sa.text(
            "INSERT INTO users (email, name, role, active, created_at) "
            "VALUES (:email, :name, :role, true, :now) RETURNING id"
        ),
        {
            "email": f"{name.replace(' ', '.')}@test.nhs.uk",
            "name": name,
            "role": role,
            "now": date.today(),
        },
    ).scalar_one()
    if unit or directorate:
        connection.execute(
            sa.text(
                "INSERT INTO leader_scopes (user_id, unit_id, directorate_id) "
                "VALUES (:user, :unit, :directorate)"
            ),
            {"user": user_id, "unit": unit or None, "directorate": directorate or None},
        )
    return int(user_id)


def test_existing_replies_are_signed_as_they_read_before(empty_app: Flask) -> None:
    """Each handler's reply keeps the signature the page showed before the column existed:
    name and role on an open item, the role only on an anonymous one; submitters' messages
    have none."""
    with empty_app.app_context():
        upgrade(revision=BEFORE_SIGNED_REPLIES)
        with db.engine.begin() as connection:
            anonymous = _insert_submission(connection, "Night staffing", legacy=False)
            unit, directorate = connection.execute(
                sa.text("SELECT units.id, directorate_id FROM units")
            ).one()
            raiser = _insert_handler(connection, "Rae Raiser", "staff")
            connection.execute(
                sa.text(
                    "INSERT INTO submissions (id, reference, kind, mode, queue, status, title, "
                    "description, unit_id, theme_id, patient_safety, submitted_on, submitter_id) "
                    "SELECT 5151, 'ID-TEST-0002', 'idea', 'open', 'leaders', status, 'Open', "
                    "description, unit_id, theme_id, false, submitted_on, :raiser FROM submissions"
                ),
                {"raiser": raiser},
            )
            authors = {
                "unit leader": _insert_handler(connection, "Sam Jones", "leader", unit=unit),
                "directorate leader": _insert_handler(
                    connection, "Alex Lead", "leader", directorate=directorate
                ),
                "guardian": _insert_handler(connection, "Gerry Guardian", "guardian"),
            }
            written = [
                (21, 5151, "handler", authors["unit leader"]),
                (22, anonymous, "handler", authors["unit leader"]),
                (23, anonymous, "handler", authors["directorate leader"]),
                (24, anonymous, "handler", authors["guardian"]),
                (25, anonymous, "handler", None),
                (26, anonymous, "submitter", None),
            ]
            for position, (message_id, submission, role, author) in enumerate(written, 1):
                _insert_message(
                    connection, submission, message_id, position, "Hello", role=role, author=author
                )
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, signed_as FROM messages")).all()
            signed = {message_id: signed_as for message_id, signed_as in rows}
        db.session.remove()
    assert signed == {
        21: "Sam Jones (Leader, Ward 7)",
        22: "Leader, Ward 7",
        23: "Directorate leader, Surgery",
        24: "Freedom to Speak Up guardian",
        25: "a former member of the team handling it",
        26: None,
    }


def test_existing_decisions_are_signed_as_they_read_before(empty_app: Flask) -> None:
    """The response panel's "by ..." keeps what it showed before the column existed: name and
    role on an open item, the role only on an anonymous one, "former" for a deleted decider."""
    with empty_app.app_context():
        upgrade(revision=BEFORE_SIGNED_REPLIES)
        with db.engine.begin() as connection:
            anonymous = _insert_submission(connection, "Night staffing", legacy=False)
            unit = connection.execute(sa.text("SELECT id FROM units")).scalar_one()
            raiser = {"raiser": _insert_handler(connection, "Rae Raiser", "staff")}
            connection.execute(
                sa.text(
                    "INSERT INTO submissions (id, reference, kind, mode, queue, status, title, "
                    "description, unit_id, theme_id, patient_safety, submitted_on, submitter_id) "
                    "SELECT 5151, 'ID-TEST-0002', 'idea', 'open', 'leaders', status, 'Open', "
                    "description, unit_id, theme_id, false, submitted_on, :raiser "
                    "FROM submissions"
                ),
                raiser,
            )
            connection.execute(
                sa.text(
                    "INSERT INTO submissions (id, reference, kind, mode, queue, status, title, "
                    "description, unit_id, theme_id, patient_safety, submitted_on, submitter_id) "
                    "SELECT 5252, 'ID-TEST-0003', 'idea', 'open', 'leaders', status, 'Gone', "
                    "description, unit_id, theme_id, false, submitted_on, :raiser "
                    "FROM submissions WHERE id = 5151"
                ),
                raiser,
            )
            leader = _insert_handler(connection, "Sam Jones", "leader", unit=unit)
            for submission, decider in ((5151, leader), (anonymous, leader), (5252, None)):
                connection.execute(
                    sa.text(
                        "INSERT INTO decisions (submission_id, outcome, response, "
                        "decided_by_id, decided_on, decided_at) VALUES (:submission, 'adopt', "
                        "'We will', :decider, :today, :today)"
                    ),
                    {"submission": submission, "decider": decider, "today": date.today()},
                )
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT submission_id, signed_as FROM decisions"))
            signed = {submission: signed_as for submission, signed_as in rows}
        db.session.remove()
    assert signed == {
        5151: "Sam Jones (Leader, Ward 7)",
        anonymous: "Leader, Ward 7",
        5252: "a former member of the team handling it",
    }


BEFORE_EXPECTS_REPLY = "a8d4e2c6b9f3"


def test_feedback_answers_already_given_ask_for_no_reply(empty_app: Flask) -> None:
    """An answer after the guardian's question asks for no reply; one given while a message of
    theirs still waited for a reply, and every other message, still asks for one."""
    question = "Given your experience, would you speak up again?"
    detriment = "Have you experienced any detriment as a result of speaking up?"
    with empty_app.app_context():
        upgrade(revision=BEFORE_EXPECTS_REPLY)
        with db.engine.begin() as connection:
            concern = _insert_submission(connection, "Night staffing", legacy=False)
            written = [
                (31, "handler", question),
                (32, "submitter", f"{question} Maybe"),  # straight after the question
                (33, "submitter", "And one more thing"),
                (34, "submitter", f"{question} Yes"),  # "one more thing" still waits
                (35, "handler", "Thank you"),
                (36, "submitter", "Have you experienced any detriment? Not the question"),
                (37, "handler", f"{detriment}"),
                (38, "submitter", f"{detriment} No"),  # both questions answered in a row
                (39, "submitter", f"{question} Yes"),
            ]
            for position, (message_id, role, body) in enumerate(written, 1):
                _insert_message(connection, concern, message_id, position, body, role=role)
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, expects_reply FROM messages")).all()
        db.session.remove()
    assert {message_id: bool(expects) for message_id, expects in rows} == {
        31: True,
        32: False,
        33: True,
        34: True,
        35: True,
        36: True,
        37: True,
        38: False,
        39: False,
    }
