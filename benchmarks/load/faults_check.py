"""The checks after `make faults`: each prints what it found and returns its problems."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

# A request that began this long before a fault, or this long after it settled, is still
# counted as inside it (a request in flight when PostgreSQL went away ends a little later).
BEFORE, AFTER = 1.0, 3.0


def _lines(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def mail(engine: sa.Engine, received_path: Path) -> list[str]:
    """Every email the outbox marked sent arrived, none arrived twice, none is left over."""
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, message_id, status FROM outbox_messages"))
        outbox = {row.message_id: (row.id, row.status) for row in rows}
        retried = connection.execute(
            sa.text("SELECT count(*) FROM outbox_messages WHERE attempts > 1")
        ).scalar_one()
    arrivals = Counter(str(line["message_id"]) for line in _lines(received_path))
    statuses = Counter(status for _, status in outbox.values())
    problems = [
        f"email {message_id} (outbox {outbox.get(message_id, ('?',))[0]}) arrived {n} times"
        for message_id, n in arrivals.items()
        if n > 1
    ]
    problems += [
        f"outbox {row_id} is marked sent but never arrived"
        for message_id, (row_id, status) in outbox.items()
        if status == "sent" and message_id not in arrivals
    ]
    problems += [
        f"outbox {row_id} ended {status}"
        for _, (row_id, status) in outbox.items()
        if status in ("pending", "sending", "failed")
    ]
    problems += [f"email {m} arrived but is not in the outbox" for m in arrivals if m not in outbox]
    if not outbox:
        problems.append("no mail was written during the run: the mail property was not tested")
    print(
        f"mail: {len(outbox)} in the outbox ({dict(statuses)}), {retried} needed more than one "
        f"attempt; {sum(arrivals.values())} arrivals of {len(arrivals)} distinct Message-IDs"
    )
    print("no email sent twice or lost" if not problems else "MAIL PROBLEMS:")
    for problem in problems[:30]:
        print("  " + problem)
    return problems


def scheduler(engine: sa.Engine, killed_runners: list[str]) -> list[str]:
    """Each job's run for a moment succeeded at most once; every job's last run succeeded;
    only the killed scheduler left a run unfinished."""
    with engine.connect() as connection:
        runs = connection.execute(
            sa.text(
                "SELECT id, job_name, scheduled_for, outcome, runner, error FROM job_runs "
                "ORDER BY id"
            )
        ).all()
    succeeded = Counter((r.job_name, r.scheduled_for) for r in runs if r.outcome == "succeeded")
    problems = [
        f"{job} for {moment} succeeded {n} times" for (job, moment), n in succeeded.items() if n > 1
    ]
    last: dict[str, str] = {}
    for run in runs:
        last[run.job_name] = run.outcome
    problems += [
        f"{job}: its last run ended {outcome}"
        for job, outcome in last.items()
        if outcome != "succeeded"
    ]
    killed = [r for r in runs if r.outcome == "running" and _by(r.runner, killed_runners)]
    problems += [
        f"run {r.id} of {r.job_name} left running by a live process"
        for r in runs
        if r.outcome == "running" and not _by(r.runner, killed_runners)
    ]
    failed = Counter(f"{r.job_name} ({r.error})" for r in runs if r.outcome == "failed")
    print(
        f"scheduler: {len(runs)} job runs of {len(last)} jobs, "
        f"{sum(succeeded.values())} succeeded; cut short by the kill: "
        f"{', '.join(f'{r.job_name} (run {r.id})' for r in killed) or 'none'}; "
        f"failed: {dict(failed) or 'none'}"
    )
    print("every job's work completed once" if not problems else "SCHEDULER PROBLEMS:")
    for problem in problems[:30]:
        print("  " + problem)
    return problems


def _by(runner: str, killed: list[str]) -> bool:
    return any(runner.endswith(pattern.removeprefix("%")) for pattern in killed)


def _window(began: float, ended: float, windows: list[tuple[str, float, float]]) -> str:
    """The fault a request ran into: the one it ended in (its answer, or the moment its
    connection was cut), else any it overlapped."""
    near = [(name, start - BEFORE, end + AFTER) for name, start, end in windows]
    for name, start, end in near:
        if start <= ended <= end:
            return name
    for name, start, end in near:
        if began <= end and ended >= start:
            return name
    return "outside every fault"


def trouble(path: Path, windows: list[tuple[str, float, float]], started: float) -> list[str]:
    """Every 5xx answer and lost connection, by when it began against the fault windows."""
    print("fault windows (seconds from the start of the load):")
    for name, began, ended in windows:
        print(f"  {name:18} {began - started:6.1f} to {ended - started:6.1f}")
    events = _lines(path)
    problems: list[str] = []
    print(f"5xx answers and lost connections: {len(events) or 'none'}")
    for event in events:
        at = float(event["at"])  # type: ignore[arg-type]
        status = int(event["status"])  # type: ignore[call-overload]
        # A cut connection is the web tier's doing: only its faults can explain one.
        web = [w for w in windows if w[0] in ("database restart", "worker kill")]
        began = float(event.get("start") or at)  # type: ignore[arg-type]
        where = _window(began, at, windows if status else web)
        what = f"HTTP {status}" if status else f"connection lost ({event['error']})"
        busy = " (the busy page)" if event.get("busy") else ""
        print(f"  {at - started:6.1f}s {where:20} {what}{busy} {event['method']} {event['name']}")
        if status >= 500 and (status != 503 or where != "database restart"):
            problems.append(f"HTTP {status} on {event['name']} at {at - started:.1f}s ({where})")
    print(
        "5xx only inside the database restart, and all 503"
        if not problems
        else "5xx PROBLEMS: " + "; ".join(problems[:10])
    )
    return problems
