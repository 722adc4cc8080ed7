"""Command-line tasks: `flask --app engage seed-demo`, `create-admin`."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from engage.accounts.models import Role, User
from engage.accounts.passwords import hash_password
from engage.audit.services import record
from engage.extensions import db
from engage.timeutil import utcnow


def register_commands(app: Flask) -> None:
    from engage.cli.seed_demo import seed_demo
    from engage.cli.snapshots import snapshots
    from engage.scheduler.cli import jobs, scheduler

    app.cli.add_command(seed_demo)
    app.cli.add_command(snapshots)
    app.cli.add_command(create_admin)
    app.cli.add_command(escalate)
    app.cli.add_command(scheduler)
    app.cli.add_command(jobs)
    from engage.guardian.cli import ftsu_return

    app.cli.add_command(ftsu_return)


@click.command("escalate")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="Run as if on this date.")
@with_appcontext
def escalate(on: datetime | None) -> None:
    """Pass overdue ideas and concerns up the line (safe to run more than once a day; the
    scheduler runs it every day at 06:00 as the job responses.escalate)."""
    from engage.responses.escalation import escalate_overdue

    today = on.date() if on else utcnow().date()
    counts = escalate_overdue(today)  # links in its mail come from ENGAGE_BASE_URL
    click.echo(f"{counts['escalated']} escalations on {today}.")
    waiting = counts["unrouted"] + counts["still_unrouted"]
    if waiting:
        click.echo(f"{waiting} could not be escalated: no one to tell (see /admin/escalations).")


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt=True, help="The administrator's email address.")
@click.option("--name", prompt=True, help="The administrator's full name.")
@click.password_option(help="At least 12 characters.")
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account (or make an existing account an administrator)."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise click.BadParameter(f"must be {minimum} characters or more", param_hint="password")
    email = email.strip().lower()
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name.strip(), scopes=[])
        db.session.add(user)
    user.role = Role.ADMIN.value
    user.active = True
    user.password_hash = hash_password(password)
    db.session.flush()
    record(None, "user.admin_created", user, f"{email} made an administrator from the command line")
    db.session.commit()
    click.echo(f"{email} is an administrator.")
