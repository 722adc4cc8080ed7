"""The demo trust's two years of guardian cases make a past quarter's return whole and give
the emerging themes something true to find."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from engage.accounts.models import User
from engage.extensions import db
from engage.guardian.emerging import emerging_themes
from engage.guardian.returns import compute_return
from engage.quarters import Quarter
from engage.timeutil import utcnow


def test_every_item_of_the_last_quarter_is_non_zero_and_the_rota_emerges(
    demo_app: Flask, demo_session: object
) -> None:
    """On the session's demo trust (tests/factories/demo.py), seeded once for every test that
    needs it."""
    today = utcnow().date()
    with demo_app.test_request_context():
        rows = compute_return(Quarter.of(today).previous(), today).rows
        assert [row.label for row in rows if row.count == 0] == []
        guardian = db.session.scalar(
            select(User).where(User.email == "guardian@demo.engage.nhs.uk")
        )
        assert guardian is not None
        found = {
            scope.name: {s.term for s in scope.suggestions}
            for scope in emerging_themes(guardian, today)
        }
    assert {"rota", "night shifts"} <= found["Surgery and Critical Care"]
