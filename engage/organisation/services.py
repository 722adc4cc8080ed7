"""Managing the trust's structure. Only administrators change it; everyone may read it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.audit.services import record
from engage.errors import NotFound, PermissionDenied, ValidationFailed
from engage.extensions import db, get_by_id
from engage.organisation.models import Directorate, StaffGroup, Unit

M = TypeVar("M", Directorate, Unit, StaffGroup)


def require_admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied("Only administrators can change the trust's structure.")


def directorates() -> list[Directorate]:
    return list(db.session.scalars(select(Directorate).order_by(Directorate.name)))


def units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.name)))


def staff_groups() -> list[StaffGroup]:
    return list(
        db.session.scalars(select(StaffGroup).order_by(StaffGroup.position, StaffGroup.name))
    )


def _name_taken(
    model: type[Directorate | Unit | StaffGroup], name: str, own_id: int | None
) -> bool:
    query = select(model.id).where(func.lower(model.name) == name.lower())
    if own_id is not None:
        query = query.where(model.id != own_id)
    return db.session.scalar(query) is not None


def save_directorate(actor: User, name: str, directorate_id: int | None = None) -> Directorate:
    require_admin(actor)
    name = name.strip()
    if _name_taken(Directorate, name, directorate_id):
        raise ValidationFailed("A directorate with this name already exists", "name")
    if directorate_id is None:
        directorate = Directorate(name=name)
        db.session.add(directorate)
        db.session.flush()
        record(actor, "directorate.created", directorate, f"Directorate {name} created")
    else:
        directorate = _get(Directorate, directorate_id)
        old = directorate.name
        directorate.name = name
        record(actor, "directorate.renamed", directorate, f"Directorate {old} renamed {name}")
    db.session.commit()
    return directorate


@dataclass(frozen=True)
class UnitDetails:
    name: str
    directorate_id: int
    headcount: int


def save_unit(actor: User, details: UnitDetails, unit_id: int | None = None) -> Unit:
    require_admin(actor)
    name = details.name.strip()
    if _name_taken(Unit, name, unit_id):
        raise ValidationFailed("A unit with this name already exists", "name")
    if get_by_id(Directorate, details.directorate_id) is None:
        raise ValidationFailed("Select a directorate", "directorate_id")
    if details.headcount < 0:
        raise ValidationFailed("Headcount must be 0 or more", "headcount")
    unit = Unit() if unit_id is None else _get(Unit, unit_id)
    before = {"name": unit.name, "directorate_id": unit.directorate_id, "headcount": unit.headcount}
    unit.name = name
    unit.directorate_id = details.directorate_id
    unit.headcount = details.headcount
    db.session.add(unit)
    db.session.flush()
    action = "unit.created" if unit_id is None else "unit.updated"
    after = {"name": name, "directorate_id": details.directorate_id, "headcount": details.headcount}
    record(actor, action, unit, f"Unit {name} saved", detail={"before": before, "after": after})
    db.session.commit()
    return unit


def save_staff_group(actor: User, name: str, group_id: int | None = None) -> StaffGroup:
    require_admin(actor)
    name = name.strip()
    if _name_taken(StaffGroup, name, group_id):
        raise ValidationFailed("A staff group with this name already exists", "name")
    if group_id is None:
        position = db.session.scalar(select(func.max(StaffGroup.position))) or 0
        group = StaffGroup(name=name, position=position + 1)
        db.session.add(group)
        db.session.flush()
        record(actor, "staff_group.created", group, f"Staff group {name} created")
    else:
        group = _get(StaffGroup, group_id)
        old = group.name
        group.name = name
        record(actor, "staff_group.renamed", group, f"Staff group {old} renamed {name}")
    db.session.commit()
    return group


def _get(model: type[M], record_id: int) -> M:
    found = get_by_id(model, record_id)
    if found is None:
        raise NotFound()
    return found


def get_directorate(actor: User, directorate_id: int) -> Directorate:
    require_admin(actor)
    return _get(Directorate, directorate_id)


def get_unit(actor: User, unit_id: int) -> Unit:
    require_admin(actor)
    return _get(Unit, unit_id)


def get_staff_group(actor: User, group_id: int) -> StaffGroup:
    require_admin(actor)
    return _get(StaffGroup, group_id)
