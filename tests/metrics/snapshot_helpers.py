"""Shared set-up for the snapshot tests: a small trust whose figures are counted by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.metrics.models import NO_THEME, TRUST_ENTITY_ID, Level, MetricSnapshot
from engage.organisation.models import Directorate, Unit
from engage.submissions.models import Kind, SpeakUpMode, Submission
from tests.factories.accounts import make_user
from tests.factories.organisation import make_directorate, make_unit
from tests.factories.submissions import make_submission


@dataclass
class SmallTrust:
    """Surgery (Ward A, 20 staff; Ward B, 30 staff) and Medicine (Ward C, 50 staff)."""

    surgery: Directorate
    medicine: Directorate
    ward_a: Unit
    ward_b: Unit
    ward_c: Unit
    alice: User
    bob: User
    carol: User
    leader: User


def small_trust() -> SmallTrust:
    surgery = make_directorate("Surgery")
    medicine = make_directorate("Medicine")
    ward_a = make_unit("Ward A", surgery, headcount=20)
    ward_b = make_unit("Ward B", surgery, headcount=30)
    ward_c = make_unit("Ward C", medicine, headcount=50)
    return SmallTrust(
        surgery=surgery,
        medicine=medicine,
        ward_a=ward_a,
        ward_b=ward_b,
        ward_c=ward_c,
        alice=make_user(Role.STAFF, unit=ward_a, name="Alice"),
        bob=make_user(Role.STAFF, unit=ward_a, name="Bob"),
        carol=make_user(Role.STAFF, unit=ward_b, name="Carol"),
        leader=make_user(Role.LEADER, unit=ward_a, leads_units=(ward_a, ward_b, ward_c)),
    )


def submitted(
    person: User,
    unit: Unit,
    on: date,
    *,
    kind: Kind = Kind.IDEA,
    mode: SpeakUpMode = SpeakUpMode.OPEN,
    acknowledged_on: date | None = None,
    theme_name: str = "Staffing and workload",
    patient_safety: bool = False,
) -> Submission:
    """A submission made through the service, then moved to the day it was made."""
    submission = make_submission(
        person,
        kind=kind,
        mode=mode,
        unit=unit,
        theme_name=theme_name,
        patient_safety=patient_safety,
    )
    submission.submitted_on = on
    if submission.submitted_at is not None:
        submission.submitted_at = submission.submitted_at.replace(
            year=on.year, month=on.month, day=on.day
        )
    submission.acknowledged_on = acknowledged_on
    db.session.commit()
    return submission


def figure(
    level: Level,
    entity_id: int,
    metric: str,
    week: date,
    theme_id: int = NO_THEME,
) -> tuple[int | None, int | None, float | None]:
    row = db.session.execute(
        select(MetricSnapshot.numerator, MetricSnapshot.denominator, MetricSnapshot.value).where(
            MetricSnapshot.level == level.value,
            MetricSnapshot.entity_id == entity_id,
            MetricSnapshot.metric == metric,
            MetricSnapshot.theme_id == theme_id,
            MetricSnapshot.week_start == week,
        )
    ).one()
    return row[0], row[1], row[2]


def trust_figure(metric: str, week: date) -> tuple[int | None, int | None, float | None]:
    return figure(Level.TRUST, TRUST_ENTITY_ID, metric, week)


def snapshot_rows() -> list[tuple[object, ...]]:
    """Every stored row without its id and timestamp, in key order."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(
                MetricSnapshot.level,
                MetricSnapshot.entity_id,
                MetricSnapshot.metric,
                MetricSnapshot.theme_id,
                MetricSnapshot.week_start,
                MetricSnapshot.numerator,
                MetricSnapshot.denominator,
                MetricSnapshot.value,
                MetricSnapshot.distribution,
            ).order_by(
                MetricSnapshot.level,
                MetricSnapshot.entity_id,
                MetricSnapshot.metric,
                MetricSnapshot.theme_id,
                MetricSnapshot.week_start,
            )
        )
    ]
