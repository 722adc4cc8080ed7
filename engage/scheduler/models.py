"""A record of every run of a scheduled job: what `jobs list` and the jobs page show, and what
the scheduler reads to catch up the runs it missed while it was down."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db


class RunOutcome(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class JobRun(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "job_runs"
    __table_args__ = (
        CheckConstraint("outcome IN ('running', 'succeeded', 'failed')", name="outcome_is_known"),
        # The last run of a job, and the last successful one (catch-up, `jobs list`).
        Index("ix_job_runs_job_scheduled", "job_name", "scheduled_for"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(String(100))
    # The moment the run was for (naive UTC), which may be earlier than when it started.
    scheduled_for: Mapped[datetime] = mapped_column(DateTime)
    started_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(10))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The exception's type only: a message could carry what someone wrote.
    error: Mapped[str | None] = mapped_column(String(200))
    # Which process ran it (host and process id), to tell two schedulers or operators apart.
    runner: Mapped[str] = mapped_column(String(100))

    @property
    def outcome_enum(self) -> RunOutcome:
        return RunOutcome(self.outcome)
