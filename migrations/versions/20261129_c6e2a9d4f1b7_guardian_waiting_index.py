"""the guardian's waiting items in the inbox's order

Revision ID: c6e2a9d4f1b7
Revises: f2c8a4e6b1d3
Create Date: 2026-11-29 06:30:00.000000

Issue 15, measured at 1M submissions with benchmarks/scale_explain.py: the first group of the
guardian's "needs action" view (waiting to be acknowledged, oldest first) was found by
intersecting every waiting item of the trust with every item of the guardian's queue (a
bitmap of 107,000 entries, 16 to 35 ms), then sorting. This index holds exactly that group's
rows in the list's order, so a page reads its 26 entries. Plain CREATE INDEX, as in
4dfb514c6007 (engage.extensions.LIST_INDEXES leaves it out of autogenerate).
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c6e2a9d4f1b7"
down_revision = "f2c8a4e6b1d3"
branch_labels = None
depends_on = None

# engage.submissions.access.handled_by for a guardian, and attention.waiting().
GUARDIAN_QUEUE = "(queue = 'guardian' OR (kind = 'concern' AND guardian_escalated_on IS NOT NULL))"

# (name, table, columns, partial condition, PostgreSQL INCLUDE columns, the query it serves)
INDEXES = [
    (
        "ix_submissions_guardian_waiting",
        "submissions",
        "submitted_on, reference, id",
        f"status = 'submitted' AND {GUARDIAN_QUEUE}",
        "unit_id, theme_id, kind",
        "/inbox for a guardian, 'needs action' (the default): its first group, waiting to be "
        "acknowledged, oldest first (engage.pagination.paginate_segments)",
    ),
]


def upgrade():
    dialect = op.get_bind().dialect.name
    for name, table, columns, where, include, _serves in INDEXES:
        sql = f"CREATE INDEX {name} ON {table} ({columns})"
        if include and dialect == "postgresql":
            sql += f" INCLUDE ({include})"
        sql += f" WHERE {where}"
        op.execute(sql)


def downgrade():
    for name, table, *_rest in INDEXES:
        op.drop_index(name, table_name=table)
