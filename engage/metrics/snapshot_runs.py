"""When snapshots are computed: the weekly refresh (the last 8 weeks, and any weeks missed
while the scheduler was down) and the operator's backfill of history."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from engage.extensions import db
from engage.metrics.models import Level, MetricSnapshot
from engage.metrics.snapshot_store import store
from engage.metrics.snapshots import compute_weeks
from engage.metrics.weeks import WEEK, last_complete_week, week_start

# Late changes (an acknowledgement recorded late, a decision, a merge) move recent weeks'
# figures; weeks older than this stay as they were computed unless backfilled.
RECOMPUTED_WEEKS = 8
# Weeks computed per pass: bounds memory on a large trust while keeping queries few.
CHUNK_WEEKS = 13

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SnapshotRun:
    first_week: date | None
    last_week: date | None
    weeks: int
    rows: int
    seconds: float
    # Weeks before the usual 8 that were computed because runs were missed.
    caught_up_weeks: int = 0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float(self.rows)


def latest_snapshot_week() -> date | None:
    return db.session.scalar(
        select(func.max(MetricSnapshot.week_start)).where(MetricSnapshot.level == Level.TRUST.value)
    )


def refresh_snapshots(as_of: datetime) -> SnapshotRun:
    """Recompute the last RECOMPUTED_WEEKS complete weeks before `as_of` and any later weeks
    missed since the latest stored one. Idempotent: the rows are upserted on their key.
    The caller commits."""
    last = last_complete_week(as_of)
    first = last - (RECOMPUTED_WEEKS - 1) * WEEK
    latest = latest_snapshot_week()
    caught_up = 0
    if latest is not None and latest + WEEK < first:
        caught_up = (first - latest - WEEK) // WEEK
        first = latest + WEEK
        log.info("snapshots: catching up %d missed weeks from %s", caught_up, first)
    started = time.perf_counter()
    rows = _compute_and_store(first, last)
    return SnapshotRun(
        first,
        last,
        (last - first) // WEEK + 1,
        rows,
        time.perf_counter() - started,
        caught_up,
    )


def backfill_snapshots(
    since: date, as_of: datetime, *, commit_each_chunk: bool = True
) -> SnapshotRun:
    """Recompute every complete week from the one holding `since` to the last before `as_of`,
    frozen weeks included. Commits after each chunk of weeks, so a long backfill keeps what
    it has done if it is stopped."""
    first, last = week_start(since), last_complete_week(as_of)
    started = time.perf_counter()
    rows = _compute_and_store(first, last, commit_each_chunk=commit_each_chunk)
    if last < first:
        return SnapshotRun(None, None, 0, 0, time.perf_counter() - started)
    return SnapshotRun(first, last, (last - first) // WEEK + 1, rows, time.perf_counter() - started)


def _compute_and_store(first: date, last: date, *, commit_each_chunk: bool = False) -> int:
    rows = 0
    chunk_first = first
    while chunk_first <= last:
        chunk_last = min(chunk_first + (CHUNK_WEEKS - 1) * WEEK, last)
        rows += store(compute_weeks(chunk_first, chunk_last))
        if commit_each_chunk:
            db.session.commit()
        chunk_first = chunk_last + WEEK
    return rows
