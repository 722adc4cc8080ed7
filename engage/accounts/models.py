from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.accounts.passwords import password_fingerprint
from engage.extensions import db
from engage.organisation.models import Directorate, StaffGroup, Unit
from engage.timeutil import utcnow


class Role(StrEnum):
    STAFF = "staff"
    LEADER = "leader"
    GUARDIAN = "guardian"
    ADMIN = "admin"
    # Read-only: the metrics view for the whole trust and the published boards, never an
    # individual idea or concern.
    BOARD = "board"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.STAFF: "Staff member",
    Role.LEADER: "Leader",
    Role.GUARDIAN: "Freedom to Speak Up guardian",
    Role.ADMIN: "Administrator",
    Role.BOARD: "Board member (read-only)",
}


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('staff', 'leader', 'guardian', 'admin', 'board')", name="role_is_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased: email addresses are matched case-insensitively at sign-in and import.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # Null until the person sets a password through a reset link (imported staff).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.STAFF.value)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    staff_group_id: Mapped[int | None] = mapped_column(ForeignKey("staff_groups.id"))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    unit: Mapped[Unit | None] = relationship(lazy="joined")
    staff_group: Mapped[StaffGroup | None] = relationship(lazy="joined")
    scopes: Mapped[list[LeaderScope]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users at sign-in
        return self.active

    def get_id(self) -> str:
        """What the session remembers: the id and a digest of the password hash, so that a
        new password signs out every other session (see accounts.views.load_user)."""
        return f"{self.id}:{password_fingerprint(self.password_hash)}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def has_role(self, *roles: Role) -> bool:
        return self.role_enum in roles

    def __str__(self) -> str:
        return self.name


class LeaderScope(db.Model):  # type: ignore[name-defined,misc]
    """One unit, or one whole directorate, that a leader is responsible for."""

    __tablename__ = "leader_scopes"
    __table_args__ = (
        CheckConstraint("(unit_id IS NULL) <> (directorate_id IS NULL)", name="exactly_one_target"),
        UniqueConstraint("user_id", "unit_id", "directorate_id", name="uq_leader_scopes_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    directorate_id: Mapped[int | None] = mapped_column(
        ForeignKey("directorates.id", ondelete="CASCADE")
    )

    user: Mapped[User] = relationship(back_populates="scopes")
    unit: Mapped[Unit | None] = relationship(lazy="joined")
    directorate: Mapped[Directorate | None] = relationship(lazy="joined")

    def __str__(self) -> str:
        if self.unit is not None:
            return self.unit.name
        return f"{self.directorate} (whole directorate)"


class UserSession(db.Model):  # type: ignore[name-defined,misc]
    """A signed-in session, held server-side so that it can be ended at once (sign-out, a new
    password, an administrator's "sign out everywhere"). The browser's cookie carries a random
    token; only its SHA-256 is stored, so a copy of this table signs no one in. Used when
    REDIS_URL is not set; otherwise Redis holds the same (engage/accounts/sessions.py)."""

    __tablename__ = "user_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    signed_in_at: Mapped[datetime] = mapped_column(DateTime)
