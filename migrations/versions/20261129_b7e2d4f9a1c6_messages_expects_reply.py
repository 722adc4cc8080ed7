"""a feedback answer is not a message to answer

Revision ID: b7e2d4f9a1c6
Revises: a8d4e2c6b9f3
Create Date: 2026-11-29 12:00:00.000000

`messages.expects_reply`: false on a submitter's answer to a Freedom to Speak Up feedback
question, which the handler's inbox listed as "a message to answer". Answers already given
are found by the questions' words (copied here from engage.guardian.feedback, so that this
revision keeps meaning what it meant); a message of theirs that was still waiting for a reply
when they answered is left expecting one, as the app does now.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e2d4f9a1c6"
down_revision = "a8d4e2c6b9f3"
branch_labels = None
depends_on = None

QUESTIONS = (
    "Given your experience, would you speak up again?",
    "Have you experienced any detriment as a result of speaking up?",
)


def upgrade():
    # Plain ADD COLUMN (no batch rebuild on SQLite, which would lose the table's triggers).
    op.add_column(
        "messages",
        sa.Column("expects_reply", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    # An answer asks for no reply when the message before it was not an unanswered one of
    # theirs: the first message, or one by the handler (the question itself, usually).
    op.execute(
        sa.text(
            "UPDATE messages SET expects_reply = false "
            "WHERE author_role = 'submitter' AND (body LIKE :first OR body LIKE :second) "
            "AND NOT EXISTS (SELECT 1 FROM messages AS earlier "
            "WHERE earlier.submission_id = messages.submission_id "
            "AND earlier.position = messages.position - 1 AND earlier.author_role = 'submitter')"
        ).bindparams(first=f"{QUESTIONS[0]} %", second=f"{QUESTIONS[1]} %")
    )


def downgrade():
    op.drop_column("messages", "expects_reply")
