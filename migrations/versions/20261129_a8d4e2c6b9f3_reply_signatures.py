"""what each handler's reply and decision was signed as, kept

Revision ID: a8d4e2c6b9f3
Revises: c6e2a9d4f1b7
Create Date: 2026-11-29 07:15:00.000000

A reply's signature ("Sam Jones (Leader, Ward 9)") was worked out from the handler's role
and scopes each time the page was shown, so a leader who moved ward, or became the guardian,
changed what all their old replies said; so was the response panel's "by ..." of a decision.
messages.signed_as and decisions.signed_as keep the words of the day; existing replies and
decisions are signed here as they read today (the rules of engage.submissions.signatures,
copied so that this revision keeps meaning what it meant).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a8d4e2c6b9f3"
down_revision = "c6e2a9d4f1b7"
branch_labels = None
depends_on = None

LABELS = {
    "staff": "Staff member",
    "leader": "Leader",
    "guardian": "Freedom to Speak Up guardian",
    "admin": "Administrator",
    "board": "Board member (read-only)",
}
FORMER_HANDLER = "a former member of the team handling it"

# The guardian; a leader by their scope covering the item's unit, else its directorate, else
# the unit; any other role by its label. Open items add the name; a deleted author is "former".
TITLE = """CASE users.role
    WHEN 'leader' THEN CASE
        WHEN EXISTS (SELECT 1 FROM leader_scopes WHERE leader_scopes.user_id = users.id
                     AND leader_scopes.unit_id = units.id) THEN 'Leader, ' || units.name
        WHEN EXISTS (SELECT 1 FROM leader_scopes WHERE leader_scopes.user_id = users.id
                     AND leader_scopes.directorate_id = units.directorate_id)
            THEN 'Directorate leader, ' || directorates.name
        ELSE 'Leader, ' || units.name END
    {labels} END"""
SIGN = """UPDATE {table} SET signed_as = (
    SELECT CASE WHEN users.id IS NULL THEN :former
                WHEN submissions.mode <> 'open' THEN {title}
                ELSE users.name || ' (' || {title} || ')' END
    FROM submissions
    JOIN units ON units.id = submissions.unit_id
    JOIN directorates ON directorates.id = units.directorate_id
    LEFT JOIN users ON users.id = {table}.{author}
    WHERE submissions.id = {table}.submission_id){only}"""
# Handlers' replies (not submitters' messages), and decisions.
SIGNED = (
    ("messages", "author_id", " WHERE author_role = 'handler'"),
    ("decisions", "decided_by_id", ""),
)


def upgrade():
    labels = " ".join(f"WHEN '{role}' THEN '{label}'" for role, label in LABELS.items())
    title = TITLE.format(labels=labels)
    for table, author, only in SIGNED:
        op.add_column(table, sa.Column("signed_as", sa.String(length=300), nullable=True))
        statement = SIGN.format(table=table, author=author, only=only, title=title)
        op.execute(sa.text(statement).bindparams(former=FORMER_HANDLER))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), as in f2c8a4e6b1d3.
    op.drop_column("decisions", "signed_as")
    op.drop_column("messages", "signed_as")
