"""`flask --app engage snapshots backfill --since 2024-11-01`: rebuild snapshot history."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from engage.metrics.snapshot_runs import backfill_snapshots, refresh_snapshots
from engage.timeutil import utcnow

snapshots = AppGroup("snapshots", help="Weekly metric snapshots.")


def _as_of(until: datetime | None) -> datetime:
    return until.replace(tzinfo=UTC) if until else utcnow().replace(tzinfo=UTC)


@snapshots.command("backfill")
@click.option(
    "--since",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="Rebuild from the week holding this day (YYYY-MM-DD).",
)
@click.option(
    "--as-of",
    "until",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
    help="Run as if at this moment (UTC); weeks up to the last complete one. Default: now.",
)
def backfill(since: datetime, until: datetime | None) -> None:
    """Recompute every complete week since a day, frozen weeks included."""
    run = backfill_snapshots(since.date(), _as_of(until))
    if run.first_week is None:
        click.echo("No complete week in that range: nothing computed.")
        return
    click.echo(
        f"{run.weeks} weeks from {run.first_week} to {run.last_week}: {run.rows} rows "
        f"in {run.seconds:.1f} s ({run.rows_per_second:,.0f} rows per second)."
    )


@snapshots.command("refresh")
@click.option(
    "--as-of",
    "until",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
    help="Run as if at this moment (UTC). Default: now.",
)
def refresh(until: datetime | None) -> None:
    """What the weekly job does: the last 8 complete weeks, and any missed since."""
    from engage.extensions import db

    run = refresh_snapshots(_as_of(until))
    db.session.commit()
    caught_up = f" ({run.caught_up_weeks} missed weeks caught up)" if run.caught_up_weeks else ""
    click.echo(
        f"{run.weeks} weeks from {run.first_week} to {run.last_week}: {run.rows} rows{caught_up}."
    )
