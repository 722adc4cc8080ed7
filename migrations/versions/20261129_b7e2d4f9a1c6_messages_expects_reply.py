"""a feedback answer is not a message to answer

Revision ID: b7e2d4f9a1c6
Revises: a8d4e2c6b9f3
Create Date: 2026-11-29 12:00:00.000000

`messages.expects_reply`: false on a submitter's answer to a Freedom to Speak Up feedback
question, which the handler's inbox listed as "a message to answer". Answers already given
are found by the questions' words (copied here from engage.guardian.feedback, so that this
revision keeps meaning what it meant). As the app does now, an answer given while a message of
theirs still waited for a reply is left expecting one.
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
    # An answer asks for no reply unless a message of theirs was waiting for one: the message
    # before it is the handler's (the question, usually), there is none, or it is itself an
    # answer asking for none. Two passes in order of position: there are two questions, so
    # at most two answers in a row.
    earlier = (
        "SELECT 1 FROM messages AS earlier WHERE earlier.submission_id = messages.submission_id "
        "AND earlier.position = messages.position - 1 AND earlier.author_role = 'submitter'"
    )
    answers = "author_role = 'submitter' AND (body LIKE :first OR body LIKE :second)"
    questions = {"first": f"{QUESTIONS[0]} %", "second": f"{QUESTIONS[1]} %"}
    for still_waiting in (earlier, f"{earlier} AND earlier.expects_reply"):
        op.execute(
            sa.text(
                f"UPDATE messages SET expects_reply = false WHERE {answers} "  # noqa: S608 (no input)
                f"AND NOT EXISTS ({still_waiting})"
            ).bindparams(**questions)
        )


def downgrade():
    op.drop_column("messages", "expects_reply")
