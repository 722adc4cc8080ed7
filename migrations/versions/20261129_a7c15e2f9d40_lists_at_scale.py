"""lists at scale: indexes that match the list queries, maintained counts

Revision ID: a7c15e2f9d40
Revises: d7a3c1e5f2b8
Create Date: 2026-11-29 01:30:00.000000

Issue 15. Each index names the query it serves. `submissions.supporter_count` and
`units.publication_count` are kept by triggers on `supports` and `publications` (so every
path counts: the services, the seeders, a user's deletion cascading to their supports), which
makes "most supported" an index walk and /boards a read of the units. Plain ALTER TABLE,
CREATE INDEX and CREATE TRIGGER only: a batch rebuild of `submissions` on SQLite would drop
its full-text search triggers.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c15e2f9d40"
down_revision = "d7a3c1e5f2b8"
branch_labels = None
depends_on = None

OPEN = "('submitted', 'acknowledged', 'under_review', 'decision_made')"
SHARED_IDEA = "kind = 'idea' AND hidden_reason IS NULL"
GUARDIAN_QUEUE = "(queue = 'guardian' OR (kind = 'concern' AND guardian_escalated_on IS NOT NULL))"

# (name, table, columns, partial condition, PostgreSQL INCLUDE columns, the query it serves)
INDEXES = [
    (
        "ix_submissions_ideas_newest",
        "submissions",
        "submitted_on DESC, reference, id",
        SHARED_IDEA,
        "unit_id, theme_id",
        "/ideas (engage.submissions.queries.ideas_board): shared ideas, newest first",
    ),
    (
        "ix_submissions_ideas_supported",
        "submissions",
        "supporter_count DESC, submitted_on DESC, reference, id",
        SHARED_IDEA,
        "unit_id, theme_id",
        "/ideas?sort=supported: shared ideas, most supported first",
    ),
    (
        "ix_submissions_leader_inbox",
        "submissions",
        "submitted_on, reference, id",
        f"queue = 'leaders' AND status IN {OPEN}",
        "unit_id, status, kind, theme_id",
        # Walked in the page's order, skipping other units' rows: a page reads about
        # (trust's units / leader's units) x 26 entries, however long the history.
        "/inbox for a leader (access.handled_by + status open, the default): oldest first",
    ),
    (
        "ix_submissions_leader_queue",
        "submissions",
        "unit_id, submitted_on, reference, id",
        "queue = 'leaders'",
        "status, kind, theme_id",
        "/inbox for a leader with any other status filter",
    ),
    (
        "ix_submissions_guardian_inbox",
        "submissions",
        "submitted_on, reference, id",
        GUARDIAN_QUEUE,
        "status, kind, theme_id, unit_id",
        "/inbox for a guardian (access.handled_by), and its counters and breakdown",
    ),
    (
        "ix_publications_unit_published",
        "publications",
        "unit_id, published_on DESC, id DESC",
        None,
        "theme_id",
        "/boards/<kind>/<id> (engage.responses.board.board): a unit's entries, newest first",
    ),
    (
        "ix_audit_events_newest",
        "audit_events",
        "occurred_at DESC, id DESC",
        None,
        None,
        "/admin/audit (engage.audit.services.search_events): newest first",
    ),
    (
        "ix_audit_events_action_newest",
        "audit_events",
        "action, occurred_at DESC, id DESC",
        None,
        None,
        "/admin/audit?action=...: one action, newest first",
    ),
]

SQLITE_TRIGGERS = [
    "CREATE TRIGGER supports_count_insert AFTER INSERT ON supports BEGIN "
    "UPDATE submissions SET supporter_count = supporter_count + 1 "
    "WHERE id = new.submission_id; END",
    "CREATE TRIGGER supports_count_delete AFTER DELETE ON supports BEGIN "
    "UPDATE submissions SET supporter_count = supporter_count - 1 "
    "WHERE id = old.submission_id; END",
    "CREATE TRIGGER supports_count_move AFTER UPDATE OF submission_id ON supports BEGIN "
    "UPDATE submissions SET supporter_count = supporter_count - 1 WHERE id = old.submission_id; "
    "UPDATE submissions SET supporter_count = supporter_count + 1 WHERE id = new.submission_id; "
    "END",
    "CREATE TRIGGER publications_count_insert AFTER INSERT ON publications BEGIN "
    "UPDATE units SET publication_count = publication_count + 1 WHERE id = new.unit_id; END",
    "CREATE TRIGGER publications_count_delete AFTER DELETE ON publications BEGIN "
    "UPDATE units SET publication_count = publication_count - 1 WHERE id = old.unit_id; END",
    "CREATE TRIGGER publications_count_move AFTER UPDATE OF unit_id ON publications BEGIN "
    "UPDATE units SET publication_count = publication_count - 1 WHERE id = old.unit_id; "
    "UPDATE units SET publication_count = publication_count + 1 WHERE id = new.unit_id; END",
]

POSTGRES_TRIGGERS = [
    """CREATE FUNCTION supports_keep_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE submissions SET supporter_count = supporter_count - 1 WHERE id = OLD.submission_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE submissions SET supporter_count = supporter_count + 1 WHERE id = NEW.submission_id;
  END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER supports_keep_count AFTER INSERT OR DELETE OR UPDATE OF submission_id "
    "ON supports FOR EACH ROW EXECUTE FUNCTION supports_keep_count()",
    """CREATE FUNCTION publications_keep_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE units SET publication_count = publication_count - 1 WHERE id = OLD.unit_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE units SET publication_count = publication_count + 1 WHERE id = NEW.unit_id;
  END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER publications_keep_count AFTER INSERT OR DELETE OR UPDATE OF unit_id "
    "ON publications FOR EACH ROW EXECUTE FUNCTION publications_keep_count()",
]


def _create_index(dialect: str, name, table, columns, where, include) -> None:
    sql = f"CREATE INDEX {name} ON {table} ({columns})"
    if include and dialect == "postgresql":
        sql += f" INCLUDE ({include})"
    if where:
        sql += f" WHERE {where}"
    op.execute(sql)


def upgrade():
    dialect = op.get_bind().dialect.name
    op.add_column(
        "submissions",
        sa.Column("supporter_count", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(
        "units", sa.Column("publication_count", sa.Integer(), server_default="0", nullable=False)
    )
    op.execute(
        "UPDATE submissions SET supporter_count = "
        "(SELECT COUNT(*) FROM supports WHERE supports.submission_id = submissions.id)"
    )
    op.execute(
        "UPDATE units SET publication_count = "
        "(SELECT COUNT(*) FROM publications WHERE publications.unit_id = units.id)"
    )
    for statement in POSTGRES_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)
    for name, table, columns, where, include, _serves in INDEXES:
        _create_index(dialect, name, table, columns, where, include)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, table, *_rest in INDEXES:
        op.drop_index(name, table_name=table)
    if dialect == "postgresql":
        op.execute("DROP TRIGGER supports_keep_count ON supports")
        op.execute("DROP FUNCTION supports_keep_count()")
        op.execute("DROP TRIGGER publications_keep_count ON publications")
        op.execute("DROP FUNCTION publications_keep_count()")
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute("DROP TRIGGER " + statement.split()[2])
    # Plain SQL on both databases: Alembic would batch-rebuild `submissions` on SQLite.
    op.execute("ALTER TABLE submissions DROP COLUMN supporter_count")
    op.execute("ALTER TABLE units DROP COLUMN publication_count")
