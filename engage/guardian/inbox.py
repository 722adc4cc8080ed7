"""What the inbox shows above its list (counts by theme, unit and worker group, for its
filters) and the guardian's CSV export of it, with no identities and small numbers suppressed."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.guardian.access import require_guardian
from engage.guardian.exports import safe_row
from engage.guardian.models import GuardianCase
from engage.organisation.models import StaffGroup, Unit
from engage.pagination import COUNT_CAP
from engage.small_numbers import fewer_than, is_small, shown
from engage.submissions import attention, queries
from engage.submissions.models import STATUS_LABELS, Status, Submission, Theme

NOT_KNOWN = "Not known"
EXPORT_MAX_ROWS = 20_000
# The inbox's counts are exact up to this many items (as the list's total is, engage.pagination).
BREAKDOWN_CAP = COUNT_CAP
NEWEST = [Submission.submitted_on.desc(), Submission.reference.desc(), Submission.id.desc()]

_SUBMITTER = aliased(User)


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
    # How many items were counted, and whether that is all of them: beyond the cap the counts
    # describe the `counted` newest items (the total is above the list, as "about N").
    counted: int = 0
    capped: bool = False
    # "Needs action" counts up to attention.NEEDS_ACTION_CAP of its items, and beyond it any that
    # many ("more than 100" above the list): finding the newest or first ones would test
    # every item of the history.
    as_listed: bool = False


def inbox_breakdown(
    actor: User,
    filters: queries.InboxFilter,
    *,
    cap: int | None = None,
    order: list[Any] | None = None,
) -> Breakdown:
    """Counts by theme, unit and (for a guardian) worker group for the inbox's filters, in
    one grouped query over at most `cap` items (the newest, unless `order` says otherwise;
    any of them for "needs action"), so that its cost does not grow with the trust's history."""
    condition = queries.inbox_conditions(actor, filters)
    as_listed = order is None and queries.shows_needs_action(filters)
    limit = cap or (attention.NEEDS_ACTION_CAP if as_listed else BREAKDOWN_CAP)
    wanted = [*order, Submission.id] if order else NEWEST  # ends with the id: a stable cut
    columns = (Submission.id, Submission.theme_id, Submission.unit_id, Submission.submitter_id)
    # The items first (an index walk of at most `limit` entries), then their names and groups.
    if as_listed:
        # One more than the cap, so that exactly the cap is told from more than it.
        items = select(*columns).where(condition).limit(limit + 1).subquery()
    else:
        items = select(*columns).where(condition).order_by(*wanted).limit(limit).subquery()
    counted_by: list[Any] = [Theme.name, Unit.name]
    statement = (
        select(items.c.id)
        .join(Theme, Theme.id == items.c.theme_id)
        .join(Unit, Unit.id == items.c.unit_id)
    )
    guardian = actor.has_role(Role.GUARDIAN)
    if guardian:
        # Worker group from the case record, where the guardian has kept one, else from the
        # submitter's account; anonymous concerns without a case are "Not known".
        group_id = func.coalesce(GuardianCase.staff_group_id, _SUBMITTER.staff_group_id)
        statement = (
            statement.outerjoin(GuardianCase, GuardianCase.submission_id == items.c.id)
            .outerjoin(_SUBMITTER, _SUBMITTER.id == items.c.submitter_id)
            .outerjoin(StaffGroup, StaffGroup.id == group_id)
        )
        counted_by.append(func.coalesce(StaffGroup.name, NOT_KNOWN))
    found = [
        [*row]
        for row in db.session.execute(
            statement.with_only_columns(*counted_by, func.count()).group_by(*counted_by)
        )
    ]
    more = as_listed and sum(row[-1] for row in found) > limit
    if more:
        found[-1][-1] -= 1  # the one beyond the cap, from any (theme, unit, group) it is in
    themes: Counter[str] = Counter()
    units: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    for *names, count in found:
        if not count:
            continue
        themes[names[0]] += count
        units[names[1]] += count
        if guardian:
            groups[names[2]] += count
    counted = sum(themes.values())
    return Breakdown(
        by_theme=_ranked(themes),
        by_unit=_ranked(units),
        by_group=_ranked(groups) if guardian else [],
        counted=counted,
        capped=more if as_listed else counted >= limit,
        as_listed=as_listed,
    )


def _ranked(counts: Counter[str]) -> list[Count]:
    return [
        Count(name, count) for name, count in sorted(counts.items(), key=lambda i: (-i[1], i[0]))
    ]


def inbox_csv(actor: User, filters: queries.InboxFilter) -> str:
    """One row per item: reference, date, kind, how raised, status, theme and unit; no title,
    description or name; at most EXPORT_MAX_ROWS, oldest first as the inbox lists them. A unit
    with fewer than the threshold of items in the export is given as its directorate, so that a
    small team's items cannot be counted from the rows."""
    require_guardian(actor)
    order = queries.inbox_order(filters)
    rows = list(
        db.session.scalars(
            select(Submission)
            .where(queries.inbox_conditions(actor, filters))
            .order_by(*order)
            .limit(EXPORT_MAX_ROWS)
        )
    )
    unit_counts = Counter(s.unit_id for s in rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["reference", "raised_on", "kind", "how_raised", "status", "theme", "area"])
    for s in rows:
        small = is_small(unit_counts.get(s.unit_id, 0))
        area = s.unit.name
        if small:
            area = f"{s.unit.directorate.name} (unit not shown: {fewer_than()} items)"
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
    # The counts describe the rows above: the same filter, order and cap.
    breakdown = inbox_breakdown(actor, filters, cap=EXPORT_MAX_ROWS, order=order)
    writer.writerow(["count_by", "name", "count"])
    for section, counts in (
        ("theme", breakdown.by_theme),
        ("unit", breakdown.by_unit),
        ("worker group", breakdown.by_group),
    ):
        for count in counts:
            writer.writerow(safe_row([section, count.name, count.text]))
    return out.getvalue()
