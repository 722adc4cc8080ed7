"""The scheduler's log lines are stamped in Europe/London time with the zone, as its jobs are
scheduled, whatever the server's own clock is set to."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from engage.scheduler.cli import LondonTimeFormatter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _line_at(moment: datetime) -> str:
    record = logging.LogRecord(
        "engage.scheduler", logging.INFO, __file__, 1, "escalation ran", None, None
    )
    record.created, record.msecs = moment.timestamp(), 42.0
    return LondonTimeFormatter(FORMAT).format(record)


@pytest.mark.parametrize(
    ("at", "stamp"),
    [
        (datetime(2026, 7, 1, 5, 0, tzinfo=UTC), "2026-07-01 06:00:00,042 BST"),
        (datetime(2026, 12, 1, 6, 0, tzinfo=UTC), "2026-12-01 06:00:00,042 GMT"),
        # The night the clocks go back, 01:30 comes twice: the zone tells them apart.
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "2026-10-25 01:30:00,042 BST"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "2026-10-25 01:30:00,042 GMT"),
    ],
)
def test_a_log_line_shows_london_time_and_its_zone(at: datetime, stamp: str) -> None:
    assert _line_at(at) == f"{stamp} INFO engage.scheduler: escalation ran"
