"""escalated steps on submissions

Revision ID: f2c8a4e6b1d3
Revises: b3e8f1a6c2d9
Create Date: 2026-11-29 04:40:00.000000

`submissions.escalated_steps`: one bit per escalation step (clock, level) whose escalation was
sent, filled in from `escalations`, and four partial indexes holding only the undecided items
a step may still escalate (issue 15: a daily run with nothing to do no longer reads the items
escalated on earlier days). Plain ADD COLUMN with a default, no batch rebuild.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f2c8a4e6b1d3"
down_revision = "b3e8f1a6c2d9"
branch_labels = None
depends_on = None

# Frozen copies of engage.submissions.models.ESCALATION_STEP_BITS and its predicates.
STEPS = {
    ("acknowledge", "directorate"): 1,
    ("acknowledge", "guardian"): 2,
    ("decide", "directorate"): 4,
    ("decide", "guardian"): 8,
}


def _waiting(clock, level, bit):
    if clock == "acknowledge":
        status = "status = 'submitted'"
    else:
        status = "status IN ('acknowledged', 'under_review')"
    who = "kind = 'concern'" if level == "guardian" else "queue <> 'guardian'"
    return f"{status} AND {who} AND (escalated_steps & {bit}) = 0"


def upgrade():
    op.add_column(
        "submissions",
        sa.Column("escalated_steps", sa.Integer(), server_default="0", nullable=False),
    )
    fill = sa.text(
        "UPDATE submissions SET escalated_steps = escalated_steps | :bit "
        "WHERE id IN (SELECT submission_id FROM escalations "
        "WHERE clock = :clock AND level = :level AND status = 'sent')"
    )
    for (clock, level), bit in STEPS.items():
        op.execute(fill.bindparams(bit=bit, clock=clock, level=level))
    for (clock, level), bit in STEPS.items():
        predicate = sa.text(_waiting(clock, level, bit))
        op.create_index(
            f"ix_submissions_escalation_{clock}_{level}",
            "submissions",
            ["id"],
            postgresql_where=predicate,
            sqlite_where=predicate,
        )


def downgrade():
    for clock, level in STEPS:
        op.drop_index(f"ix_submissions_escalation_{clock}_{level}", table_name="submissions")
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild would break the triggers on the table.
    op.drop_column("submissions", "escalated_steps")
