"""what each decision was signed as, kept

Revision ID: b5e1d7c3a9f2
Revises: a8d4e2c6b9f3
Create Date: 2026-11-29 08:10:00.000000

The response panel's "Decided ... by Sam Jones (Leader, Ward 9)" was worked out from the
decider's role and scopes each time the page was shown, as replies were until a8d4e2c6b9f3.
decisions.signed_as keeps the words of the day it was decided; existing decisions are signed
here as they read today (the rules of engage.submissions.signatures, copied so that this
revision keeps meaning what it meant).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b5e1d7c3a9f2"
down_revision = "a8d4e2c6b9f3"
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
# the unit; any other role by its label. Open items add the name; a deleted decider is "former".
TITLE = """CASE users.role
    WHEN 'leader' THEN CASE
        WHEN EXISTS (SELECT 1 FROM leader_scopes WHERE leader_scopes.user_id = users.id
                     AND leader_scopes.unit_id = units.id) THEN 'Leader, ' || units.name
        WHEN EXISTS (SELECT 1 FROM leader_scopes WHERE leader_scopes.user_id = users.id
                     AND leader_scopes.directorate_id = units.directorate_id)
            THEN 'Directorate leader, ' || directorates.name
        ELSE 'Leader, ' || units.name END
    {labels} END"""
SIGN_DECISIONS = """UPDATE decisions SET signed_as = (
    SELECT CASE WHEN users.id IS NULL THEN :former
                WHEN submissions.mode <> 'open' THEN {title}
                ELSE users.name || ' (' || {title} || ')' END
    FROM submissions
    JOIN units ON units.id = submissions.unit_id
    JOIN directorates ON directorates.id = units.directorate_id
    LEFT JOIN users ON users.id = decisions.decided_by_id
    WHERE submissions.id = decisions.submission_id)"""


def upgrade():
    op.add_column("decisions", sa.Column("signed_as", sa.String(length=300), nullable=True))
    labels = " ".join(f"WHEN '{role}' THEN '{label}'" for role, label in LABELS.items())
    statement = SIGN_DECISIONS.format(title=TITLE.format(labels=labels))
    op.execute(sa.text(statement).bindparams(former=FORMER_HANDLER))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), as in f2c8a4e6b1d3.
    op.drop_column("decisions", "signed_as")
