"""guardian workspace

Revision ID: 7e3b9c1d2f40
Revises: 8a1908f77287
Create Date: 2026-11-28 23:55:00.000000

The Freedom to Speak Up guardian's case records, their themes, entries (notes, contacts,
actions, referrals) and identity reveals; decisions on emerging themes; the board report's
learning text. New tables only: `submissions` is not touched.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7e3b9c1d2f40"
down_revision = "8a1908f77287"
branch_labels = None
depends_on = None

RANDOM_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "guardian_cases",
        sa.Column("id", RANDOM_ID, autoincrement=False, nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("submission_id", RANDOM_ID, nullable=True),
        sa.Column("channel", sa.String(length=15), nullable=False),
        sa.Column("mode", sa.String(length=15), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("staff_group_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("person", sa.String(length=300), nullable=True),
        sa.Column("detriment_indicated", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("speak_up_again", sa.String(length=15), nullable=True),
        sa.Column("speak_up_again_on", sa.Date(), nullable=True),
        sa.Column("detriment_question_due_on", sa.Date(), nullable=True),
        sa.Column("detriment_asked_on", sa.Date(), nullable=True),
        sa.Column("detriment_answer", sa.String(length=15), nullable=True),
        sa.Column("detriment_answer_on", sa.Date(), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "mode IN ('open', 'confidential', 'anonymous')",
            name=op.f("ck_guardian_cases_mode_is_known"),
        ),
        sa.CheckConstraint(
            "mode <> 'anonymous' OR person IS NULL",
            name=op.f("ck_guardian_cases_anonymous_keeps_no_person"),
        ),
        sa.CheckConstraint(
            "channel IN ('engage', 'in_person', 'phone', 'email', 'letter')",
            name=op.f("ck_guardian_cases_channel_is_known"),
        ),
        sa.CheckConstraint(
            "speak_up_again IS NULL OR speak_up_again IN ('yes', 'no', 'maybe', 'dont_know')",
            name=op.f("ck_guardian_cases_speak_up_again_is_known"),
        ),
        sa.CheckConstraint(
            "detriment_answer IS NULL OR detriment_answer IN ('yes', 'no', 'prefer_not')",
            name=op.f("ck_guardian_cases_detriment_answer_is_known"),
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_guardian_cases_submission_id_submissions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_guardian_cases_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["staff_group_id"],
            ["staff_groups.id"],
            name=op.f("fk_guardian_cases_staff_group_id_staff_groups"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_guardian_cases_reference")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_guardian_cases_submission_id")),
    )
    op.create_index(op.f("ix_guardian_cases_raised_on"), "guardian_cases", ["raised_on"])
    op.create_index(op.f("ix_guardian_cases_unit_id"), "guardian_cases", ["unit_id"])
    op.create_index(op.f("ix_guardian_cases_closed_on"), "guardian_cases", ["closed_on"])
    op.create_index(
        op.f("ix_guardian_cases_detriment_question_due_on"),
        "guardian_cases",
        ["detriment_question_due_on"],
    )
    op.create_table(
        "guardian_case_themes",
        sa.Column("case_id", RANDOM_ID, nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["guardian_cases.id"],
            name=op.f("fk_guardian_case_themes_case_id_guardian_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_guardian_case_themes_theme_id_themes")
        ),
        sa.PrimaryKeyConstraint("case_id", "theme_id", name=op.f("pk_guardian_case_themes")),
    )
    op.create_index(op.f("ix_guardian_case_themes_theme_id"), "guardian_case_themes", ["theme_id"])
    op.create_table(
        "guardian_case_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", RANDOM_ID, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("referred_to", sa.String(length=20), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('note', 'contact', 'action', 'referral')",
            name=op.f("ck_guardian_case_entries_kind_is_known"),
        ),
        sa.CheckConstraint(
            "kind <> 'referral' OR referred_to IS NOT NULL",
            name=op.f("ck_guardian_case_entries_referral_has_to"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["guardian_cases.id"],
            name=op.f("fk_guardian_case_entries_case_id_guardian_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_guardian_case_entries_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian_case_entries")),
    )
    op.create_index(op.f("ix_guardian_case_entries_case_id"), "guardian_case_entries", ["case_id"])
    op.create_table(
        "guardian_identity_reveals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", RANDOM_ID, nullable=False),
        sa.Column("revealed_by_id", sa.Integer(), nullable=True),
        sa.Column("revealed_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["guardian_cases.id"],
            name=op.f("fk_guardian_identity_reveals_case_id_guardian_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revealed_by_id"],
            ["users.id"],
            name=op.f("fk_guardian_identity_reveals_revealed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian_identity_reveals")),
    )
    op.create_index(
        op.f("ix_guardian_identity_reveals_case_id"), "guardian_identity_reveals", ["case_id"]
    )
    op.create_table(
        "guardian_theme_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=30), nullable=False),
        sa.Column("term", sa.String(length=80), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "decision IN ('confirmed', 'dismissed')",
            name=op.f("ck_guardian_theme_suggestions_decision_is_known"),
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_guardian_theme_suggestions_theme_id_themes")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_guardian_theme_suggestions_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian_theme_suggestions")),
        sa.UniqueConstraint("scope", "term", name=op.f("uq_guardian_theme_suggestions_scope_term")),
    )
    op.create_table(
        "guardian_report_learning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("learning", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_guardian_report_learning_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian_report_learning")),
        sa.UniqueConstraint("period", name=op.f("uq_guardian_report_learning_period")),
    )


def downgrade():
    op.drop_table("guardian_report_learning")
    op.drop_table("guardian_theme_suggestions")
    op.drop_index(op.f("ix_guardian_identity_reveals_case_id"), "guardian_identity_reveals")
    op.drop_table("guardian_identity_reveals")
    op.drop_index(op.f("ix_guardian_case_entries_case_id"), "guardian_case_entries")
    op.drop_table("guardian_case_entries")
    op.drop_index(op.f("ix_guardian_case_themes_theme_id"), "guardian_case_themes")
    op.drop_table("guardian_case_themes")
    for column in ("detriment_question_due_on", "closed_on", "unit_id", "raised_on"):
        op.drop_index(op.f(f"ix_guardian_cases_{column}"), "guardian_cases")
    op.drop_table("guardian_cases")
