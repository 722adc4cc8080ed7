"""lists at scale, continued: the inbox's counters, a leader's counts for any status, and
the directorate board's order

Revision ID: 4dfb514c6007
Revises: a7d3c5e9b2f1
Create Date: 2026-11-29 03:30:00.000000

Issue 15, measured at 1M submissions with benchmarks/scale_explain.py. Plain CREATE INDEX
only, as in a7c15e2f9d40 (engage.extensions.LIST_INDEXES leaves them out of autogenerate).
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "4dfb514c6007"
down_revision = "a7d3c5e9b2f1"
branch_labels = None
depends_on = None

# (name, table, columns, partial condition, PostgreSQL INCLUDE columns, the query it serves)
INDEXES = [
    (
        "ix_submissions_waiting",
        "submissions",
        "unit_id",
        "status = 'submitted'",
        "queue, kind, guardian_escalated_on",
        # Only the unacknowledged items: a leader's count probes their units, a guardian's
        # reads the trust's few waiting items, not every open item of the history.
        "/inbox and the home page: 'N waiting to be acknowledged' "
        "(engage.submissions.queries.inbox_counts)",
    ),
    (
        "ix_submissions_leader_all",
        "submissions",
        "submitted_on, reference, id",
        "queue = 'leaders'",
        "unit_id, status, kind, theme_id",
        # Like ix_submissions_leader_inbox for any status: walked newest first (the counts by
        # theme and unit read the newest 1,000 of the leader's items from it, index only).
        "/inbox?status=... for a leader: its counts (engage.guardian.inbox.inbox_breakdown)",
    ),
    (
        "ix_publications_newest",
        "publications",
        "published_on DESC, id DESC",
        None,
        "unit_id, theme_id",
        # The directorate board lists several units' entries in one order: walked newest
        # first, skipping other directorates' entries, with no sort of a day's ties.
        "/boards/directorate/<id> (engage.responses.board.board)",
    ),
]


def upgrade():
    dialect = op.get_bind().dialect.name
    for name, table, columns, where, include, _serves in INDEXES:
        sql = f"CREATE INDEX {name} ON {table} ({columns})"
        if include and dialect == "postgresql":
            sql += f" INCLUDE ({include})"
        if where:
            sql += f" WHERE {where}"
        op.execute(sql)


def downgrade():
    for name, table, *_rest in INDEXES:
        op.drop_index(name, table_name=table)
