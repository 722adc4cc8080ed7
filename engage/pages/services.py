from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.metrics.view_services import HomeSignal, home_signals
from engage.organisation.models import Directorate, Unit
from engage.submissions.queries import InboxCounts, inbox_counts


@dataclass(frozen=True)
class HomeSummary:
    role: Role
    scope_names: list[str]
    inbox: InboxCounts | None = None
    user_count: int | None = None
    unit_count: int | None = None
    directorate_count: int | None = None
    # The three most important SPC signals in this person's places.
    signals: list[HomeSignal] = field(default_factory=list)


def home_summary(actor: User) -> HomeSummary:
    scope_names = [str(scope) for scope in actor.scopes]
    if actor.has_role(Role.ADMIN):
        return HomeSummary(
            role=actor.role_enum,
            scope_names=scope_names,
            user_count=db.session.scalar(select(func.count(User.id))),
            unit_count=db.session.scalar(select(func.count(Unit.id))),
            directorate_count=db.session.scalar(select(func.count(Directorate.id))),
            signals=home_signals(actor),
        )
    inbox = inbox_counts(actor) if actor.has_role(Role.LEADER, Role.GUARDIAN) else None
    return HomeSummary(
        role=actor.role_enum, scope_names=scope_names, inbox=inbox, signals=home_signals(actor)
    )
