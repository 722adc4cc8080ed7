"""metric snapshots

Revision ID: 8a1908f77287
Revises: e5b7c3a1d902
Create Date: 2026-11-28 23:59:00.000000

Weekly figures per unit, directorate and trust for each metric of engage.metrics.registry.
The unique index on (level, entity, metric, theme, week) makes the snapshot job idempotent.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8a1908f77287"
down_revision = "e5b7c3a1d902"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "metric_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("theme_id", sa.Integer(), server_default="0", nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("numerator", sa.Integer(), nullable=True),
        sa.Column("denominator", sa.Integer(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("distribution", sa.JSON(), nullable=True),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "level IN ('unit', 'directorate', 'trust')",
            name=op.f("ck_metric_snapshots_level_is_known"),
        ),
        sa.CheckConstraint(
            "denominator IS NULL OR denominator >= 0",
            name=op.f("ck_metric_snapshots_denominator_not_negative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_snapshots")),
    )
    op.create_index(
        "uq_metric_snapshots_key",
        "metric_snapshots",
        ["level", "entity_id", "metric", "theme_id", "week_start"],
        unique=True,
    )
    op.create_index(
        op.f("ix_metric_snapshots_week_start"), "metric_snapshots", ["week_start"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_metric_snapshots_week_start"), table_name="metric_snapshots")
    op.drop_index("uq_metric_snapshots_key", table_name="metric_snapshots")
    op.drop_table("metric_snapshots")
