"""What the inbox shows above its list (counts by theme, unit and worker group, for its
filters) and the guardian's CSV export of it, with no identities and small numbers suppressed."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.guardian.access import require_guardian
from engage.guardian.exports import safe_row
from engage.guardian.models import GuardianCase
from engage.guardian.suppression import is_suppressed, shown, threshold
from engage.organisation.models import StaffGroup, Unit
from engage.submissions import queries
from engage.submissions.models import STATUS_LABELS, Status, Submission, Theme

NOT_KNOWN = "Not known"
EXPORT_MAX_ROWS = 20_000


@dataclass(frozen=True)
class Count:
    name: str
    count: int

    @property
    def text(self) -> str:
        return shown(self.count)


@dataclass(frozen=True)
class Breakdown:
    by_theme: list[Count]
    by_unit: list[Count]
    by_group: list[Count]


def inbox_breakdown(actor: User, filters: queries.InboxFilter) -> Breakdown:
    """Counts for the inbox's current filters, in three small GROUP BY queries."""
    condition = queries.inbox_conditions(actor, filters)
    by_theme = db.session.execute(
        select(Theme.name, func.count(Submission.id))
        .join(Theme, Theme.id == Submission.theme_id)
        .where(condition)
        .group_by(Theme.name)
        .order_by(func.count(Submission.id).desc(), Theme.name)
    )
    by_unit = db.session.execute(
        select(Unit.name, func.count(Submission.id))
        .join(Unit, Unit.id == Submission.unit_id)
        .where(condition)
        .group_by(Unit.name)
        .order_by(func.count(Submission.id).desc(), Unit.name)
    )
    groups: list[Count] = []
    if actor.has_role(Role.GUARDIAN):
        groups = _by_group(condition)
    return Breakdown(
        by_theme=[Count(name, count) for name, count in by_theme],
        by_unit=[Count(name, count) for name, count in by_unit],
        by_group=groups,
    )


def _by_group(condition: object) -> list[Count]:
    """Worker group from the case record, where the guardian has kept one, else from the
    submitter's account; anonymous concerns without a case are "Not known"."""
    submitter = aliased(User)
    group_id = func.coalesce(GuardianCase.staff_group_id, submitter.staff_group_id)
    rows = db.session.execute(
        select(group_id, func.count(Submission.id))
        .outerjoin(GuardianCase, GuardianCase.submission_id == Submission.id)
        .outerjoin(submitter, submitter.id == Submission.submitter_id)
        .where(condition)  # type: ignore[arg-type]
        .group_by(group_id)
    )
    names = dict(db.session.execute(select(StaffGroup.id, StaffGroup.name)).all())
    counts: dict[str, int] = {}
    for found, count in rows:
        name = names.get(found, NOT_KNOWN) if found is not None else NOT_KNOWN
        counts[name] = counts.get(name, 0) + count
    return [Count(name, count) for name, count in sorted(counts.items(), key=lambda i: -i[1])]


def inbox_csv(actor: User, filters: queries.InboxFilter) -> str:
    """One row per item: reference, date, kind, how raised, status, theme and unit; no title,
    description or name. A unit with fewer than the threshold of items in the export is given
    as its directorate, so that a small team's items cannot be counted from the rows."""
    require_guardian(actor)
    condition = queries.inbox_conditions(actor, filters)
    unit_counts = dict(
        db.session.execute(
            select(Submission.unit_id, func.count(Submission.id))
            .where(condition)
            .group_by(Submission.unit_id)
        ).all()
    )
    rows = db.session.scalars(
        select(Submission)
        .where(condition)
        .order_by(*queries.inbox_order(filters))
        .limit(EXPORT_MAX_ROWS)
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["reference", "raised_on", "kind", "how_raised", "status", "theme", "area"])
    for s in rows:
        small = is_suppressed(unit_counts.get(s.unit_id, 0))
        area = s.unit.name
        if small:
            area = f"{s.unit.directorate.name} (unit not shown: fewer than {threshold()} items)"
        writer.writerow(
            safe_row(
                [
                    s.reference,
                    s.submitted_on.isoformat(),
                    s.kind,
                    s.mode,
                    STATUS_LABELS[Status(s.status)],
                    s.theme.name,
                    area,
                ]
            )
        )
    writer.writerow([])
    breakdown = inbox_breakdown(actor, filters)
    writer.writerow(["count_by", "name", "count"])
    for section, counts in (
        ("theme", breakdown.by_theme),
        ("unit", breakdown.by_unit),
        ("worker group", breakdown.by_group),
    ):
        for count in counts:
            writer.writerow(safe_row([section, count.name, count.text]))
    return out.getvalue()
