"""notifications and digests

Revision ID: d7a3c1e5f2b8
Revises: e5a0c3d1f7b2
Create Date: 2026-11-29 00:30:00.000000

People's alert and digest choices, the alerts waiting to go, the digests sent (the unique
(kind, recipient, period) row is each digest's claim) and the trust's own settings.
New tables only: `submissions` is untouched.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d7a3c1e5f2b8"
down_revision = "e5a0c3d1f7b2"
branch_labels = None
depends_on = None

RANDOM_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "notification_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("delivery", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "delivery IN ('immediate', 'daily', 'weekly')",
            name=op.f("ck_notification_preferences_delivery_is_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preferences")),
        sa.UniqueConstraint("user_id", "kind", name="uq_notification_preferences_user_kind"),
    )
    op.create_table(
        "pending_alerts",
        sa.Column("id", RANDOM_ID, autoincrement=False, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("submission_id", RANDOM_ID, nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_pending_alerts_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_pending_alerts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_alerts")),
    )
    op.create_index("ix_pending_alerts_due_at", "pending_alerts", ["due_at"])
    op.create_index(op.f("ix_pending_alerts_user_id"), "pending_alerts", ["user_id"])
    op.create_table(
        "digest_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "frequency IN ('daily', 'weekly', 'monthly')",
            name=op.f("ck_digest_subscriptions_frequency_is_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_digest_subscriptions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_subscriptions")),
        sa.UniqueConstraint("user_id", "kind", name="uq_digest_subscriptions_user_kind"),
    )
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=24), nullable=False),
        sa.Column("covers_from", sa.Date(), nullable=False),
        sa.Column("covers_to", sa.Date(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["users.id"],
            name=op.f("fk_digests_recipient_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digests")),
        sa.UniqueConstraint(
            "kind", "recipient_id", "period", name="uq_digests_kind_recipient_period"
        ),
    )
    op.create_index(op.f("ix_digests_recipient_id"), "digests", ["recipient_id"])
    op.create_table(
        "trust_settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_trust_settings")),
    )


def downgrade():
    op.drop_table("trust_settings")
    op.drop_index(op.f("ix_digests_recipient_id"), table_name="digests")
    op.drop_table("digests")
    op.drop_table("digest_subscriptions")
    op.drop_index(op.f("ix_pending_alerts_user_id"), table_name="pending_alerts")
    op.drop_index("ix_pending_alerts_due_at", table_name="pending_alerts")
    op.drop_table("pending_alerts")
    op.drop_table("notification_preferences")
