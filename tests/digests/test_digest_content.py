"""What each role's digest says, against hand-counted fixtures: counts and links only, small
counts as "fewer than 5", and never the title or text of anything raised in confidence."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.digests import preferences
from engage.digests.models import Digest, DigestKind, Frequency
from engage.digests.preferences import DigestChoice
from engage.digests.schedule import Period
from engage.digests.sending import send_digests as send_unsaved
from engage.extensions import db
from engage.responses.models import Publication
from engage.submissions.models import Kind, SpeakUpMode, Status
from engage.submissions.workflow import change_status
from engage.timeutil import utcnow
from tests.digests.helpers import outbox_to
from tests.factories.accounts import make_user
from tests.factories.organisation import make_unit
from tests.factories.responses import make_action
from tests.factories.submissions import make_submission

SECRET = "Marigold"  # in the title and text of every confidential or anonymous item


def _this_week() -> Period:
    today = utcnow().date()
    return Period(
        Frequency.WEEKLY,
        today + timedelta(days=1),
        today - timedelta(days=6),
        today + timedelta(days=1),
    )


def send_digests(kind: DigestKind, period: Period) -> int:
    sent = send_unsaved(kind, period)
    db.session.commit()  # as the job does, before the request context ends
    return sent


def _digest(user: User, kind: DigestKind) -> Digest:
    found = db.session.scalar(
        select(Digest).where(Digest.recipient_id == user.id, Digest.kind == kind.value)
    )
    assert found is not None, f"no {kind.value} digest for {user.email}"
    return found


def _cells(digest: Digest) -> str:
    return " ".join(digest.body_html.split())


def test_the_leader_digest_counts_their_units_only(app: Flask, db_session: object) -> None:
    ward, elsewhere = make_unit("Ward 7"), make_unit("Ward 9")
    leader = make_user(Role.LEADER, leads_units=(ward,))
    raiser = make_user(unit=ward)
    for _ in range(6):
        make_submission(raiser, title="Open idea about lockers")
    make_submission(
        raiser,
        mode=SpeakUpMode.ANONYMOUS,
        title=f"{SECRET} anonymous idea",
        description=f"{SECRET} text",
    )
    make_submission(
        raiser,
        mode=SpeakUpMode.CONFIDENTIAL,
        title=f"{SECRET} confidential idea",
        description=f"{SECRET} text",
    )
    concern = make_submission(raiser, kind=Kind.CONCERN, title="Open concern about rotas")
    make_action(concern, owner=leader, due_in_days=3)
    late = make_submission(raiser, title="Late idea")
    late.submitted_on = utcnow().date() - timedelta(days=40)
    db.session.commit()
    for _ in range(3):
        make_submission(make_user(unit=elsewhere), title="Not this leader's")
    with app.test_request_context():
        assert send_digests(DigestKind.LEADER, _this_week()) == 1
    digest = _digest(leader, DigestKind.LEADER)
    text, html = digest.body_text, _cells(digest)
    assert "Ward 7" in text and "Ward 9" not in text
    assert "New ideas: 8" in text, "six open, one anonymous, one confidential"
    assert "New concerns: fewer than 5" in text
    assert "Waiting to be acknowledged: 10" in text
    assert "Overdue: fewer than 5" in text
    assert "Escalated: none" in text
    assert "Actions due this week: fewer than 5" in text
    assert "<td>8</td>" in html and "<td>fewer than 5</td>" in html
    assert '<th scope="row">Waiting to be acknowledged</th><td>10</td>' in html
    for part in (text, html, digest.subject):
        assert SECRET not in part and "lockers" not in part, "titles never appear"
    [mail] = outbox_to(leader.email)
    assert SECRET not in mail.body and "/inbox?unit_id=" in mail.body
    assert "/digests/unsubscribe/" in mail.body


def test_the_leader_digest_follows_the_threshold_setting(
    app: Flask, db_session: object, threshold_of_3: None
) -> None:
    ward = make_unit("Ward 3")
    leader = make_user(Role.LEADER, leads_units=(ward,))
    raiser = make_user(unit=ward)
    for _ in range(3):
        make_submission(raiser, title="Idea")
    for _ in range(2):
        make_submission(raiser, kind=Kind.CONCERN, title="Concern")
    with app.test_request_context():
        assert send_digests(DigestKind.LEADER, _this_week()) == 1
    digest = _digest(leader, DigestKind.LEADER)
    text, html = digest.body_text, _cells(digest)
    assert "New ideas: 3" in text, "3 is not small when the threshold is 3"
    assert "New concerns: fewer than 3" in text
    assert "Escalated: none" in text, "a zero still reads none"
    assert "<td>3</td>" in html and "<td>fewer than 3</td>" in html
    assert "fewer than 5" not in text + html


def test_the_guardian_digest_shows_concerns_by_theme_without_text(
    app: Flask, db_session: object
) -> None:
    guardian = make_user(Role.GUARDIAN)
    raiser = make_user()
    for mode in (SpeakUpMode.CONFIDENTIAL, SpeakUpMode.ANONYMOUS, SpeakUpMode.CONFIDENTIAL):
        make_submission(
            raiser,
            kind=Kind.CONCERN,
            mode=mode,
            title=f"{SECRET} concern",
            description=f"{SECRET} details",
            theme_name="Bullying or harassment",
        )
    for _ in range(5):
        make_submission(
            raiser, kind=Kind.CONCERN, title="Rota gaps", theme_name="Staffing and workload"
        )
    with app.test_request_context():
        assert send_digests(DigestKind.GUARDIAN, _this_week()) == 1
    digest = _digest(guardian, DigestKind.GUARDIAN)
    text = digest.body_text
    covered = _this_week().days_covered_in_a_sentence
    assert covered.startswith("from ")
    assert f"Hello {guardian.name}. What came in across the trust {covered}, and what" in text
    assert "Bullying or harassment: fewer than 5" in text
    assert "Staffing and workload: 5" in text
    assert "New concerns by theme: 8" in text
    assert "Waiting to be acknowledged: fewer than 5" in text, "the three in the guardian's queue"
    for part in (text, digest.body_html, outbox_to(guardian.email)[0].body):
        assert SECRET not in part and "Rota gaps" not in part


def test_the_staff_digest_quotes_open_outcomes_only_and_names_own_items_by_reference(
    app: Flask, db_session: object
) -> None:
    ward = make_unit("Ward 7")
    neighbour = make_unit("Ward 8", directorate=ward.directorate)
    leader = make_user(Role.LEADER, leads_units=(ward, neighbour))
    reader = make_user(unit=ward)
    preferences.set_digest(reader, DigestKind.STAFF, DigestChoice(True, Frequency.WEEKLY))
    db.session.commit()
    open_idea = make_submission(make_user(unit=ward), title="Lockers")
    hidden = make_submission(
        make_user(unit=ward),
        kind=Kind.CONCERN,
        mode=SpeakUpMode.CONFIDENTIAL,
        title=f"{SECRET} concern",
    )
    next_door = make_submission(make_user(unit=neighbour), title="Parking")
    today = utcnow().date()
    for item, you_said, we_did in (
        (open_idea, "You asked for lockers", "We fitted twenty lockers"),
        (hidden, f"{SECRET} said privately", f"{SECRET} fixed privately"),
        (next_door, "Parking", "More spaces"),
    ):
        db.session.add(
            Publication(
                submission_id=item.id,
                unit_id=item.unit_id,
                theme_id=item.theme_id,
                you_said=you_said,
                we_did=we_did,
                published_on=today,
                published_by_id=leader.id,
            )
        )
    mine = make_submission(reader, title=f"{SECRET} my own idea")
    private = make_submission(reader, mode=SpeakUpMode.CONFIDENTIAL, title=f"{SECRET} private")
    db.session.commit()
    with app.test_request_context():
        change_status(leader, mine.id, Status.ACKNOWLEDGED)
        change_status(leader, private.id, Status.ACKNOWLEDGED)
        assert send_digests(DigestKind.STAFF, _this_week()) == 1
    digest = _digest(reader, DigestKind.STAFF)
    text = digest.body_text
    assert "You said: You asked for lockers" in text and "We fitted twenty lockers" in text
    assert "raised in confidence" in text
    assert "Ward 8: fewer than 5 outcomes published" in text
    assert f"{mine.reference}: Acknowledged" in text
    assert "Something you raised in confidence: Acknowledged" in text
    assert private.reference not in text and private.reference not in digest.body_html
    for part in (text, digest.body_html):
        assert SECRET not in part
    assert (
        db.session.scalar(
            select(Digest).where(Digest.recipient_id == leader.id, Digest.kind == "staff")
        )
        is None
    ), "opt-in"


def test_nobody_gets_a_digest_they_turned_off(app: Flask, db_session: object) -> None:
    leader = make_user(Role.LEADER, leads_units=(make_unit(),))
    preferences.set_digest(leader, DigestKind.LEADER, DigestChoice(False, Frequency.WEEKLY))
    db.session.commit()
    make_user(Role.LEADER, leads_units=(make_unit(),), active=False)
    with app.test_request_context():
        assert send_digests(DigestKind.LEADER, _this_week()) == 0
    assert db.session.scalar(select(Digest.id)) is None


def test_an_item_submitted_on_the_send_day_waits_for_the_next_digest(
    app: Flask, db_session: object
) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    preferences.set_digest(leader, DigestKind.LEADER, DigestChoice(True, Frequency.DAILY))
    make_submission(make_user(unit=ward))
    today = utcnow().date()
    ends_today = Period(Frequency.DAILY, today, today - timedelta(days=1), today)
    with app.test_request_context():
        send_digests(DigestKind.LEADER, ends_today)
    text = _digest(leader, DigestKind.LEADER).body_text
    assert "New ideas: none" in text, "today's item belongs to tomorrow's digest"
    assert "Waiting to be acknowledged: fewer than 5" in text


def test_the_leader_digest_lists_the_spc_signals_for_their_units_only(
    app: Flask, db_session: object
) -> None:
    from engage.metrics.models import NO_THEME, Level, MetricSnapshot
    from engage.metrics.registry import metric_named

    ward, elsewhere = make_unit("Ward 7"), make_unit("Ward 9")
    leader = make_user(Role.LEADER, leads_units=(ward,))
    first_week = date(2026, 1, 5)
    steady = [45, 55, 48, 52, 50, 47, 53, 49, 51, 46, 54, 50, 48, 52, 47, 53, 50, 49, 51, 50]
    shifted = [*steady, 68, 70, 66, 71, 69, 67, 70]  # longer to decide: a concern
    for unit in (ward, elsewhere):
        for number, value in enumerate(shifted):
            db.session.add(
                MetricSnapshot(
                    level=Level.UNIT.value,
                    entity_id=unit.id,
                    metric="median_days_to_decision",
                    theme_id=NO_THEME,
                    week_start=first_week + timedelta(weeks=number),
                    numerator=None,
                    denominator=10,
                    value=float(value),
                    computed_at=datetime(2026, 7, 20),
                )
            )
    db.session.commit()
    last_week = first_week + timedelta(weeks=len(shifted) - 1)
    monday_after = last_week + timedelta(days=7)
    period = Period(Frequency.WEEKLY, monday_after, last_week, monday_after)
    with app.test_request_context():
        assert send_digests(DigestKind.LEADER, period) == 1
    text = _digest(leader, DigestKind.LEADER).body_text
    title = metric_named("median_days_to_decision").title
    assert f"- Ward 7: {title}: special cause concern since 25 May 2026" in text
    assert "Ward 9" not in text
    assert f"{title}: special cause concern" in _digest(leader, DigestKind.LEADER).body_html
