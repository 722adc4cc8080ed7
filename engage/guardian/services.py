"""Case records: opening one for a concern in the guardian's queue or for a case raised
outside engage, editing it while it is open, its private entries, and closing it.

Every function takes the acting user, refuses anyone but a guardian, audits and commits once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, select

from engage.accounts.models import User
from engage.audit.services import record
from engage.errors import NotFound, ValidationFailed
from engage.extensions import db, get_by_id
from engage.guardian import feedback
from engage.guardian.access import get_case, require_guardian
from engage.guardian.models import (
    NOTE_MAX,
    OUTCOME_MAX,
    PERSON_MAX,
    SUMMARY_MAX,
    CaseEntry,
    Channel,
    DetrimentAnswer,
    EntryKind,
    GuardianCase,
    ReferralTo,
    SpeakUpAgain,
)
from engage.organisation.models import StaffGroup, Unit
from engage.pagination import Page, PageRequest, paginate
from engage.submissions import access
from engage.submissions.models import Kind, SpeakUpMode, Submission, Theme
from engage.timeutil import london_today, utcnow

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PATIENT_SAFETY_THEME = "Patient safety and quality"


def random_case_reference() -> str:
    """A case reference of the form GC-7KQ4-M2XD, not yet checked against those in use."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"GC-{body[:4]}-{body[4:]}"


def new_case_reference() -> str:
    while True:
        reference = random_case_reference()
        taken = select(GuardianCase.id).where(GuardianCase.reference == reference)
        if db.session.scalar(taken) is None:
            return reference


@dataclass(frozen=True)
class CaseDetails:
    theme_ids: list[int]
    unit_id: int | None = None
    staff_group_id: int | None = None
    detriment_indicated: bool = False
    summary: str = ""
    # Only for cases raised outside engage; a concern in engage keeps its own.
    channel: Channel | None = None
    mode: SpeakUpMode | None = None
    raised_on: date | None = None
    person: str = ""


def _closed_refusal(case: GuardianCase) -> None:
    if case.is_closed:
        raise ValidationFailed(
            f"Case {case.reference} was closed on {case.closed_on:%-d %B %Y}, so it can no "
            "longer be changed. Record the person's answers to the feedback questions below."
        )


def _checked_themes(theme_ids: list[int]) -> list[Theme]:
    themes = [get_by_id(Theme, theme_id) for theme_id in dict.fromkeys(theme_ids)]
    found = [theme for theme in themes if theme is not None]
    if not found:
        raise ValidationFailed("Choose at least one theme for the case", "theme_ids")
    return found


def _check_details(details: CaseDetails, outside_engage: bool) -> None:
    if details.unit_id is not None and get_by_id(Unit, details.unit_id) is None:
        raise ValidationFailed("Select a unit from the list", "unit_id")
    if details.staff_group_id is not None and get_by_id(StaffGroup, details.staff_group_id) is None:
        raise ValidationFailed("Select a worker group from the list", "staff_group_id")
    if len(details.summary) > SUMMARY_MAX:
        raise ValidationFailed(f"Summary must be {SUMMARY_MAX} characters or fewer", "summary")
    if not outside_engage:
        return
    if details.channel is None or details.channel is Channel.ENGAGE:
        raise ValidationFailed("Select how the case was raised", "channel")
    if details.mode is None:
        raise ValidationFailed(
            "Select whether it was raised openly, confidentially or anonymously", "mode"
        )
    if details.raised_on is None or details.raised_on > london_today():
        raise ValidationFailed("Enter the date it was raised, today or earlier", "raised_on")
    if not details.summary.strip():
        raise ValidationFailed("Summarise what was raised", "summary")
    if len(details.person) > PERSON_MAX:
        raise ValidationFailed(f"Who raised it must be {PERSON_MAX} characters or fewer", "person")
    if details.mode is SpeakUpMode.ANONYMOUS and details.person.strip():
        raise ValidationFailed(
            "An anonymous case keeps no name or contact details: leave this empty", "person"
        )


def create_case(actor: User, details: CaseDetails) -> GuardianCase:
    """A case raised outside engage: in person, by phone, by email or by letter."""
    require_guardian(actor)
    _check_details(details, outside_engage=True)
    themes = _checked_themes(details.theme_ids)
    assert details.channel is not None and details.mode is not None and details.raised_on
    case = GuardianCase(
        reference=new_case_reference(),
        channel=details.channel.value,
        mode=details.mode.value,
        raised_on=details.raised_on,
        unit_id=details.unit_id,
        staff_group_id=details.staff_group_id,
        summary=details.summary.strip(),
        person=details.person.strip() or None,
        detriment_indicated=details.detriment_indicated,
        created_on=utcnow().date(),
        themes=themes,
    )
    db.session.add(case)
    db.session.flush()
    record(actor, "guardian.case_created", case, f"Case {case.reference} recorded")
    db.session.commit()
    return case


def start_case_for(actor: User, submission_id: int) -> GuardianCase:
    """The case record of a concern the guardian handles; made the first time it is asked for."""
    require_guardian(actor)
    submission = get_by_id(Submission, submission_id)
    if submission is None:
        raise NotFound("There is no concern with that number.")
    if submission.kind_enum is not Kind.CONCERN or not access.can_handle(actor, submission):
        raise ValidationFailed("Only concerns that come to the guardian have case records")
    existing = case_for_submission(submission.id)
    if existing is not None:
        return existing
    themes = [submission.theme]
    if submission.patient_safety and submission.theme.name != PATIENT_SAFETY_THEME:
        safety = db.session.scalar(select(Theme).where(Theme.name == PATIENT_SAFETY_THEME))
        themes += [safety] if safety is not None else []
    submitter = submission.submitter
    case = GuardianCase(
        reference=new_case_reference(),
        submission_id=submission.id,
        channel=Channel.ENGAGE.value,
        mode=submission.mode,
        raised_on=submission.submitted_on,
        unit_id=submission.unit_id,
        staff_group_id=submitter.staff_group_id if submitter is not None else None,
        summary="",
        created_on=utcnow().date(),
        themes=themes,
    )
    db.session.add(case)
    db.session.flush()
    record(
        actor,
        "guardian.case_created",
        case,
        f"Case {case.reference} opened for {submission.reference}",
    )
    db.session.commit()
    return case


def case_for_submission(submission_id: int) -> GuardianCase | None:
    return db.session.scalar(
        select(GuardianCase).where(GuardianCase.submission_id == submission_id)
    )


def update_case(actor: User, case_id: int, details: CaseDetails) -> GuardianCase:
    case = get_case(actor, case_id)
    _closed_refusal(case)
    outside = case.submission_id is None
    _check_details(details, outside_engage=outside)
    themes = _checked_themes(details.theme_ids)
    before = _snapshot(case)
    case.themes = themes
    case.unit_id = details.unit_id
    case.staff_group_id = details.staff_group_id
    case.detriment_indicated = details.detriment_indicated
    case.summary = details.summary.strip()
    if outside:
        assert details.channel and details.mode and details.raised_on
        case.channel, case.mode = details.channel.value, details.mode.value
        case.raised_on = details.raised_on
        case.person = details.person.strip() or None
    record(
        actor,
        "guardian.case_updated",
        case,
        f"Case {case.reference} updated",
        detail={"before": before, "after": _snapshot(case)},
    )
    db.session.commit()
    return case


def _snapshot(case: GuardianCase) -> dict[str, object]:
    """What changed, for the audit: never the summary, the person or the notes."""
    return {
        "themes": [theme.name for theme in case.themes],
        "unit_id": case.unit_id,
        "staff_group_id": case.staff_group_id,
        "detriment_indicated": case.detriment_indicated,
        "mode": case.mode,
        "raised_on": case.raised_on.isoformat(),
    }


def add_entry(
    actor: User,
    case_id: int,
    kind: EntryKind,
    body: str,
    happened_on: date | None,
    referred_to: ReferralTo | None = None,
) -> CaseEntry:
    case = get_case(actor, case_id)
    _closed_refusal(case)
    body = (body or "").strip()
    if not body:
        raise ValidationFailed("Write what happened", "body")
    if len(body) > NOTE_MAX:
        raise ValidationFailed(f"The entry must be {NOTE_MAX} characters or fewer", "body")
    if happened_on is None or happened_on > london_today() or happened_on < case.raised_on:
        raise ValidationFailed(
            "Enter the date it happened, between the day the case was raised and today",
            "happened_on",
        )
    if kind is EntryKind.REFERRAL and referred_to is None:
        raise ValidationFailed("Select who it was referred to", "referred_to")
    if kind is not EntryKind.REFERRAL and referred_to is not None:  # never dropped unseen
        raise ValidationFailed(
            "Only a referral records who it was referred to: choose Referral as the kind of "
            "entry, or choose Not a referral here",
            "referred_to",
        )
    entry = CaseEntry(
        case_id=case.id,
        kind=kind.value,
        referred_to=referred_to.value if kind is EntryKind.REFERRAL and referred_to else None,
        body=body,
        happened_on=happened_on,
        author_id=actor.id,
        created_at=utcnow(),
    )
    db.session.add(entry)
    record(actor, "guardian.case_entry_added", case, f"{kind.label} added to {case.reference}")
    db.session.commit()
    return entry


def entries(case: GuardianCase) -> list[CaseEntry]:
    return list(
        db.session.scalars(
            select(CaseEntry)
            .where(CaseEntry.case_id == case.id)
            .order_by(CaseEntry.happened_on.desc(), CaseEntry.id.desc())
        )
    )


def close_case(actor: User, case_id: int, outcome: str) -> GuardianCase:
    """Close with the outcome; the person is asked "would you speak up again?" at once and,
    some months later (the scheduler), whether they have suffered detriment."""
    case = get_case(actor, case_id)
    _closed_refusal(case)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationFailed("Record the outcome before closing the case", "outcome")
    if len(outcome) > OUTCOME_MAX:
        raise ValidationFailed(f"Outcome must be {OUTCOME_MAX} characters or fewer", "outcome")
    today = utcnow().date()
    case.outcome = outcome
    case.closed_on = today
    case.detriment_question_due_on = feedback.detriment_question_due(today)
    asked = feedback.ask_speak_up_again(actor, case)
    record(
        actor,
        "guardian.case_closed",
        case,
        f"Case {case.reference} closed"
        + ("; asked whether they would speak up again" if asked else ""),
    )
    db.session.commit()
    return case


def record_answers(
    actor: User,
    case_id: int,
    speak_up_again: SpeakUpAgain | None,
    detriment: DetrimentAnswer | None,
) -> GuardianCase:
    """Answers given to the guardian in person or by phone (cases outside engage, or people
    who answered in the conversation's own words)."""
    case = get_case(actor, case_id)
    if not case.is_closed:
        raise ValidationFailed(
            "Answers to the feedback questions are recorded once the case is closed"
        )
    if speak_up_again is None and detriment is None:
        raise ValidationFailed("Select at least one answer", "speak_up_again")
    today = utcnow().date()
    if speak_up_again is not None:
        case.speak_up_again, case.speak_up_again_on = speak_up_again.value, today
    if detriment is not None:
        case.detriment_answer, case.detriment_answer_on = detriment.value, today
    record(actor, "guardian.feedback_recorded", case, f"Feedback recorded on {case.reference}")
    db.session.commit()
    return case


@dataclass(frozen=True)
class CaseFilter:
    state: str = "open"  # "open", "closed" or "all"


def cases_page(actor: User, filters: CaseFilter, page: PageRequest | int = 1) -> Page[GuardianCase]:
    require_guardian(actor)
    condition = GuardianCase.closed_on.is_(None)
    if filters.state == "closed":
        condition = GuardianCase.closed_on.is_not(None)
    elif filters.state == "all":
        condition = GuardianCase.id.is_not(None)
    order = [GuardianCase.raised_on.desc(), GuardianCase.reference]
    return paginate(GuardianCase, condition, order, page)


def concerns_without_case(actor: User, limit: int = 20) -> list[Submission]:
    """Concerns the guardian handles that have no case record yet, oldest first."""
    require_guardian(actor)
    has_case = exists().where(GuardianCase.submission_id == Submission.id)
    query = (
        select(Submission)
        .where(and_(access.handled_by(actor), Submission.kind == Kind.CONCERN.value, ~has_case))
        .order_by(Submission.submitted_on, Submission.reference)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def choices(actor: User) -> tuple[list[Theme], list[Unit], list[StaffGroup]]:
    require_guardian(actor)
    themes = db.session.scalars(select(Theme).order_by(Theme.position, Theme.name))
    units = db.session.scalars(select(Unit).order_by(Unit.name))
    groups = db.session.scalars(select(StaffGroup).order_by(StaffGroup.position, StaffGroup.name))
    return list(themes), list(units), list(groups)


def concerns_without_case_count(actor: User, start: date, end: date) -> int:
    require_guardian(actor)
    has_case = exists().where(GuardianCase.submission_id == Submission.id)
    query = select(func.count(Submission.id)).where(
        access.handled_by(actor),
        Submission.kind == Kind.CONCERN.value,
        Submission.submitted_on >= start,
        Submission.submitted_on < end,
        ~has_case,
    )
    return db.session.scalar(query) or 0
