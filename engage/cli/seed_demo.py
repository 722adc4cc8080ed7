"""A realistic fictional trust for demos and for the browser tests."""

from __future__ import annotations

import random
from datetime import UTC

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from engage.accounts.models import LeaderScope, Role, User
from engage.accounts.passwords import hash_password
from engage.cli.seed_guardian import seed_guardian
from engage.cli.seed_responses import seed_responses
from engage.cli.seed_rows import Row, insert_returning_ids, insert_rows
from engage.cli.seed_submissions import (
    DEMO_ANONYMOUS_FOLLOWUP_CODE,
    DEMO_ANONYMOUS_PASSPHRASE,
    DEMO_ANONYMOUS_REFERENCE,
    seed_submissions,
)
from engage.digests.models import DigestKind, DigestSubscription, Frequency
from engage.extensions import db
from engage.metrics.snapshot_runs import backfill_snapshots
from engage.organisation.models import Directorate, StaffGroup, Unit
from engage.submissions.models import Submission
from engage.submissions.signatures import sign_unsigned
from engage.timeutil import utcnow

DEMO_DOMAIN = "demo.engage.nhs.uk"
STRUCTURE = {
    "Medicine and Emergency Care": [
        ("Emergency Department", 160),
        ("Acute Medical Unit", 95),
        ("Ward 7 (Respiratory)", 70),
        ("Ward 9 (Elderly Care)", 80),
        ("Stroke Unit", 65),
    ],
    "Surgery and Critical Care": [
        ("Main Theatres", 140),
        ("Intensive Care Unit", 120),
        ("Ward 12 (General Surgery)", 75),
        ("Ward 14 (Orthopaedics)", 70),
        ("Day Surgery Unit", 55),
    ],
    "Women, Children and Clinical Support": [
        ("Maternity Unit", 150),
        ("Children's Ward", 85),
        ("Radiology", 110),
        ("Pharmacy", 90),
        ("Estates and Facilities", 135),
    ],
}
FIRST_NAMES = (
    "Aisha",
    "Amelia",
    "Ben",
    "Chen",
    "Chloe",
    "Daniel",
    "Deepa",
    "Eilidh",
    "Emma",
    "Fatima",
    "George",
    "Grace",
    "Hannah",
    "Harry",
    "Imran",
    "Isla",
    "Jack",
    "James",
    "Jo",
    "Kemi",
    "Kwame",
    "Laura",
    "Leah",
    "Liam",
    "Lucy",
    "Maria",
    "Mohammed",
    "Nadia",
    "Noah",
    "Olivia",
    "Oscar",
    "Priya",
    "Rhys",
    "Rosa",
    "Ruth",
    "Sam",
    "Sarah",
    "Siobhan",
    "Sophie",
    "Tariq",
    "Tom",
    "Wei",
    "Yusuf",
    "Zara",
)
LAST_NAMES = (
    "Adeyemi",
    "Ahmed",
    "Brown",
    "Campbell",
    "Chen",
    "Clarke",
    "Davies",
    "Edwards",
    "Evans",
    "Green",
    "Hall",
    "Hughes",
    "Jones",
    "Khan",
    "Kowalski",
    "Lewis",
    "Martin",
    "Morgan",
    "Murphy",
    "Nowak",
    "O'Brien",
    "Okafor",
    "Patel",
    "Price",
    "Roberts",
    "Robinson",
    "Shah",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Thompson",
    "Walker",
    "Ward",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
)
# Roughly the mix of an acute trust's workforce, by FTSU worker group.
GROUP_WEIGHTS = {
    "Registered Nurses and Midwives": 30,
    "Nursing Assistants or Healthcare Assistants": 15,
    "Medical and Dental": 14,
    "Allied Health Professionals": 10,
    "Administrative and Clerical": 14,
    "Estates and Ancillary": 8,
    "Corporate Services": 4,
    "Students": 3,
    "Other": 1,
    "Not known": 1,
}


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@click.option("--seed", default=2026, show_default=True, help="Random seed, for repeatable data.")
def seed_demo(if_empty: bool, seed: int) -> None:
    """Fill the database with a fictional trust and the four demo logins."""
    if db.session.scalar(select(func.count(User.id))):
        if if_empty:
            click.echo("The database already has users: demo data not added.")
            return
        raise click.ClickException("The database already has users; seed-demo needs an empty one.")
    counts = seed_demo_data(random.Random(seed), current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    click.echo(f"Demo trust created: {counts['units']} units, {counts['users']} staff.")
    click.echo(
        f"{counts['submissions']} ideas and concerns over two years, {counts['decisions']} decided."
    )
    click.echo(f"{counts['snapshot_rows']} weekly metric snapshot rows.")
    click.echo(f"{counts['guardian_cases']} Freedom to Speak Up guardian's case records.")
    click.echo(
        f"Anonymous demo concern: {DEMO_ANONYMOUS_REFERENCE}, followed up at /check with the "
        f"code {DEMO_ANONYMOUS_FOLLOWUP_CODE} and the passphrase '{DEMO_ANONYMOUS_PASSPHRASE}'."
    )
    click.echo(f"Sign in as staff@, leader@, guardian@, admin@ or board@{DEMO_DOMAIN}.")


def seed_demo_data(rng: random.Random, password: str) -> dict[str, int]:
    """The whole demo trust and its history, for the command, the browser tests and the
    benchmarks alike. The caller commits."""
    today = utcnow().date()
    counts = build_demo_trust(rng, password)
    db.session.flush()
    made = seed_submissions(rng, today)
    counts["submissions"] = len(made)
    counts["decisions"] = seed_responses(rng, today, made)
    counts["guardian_cases"] = seed_guardian(rng, today, made)
    sign_unsigned()  # the replies and decisions written in bulk, signed as their services sign
    db.session.flush()
    # Two years of weekly snapshots, so the metrics view has history from the start.
    first = min(db.session.scalars(select(func.min(Submission.submitted_on))), default=None)
    run = backfill_snapshots(first or today, utcnow().replace(tzinfo=UTC), commit_each_chunk=False)
    counts["snapshot_rows"] = run.rows
    counts["digests"] = subscribe_demo_handlers()
    return counts


def subscribe_demo_handlers() -> int:
    """The demo's leaders and guardian get their digests (weekly, the guardian's daily), and
    the demo staff member the monthly "you said, we did", so the jobs have something to send."""
    chosen = {
        Role.LEADER.value: (DigestKind.LEADER, Frequency.WEEKLY),
        Role.GUARDIAN.value: (DigestKind.GUARDIAN, Frequency.DAILY),
    }
    people = db.session.execute(select(User.id, User.role).where(User.role.in_(list(chosen)))).all()
    rows = [
        DigestSubscription(
            user_id=user_id,
            kind=chosen[role][0].value,
            enabled=True,
            frequency=chosen[role][1].value,
        )
        for user_id, role in people
    ]
    staff = db.session.scalar(select(User.id).where(User.email == f"staff@{DEMO_DOMAIN}"))
    if staff is not None:
        rows.append(
            DigestSubscription(
                user_id=staff,
                kind=DigestKind.STAFF.value,
                enabled=True,
                frequency=Frequency.MONTHLY.value,
            )
        )
    db.session.add_all(rows)
    return len(rows)


def build_demo_trust(rng: random.Random, password: str) -> dict[str, int]:
    groups = {g.name: g.id for g in db.session.scalars(select(StaffGroup))}
    units: list[Unit] = []
    for directorate_name, unit_rows in STRUCTURE.items():
        directorate = Directorate(name=directorate_name)
        db.session.add(directorate)
        for unit_name, headcount in unit_rows:
            unit = Unit(name=unit_name, directorate=directorate, headcount=headcount)
            db.session.add(unit)
            units.append(unit)
    db.session.flush()
    # The demo password is hashed once, for the five demo logins.
    password_hash = hash_password(password)
    ward = units[3]
    demo_people = [
        ("staff", "Sam Patel", Role.STAFF, "Registered Nurses and Midwives"),
        ("leader", "Grace Okafor", Role.LEADER, "Registered Nurses and Midwives"),
        ("guardian", "Ruth Campbell", Role.GUARDIAN, "Corporate Services"),
        ("admin", "Tom Hughes", Role.ADMIN, "Administrative and Clerical"),
        ("board", "Helen Ward", Role.BOARD, "Corporate Services"),
    ]
    users: list[Row] = []
    # Each leader's scopes, by the leader's position in `users`: a unit, or a directorate.
    scopes: list[tuple[int, int | None, int | None]] = []
    for local_part, name, role, group_name in demo_people:
        if role is Role.LEADER:
            scopes += [(len(users), ward.id, None), (len(users), units[4].id, None)]
        users.append(
            _user(
                f"{local_part}@{DEMO_DOMAIN}",
                name,
                role,
                # A board member (a non-executive director, say) belongs to no unit.
                None if role is Role.BOARD else ward,
                groups[group_name],
                password_hash,
            )
        )
    group_names = list(GROUP_WEIGHTS)
    weights = list(GROUP_WEIGHTS.values())
    used_emails: set[str] = set()
    # Each directorate's first unit provides its directorate lead, so that overdue items in
    # the demo are escalated to someone (and the demo shows escalation working).
    first_units = {id(unit.directorate): unit for unit in reversed(units)}
    directorate_leads = {id(unit) for unit in first_units.values()}
    for unit in units:
        # Staff accounts exist for everyone in the headcount; they set a password when they
        # first use engage, so no password hash is stored for them.
        for index in range(unit.headcount - (4 if unit is ward else 0)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{first}.{last}".lower().replace("'", "") + f"{len(used_emails)}@{DEMO_DOMAIN}"
            used_emails.add(email)
            is_leader = index == 0 and unit is not ward
            role = Role.LEADER if is_leader else Role.STAFF
            group_id = groups[rng.choices(group_names, weights)[0]]
            if index == 1 and id(unit) in directorate_leads:
                role = Role.LEADER
                scopes.append((len(users), None, unit.directorate_id))
            elif is_leader:
                scopes.append((len(users), unit.id, None))
            users.append(_user(email, f"{first} {last}", role, unit, group_id, None))
    user_ids = insert_returning_ids(User, users, by="email")
    insert_rows(
        LeaderScope,
        [
            {"user_id": user_ids[user], "unit_id": unit_id, "directorate_id": directorate_id}
            for user, unit_id, directorate_id in scopes
        ],
    )
    return {"units": len(units), "users": len(users)}


def _user(
    email: str, name: str, role: Role, unit: Unit | None, group: int, password_hash: str | None
) -> Row:
    return {
        "email": email,
        "name": name,
        "role": role.value,
        "unit_id": unit.id if unit else None,
        "staff_group_id": group,
        "password_hash": password_hash,
    }
