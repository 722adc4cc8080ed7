"""Who may see which metrics: the one rule, written once; every page and the home page's
signals ask here.

The board, guardians and administrators see the whole trust and may drill down to any
directorate and unit. Leaders see the units they lead and those units' directorates (a
directorate lead, the whole directorate and its units). Staff see their own unit and its
directorate. Only the trust-wide roles see the trust's own figures. The view shows counted
figures only, never an idea or a concern.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.errors import PermissionDenied
from engage.extensions import db
from engage.metrics.models import TRUST_ENTITY_ID, Level
from engage.organisation.models import Unit
from engage.submissions.access import led_unit_ids

TRUST_WIDE_ROLES = (Role.BOARD, Role.GUARDIAN, Role.ADMIN)


@dataclass(frozen=True)
class MetricScope:
    whole_trust: bool
    directorate_ids: frozenset[int]
    unit_ids: frozenset[int]

    def allows(self, level: Level, entity_id: int) -> bool:
        if self.whole_trust:
            return level is not Level.TRUST or entity_id == TRUST_ENTITY_ID
        if level is Level.UNIT:
            return entity_id in self.unit_ids
        if level is Level.DIRECTORATE:
            return entity_id in self.directorate_ids
        return False

    @property
    def entities(self) -> list[tuple[Level, int]]:
        """The places this person's home page watches: the trust, or their own areas."""
        if self.whole_trust:
            return [(Level.TRUST, TRUST_ENTITY_ID)]
        return [(Level.UNIT, unit_id) for unit_id in sorted(self.unit_ids)] + [
            (Level.DIRECTORATE, directorate_id) for directorate_id in sorted(self.directorate_ids)
        ]


def metric_scope(actor: User) -> MetricScope:
    if actor.has_role(*TRUST_WIDE_ROLES):
        return MetricScope(True, frozenset(), frozenset())
    unit_ids: set[int] = set()
    directorate_ids: set[int] = set()
    if actor.has_role(Role.LEADER):
        unit_ids |= led_unit_ids(actor)
        directorate_ids |= {s.directorate_id for s in actor.scopes if s.directorate_id}
    if actor.unit_id is not None:
        unit_ids.add(actor.unit_id)
    if unit_ids:
        query = select(Unit.directorate_id).where(Unit.id.in_(unit_ids)).distinct()
        directorate_ids |= set(db.session.scalars(query))
    return MetricScope(False, frozenset(directorate_ids), frozenset(unit_ids))


def check_can_view(actor: User, level: Level, entity_id: int) -> None:
    if not metric_scope(actor).allows(level, entity_id):
        raise PermissionDenied(
            "You cannot see these figures. Staff see their own unit and directorate, leaders "
            "the areas they lead; the whole trust's figures are for the board, guardians and "
            "administrators."
        )


def check_can_configure(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied("Only administrators set metric targets and new periods.")
