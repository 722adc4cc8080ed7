"""submit tokens

Revision ID: a7d3c5e9b2f1
Revises: e7b3c9d14a60
Create Date: 2026-11-29 01:30:00.000000

`submit_tokens` holds the digest of each one-time form token that created something, so a
repeated POST creates nothing twice. No user id and only the day, for anonymity.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7d3c5e9b2f1"
down_revision = "e7b3c9d14a60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "submit_tokens",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("result_path", sa.String(length=500), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_submit_tokens")),
    )
    op.create_index(
        op.f("ix_submit_tokens_created_on"), "submit_tokens", ["created_on"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_submit_tokens_created_on"), table_name="submit_tokens")
    op.drop_table("submit_tokens")
