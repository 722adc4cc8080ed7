"""message positions unique

Revision ID: c41e7d2a9b10
Revises: 9ad7e582a54d
Create Date: 2026-11-22 02:20:00.000000

Two messages sent to one submission at the same moment could take the same position (each
read the highest, then added one). Positions now come from a counter on the submission,
raised in a single UPDATE, and a unique index makes a clash impossible. Plain ALTER TABLE
and CREATE INDEX only: a batch rebuild of `submissions` on SQLite would drop its full-text
search triggers.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c41e7d2a9b10"
down_revision = "9ad7e582a54d"
branch_labels = None
depends_on = None


def _renumber_clashing_positions() -> None:
    """Give messages that share a position distinct ones, keeping their existing order."""
    connection = op.get_bind()
    clashing = connection.execute(
        sa.text(
            "SELECT DISTINCT submission_id FROM messages "
            "GROUP BY submission_id, position HAVING COUNT(*) > 1"
        )
    ).scalars()
    for submission_id in list(clashing):
        ids = connection.execute(
            sa.text(
                "SELECT id FROM messages WHERE submission_id = :submission "
                "ORDER BY position, sent_on, sent_at, id"
            ),
            {"submission": submission_id},
        ).scalars()
        for position, message_id in enumerate(list(ids), start=1):
            connection.execute(
                sa.text("UPDATE messages SET position = :position WHERE id = :id"),
                {"position": position, "id": message_id},
            )


def upgrade():
    op.add_column(
        "submissions",
        sa.Column("message_count", sa.Integer(), server_default="0", nullable=False),
    )
    _renumber_clashing_positions()
    op.execute(
        "UPDATE submissions SET message_count = COALESCE("
        "(SELECT MAX(position) FROM messages WHERE messages.submission_id = submissions.id), 0)"
    )
    op.drop_index(op.f("ix_messages_submission_id"), table_name="messages")
    op.create_index(
        "ix_messages_submission_position", "messages", ["submission_id", "position"], unique=True
    )


def downgrade():
    op.drop_index("ix_messages_submission_position", table_name="messages")
    op.create_index(op.f("ix_messages_submission_id"), "messages", ["submission_id"], unique=False)
    # Plain SQL on both databases (SQLite has DROP COLUMN since 3.35): Alembic would use a
    # batch rebuild on SQLite, losing the full-text search triggers.
    op.execute("ALTER TABLE submissions DROP COLUMN message_count")
