from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.extensions import db


class Directorate(db.Model):  # type: ignore[name-defined,misc]
    """A division or care group: the level between the trust and its units."""

    __tablename__ = "directorates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    units: Mapped[list[Unit]] = relationship(
        back_populates="directorate", order_by="Unit.name", lazy="selectin"
    )

    def __str__(self) -> str:
        return self.name


class Unit(db.Model):  # type: ignore[name-defined,misc]
    """A ward, department or team. Headcount makes rates per 100 staff possible."""

    __tablename__ = "units"
    __table_args__ = (CheckConstraint("headcount >= 0", name="headcount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unit names are unique across the trust so that an ESR extract can name them alone.
    name: Mapped[str] = mapped_column(String(120), unique=True)
    directorate_id: Mapped[int] = mapped_column(ForeignKey("directorates.id"), index=True)
    headcount: Mapped[int] = mapped_column(Integer, default=0)
    # Kept by database triggers on `publications` (migration a7c15e2f9d40), for /boards.
    publication_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    directorate: Mapped[Directorate] = relationship(back_populates="units", lazy="joined")

    def __str__(self) -> str:
        return self.name


class StaffGroup(db.Model):  # type: ignore[name-defined,misc]
    """A worker group as used for FTSU reporting; the list is the trust's to change."""

    __tablename__ = "staff_groups"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __str__(self) -> str:
        return self.name
