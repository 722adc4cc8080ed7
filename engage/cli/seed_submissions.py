"""Two years of ideas and concerns for the demo trust, with the life each would have had."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.accounts.passwords import hash_password
from engage.extensions import db, random_id
from engage.organisation.models import Unit
from engage.submissions.models import (
    Comment,
    Kind,
    Message,
    Queue,
    SpeakUpMode,
    Status,
    StatusChange,
    Submission,
    Support,
    Theme,
)
from engage.submissions.references import followup_digest, new_reference
from engage.submissions.services import route_for

DEMO_ANONYMOUS_REFERENCE = "CN-7KQ4-M2XD"
# Its private follow-up code, published for the demo (a real one is shown once, to its author).
DEMO_ANONYMOUS_FOLLOWUP_CODE = "H3WR-6TNB-Q8ZK"
DEMO_ANONYMOUS_PASSPHRASE = "engage demo passphrase"
WEEKS = 104

IDEAS = {
    "Staffing and workload": [
        (
            "Float nurse for the twilight shift",
            "The 6pm to midnight gap leaves us short when admissions peak.",
        ),
        (
            "Shared rota app for swaps",
            "Swapping shifts takes days of emails; a shared rota would let us agree swaps directly.",
        ),
    ],
    "Equipment and environment": [
        (
            "Second bladder scanner",
            "We borrow the scanner from the next ward most nights and wait up to an hour.",
        ),
        ("Quiet room for breaks", "There is nowhere to sit away from the ward during breaks."),
        (
            "Better lighting in the sluice",
            "Two of the four lights have been out for weeks; it is hard to check equipment.",
        ),
    ],
    "Processes and systems": [
        (
            "Handover template on the electronic record",
            "A structured template would make handovers shorter and safer.",
        ),
        (
            "Discharge letters started the day before",
            "Starting letters the evening before would free beds earlier.",
        ),
        (
            "Pharmacy round before 11am",
            "Take-home medicines arrive after 3pm and delay discharges.",
        ),
    ],
    "Training and development": [
        (
            "Monthly simulation on the ward",
            "Short in-situ simulations would keep emergency skills fresh.",
        ),
        (
            "Buddy scheme for new starters",
            "Pair each new starter with an experienced colleague for their first month.",
        ),
    ],
    "Worker safety and wellbeing": [
        ("Hot food for night staff", "The canteen closes at 7pm; night staff have no hot food."),
        (
            "Water fountain on the corridor",
            "Staff do not drink enough on long shifts because water is far away.",
        ),
    ],
    "Patient safety and quality": [
        (
            "Falls sensors on high-risk beds",
            "Bed sensors would alert us before high-risk patients get up alone.",
        ),
        (
            "Red trays for patients needing help to eat",
            "Red trays would show who needs help at mealtimes.",
        ),
    ],
}
CONCERNS = {
    "Staffing and workload": [
        (
            "Unsafe staffing on nights",
            "Two registered nurses for 28 patients on most nights this month.",
        )
    ],
    "Bullying or harassment": [
        (
            "Shouting at handover",
            "A senior colleague regularly shouts at junior staff during handover.",
        )
    ],
    "Inappropriate attitudes and behaviours": [
        (
            "Dismissive comments about patients",
            "Some staff make dismissive comments about patients with dementia.",
        )
    ],
    "Worker safety and wellbeing": [
        (
            "Violence from visitors",
            "Visitors have threatened staff twice this week and security took 20 minutes.",
        )
    ],
    "Patient safety and quality": [
        (
            "Medication rounds interrupted",
            "Rounds are interrupted so often that doses are late or missed.",
        )
    ],
    "Equipment and environment": [
        (
            "Broken hoist",
            "The hoist in bay 3 has been broken for a fortnight; we lift patients manually.",
        )
    ],
}


def _day_time(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59)))


def _status_path(age_days: int, kind: Kind, rng: random.Random) -> list[Status]:
    """How far a submission of this age has got, as a believable sequence of statuses."""
    path = [Status.SUBMITTED]
    if age_days < 3 and rng.random() < 0.7:
        return path
    path.append(Status.ACKNOWLEDGED)
    if age_days < 14 and rng.random() < 0.6:
        return path
    path.append(Status.UNDER_REVIEW)
    if age_days < 45 and rng.random() < 0.5:
        return path
    if kind is Kind.IDEA and rng.random() < 0.25:
        return [*path, Status.NOT_TAKEN_FORWARD]
    path.append(Status.DECISION_MADE)
    if age_days > 90 and rng.random() < 0.8:
        path.append(Status.CLOSED)
    return path


def seed_submissions(rng: random.Random, today: date) -> int:
    units = list(db.session.scalars(select(Unit).order_by(Unit.id)))
    themes = {t.name: t for t in db.session.scalars(select(Theme))}
    staff_by_unit: dict[int, list[User]] = defaultdict(list)
    for user in db.session.scalars(select(User).where(User.role == Role.STAFF.value)):
        if user.unit_id is not None:
            staff_by_unit[user.unit_id].append(user)
    leaders = {
        scope.unit_id: user
        for user in db.session.scalars(select(User).where(User.role == Role.LEADER.value))
        for scope in user.scopes
    }
    guardian = db.session.scalar(select(User).where(User.role == Role.GUARDIAN.value))
    passphrase_hash = hash_password(DEMO_ANONYMOUS_PASSPHRASE)
    created = 0
    for week in range(WEEKS):
        # Participation grows over the two years as staff see their ideas acted on.
        rate = 0.5 + 0.6 * week / WEEKS
        for unit in units:
            for _ in range(_poisson(rng, rate * unit.headcount / 100)):
                day = today - timedelta(days=(WEEKS - week) * 7 - rng.randint(0, 6))
                submitter = rng.choice(staff_by_unit[unit.id])
                handler = guardian
                submission = _make(rng, unit, submitter, themes, day, passphrase_hash)
                if submission.queue_enum is Queue.LEADERS:
                    handler = leaders.get(unit.id, guardian)
                _live(rng, submission, handler, (today - day).days, staff_by_unit[unit.id])
                created += 1
    _demo_anonymous_concern(units[3], themes, today, passphrase_hash, guardian)
    return created + 1


def _poisson(rng: random.Random, mean: float) -> int:
    count, threshold, product = 0, 2.718281828 ** (-mean), rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def _make(
    rng: random.Random,
    unit: Unit,
    submitter: User,
    themes: dict[str, Theme],
    day: date,
    passphrase_hash: str,
) -> Submission:
    kind = Kind.IDEA if rng.random() < 0.68 else Kind.CONCERN
    catalogue = IDEAS if kind is Kind.IDEA else CONCERNS
    theme_name = rng.choice(list(catalogue))
    title, description = rng.choice(catalogue[theme_name])
    weights = (85, 10, 5) if kind is Kind.IDEA else (45, 30, 25)
    mode = rng.choices(list(SpeakUpMode), weights)[0]
    anonymous = mode is SpeakUpMode.ANONYMOUS
    submission = Submission(
        id=random_id(),
        reference=new_reference(kind),
        kind=kind.value,
        mode=mode.value,
        queue=route_for(kind, mode, to_guardian=rng.random() < 0.1).value,
        title=title,
        description=description,
        unit_id=unit.id,
        theme_id=themes[theme_name].id,
        patient_safety=theme_name == "Patient safety and quality" or rng.random() < 0.1,
        submitter_id=None if anonymous else submitter.id,
        submitted_on=day,
        submitted_at=None if anonymous else _day_time(day, rng),
        passphrase_hash=passphrase_hash if anonymous else None,
    )
    db.session.add(submission)
    db.session.flush()  # children refer to it by id, without a relationship to order them
    return submission


def _live(
    rng: random.Random,
    submission: Submission,
    handler: User | None,
    age_days: int,
    colleagues: list[User],
) -> None:
    path = _status_path(age_days, submission.kind_enum, rng)
    day = submission.submitted_on
    previous: str | None = None
    for position, status in enumerate(path):
        if position:
            day = min(
                day + timedelta(days=rng.randint(1, 12)),
                submission.submitted_on + timedelta(days=age_days),
            )
        anonymous_step = position == 0 and submission.is_anonymous
        db.session.add(
            StatusChange(
                submission_id=submission.id,
                from_status=previous,
                to_status=status.value,
                changed_by_id=None if position == 0 else (handler.id if handler else None),
                changed_on=day,
                changed_at=None if anonymous_step else _day_time(day, rng),
            )
        )
        previous = status.value
        if status is Status.ACKNOWLEDGED:
            submission.acknowledged_on = day
            _message(
                submission,
                handler,
                day,
                "Thank you for raising this. I am looking into it and will update you here.",
                rng,
            )
        if status.is_ending:
            submission.closed_on = day
        if status is Status.NOT_TAKEN_FORWARD:
            _message(
                submission,
                handler,
                day,
                "We have looked at this carefully but cannot take it forward now, because the budget for this year is committed. We will look again in the spring.",
                rng,
            )
    submission.status = path[-1].value
    if submission.kind_enum is Kind.IDEA and colleagues:
        for supporter in rng.sample(colleagues, min(len(colleagues), rng.randint(0, 12))):
            if supporter.id != submission.submitter_id:
                db.session.add(
                    Support(
                        submission_id=submission.id,
                        user_id=supporter.id,
                        created_on=submission.submitted_on + timedelta(days=rng.randint(0, 20)),
                    )
                )
        if rng.random() < 0.3:
            author = rng.choice(colleagues)
            db.session.add(
                Comment(
                    submission_id=submission.id,
                    author_id=author.id,
                    body="Yes please, this would make a real difference on nights.",
                    created_at=_day_time(submission.submitted_on + timedelta(days=1), rng),
                )
            )


def _message(
    submission: Submission,
    handler: User | None,
    day: date,
    body: str,
    rng: random.Random,
) -> None:
    submission.message_count = (submission.message_count or 0) + 1
    db.session.add(
        Message(
            id=random_id(),
            submission_id=submission.id,
            author_role="handler",
            author_id=handler.id if handler else None,
            body=body,
            sent_on=day,
            sent_at=_day_time(day, rng),
            position=submission.message_count,
        )
    )


def _demo_anonymous_concern(
    unit: Unit, themes: dict[str, Theme], today: date, passphrase_hash: str, guardian: User | None
) -> None:
    """A known anonymous concern, so that the "check" page can be tried in a demo."""
    day = today - timedelta(days=9)
    submission = Submission(
        id=random_id(),
        reference=DEMO_ANONYMOUS_REFERENCE,
        kind=Kind.CONCERN.value,
        mode=SpeakUpMode.ANONYMOUS.value,
        queue=Queue.GUARDIAN.value,
        status=Status.ACKNOWLEDGED.value,
        title="Staff too frightened to report errors",
        description="After the last incident review, several of us are afraid to report medication errors in case we are blamed.",
        unit_id=unit.id,
        theme_id=themes["Patient safety and quality"].id,
        patient_safety=True,
        submitter_id=None,
        submitted_on=day,
        submitted_at=None,
        acknowledged_on=day + timedelta(days=2),
        passphrase_hash=passphrase_hash,
        followup_digest=followup_digest(DEMO_ANONYMOUS_FOLLOWUP_CODE),
        message_count=1,
    )
    db.session.add(submission)
    db.session.flush()
    db.session.add(
        StatusChange(
            submission_id=submission.id,
            from_status=None,
            to_status=Status.SUBMITTED.value,
            changed_on=day,
        )
    )
    db.session.add(
        StatusChange(
            submission_id=submission.id,
            from_status=Status.SUBMITTED.value,
            to_status=Status.ACKNOWLEDGED.value,
            changed_by_id=guardian.id if guardian else None,
            changed_on=day + timedelta(days=2),
        )
    )
    db.session.add(
        Message(
            id=random_id(),
            submission_id=submission.id,
            author_role="handler",
            author_id=guardian.id if guardian else None,
            body="Thank you for telling me. I will raise the theme (not you) with the ward's leadership. Can you tell me which incident review you mean?",
            sent_on=day + timedelta(days=2),
            sent_at=datetime.combine(day + timedelta(days=2), time(10, 15)),
            position=1,
        )
    )
