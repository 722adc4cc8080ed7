"""`flask --app engage ftsu-return --year 2026 --quarter 2`: the quarterly return as CSV."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from engage.errors import ValidationFailed
from engage.guardian.returns import compute_return
from engage.quarters import Quarter
from engage.timeutil import utcnow


@click.command("ftsu-return")
@click.option(
    "--year",
    type=click.IntRange(2000, 2100),
    required=True,
    help="The year the financial year starts: 2026 is April 2026 to March 2027.",
)
@click.option("--quarter", type=click.IntRange(1, 4), required=True, help="1 is April to June.")
@with_appcontext
def ftsu_return(year: int, quarter: int) -> None:
    """Print the quarterly Freedom to Speak Up data return as CSV rows `item,count`."""
    try:
        result = compute_return(Quarter(year, quarter), utcnow().date())
    except ValidationFailed as problem:
        raise click.ClickException(problem.message) from problem
    click.echo(result.csv(), nl=False)
