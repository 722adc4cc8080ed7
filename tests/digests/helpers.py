"""Shared pieces for the notification and digest tests."""

from __future__ import annotations

from sqlalchemy import select

from engage.extensions import db
from engage.mail.models import OutboxMessage


def outbox_to(address: str) -> list[OutboxMessage]:
    """Mail kept in the outbox for one address, oldest first (MAIL_BACKEND=outbox)."""
    query = (
        select(OutboxMessage).where(OutboxMessage.recipient == address).order_by(OutboxMessage.id)
    )
    return list(db.session.scalars(query))
