"""Weekly metric snapshots: one row per level (unit, directorate or trust), entity, metric,
theme (for metrics broken down by theme) and ISO week.

The unique constraint is what makes the snapshot job idempotent: each run upserts the same
keys. Figures are stored as numerator and denominator (and the value they give), so a higher
level or a longer period is the sum of numerators over the sum of denominators, never an
average of averages. Medians keep their whole distribution ("working days: count"), from
which the median of any set of weeks or units is exact; the directorate and trust rows are
also stored, computed from the underlying items (distinct submitters cannot be summed).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db

# The trust has no table of its own; its rows use this entity id.
TRUST_ENTITY_ID = 0
# Metrics not broken down by theme use this theme id (a real id is never 0), so that the
# unique constraint holds on both databases (NULLs would never clash).
NO_THEME = 0


class Level(StrEnum):
    UNIT = "unit"
    DIRECTORATE = "directorate"
    TRUST = "trust"


class MetricSnapshot(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "metric_snapshots"
    __table_args__ = (
        Index(
            "uq_metric_snapshots_key",
            "level",
            "entity_id",
            "metric",
            "theme_id",
            "week_start",
            unique=True,
        ),
        CheckConstraint("level IN ('unit', 'directorate', 'trust')", name="level_is_known"),
        CheckConstraint("denominator IS NULL OR denominator >= 0", name="denominator_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(12))
    # A unit's or directorate's id, or TRUST_ENTITY_ID.
    entity_id: Mapped[int] = mapped_column(Integer)
    # A name from engage.metrics.registry.METRICS.
    metric: Mapped[str] = mapped_column(String(40))
    theme_id: Mapped[int] = mapped_column(Integer, default=NO_THEME, server_default="0")
    # The Monday of the ISO week (Monday to Sunday, Europe/London).
    week_start: Mapped[date] = mapped_column(Date, index=True)
    # Counts: numerator is the count and there is no denominator. Rates and percentages:
    # both. Medians: numerator is None, denominator is the number of items measured.
    numerator: Mapped[int | None] = mapped_column(Integer)
    denominator: Mapped[int | None] = mapped_column(Integer)
    # None when it cannot be computed (no items due, no staff, nothing to take a median of).
    value: Mapped[float | None] = mapped_column(Float)
    # Medians only: {"<days>": <items>}, from which any combined median is exact.
    distribution: Mapped[dict[str, int] | None] = mapped_column(JSON)
    # When these figures were written; on PostgreSQL a recompute that changes nothing leaves
    # the row (and this) alone.
    computed_at: Mapped[datetime] = mapped_column(DateTime)

    @property
    def level_enum(self) -> Level:
        return Level(self.level)


class MetricSetting(db.Model):  # type: ignore[name-defined,misc]
    """What an administrator set for one metric of the registry: its target and which way is
    better. A metric without a row keeps the registry's direction and has no target."""

    __tablename__ = "metric_settings"
    __table_args__ = (
        CheckConstraint(
            "improvement IN ('increase', 'decrease', 'neutral')", name="improvement_is_known"
        ),
    )

    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    target: Mapped[float | None] = mapped_column(Float)
    improvement: Mapped[str] = mapped_column(String(12))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class MetricRebase(db.Model):  # type: ignore[name-defined,misc]
    """A change in the process (a new rota, a new form) from which a metric's charts start a
    new period with their own mean and limits. Without a level it applies to every chart of
    the metric; with one, to that unit's, directorate's or the trust's chart only."""

    __tablename__ = "metric_rebases"
    __table_args__ = (
        UniqueConstraint("metric", "level", "entity_id", "starts_on", name="uq_metric_rebase"),
        CheckConstraint(
            "level IS NULL OR level IN ('unit', 'directorate', 'trust')", name="level_is_known"
        ),
        CheckConstraint("(level IS NULL) = (entity_id IS NULL)", name="level_with_entity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), index=True)
    level: Mapped[str | None] = mapped_column(String(12))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
