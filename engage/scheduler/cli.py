"""`flask --app engage scheduler`, `jobs run-due` and `jobs list`."""

from __future__ import annotations

import logging
import sys
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from engage.scheduler.registry import LONDON, discover_jobs
from engage.scheduler.services import job_statuses


def _prepare_process() -> None:
    """Logging to stderr, and (on SQLite) transactions that wait for the write lock."""
    from engage.sqlite import begin_immediately

    begin_immediately()
    _log_to_stderr()


class LondonTimeFormatter(logging.Formatter):
    """Log lines stamped in Europe/London time with its zone, "2026-07-01 06:00:00,042 BST":
    the jobs are scheduled in London time, and a server's own clock is often UTC, which put
    the 06:00 escalation run at 05:00 in the log all summer."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.fromtimestamp(record.created, LONDON)
        return f"{moment:%Y-%m-%d %H:%M:%S},{int(record.msecs):03d} {moment:%Z}"


def _log_to_stderr() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LondonTimeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@click.command("scheduler")
@with_appcontext
def scheduler() -> None:
    """Run the scheduled jobs (one active scheduler per database; others wait to take over)."""
    from engage.scheduler.process import SchedulerProcess

    _prepare_process()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    SchedulerProcess(app, discover_jobs()).serve()


@click.group("jobs")
def jobs() -> None:
    """Scheduled jobs: run those due now, or list them with their last run."""


@jobs.command("run-due")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]),
    help="Run as if it were this moment, Europe/London (default: now).",
)
@with_appcontext
def run_due_command(as_of: datetime | None) -> None:
    """Run every job due at this moment, then send the outbox. Safe to run more than once,
    and beside a running scheduler: the work is claimed, so it is done once."""
    from engage.scheduler.runner import london, run_due

    _prepare_process()
    moment = london(as_of) if as_of is not None else datetime.now(LONDON)
    runs = run_due(moment)
    for run in runs:
        counts = ", ".join(f"{key} {value}" for key, value in sorted(run.counts.items()))
        click.echo(f"{run.job_name}: {run.outcome} ({counts or 'nothing to report'})")
    failed = [run.job_name for run in runs if run.outcome != "succeeded"]
    if failed:
        raise click.ClickException(f"failed: {', '.join(failed)}")


@jobs.command("list")
@with_appcontext
def list_command() -> None:
    """Each job, its schedule, its next run and its last run with the outcome."""
    for status in job_statuses(datetime.now(LONDON)):
        click.echo(f"{status.name}  ({status.description})")
        click.echo(f"  schedule: {status.schedule}")
        click.echo(f"  next run: {status.next_run:%Y-%m-%d %H:%M %Z}" if status.next_run else "")
        if status.last_run is None:
            click.echo("  last run: never")
        else:
            click.echo(f"  last run: {status.last_run_text}")
