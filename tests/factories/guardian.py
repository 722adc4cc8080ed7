"""Factories for the guardian's case records: rows made directly, so a test can place a case
on any day (the services date everything today)."""

from __future__ import annotations

from datetime import date

from engage.extensions import db
from engage.guardian.models import GuardianCase
from engage.guardian.services import new_case_reference
from engage.organisation.models import Unit
from tests.factories.organisation import staff_group
from tests.factories.submissions import theme


def make_case(
    raised_on: date,
    *,
    themes: tuple[str, ...] = ("Staffing and workload",),
    mode: str = "open",
    unit: Unit | None = None,
    group: str | None = "Registered Nurses and Midwives",
    detriment: bool = False,
    speak_up_again: tuple[str, date] | None = None,
    detriment_answer: tuple[str, date] | None = None,
    closed_on: date | None = None,
    summary: str = "Raised in person.",
    person: str | None = None,
) -> GuardianCase:
    case = GuardianCase(
        reference=new_case_reference(),
        channel="in_person",
        mode=mode,
        raised_on=raised_on,
        unit_id=db.session.merge(unit).id if unit else None,
        staff_group_id=staff_group(group).id if group else None,
        summary=summary,
        person=person,
        detriment_indicated=detriment,
        created_on=raised_on,
        closed_on=closed_on,
        outcome="Resolved." if closed_on else None,
        themes=[theme(name) for name in themes],
    )
    if speak_up_again:
        case.speak_up_again, case.speak_up_again_on = speak_up_again
    if detriment_answer:
        case.detriment_answer, case.detriment_answer_on = detriment_answer
    db.session.add(case)
    db.session.commit()
    return case
