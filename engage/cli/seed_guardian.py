"""Two years of the Freedom to Speak Up guardian's cases for the demo trust.

Every concern in the guardian's queue gets its case record, and cases raised outside engage
(in person, by phone, by email, by letter) are added week by week. Each quarter also gets one
case from every worker group, modes, themes and feedback answers in turn, so that every item
of a past quarter's return is non-zero; and a cluster of recent concerns about the rota and
night shifts on one surgical ward gives the emerging themes something true to find.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.cli.seed_rows import Row, UniqueCodes, in_order_made, insert_rows
from engage.cli.seed_submissions import Rows, submission_references, submission_row
from engage.extensions import db, random_id
from engage.guardian.feedback import add_months
from engage.guardian.models import (
    CaseEntry,
    GuardianCase,
    ReferralTo,
    ReportLearning,
    case_themes,
)
from engage.guardian.services import random_case_reference
from engage.organisation.models import StaffGroup, Unit
from engage.quarters import Quarter
from engage.submissions.models import Kind, Queue, SpeakUpMode, Status, Submission, Theme
from engage.submissions.references import random_reference

CHANNELS = ("in_person", "phone", "email", "letter")
UNIT_WEIGHTS = {
    "Emergency Department": 6,
    "Maternity Unit": 5,
    "Intensive Care Unit": 4,
    "Main Theatres": 3,
    "Acute Medical Unit": 3,
}
THEME_WEIGHTS = {
    "Staffing and workload": 6,
    "Bullying or harassment": 5,
    "Patient safety and quality": 5,
    "Inappropriate attitudes and behaviours": 4,
    "Worker safety and wellbeing": 4,
}
NATIONAL = (
    "Patient safety and quality",
    "Worker safety and wellbeing",
    "Bullying or harassment",
    "Inappropriate attitudes and behaviours",
)
SUMMARIES = {
    "Staffing and workload": "Raised that shifts are regularly short of registered staff and breaks are missed.",
    "Bullying or harassment": "Described being belittled by a senior colleague in front of the team.",
    "Patient safety and quality": "Worried that observations are not being escalated when patients deteriorate.",
    "Inappropriate attitudes and behaviours": "Reported jokes and remarks about colleagues' accents in the staff room.",
    "Worker safety and wellbeing": "Said that lone working at night leaves staff unsafe with aggressive visitors.",
    "Equipment and environment": "Raised that faulty equipment is kept in use because replacements take months.",
    "Processes and systems": "Said the incident reporting system is hard to use, so incidents go unreported.",
    "Training and development": "Raised that mandatory training cannot be done in work time.",
    "Other": "Asked for advice on raising a concern about a recruitment process.",
}
OUTCOMES = (
    "Raised with the directorate's leadership; staffing reviewed and an extra shift funded.",
    "Mediation offered and accepted; the team has had a facilitated session on civility.",
    "Escalated to the medical director; a review of the escalation process is under way.",
    "Advice given on the grievance policy; the person chose to resolve it informally.",
    "Security cover at night increased after the concern was shared (without the person's name).",
)
CLUSTER = (
    (
        "New rota and night shifts",
        "The new rota gives us three night shifts in a row and then an early shift.",
    ),
    (
        "Rota changes at short notice",
        "The rota is changed at short notice, often moving people onto night shifts.",
    ),
    (
        "Night shift cover",
        "Since the rota changed, night shift cover is one registered nurse short most weeks.",
    ),
    ("Rota is unfair", "The rota puts the same people on night shifts every weekend."),
    (
        "Tired after night shifts",
        "With the new rota there is no rest day after night shifts and people are exhausted.",
    ),
    (
        "Rota requests ignored",
        "Requests on the rota are ignored and night shifts are given without asking.",
    ),
    (
        "Night shift breaks",
        "On night shift we cannot take breaks because the rota leaves us short.",
    ),
)
LEARNING = (
    "Concerns about staffing and workload in the Emergency Department and on Ward 12 fed "
    "into the nursing establishment review; two extra registered nurse posts were approved "
    "for nights.\n"
    "Bullying and harassment remains the second theme. The civility and respect programme "
    "has reached 6 of 15 teams; teams that have taken part raised fewer concerns about "
    "behaviours this quarter.\n"
    "A cluster of concerns about the new rota and night shifts on Ward 12 was spotted early "
    "and shared with the directorate (no individual was named); the rota is being redesigned "
    "with the team."
)
PEOPLE = ("Jo Evans", "Priya Shah", "Kwame Mensah", "Laura Nowak", "Imran Khan", "Rosa Diaz")


def _weighted(rng: random.Random, names: list[str], weights: dict[str, int]) -> str:
    return rng.choices(names, [weights.get(name, 1) for name in names])[0]


@dataclass
class Cases:
    """The guardian's case records and their entries, written at the end in bulk."""

    today: date
    guardian: int | None
    references: UniqueCodes = field(default_factory=lambda: UniqueCodes(GuardianCase.reference))
    cases: list[Row] = field(default_factory=list)
    themes: list[Row] = field(default_factory=list)
    entries: list[Row] = field(default_factory=list)

    def write(self) -> None:
        insert_rows(GuardianCase, self.cases)
        insert_rows(case_themes, self.themes)
        insert_rows(CaseEntry, self.entries)


def seed_guardian(rng: random.Random, today: date, made: list[int]) -> int:
    """The guardian's cases: one for each concern in the guardian's queue (those of `made`,
    the demo's submissions in the order made, first), and cases raised outside engage."""
    guardian = db.session.scalar(select(User.id).where(User.role == Role.GUARDIAN.value))
    units = {u.name: u.id for u in db.session.scalars(select(Unit).order_by(Unit.id))}
    themes = {t.name: t.id for t in db.session.scalars(select(Theme))}
    groups = list(db.session.scalars(select(StaffGroup.id).order_by(StaffGroup.position)))
    made = [*made, *_emerging_cluster(rng, units["Ward 12 (General Surgery)"], themes, today)]
    cases = Cases(today, guardian)
    count = _cases_for_queue(rng, cases, themes, groups, made)
    first = Quarter.of(today - timedelta(weeks=104))
    quarter = first
    while quarter.start <= today:
        count += _quarter_cases(rng, cases, quarter, units, themes, groups)
        quarter = Quarter(quarter.year + (quarter.number == 4), quarter.number % 4 + 1)
    cases.write()
    db.session.add(
        ReportLearning(
            period=Quarter.of(today).previous().key,
            learning=LEARNING,
            updated_by_id=guardian,
            updated_on=today,
        )
    )
    return count


def _case(
    rng: random.Random,
    cases: Cases,
    raised_on: date,
    *,
    themes: list[tuple[str, int]],
    unit: int | None,
    group: int | None,
    mode: str,
    channel: str = "engage",
    submission: int | None = None,
    detriment: bool = False,
    close_within: int | None = None,
) -> Row:
    """A case record (its themes by name and id), closed if that day has come."""
    case: Row = {
        "id": random_id(),
        "reference": cases.references.new(random_case_reference),
        "submission_id": submission,
        "channel": channel,
        "mode": mode,
        "raised_on": raised_on,
        "unit_id": unit,
        "staff_group_id": group,
        "summary": "" if submission else SUMMARIES.get(themes[0][0], SUMMARIES["Other"]),
        "person": rng.choice(PEOPLE) if not submission and mode != "anonymous" else None,
        "detriment_indicated": detriment,
        "created_on": raised_on,
        "closed_on": None,
        "outcome": None,
        "detriment_question_due_on": None,
        "speak_up_again": None,
        "speak_up_again_on": None,
        "detriment_asked_on": None,
        "detriment_answer": None,
        "detriment_answer_on": None,
    }
    closed_on = raised_on + timedelta(days=close_within or rng.randint(14, 80))
    if closed_on < cases.today:
        case["closed_on"], case["outcome"] = closed_on, rng.choice(OUTCOMES)
        case["detriment_question_due_on"] = add_months(closed_on, 3)
    cases.cases.append(case)
    cases.themes += [{"case_id": case["id"], "theme_id": theme} for _, theme in themes]
    return case


def _answer(case: Row, today: date, again: str | None, detriment: str | None) -> None:
    if case["closed_on"] is None:
        return
    answered = case["closed_on"] + timedelta(days=3)
    if again and answered <= today:
        case["speak_up_again"], case["speak_up_again_on"] = again, answered
    due = case["detriment_question_due_on"]
    if due is not None and due <= today:
        case["detriment_asked_on"] = due
        if detriment and due + timedelta(days=5) <= today:
            case["detriment_answer"], case["detriment_answer_on"] = (
                detriment,
                due + timedelta(days=5),
            )


def _quarter_cases(
    rng: random.Random,
    cases: Cases,
    quarter: Quarter,
    units: dict[str, int],
    themes: dict[str, int],
    groups: list[int],
) -> int:
    today = cases.today
    unit_names, theme_names = sorted(units), sorted(themes)
    made = 0
    # One case from each worker group early in the quarter, closed within it: the return's
    # every row has something, answers included.
    answers = ("yes", "no", "maybe", "dont_know")
    follow_ups = ("no", "yes", "prefer_not")
    for index, group in enumerate(groups):
        raised = quarter.start + timedelta(days=index * 2)
        if raised > today:
            break
        national = NATIONAL[index % 4]
        case = _case(
            rng,
            cases,
            raised,
            themes=[(national, themes[national])],
            unit=units[_weighted(rng, unit_names, UNIT_WEIGHTS)],
            group=group,
            mode=("open", "confidential", "anonymous")[index % 3],
            channel=CHANNELS[index % 4],
            detriment=index == 2,
            close_within=30 + index,
        )
        _answer(case, today, answers[index % 4], follow_ups[index % 3])
        _entries(rng, cases, case)
        made += 1
    day = quarter.start
    while day < min(quarter.end, today):
        for _ in range(rng.randint(1, 5)):
            raised = day + timedelta(days=rng.randint(0, 6))
            if raised >= min(quarter.end, today):
                continue
            main = _weighted(rng, theme_names, THEME_WEIGHTS)
            chosen = [(main, themes[main])]
            if rng.random() < 0.3:
                extra = rng.choice(NATIONAL)
                chosen += [(extra, themes[extra])] if extra != main else []
            case = _case(
                rng,
                cases,
                raised,
                themes=chosen,
                unit=units[_weighted(rng, unit_names, UNIT_WEIGHTS)],
                group=rng.choice(groups[:7]),
                mode=rng.choices(("open", "confidential", "anonymous"), (40, 45, 15))[0],
                channel=rng.choice(CHANNELS),
                detriment=rng.random() < 0.06,
            )
            again = rng.choices(answers, (70, 8, 12, 10))[0] if rng.random() < 0.7 else None
            follow = rng.choices(follow_ups, (85, 8, 7))[0] if rng.random() < 0.6 else None
            _answer(case, today, again, follow)
            _entries(rng, cases, case)
            made += 1
        day += timedelta(days=7)
    return made


def _entries(rng: random.Random, cases: Cases, case: Row) -> None:
    def add(kind: str, days: int, body: str, referred_to: str | None = None) -> None:
        happened = case["raised_on"] + timedelta(days=days)
        if happened > cases.today or (case["closed_on"] and happened > case["closed_on"]):
            return
        cases.entries.append(
            {
                "case_id": case["id"],
                "kind": kind,
                "referred_to": referred_to,
                "body": body,
                "happened_on": happened,
                "author_id": cases.guardian,
                "created_at": datetime.combine(happened, time(10, 0)),
            }
        )

    add("contact", 0, "First conversation: listened, explained the options and what happens next.")
    if rng.random() < 0.4:
        add("action", 7, "Raised the theme (not the person) with the service's leadership.")
    if rng.random() < 0.15:
        referred = rng.choice(list(ReferralTo)).value
        add("referral", 10, "Referred with the person's consent.", referred)
    add("contact", 12, "Update given on progress.")


def _cases_for_queue(
    rng: random.Random, cases: Cases, themes: dict[str, int], groups: list[int], made: list[int]
) -> int:
    names = {theme: name for name, theme in themes.items()}
    query = select(
        Submission.id,
        Submission.theme_id,
        Submission.patient_safety,
        Submission.submitter_id,
        Submission.submitted_on,
        Submission.unit_id,
        Submission.mode,
        Submission.status,
        Submission.closed_on,
    ).where(Submission.kind == Kind.CONCERN.value, Submission.queue == Queue.GUARDIAN.value)
    concerns = in_order_made(db.session.execute(query), made)
    submitters = {
        user: group
        for user, group in db.session.execute(
            select(User.id, User.staff_group_id).where(
                User.id.in_({c.submitter_id for c in concerns if c.submitter_id})
            )
        )
    }
    for submission in concerns:
        chosen = [(names[submission.theme_id], submission.theme_id)]
        if submission.patient_safety and chosen[0][0] != NATIONAL[0]:
            chosen.append((NATIONAL[0], themes[NATIONAL[0]]))
        submitter = submission.submitter_id
        group = submitters[submitter] if submitter else rng.choice(groups)
        case = _case(
            rng,
            cases,
            submission.submitted_on,
            themes=chosen,
            unit=submission.unit_id,
            group=group,
            mode=submission.mode,
            submission=submission.id,
            detriment=rng.random() < 0.05,
        )
        if not Status(submission.status).is_ending:
            case["closed_on"] = case["outcome"] = case["detriment_question_due_on"] = None
        elif submission.closed_on is not None:
            case["closed_on"] = submission.closed_on
            case["detriment_question_due_on"] = add_months(submission.closed_on, 3)
        _answer(case, cases.today, rng.choice(("yes", "yes", "maybe", "no")), "no")
        _entries(rng, cases, case)
    return len(concerns)


def _emerging_cluster(
    rng: random.Random, unit: int, themes: dict[str, int], today: date
) -> list[int]:
    staff = list(
        db.session.scalars(
            select(User.id).where(User.unit_id == unit, User.role == "staff").order_by(User.id)
        )
    )
    rows = Rows(submission_references())
    for index, (title, description) in enumerate(CLUSTER):
        day = today - timedelta(days=3 + index * 6)
        submission = submission_row(
            id=random_id(),
            reference=rows.references.new(lambda: random_reference(Kind.CONCERN)),
            kind=Kind.CONCERN.value,
            mode=SpeakUpMode.CONFIDENTIAL.value,
            queue=Queue.GUARDIAN.value,
            title=title,
            description=description,
            unit_id=unit,
            theme_id=themes["Staffing and workload"],
            submitter_id=staff[index % len(staff)],
            submitted_on=day,
            submitted_at=datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59))),
        )
        rows.submissions.append(submission)
        rows.change(submission, Status.SUBMITTED, day, changed_at=submission["submitted_at"])
    rows.write()
    return [submission["id"] for submission in rows.submissions]
