"""The scheduled jobs on the 1M benchmark database (issues 8 and 15).

    .venv/bin/python benchmarks/scale_jobs.py [engage_bench_1m]

Works on a copy (`<source>_jobs`, made with CREATE DATABASE ... TEMPLATE and dropped at the
end), so that the escalations, snapshots, digests and mail it writes do not change what
`make bench-scale` measures. Times, with the statements each sends: `responses.escalate` with
nothing left to do (a first run at 1M would escalate about 170,000 items one by one, hours
on this machine, so the escalations it would leave are written first in SQL: one `sent` row
per overdue item, clock and level, chosen by the job's own cut-offs), the weekly metric
snapshots (one week, and the weekly run of 8 weeks, three times), and the leaders' and
guardians' weekly digests.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SOURCE = sys.argv[1] if len(sys.argv) > 1 else "engage_bench_1m"
COPY = f"{SOURCE}_jobs"
os.environ.update(
    ENGAGE_ENV="development",  # mail stays in the outbox table
    DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:5432/{COPY}",
)

from benchmarks.scale_build import ADMIN_URL, database_url  # noqa: E402


def _copy() -> None:
    started = time.perf_counter()
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{COPY}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{COPY}" TEMPLATE "{SOURCE}"')
    print(f"copied {SOURCE} to {COPY} in {time.perf_counter() - started:.0f} s", flush=True)
    # The copy is brought to this checkout's schema; the source is left as it was built.
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "engage", "db", "upgrade"]
    subprocess.run(flask, env=os.environ, cwd=ROOT, check=True)  # noqa: S603


def _drop() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{COPY}" WITH (FORCE)')


PREFILL = """
INSERT INTO escalations (submission_id, clock, level, escalated_on, due_on, status)
SELECT id, %(clock)s, %(level)s, %(today)s, %(today)s, 'sent' FROM submissions
WHERE status = ANY(%(statuses)s) AND submitted_on <= %(cutoff)s AND {where}
ON CONFLICT DO NOTHING
"""
# As the job does in the same transaction as each sent row: the step's bit on the submission.
PREFILL_BITS = """
UPDATE submissions SET escalated_steps = escalated_steps | %(bit)s
WHERE id IN (SELECT submission_id FROM escalations
             WHERE clock = %(clock)s AND level = %(level)s AND status = 'sent')
"""


def _prefill(as_of: datetime) -> int:
    from engage.extensions import db
    from engage.responses.escalation import STEPS, latest_submission_date
    from engage.responses.services import clock_rules
    from engage.scheduler.registry import LONDON
    from engage.submissions.models import ESCALATION_STEP_BITS

    today = as_of.astimezone(LONDON).date()
    rules = clock_rules()
    written = 0
    connection = db.session.connection()
    for clock, level in STEPS:
        statuses = ["submitted"] if clock == "acknowledge" else ["acknowledged", "under_review"]
        where = "kind = 'concern'" if level == "guardian" else "queue <> 'guardian'"
        cutoff = latest_submission_date(rules, clock, level, today)
        params = {"clock": clock, "level": level, "today": today, "statuses": statuses}
        result = connection.exec_driver_sql(
            PREFILL.format(where=where), {**params, "cutoff": cutoff}
        )
        written += result.rowcount
        bit = ESCALATION_STEP_BITS[(clock, level)]
        connection.exec_driver_sql(PREFILL_BITS, {**params, "bit": bit})
    connection.exec_driver_sql("ANALYZE escalations")
    connection.exec_driver_sql("ANALYZE submissions")
    return written


def main() -> None:
    _copy()
    from sqlalchemy import event

    from engage import create_app
    from engage.digests.models import DigestKind, Frequency
    from engage.digests.schedule import latest_period, send_time
    from engage.digests.sending import send_digests
    from engage.extensions import db
    from engage.metrics.jobs import run_snapshot_job
    from engage.metrics.snapshot_store import store
    from engage.metrics.snapshots import compute_weeks
    from engage.metrics.weeks import last_complete_week
    from engage.responses.jobs import escalate

    app = create_app()
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
            statements.append(statement)

    def timed(label: str, work: Callable[[], Any], rounds: int = 1) -> None:
        seconds = []
        result: Any = None
        for _ in range(rounds):
            statements.clear()
            started = time.perf_counter()
            result = work()
            db.session.commit()
            seconds.append(time.perf_counter() - started)
        shown = ", ".join(f"{s:.2f}" for s in seconds)
        median = statistics.median(seconds)
        print(
            f"{label}: median {median:.2f} s ({shown}), {len(statements)} statements, {result}",
            flush=True,
        )

    as_of = datetime.now(UTC)
    with app.test_request_context():
        event.listen(db.engine, "before_cursor_execute", record)
        timed("escalations written as a first run leaves them", lambda: _prefill(as_of))
        # The bulk UPDATE of the bits leaves 176,000 dead index entries that autovacuum
        # would clear before the next morning; clear them here, so the run below is a
        # next morning's, not the first read after a bulk write (2.2 s, once).
        with psycopg.connect(database_url(COPY), autocommit=True) as c:
            c.execute("VACUUM ANALYZE submissions")
        timed("escalate, nothing to do", lambda: escalate(as_of), rounds=3)
        week = last_complete_week(as_of)
        timed("snapshots, one week", lambda: store(compute_weeks(week, week)), rounds=3)
        timed("snapshots, weekly run (8 weeks)", lambda: run_snapshot_job(as_of), rounds=3)
        when = send_time()
        for kind in (DigestKind.LEADER, DigestKind.GUARDIAN):
            period = latest_period(Frequency.WEEKLY, when, as_of)
            timed(f"digests, {kind.value} weekly", lambda k=kind, p=period: send_digests(k, p))
        event.remove(db.engine, "before_cursor_execute", record)
        db.session.remove()
        db.engine.dispose()
    _drop()


if __name__ == "__main__":
    main()
