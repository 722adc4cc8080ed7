"""The "You said, we did" boards: per unit and per directorate, newest first, filtered by
theme and archived by financial quarter (Q1 is April to June)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from engage.errors import NotFound
from engage.extensions import db, get_by_id
from engage.organisation.models import Directorate, Unit
from engage.pagination import Page, PageRequest, paginate
from engage.quarters import Quarter
from engage.responses.models import Publication


@dataclass(frozen=True)
class BoardScope:
    kind: str  # "unit" or "directorate"
    id: int
    name: str
    directorate_name: str | None

    def condition(self) -> ColumnElement[bool]:
        if self.kind == "unit":
            return Publication.unit_id == self.id
        units = select(Unit.id).where(Unit.directorate_id == self.id)
        return Publication.unit_id.in_(units)


def scope_for(kind: str, scope_id: int) -> BoardScope:
    if kind == "unit":
        unit = get_by_id(Unit, scope_id)
        if unit is not None:
            return BoardScope("unit", unit.id, unit.name, unit.directorate.name)
    elif kind == "directorate":
        directorate = get_by_id(Directorate, scope_id)
        if directorate is not None:
            return BoardScope("directorate", directorate.id, directorate.name, None)
    raise NotFound("There is no such board.")


def board(
    scope: BoardScope,
    *,
    theme_id: int | None = None,
    quarter: Quarter | None = None,
    page: PageRequest | int = 1,
) -> Page[Publication]:
    conditions: list[Any] = [scope.condition()]
    if theme_id:
        conditions.append(Publication.theme_id == theme_id)
    if quarter:
        conditions.append(Publication.published_on >= quarter.start)
        conditions.append(Publication.published_on < quarter.end)
    order = [Publication.published_on.desc(), Publication.id.desc()]
    return paginate(Publication, and_(*conditions), order, page)


def quarters_with_entries(scope: BoardScope) -> list[Quarter]:
    """The quarters from the board's first entry to its last: two index probes per unit
    (the first and last date on each unit's board), however many entries there are."""
    on_unit = Publication.unit_id == Unit.id
    earliest_here = select(func.min(Publication.published_on)).where(on_unit).correlate(Unit)
    latest_here = select(func.max(Publication.published_on)).where(on_unit).correlate(Unit)
    in_scope = Unit.id == scope.id if scope.kind == "unit" else Unit.directorate_id == scope.id
    first, last = db.session.execute(
        select(
            func.min(earliest_here.scalar_subquery()), func.max(latest_here.scalar_subquery())
        ).where(in_scope)
    ).one()
    if first is None:
        return []
    quarters = []
    current, earliest = Quarter.of(last), Quarter.of(first)
    while current >= earliest:
        quarters.append(current)
        current = current.previous()
    return quarters


def latest(scope: BoardScope, count: int) -> list[Publication]:
    """The newest entries, for the printed poster."""
    return list(
        db.session.scalars(
            select(Publication)
            .where(scope.condition())
            .order_by(Publication.published_on.desc(), Publication.id.desc())
            .limit(count)
        )
    )


def boards_index() -> list[tuple[Directorate, dict[int, int]]]:
    """Every directorate, with the number of entries on each unit's board: the maintained
    `units.publication_count` (kept by triggers), so no view groups every publication."""
    counts = dict(db.session.execute(select(Unit.id, Unit.publication_count)).all())
    directorates = db.session.scalars(select(Directorate).order_by(Directorate.name))
    return [(d, {u.id: counts.get(u.id, 0) for u in d.units}) for d in directorates]
