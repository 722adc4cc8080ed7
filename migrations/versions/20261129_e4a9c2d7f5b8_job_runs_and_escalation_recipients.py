"""job runs and escalation recipients

Revision ID: e4a9c2d7f5b8
Revises: 7b3e1f0a9c21
Create Date: 2026-11-29 00:30:00.000000

`job_runs` records each run of a scheduled job (for `jobs list`, the jobs page and catch-up).
An escalation now names who it went to (`escalation_recipients`) and may be `unrouted` when
there was no one to tell; rows written before were sent, so they default to `sent`. Plain
ADD COLUMN on `escalations`, no batch rebuild.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e4a9c2d7f5b8"
down_revision = "7b3e1f0a9c21"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_name", sa.String(length=100), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("runner", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('running', 'succeeded', 'failed')",
            name=op.f("ck_job_runs_outcome_is_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
    )
    # The last run of each job (`jobs list`, catch-up).
    op.create_index("ix_job_runs_job_scheduled", "job_runs", ["job_name", "scheduled_for"])
    # The jobs page's recent runs; pruning.
    op.create_index(op.f("ix_job_runs_started_at"), "job_runs", ["started_at"])
    op.add_column(
        "escalations",
        sa.Column("status", sa.String(length=10), nullable=False, server_default="sent"),
    )
    op.add_column("escalations", sa.Column("unrouted_since", sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # SQLite cannot add a CHECK to an existing table without rebuilding it.
        op.create_check_constraint(
            op.f("ck_escalations_status_is_known"), "escalations", "status IN ('sent', 'unrouted')"
        )
    # The admin page's list of escalations that reached no one.
    op.create_index("ix_escalations_status", "escalations", ["status"])
    op.create_table(
        "escalation_recipients",
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
            name=op.f("fk_escalation_recipients_escalation_id_escalations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_escalation_recipients_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("escalation_id", "user_id", name=op.f("pk_escalation_recipients")),
    )
    op.create_index(op.f("ix_escalation_recipients_user_id"), "escalation_recipients", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_escalation_recipients_user_id"), table_name="escalation_recipients")
    op.drop_table("escalation_recipients")
    op.drop_index("ix_escalations_status", table_name="escalations")
    op.execute("ALTER TABLE escalations DROP COLUMN unrouted_since")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_escalations_status_is_known"), "escalations", type_="check")
    op.execute("ALTER TABLE escalations DROP COLUMN status")
    op.drop_index(op.f("ix_job_runs_started_at"), table_name="job_runs")
    op.drop_index("ix_job_runs_job_scheduled", table_name="job_runs")
    op.drop_table("job_runs")
