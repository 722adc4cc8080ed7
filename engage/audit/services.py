"""Writing and reading the audit log. Every service that changes a record calls `record`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, true

from engage.accounts.models import Role, User
from engage.audit.actions import ACTIONS
from engage.audit.models import AuditEvent
from engage.errors import PermissionDenied
from engage.extensions import db
from engage.pagination import Page, PageRequest, paginate
from engage.timeutil import london_day, london_day_bounds, utcnow

PAGE_SIZE = 50


def record(
    actor: User | None,
    action: str,
    target: Any,
    summary: str,
    *,
    detail: dict[str, Any] | None = None,
    anonymous: bool = False,
    date_only: bool = False,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits).

    `anonymous` records no actor and only the date, so that the event cannot be joined to a
    sign-in or a log line by its time. `date_only` keeps the actor but not the time of day.
    """
    now = utcnow()
    occurred_at = datetime.combine(london_day(now), time.min) if anonymous or date_only else now
    event = AuditEvent(
        occurred_at=occurred_at,
        actor_id=None if anonymous or actor is None else actor.id,
        action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=str(getattr(target, "id", "")) or None,
        summary=summary,
        detail=detail or {},
    )
    db.session.add(event)
    return event


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    actor_email: str | None = None
    target_type: str | None = None
    text: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def _conditions(filters: AuditFilter) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [true()]
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.target_type:
        conditions.append(AuditEvent.target_type == filters.target_type)
    if filters.actor_email:
        actor = select(User.id).where(User.email == filters.actor_email.strip().lower())
        conditions.append(AuditEvent.actor_id.in_(actor))
    if filters.text:
        pattern = f"%{filters.text.strip()}%"
        conditions.append(
            or_(AuditEvent.summary.ilike(pattern), AuditEvent.target_id == filters.text.strip())
        )
    # Days on the reader's clock, as the page shows times. Events kept by day only are stored
    # at their London day's midnight, which falls inside that day's bounds too.
    if filters.date_from:
        conditions.append(AuditEvent.occurred_at >= london_day_bounds(filters.date_from)[0])
    if filters.date_to:
        # The end of that day, not the start of the next: 9999-12-31 has no next day.
        conditions.append(AuditEvent.occurred_at <= london_day_bounds(filters.date_to)[1])
    return and_(*conditions)


def search_events(
    actor: User, filters: AuditFilter, page: PageRequest | int = 1
) -> Page[AuditEvent]:
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied("Only administrators can read the audit log.")
    order = [AuditEvent.occurred_at.desc(), AuditEvent.id.desc()]
    return paginate(AuditEvent, _conditions(filters), order, page, page_size=PAGE_SIZE)


def known_actions(actor: User) -> list[str]:
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied("Only administrators can read the audit log.")
    return list(ACTIONS)  # the code's own list: no scan of the table
