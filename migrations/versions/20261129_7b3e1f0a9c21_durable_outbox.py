"""durable outbox

Revision ID: 7b3e1f0a9c21
Revises: 7e3b9c1d2f40
Create Date: 2026-11-29 00:00:00.000000

Every email becomes a row that a sender claims and delivers: status, attempts, the next
attempt, a claim token with its lease, the last error, a Message-ID kept per row, and the HTML
part and extra headers. Rows written before this revision were kept for the development outbox
or already sent after commit, so they are marked `kept` and never sent again. Plain ALTER TABLE
ADD COLUMN (no batch rebuild), the same on SQLite and PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7b3e1f0a9c21"
down_revision = "7e3b9c1d2f40"
branch_labels = None
depends_on = None

COLUMNS = (
    ("html", sa.Text(), None),
    ("headers", sa.JSON(), None),
    ("message_id", sa.String(length=255), None),
    ("status", sa.String(length=10), "kept"),
    ("attempts", sa.Integer(), "0"),
    ("next_attempt_at", sa.DateTime(), None),
    ("claim_token", sa.String(length=64), None),
    ("claimed_until", sa.DateTime(), None),
    ("last_error", sa.String(length=500), None),
    ("sent_at", sa.DateTime(), None),
)


def upgrade():
    for name, type_, default in COLUMNS:
        op.add_column(
            "outbox_messages",
            sa.Column(name, type_, nullable=default is None, server_default=default),
        )
    op.create_index("uq_outbox_messages_message_id", "outbox_messages", ["message_id"], unique=True)
    op.create_index(
        "ix_outbox_messages_status_next_attempt",
        "outbox_messages",
        ["status", "next_attempt_at"],
    )


def downgrade():
    op.drop_index("ix_outbox_messages_status_next_attempt", table_name="outbox_messages")
    op.drop_index("uq_outbox_messages_message_id", table_name="outbox_messages")
    for name, _type, _default in reversed(COLUMNS):
        op.execute(f"ALTER TABLE outbox_messages DROP COLUMN {name}")
