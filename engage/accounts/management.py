"""Administrators manage users, roles and leaders' scopes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, true

from engage.accounts import sessions, throttles
from engage.accounts.models import LeaderScope, Role, User
from engage.audit.services import record
from engage.errors import NotFound, PermissionDenied, ValidationFailed
from engage.extensions import db, get_by_id
from engage.organisation.models import Directorate, StaffGroup, Unit
from engage.pagination import Page, PageRequest, paginate
from engage.ratelimits import account_key

PAGE_SIZE = 50


def require_admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied("Only administrators can manage users.")


@dataclass(frozen=True)
class UserDetails:
    name: str
    email: str
    role: Role
    unit_id: int | None
    staff_group_id: int | None
    active: bool = True
    scope_unit_ids: tuple[int, ...] = field(default_factory=tuple)
    scope_directorate_ids: tuple[int, ...] = field(default_factory=tuple)


def _user_conditions(text: str | None, role: str | None) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [true()]
    if text:
        pattern = f"%{text.strip().lower()}%"
        conditions.append(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    if role:
        conditions.append(User.role == role)
    return and_(*conditions)


def list_users(
    actor: User, text: str | None = None, role: str | None = None, page: PageRequest | int = 1
) -> Page[User]:
    require_admin(actor)
    order = [User.name, User.id]
    return paginate(User, _user_conditions(text, role), order, page, page_size=PAGE_SIZE)


def get_user(actor: User, user_id: int) -> User:
    require_admin(actor)
    user = get_by_id(User, user_id)
    if user is None:
        raise NotFound()
    return user


def _check(details: UserDetails, own_id: int | None) -> None:
    email = details.email.strip().lower()
    clash = select(User.id).where(func.lower(User.email) == email)
    if own_id is not None:
        clash = clash.where(User.id != own_id)
    if db.session.scalar(clash) is not None:
        raise ValidationFailed("A user with this email address already exists", "email")
    if details.unit_id is not None and get_by_id(Unit, details.unit_id) is None:
        raise ValidationFailed("Select a unit from the list", "unit_id")
    if details.staff_group_id is not None and get_by_id(StaffGroup, details.staff_group_id) is None:
        raise ValidationFailed("Select a staff group from the list", "staff_group_id")
    has_scope = details.scope_unit_ids or details.scope_directorate_ids
    if details.role is Role.LEADER and not has_scope:
        raise ValidationFailed(
            "Select at least one unit or directorate this leader is responsible for",
            "scope_unit_ids",
        )
    for unit_id in details.scope_unit_ids:
        if get_by_id(Unit, unit_id) is None:
            raise ValidationFailed("Select units from the list", "scope_unit_ids")
    for directorate_id in details.scope_directorate_ids:
        if get_by_id(Directorate, directorate_id) is None:
            raise ValidationFailed("Select directorates from the list", "scope_directorate_ids")


def _apply(user: User, details: UserDetails) -> None:
    user.name = details.name.strip()
    user.email = details.email.strip().lower()
    user.role = details.role.value
    user.unit_id = details.unit_id
    user.staff_group_id = details.staff_group_id
    user.active = details.active
    wanted = {("unit", i) for i in details.scope_unit_ids} | {
        ("directorate", i) for i in details.scope_directorate_ids
    }
    if details.role is not Role.LEADER:
        wanted = set()
    kept = []
    for scope in user.scopes:
        key = ("unit", scope.unit_id) if scope.unit_id else ("directorate", scope.directorate_id)
        if key in wanted:
            kept.append(scope)
            wanted.discard(key)
    for kind, target_id in sorted(wanted):
        kept.append(
            LeaderScope(unit_id=target_id)
            if kind == "unit"
            else LeaderScope(directorate_id=target_id)
        )
    user.scopes = kept


def _snapshot(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "unit_id": user.unit_id,
        "staff_group_id": user.staff_group_id,
        "active": user.active,
        "scopes": sorted(str(scope) for scope in user.scopes),
    }


def create_user(actor: User, details: UserDetails) -> User:
    require_admin(actor)
    _check(details, None)
    user = User(scopes=[])
    _apply(user, details)
    db.session.add(user)
    db.session.flush()
    record(
        actor,
        "user.created",
        user,
        f"User {user.email} created as {user.role}",
        detail={"after": _snapshot(user)},
    )
    db.session.commit()
    return user


def update_user(actor: User, user_id: int, details: UserDetails) -> User:
    user = get_user(actor, user_id)
    if user.id == actor.id and (details.role is not Role.ADMIN or not details.active):
        raise ValidationFailed("You cannot remove your own administrator access", "role")
    _check(details, user.id)
    before = _snapshot(user)
    _apply(user, details)
    if not user.active:
        sessions.end_all(user.id)
    db.session.flush()
    record(
        actor,
        "user.updated",
        user,
        f"User {user.email} updated",
        detail={"before": before, "after": _snapshot(user)},
    )
    db.session.commit()
    return user


def unlock_user(actor: User, user_id: int) -> User:
    """Lift the pause on sign-ins to this account from every client (engage/accounts/
    throttles.py); a single client's pause after its own failures still runs its course."""
    user = get_user(actor, user_id)
    throttles.unpause_account(account_key(user.email))
    record(actor, "user.unlocked", user, f"User {user.email} unlocked")
    db.session.commit()
    return user


def sign_out_everywhere(actor: User, user_id: int) -> int:
    """End every session of the user at once (a lost phone, a shared password); returns how
    many were ended."""
    user = get_user(actor, user_id)
    ended = sessions.end_all(user.id)
    record(actor, "user.signed_out_everywhere", user, f"User {user.email} signed out everywhere")
    db.session.commit()
    return ended


def is_locked(user: User) -> bool:
    return throttles.account_paused(account_key(user.email))
