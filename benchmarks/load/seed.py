"""Accounts for a load run: units, a leader each, staff, and a guardian, all with one
password; written as JSON for the locustfile. Run by run.py inside the app's context."""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

from engage import create_app
from engage.accounts.models import Role
from engage.extensions import db
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.organisation import make_directorate, make_unit
from tests.factories.submissions import theme


def seed(out: Path, staff: int, leaders: int) -> None:
    app = create_app()
    with app.app_context():
        run = secrets.token_hex(3)
        directorate = make_directorate(f"Load {run}")
        units = [make_unit(f"Load ward {run}-{i}", directorate) for i in range(leaders)]
        accounts: dict[str, object] = {
            "password": PASSWORD,
            "theme_id": theme().id,
            "unit_ids": [u.id for u in units],
            "staff": [],
            "leader": [],
            "guardian": [],
        }
        for i in range(leaders):
            leader = make_user(
                Role.LEADER,
                unit=units[i],
                email=f"leader{i}.{run}@load.nhs.uk",
                leads_units=(units[i],),
            )
            accounts["leader"].append({"email": leader.email, "unit_id": units[i].id})  # type: ignore[attr-defined]
        for i in range(staff):
            unit = units[i % leaders]
            person = make_user(unit=unit, email=f"staff{i}.{run}@load.nhs.uk")
            accounts["staff"].append({"email": person.email, "unit_id": unit.id})  # type: ignore[attr-defined]
        for i in range(3):
            guardian = make_user(
                Role.GUARDIAN, unit=units[0], email=f"guardian{i}.{run}@load.nhs.uk"
            )
            accounts["guardian"].append({"email": guardian.email, "unit_id": units[0].id})  # type: ignore[attr-defined]
        db.session.commit()
    out.write_text(json.dumps(accounts), encoding="utf-8")


if __name__ == "__main__":
    seed(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
