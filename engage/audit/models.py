from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.accounts.models import User
from engage.extensions import RANDOM_ID_TYPE, db, random_id


class AuditEvent(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, primary_key=True, autoincrement=False, default=random_id
    )
    occurred_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    # Null for the system (scheduled jobs, CLI) and for anonymous submitters.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(80), index=True)
    target_type: Mapped[str] = mapped_column(String(60))
    target_id: Mapped[str | None] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")

    @property
    def has_time_of_day(self) -> bool:
        """Anonymous and date-only events keep their London day, stored as its midnight: they
        show the day alone, since a time would be one the event never kept."""
        return self.occurred_at.time() != time.min
