"""Case records: started from a concern or recorded from outside engage, refused without a
theme, frozen once closed; closing asks "would you speak up again?" through the conversation
(anonymous submitters answer at /check), and the scheduler asks about detriment later."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import Role
from engage.extensions import db
from engage.guardian.feedback import QUESTIONS, add_months, send_due_detriment_questions
from engage.guardian.jobs import JOBS
from engage.guardian.models import CaseEntry, GuardianCase
from engage.scheduler.registry import LONDON
from engage.submissions import services
from engage.submissions.models import Kind, Message, SpeakUpMode, Submission
from engage.submissions.queries import unanswered_among
from engage.timeutil import london_today, utcnow
from tests.factories.accounts import make_user, sign_in
from tests.factories.forms import typed_date
from tests.factories.organisation import make_unit, staff_group
from tests.factories.submissions import PASSPHRASE, make_submission, reply, theme


def _start(client: FlaskClient, concern: Submission) -> GuardianCase:
    client.post(f"/guardian/cases/start/{concern.id}")
    case = db.session.scalar(select(GuardianCase).where(GuardianCase.submission_id == concern.id))
    assert case is not None
    return case


def test_starting_a_case_twice_gives_the_same_record(client: FlaskClient) -> None:
    concern = make_submission(
        make_user(), kind=Kind.CONCERN, mode=SpeakUpMode.ANONYMOUS, patient_safety=True
    )
    sign_in(client, make_user(Role.GUARDIAN))
    first, second = _start(client, concern), _start(client, concern)
    assert first.id == second.id
    assert db.session.scalar(select(func.count(GuardianCase.id))) == 1
    assert {t.name for t in first.themes} == {"Staffing and workload", "Patient safety and quality"}
    assert first.mode == "anonymous" and first.staff_group_id is None
    page = client.get(f"/guardian/cases/{first.id}").get_data(as_text=True)
    assert f'<a href="/submissions/{concern.id}">{concern.reference}</a>' in page
    assert "&lt;a href" not in page
    assert "Not recorded (counted as not known in the return)" in page  # no worker group


def test_a_case_raised_outside_engage_says_so_where_the_concern_would_be(
    client: FlaskClient,
) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    client.post("/guardian/cases/new", data=_outside_form())
    case = db.session.scalar(select(GuardianCase))
    assert case is not None
    page = client.get(f"/guardian/cases/{case.id}").get_data(as_text=True)
    assert "None: raised outside engage" in page


def _outside_form(raised_on: date | None = None, **changes: str) -> dict[str, object]:
    form: dict[str, object] = {
        **typed_date("raised_on", raised_on or utcnow().date() - timedelta(days=3)),
        "channel": "phone",
        "mode": "confidential",
        "person": "Alex Example, 07700 900123",
        "theme_ids": [str(theme("Bullying or harassment").id)],
        "unit_id": "",
        "staff_group_id": str(staff_group("Students").id),
        "summary": "Described being shouted at during handover.",
        "detriment_indicated": "y",
    }
    form.update(changes)
    return form


def test_a_case_raised_outside_engage_is_recorded(client: FlaskClient) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    response = client.post("/guardian/cases/new", data=_outside_form())
    assert response.status_code == 302
    case = db.session.scalar(select(GuardianCase))
    assert case is not None and case.channel == "phone" and case.detriment_indicated
    assert [t.name for t in case.themes] == ["Bullying or harassment"]


def test_a_case_with_no_theme_is_refused_and_keeps_what_was_typed(client: FlaskClient) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    form = _outside_form(summary="Kept as typed")
    form.pop("theme_ids")
    response = client.post("/guardian/cases/new", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose at least one theme for the case" in page
    assert "Kept as typed" in page
    assert db.session.scalar(select(func.count(GuardianCase.id))) == 0
    # And a theme that does not exist is no theme either.
    response = client.post("/guardian/cases/new", data=_outside_form(theme_ids=["999999"]))
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(GuardianCase.id))) == 0


def test_an_anonymous_case_keeps_no_name(client: FlaskClient) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    response = client.post("/guardian/cases/new", data=_outside_form(mode="anonymous"))
    assert response.status_code == 400
    assert "An anonymous case keeps no name" in response.get_data(as_text=True)
    future = london_today() + timedelta(days=1)
    response = client.post("/guardian/cases/new", data=_outside_form(raised_on=future))
    assert "Date raised must be today or in the past" in response.get_data(as_text=True)


def test_entries_are_kept_and_a_referral_names_where_it_went(client: FlaskClient) -> None:
    concern = make_submission(make_user(), kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL)
    sign_in(client, make_user(Role.GUARDIAN))
    case = _start(client, concern)
    today = typed_date("happened_on", london_today())
    refused = client.post(
        f"/guardian/cases/{case.id}/entries",
        data={"kind": "referral", "referred_to": "", **today, "body": "Sent on"},
    )
    assert refused.status_code == 400
    assert "Select who it was referred to" in refused.get_data(as_text=True)
    client.post(
        f"/guardian/cases/{case.id}/entries",
        data={"kind": "referral", "referred_to": "hr", **today, "body": "Sent on"},
    )
    page = client.get(f"/guardian/cases/{case.id}").get_data(as_text=True)
    assert "Referral: Human resources" in page
    note = client.post(
        f"/guardian/cases/{case.id}/entries",
        data={"kind": "note", "referred_to": "hr", **today, "body": "Kept to myself"},
    )
    assert note.status_code == 400, "a referral target on a note is not dropped unseen"
    assert "Only a referral records who it was referred to" in note.get_data(as_text=True)
    assert "Kept to myself" in note.get_data(as_text=True), "what was typed is kept"


def test_a_closed_case_cannot_be_edited(client: FlaskClient) -> None:
    concern = make_submission(make_user(), kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL)
    sign_in(client, make_user(Role.GUARDIAN))
    case = _start(client, concern)
    refused = client.post(f"/guardian/cases/{case.id}/close", data={"outcome": "  "})
    assert refused.status_code == 400
    assert "Record the outcome before closing the case" in refused.get_data(as_text=True)
    assert (
        client.post(f"/guardian/cases/{case.id}/close", data={"outcome": "Resolved"}).status_code
        == 302
    )

    opened = client.get(f"/guardian/cases/{case.id}/edit", follow_redirects=True)
    assert opened.request.path == f"/guardian/cases/{case.id}"  # no form that cannot be saved
    assert "is closed, so it can no longer be changed" in opened.get_data(as_text=True)
    edit = client.post(
        f"/guardian/cases/{case.id}/edit",
        data={"theme_ids": [str(theme("Other").id)], "summary": "Changed afterwards"},
    )
    assert edit.status_code == 400
    assert "was closed on" in edit.get_data(as_text=True)
    entry = client.post(
        f"/guardian/cases/{case.id}/entries",
        data={"kind": "note", **typed_date("happened_on", london_today()), "body": "Late"},
    )
    assert entry.status_code == 400 and "can no longer be changed" in entry.get_data(as_text=True)
    again = client.post(f"/guardian/cases/{case.id}/close", data={"outcome": "Twice"})
    assert again.status_code == 400
    db.session.expire_all()
    stored = db.session.get(GuardianCase, case.id)
    assert stored is not None and stored.summary == "" and stored.outcome == "Resolved"
    assert [t.name for t in stored.themes] == ["Staffing and workload"]
    assert db.session.scalar(select(func.count(CaseEntry.id))) == 0


def test_closing_asks_the_person_and_their_answer_is_counted(client: FlaskClient) -> None:
    raiser = make_user()
    concern = make_submission(raiser, kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL)
    sign_in(client, make_user(Role.GUARDIAN))
    case = _start(client, concern)
    client.post(f"/guardian/cases/{case.id}/close", data={"outcome": "Rota changed"})
    client.post("/sign-out")

    sign_in(client, raiser)
    page = client.get(f"/submissions/{concern.id}").get_data(as_text=True)
    assert QUESTIONS["speak_up_again"] in page  # in the conversation and as buttons
    bad = client.post(
        f"/submissions/{concern.id}/ftsu-answer",
        data={"question": "speak_up_again", "answer": "perhaps"},
    )
    assert "Choose one of the answers" in client.get(bad.location).get_data(as_text=True)
    client.post(
        f"/submissions/{concern.id}/ftsu-answer",
        data={"question": "speak_up_again", "answer": "maybe"},
    )
    db.session.expire_all()
    stored = db.session.get(GuardianCase, case.id)
    assert stored is not None and stored.speak_up_again == "maybe"
    assert stored.speak_up_again_on == utcnow().date()
    twice = client.post(
        f"/submissions/{concern.id}/ftsu-answer",
        data={"question": "speak_up_again", "answer": "no"},
    )
    assert "already been answered" in client.get(twice.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(GuardianCase, case.id).speak_up_again == "maybe"  # type: ignore[union-attr]


def test_someone_else_cannot_answer_for_the_person(client: FlaskClient) -> None:
    concern = make_submission(
        make_user(), kind=Kind.CONCERN, mode=SpeakUpMode.OPEN, to_guardian=True
    )
    sign_in(client, make_user(Role.GUARDIAN))
    case = _start(client, concern)
    client.post(f"/guardian/cases/{case.id}/close", data={"outcome": "Done"})
    response = client.post(
        f"/submissions/{concern.id}/ftsu-answer",
        data={"question": "speak_up_again", "answer": "no"},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(GuardianCase, case.id).speak_up_again is None  # type: ignore[union-attr]


def test_the_detriment_question_is_sent_on_its_day_once_and_answered_anonymously(
    app: Flask, client: FlaskClient
) -> None:
    raiser = make_user()
    receipt = services.submit(
        raiser,
        services.NewSubmission(
            kind=Kind.CONCERN,
            title="Night staffing",
            description="Two nurses for 28 patients.",
            unit_id=raiser.unit_id,  # type: ignore[arg-type]
            theme_id=theme().id,
            patient_safety=False,
            mode=SpeakUpMode.ANONYMOUS,
            passphrase=PASSPHRASE,
        ),
    )
    concern = db.session.get(Submission, receipt.submission_id)
    assert concern is not None and receipt.followup_code
    sign_in(client, make_user(Role.GUARDIAN))
    case = _start(client, concern)
    client.post(f"/guardian/cases/{case.id}/close", data={"outcome": "Resolved"})
    db.session.expire_all()
    closed = db.session.get(GuardianCase, case.id)
    assert closed is not None and closed.detriment_question_due_on == add_months(utcnow().date(), 3)
    due = closed.detriment_question_due_on

    with app.app_context():
        assert send_due_detriment_questions(due - timedelta(days=1)) == 0
        assert send_due_detriment_questions(due) == 1
        assert send_due_detriment_questions(due + timedelta(days=1)) == 0  # asked once
    asked = db.session.scalars(
        select(Message).where(
            Message.submission_id == concern.id, Message.body.startswith(QUESTIONS["detriment"])
        )
    ).all()
    assert len(asked) == 1

    visitor = app.test_client()
    visitor.post("/check", data={"reference": receipt.followup_code, "passphrase": PASSPHRASE})
    page = visitor.get("/check/case").get_data(as_text=True)
    assert QUESTIONS["detriment"] in page and QUESTIONS["speak_up_again"] in page
    visitor.post("/check/case/answer", data={"question": "detriment", "answer": "no"})
    visitor.post("/check/case/answer", data={"question": "speak_up_again", "answer": "yes"})
    db.session.expire_all()
    answered = db.session.get(GuardianCase, case.id)
    assert answered is not None
    assert (answered.detriment_answer, answered.speak_up_again) == ("no", "yes")
    # The anonymous answers keep no author and no time of day.
    replies = db.session.scalars(
        select(Message).where(
            Message.submission_id == concern.id, Message.author_role == "submitter"
        )
    ).all()
    assert len(replies) == 2
    assert all(m.author_id is None and m.sent_at is None for m in replies)


def test_the_job_is_declared_for_the_scheduler(app_context: None) -> None:
    assert [job.name for job in JOBS] == ["guardian.detriment_question"]
    concern = make_submission(make_user(), kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL)
    case = GuardianCase(
        reference="GC-TEST-0001",
        submission_id=concern.id,
        channel="engage",
        mode="confidential",
        raised_on=date(2026, 1, 5),
        summary="",
        created_on=date(2026, 1, 5),
        closed_on=date(2026, 2, 1),
        outcome="Done",
        detriment_question_due_on=date(2026, 5, 1),
        themes=[theme()],
    )
    db.session.add(case)
    db.session.commit()
    # 00:30 in London on 1 May is still 30 April in UTC: the job works in London's days.
    london = datetime(2026, 5, 1, 0, 30, tzinfo=LONDON)
    assert JOBS[0].run(london - timedelta(days=1)) == {"asked": 0}
    assert JOBS[0].run(london) == {"asked": 1}
    assert JOBS[0].run(london) == {"asked": 0}


def test_a_case_raised_outside_engage_records_answers_by_hand(client: FlaskClient) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    client.post("/guardian/cases/new", data=_outside_form())
    case = db.session.scalar(select(GuardianCase))
    assert case is not None
    early = client.post(f"/guardian/cases/{case.id}/answers", data={"speak_up_again": "yes"})
    assert early.status_code == 400
    client.post(f"/guardian/cases/{case.id}/close", data={"outcome": "Resolved"})
    client.post(f"/guardian/cases/{case.id}/answers", data={"speak_up_again": "yes"})
    db.session.expire_all()
    assert db.session.get(GuardianCase, case.id).speak_up_again == "yes"  # type: ignore[union-attr]


def test_add_months_keeps_to_the_end_of_short_months() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2026, 5, 31), 3) == date(2026, 8, 31)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


def test_a_unit_from_elsewhere_is_fine_but_a_made_up_one_is_not(client: FlaskClient) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    ok = client.post("/guardian/cases/new", data=_outside_form(unit_id=str(make_unit().id)))
    assert ok.status_code == 302
    bad = client.post("/guardian/cases/new", data=_outside_form(unit_id="999999"))
    assert bad.status_code == 400


def test_closing_a_case_whose_concern_awaits_a_decision_says_so_until_it_is_decided(
    client: FlaskClient,
) -> None:
    concern = make_submission(make_user(), kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL)
    guardian = make_user(Role.GUARDIAN)
    sign_in(client, guardian)
    case = _start(client, concern)
    closed = client.post(
        f"/guardian/cases/{case.id}/close", data={"outcome": "Rota changed"}, follow_redirects=True
    )
    page = closed.get_data(as_text=True)
    assert f"Its concern {concern.reference} still waits for a decision" in page  # the banner
    assert page.count("still waits for a decision") == 2  # and beside the case record

    decided = client.post(
        f"/submissions/{concern.id}/decision",
        data={"outcome": "adopt", "response": "The rota has changed."},
    )
    assert decided.status_code == 302
    assert "still waits for a decision" not in client.get(f"/guardian/cases/{case.id}").get_data(
        as_text=True
    )


def test_an_answer_to_a_feedback_question_is_not_a_message_to_answer(
    client: FlaskClient,
) -> None:
    raiser = make_user()
    answered, waiting = (
        make_submission(raiser, kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL, title=title)
        for title in ("Answered only", "Wrote first")
    )
    sign_in(client, make_user(Role.GUARDIAN))
    for concern in (answered, waiting):
        case = _start(client, concern)
        client.post(f"/guardian/cases/{case.id}/close", data={"outcome": "Rota changed"})
    client.post("/sign-out")

    reply(client, raiser, waiting.id, "One more thing: nights are still short.")
    sign_in(client, raiser)
    for concern in (answered, waiting):
        client.post(
            f"/submissions/{concern.id}/ftsu-answer",
            data={"question": "speak_up_again", "answer": "maybe"},
        )

    db.session.expire_all()
    cases = db.session.scalars(select(GuardianCase)).all()
    assert [case.speak_up_again for case in cases] == ["maybe", "maybe"]
    last = [db.session.get(Submission, c.id).message_count for c in (answered, waiting)]  # type: ignore[union-attr]
    assert all(count >= 2 for count in last), "the answers are in the conversations"
    # Only the message written before the answer still waits for the guardian's reply.
    with client.application.test_request_context():
        assert unanswered_among([answered.id, waiting.id]) == {waiting.id}
