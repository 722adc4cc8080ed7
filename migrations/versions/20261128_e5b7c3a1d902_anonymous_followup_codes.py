"""anonymous follow-up codes

Revision ID: e5b7c3a1d902
Revises: c41e7d2a9b10
Create Date: 2026-11-28 23:59:00.000000

Anonymous submitters followed their item up with its reference, which /ideas shows to every
colleague in the directorate, so anyone could guess at the passphrase or lock them out. Now
each anonymous item has a private follow-up code, of which only the digest is kept.

What submitters already hold is the code they were given, so that becomes their follow-up
code (its digest), and the item gets a new public reference, also put into the audit log's
summaries and the development outbox, where the old one appeared. Failed tries are no longer
counted on the row (a time of day on an anonymous row): those two columns go.

Plain ALTER TABLE and CREATE INDEX only: a batch rebuild of `submissions` on SQLite would drop
its full-text search triggers. Downgrading drops the follow-up codes; the new references stay.
"""

import hashlib
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e5b7c3a1d902"
down_revision = "c41e7d2a9b10"
branch_labels = None
depends_on = None

# As engage.submissions.references at this revision (a migration must not change with it).
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LOOK_ALIKES = str.maketrans("OIL", "011")
_PREFIX = {"idea": "ID", "concern": "CN"}


def _digest(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum()).translate(_LOOK_ALIKES)
    return hashlib.sha256(cleaned.encode()).hexdigest()


def _new_reference(kind: str, taken: set[str]) -> str:
    while True:
        body = "".join(secrets.choice(_ALPHABET) for _ in range(8))
        reference = f"{_PREFIX[kind]}-{body[:4]}-{body[4:]}"
        if reference not in taken:
            taken.add(reference)
            return reference


def upgrade():
    op.add_column("submissions", sa.Column("followup_digest", sa.String(length=64)))
    op.add_column("submissions", sa.Column("check_session_digest", sa.String(length=64)))
    op.create_index(
        op.f("ix_submissions_followup_digest"), "submissions", ["followup_digest"], unique=True
    )
    connection = op.get_bind()
    taken = set(connection.execute(sa.text("SELECT reference FROM submissions")).scalars())
    anonymous = connection.execute(
        sa.text("SELECT id, reference, kind FROM submissions WHERE mode = 'anonymous'")
    ).all()
    inspector = sa.inspect(connection)
    # Only tables and columns that exist: other revisions may reshape the outbox.
    texts = [
        (table, column)
        for table, column in (
            ("audit_events", "summary"),
            ("outbox_messages", "subject"),
            ("outbox_messages", "body"),
        )
        if table in inspector.get_table_names()
        and column in {c["name"] for c in inspector.get_columns(table)}
    ]
    for submission_id, old, kind in anonymous:
        new = _new_reference(kind, taken)
        connection.execute(
            sa.text(
                "UPDATE submissions SET followup_digest = :digest, reference = :new WHERE id = :id"
            ),
            {"digest": _digest(old), "new": new, "id": submission_id},
        )
        for table, column in texts:
            connection.execute(
                sa.text(
                    # Names from the fixed list above, never from data.
                    f"UPDATE {table} SET {column} = REPLACE({column}, :old, :new) "  # noqa: S608
                    f"WHERE {column} LIKE :pattern"
                ),
                {"old": old, "new": new, "pattern": f"%{old}%"},
            )
    op.execute("ALTER TABLE submissions DROP COLUMN failed_passphrases")
    op.execute("ALTER TABLE submissions DROP COLUMN passphrase_locked_until")


def downgrade():
    op.execute("ALTER TABLE submissions ADD COLUMN failed_passphrases INTEGER NOT NULL DEFAULT 0")
    op.execute("ALTER TABLE submissions ADD COLUMN passphrase_locked_until TIMESTAMP")
    op.drop_index(op.f("ix_submissions_followup_digest"), table_name="submissions")
    op.execute("ALTER TABLE submissions DROP COLUMN check_session_digest")
    op.execute("ALTER TABLE submissions DROP COLUMN followup_digest")
