"""The theme taxonomy: administrators add, rename and retire themes."""

from __future__ import annotations

from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.audit.services import record
from engage.errors import NotFound, PermissionDenied, ValidationFailed
from engage.extensions import db, get_by_id
from engage.submissions.models import Theme


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied("Only administrators can change the themes.")


def get_theme(actor: User, theme_id: int) -> Theme:
    _require_admin(actor)
    theme = get_by_id(Theme, theme_id)
    if theme is None:
        raise NotFound()
    return theme


def all_themes(actor: User) -> list[Theme]:
    _require_admin(actor)
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.name)))


def save_theme(actor: User, name: str, active: bool, theme_id: int | None = None) -> Theme:
    _require_admin(actor)
    name = name.strip()
    clash = select(Theme.id).where(func.lower(Theme.name) == name.lower())
    if theme_id is not None:
        clash = clash.where(Theme.id != theme_id)
    if db.session.scalar(clash) is not None:
        raise ValidationFailed("A theme with this name already exists", "name")
    if theme_id is None:
        position = db.session.scalar(select(func.max(Theme.position))) or 0
        theme = Theme(name=name, active=active, position=position + 1)
        db.session.add(theme)
        db.session.flush()
        record(actor, "theme.created", theme, f"Theme {name} created")
    else:
        theme = get_theme(actor, theme_id)
        before = {"name": theme.name, "active": theme.active}
        theme.name, theme.active = name, active
        record(
            actor,
            "theme.updated",
            theme,
            f"Theme {name} saved",
            detail={"before": before, "after": {"name": name, "active": active}},
        )
    db.session.commit()
    return theme
