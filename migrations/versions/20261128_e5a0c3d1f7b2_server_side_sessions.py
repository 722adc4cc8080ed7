"""server-side sessions

Revision ID: e5a0c3d1f7b2
Revises: e4a9c2d7f5b8
Create Date: 2026-11-28 23:59:00.000000

Sessions are held server-side (user_sessions, unless Redis holds them) so that sign-out, a new
password and an administrator's "sign out everywhere" end them at once. Failed sign-ins are
counted by the rate limiter (memory or Redis) per client and account instead of on the user's
row, so users.failed_logins and users.locked_until go.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e5a0c3d1f7b2"
down_revision = "e4a9c2d7f5b8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("signed_in_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_user_sessions")),
    )
    op.create_index(op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"], unique=False)
    # Plain ALTER TABLE (SQLite 3.35+), not a batch rebuild: rebuilding `users` with foreign
    # keys on would cascade the DROP TABLE to every row that refers to a user.
    op.execute("ALTER TABLE users DROP COLUMN failed_logins")
    op.execute("ALTER TABLE users DROP COLUMN locked_until")


def downgrade() -> None:
    op.add_column("users", sa.Column("locked_until", sa.DateTime(), nullable=True))
    op.add_column(
        "users", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
    )
    op.drop_index(op.f("ix_user_sessions_user_id"), table_name="user_sessions")
    op.drop_table("user_sessions")
