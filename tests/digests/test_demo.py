"""The demo trust shows digests working: its leaders and guardian have them on."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from engage.accounts.models import User
from engage.digests import preferences
from engage.digests.models import Digest, DigestKind
from engage.digests.sending import run_digests
from engage.extensions import db
from tests.factories.digests import just_after_a_weekly_send


def test_the_demo_leaders_and_guardian_get_their_digests(
    demo_app: Flask, demo_session: object
) -> None:
    """On the session's demo trust (tests/factories/demo.py), seeded once for every test that
    needs it; what the run writes is rolled back."""
    leader = db.session.scalar(select(User).where(User.email == "leader@demo.engage.nhs.uk"))
    guardian = db.session.scalar(select(User).where(User.email == "guardian@demo.engage.nhs.uk"))
    assert leader is not None and guardian is not None
    assert preferences.digest_choices(leader)[DigestKind.LEADER].enabled
    assert preferences.digest_choices(guardian)[DigestKind.GUARDIAN].enabled
    with demo_app.test_request_context():
        run_digests(just_after_a_weekly_send())
    received = set(
        db.session.scalars(
            select(Digest.kind).where(Digest.recipient_id.in_([leader.id, guardian.id]))
        )
    )
    assert received == {"leader", "guardian"}
