"""similar titles: trigram indexes over submission titles

Revision ID: b3e8f1a6c2d9
Revises: 4dfb514c6007
Create Date: 2026-11-29 03:10:00.000000

Issue 14 (finding duplicates). Similar ideas are matched on stemmed words first (the
full-text indexes of 5daf5e24df3f) and then on near spellings of words, through trigrams of
the title: on PostgreSQL pg_trgm's GIN operator class, which serves `<<%`
(strict_word_similarity); on SQLite an FTS5 table with the trigram tokenizer, kept in step
by triggers like submission_search. Plain CREATE statements only: a batch rebuild of
`submissions` on SQLite would drop these triggers (a migration doing one must create them
again).
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b3e8f1a6c2d9"
down_revision = "4dfb514c6007"
branch_labels = None
depends_on = None

SQLITE = (
    "CREATE VIRTUAL TABLE submission_search_trigram USING fts5(title, "
    "content='submissions', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER submission_search_trigram_insert AFTER INSERT ON submissions BEGIN "
    "INSERT INTO submission_search_trigram(rowid, title) VALUES (new.id, new.title); END",
    "CREATE TRIGGER submission_search_trigram_delete AFTER DELETE ON submissions BEGIN "
    "INSERT INTO submission_search_trigram(submission_search_trigram, rowid, title) "
    "VALUES ('delete', old.id, old.title); END",
    "CREATE TRIGGER submission_search_trigram_update AFTER UPDATE OF title ON submissions "
    "BEGIN INSERT INTO submission_search_trigram(submission_search_trigram, rowid, title) "
    "VALUES ('delete', old.id, old.title); "
    "INSERT INTO submission_search_trigram(rowid, title) VALUES (new.id, new.title); END",
    "INSERT INTO submission_search_trigram(submission_search_trigram) VALUES ('rebuild')",
)
# pg_trgm is a trusted extension (PostgreSQL 13 and later): a database owner may create it.
POSTGRES = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_submissions_title_trigram ON submissions USING gin (title gin_trgm_ops)",
)


def upgrade():
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRES:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS submission_search_trigram_{trigger}")
        op.execute("DROP TABLE IF EXISTS submission_search_trigram")
    else:
        op.execute("DROP INDEX IF EXISTS ix_submissions_title_trigram")
        op.execute("DROP EXTENSION IF EXISTS pg_trgm")
