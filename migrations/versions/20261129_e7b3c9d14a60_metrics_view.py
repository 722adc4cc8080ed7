"""metrics view: a board role, metric targets and directions, rebase points

Revision ID: e7b3c9d14a60
Revises: a7c15e2f9d40
Create Date: 2026-11-29 01:00:00.000000

The users' role check gains 'board'. On SQLite a CHECK constraint cannot be altered and a
batch rebuild of `users` would cascade deletes through the foreign keys, so the stored table
definition is edited in place, as SQLite's documentation describes for CHECK changes that
every existing row already satisfies.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e7b3c9d14a60"
down_revision = "a7c15e2f9d40"
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('staff', 'leader', 'guardian', 'admin')"
NEW_ROLES = "role IN ('staff', 'leader', 'guardian', 'admin', 'board')"


def _replace_role_check(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
        bind.exec_driver_sql("PRAGMA writable_schema=ON")
        bind.execute(
            sa.text(
                "UPDATE sqlite_master SET sql = replace(sql, :old, :new) "
                "WHERE type = 'table' AND name = 'users'"
            ),
            {"old": old, "new": new},
        )
        bind.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
        bind.exec_driver_sql("PRAGMA writable_schema=OFF")
        return
    op.drop_constraint(op.f("ck_users_role_is_known"), "users", type_="check")
    op.create_check_constraint(op.f("ck_users_role_is_known"), "users", new)


def upgrade():
    _replace_role_check(OLD_ROLES, NEW_ROLES)
    op.create_table(
        "metric_settings",
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("improvement", sa.String(length=12), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "improvement IN ('increase', 'decrease', 'neutral')",
            name=op.f("ck_metric_settings_improvement_is_known"),
        ),
        sa.PrimaryKeyConstraint("metric", name=op.f("pk_metric_settings")),
    )
    op.create_table(
        "metric_rebases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "level IS NULL OR level IN ('unit', 'directorate', 'trust')",
            name=op.f("ck_metric_rebases_level_is_known"),
        ),
        sa.CheckConstraint(
            "(level IS NULL) = (entity_id IS NULL)",
            name=op.f("ck_metric_rebases_level_with_entity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_rebases")),
        sa.UniqueConstraint(
            "metric", "level", "entity_id", "starts_on", name=op.f("uq_metric_rebase")
        ),
    )
    op.create_index(op.f("ix_metric_rebases_metric"), "metric_rebases", ["metric"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_metric_rebases_metric"), table_name="metric_rebases")
    op.drop_table("metric_rebases")
    op.drop_table("metric_settings")
    # Board members cannot keep a role the older code does not know: signed out, as staff.
    op.execute("UPDATE users SET role = 'staff', active = false WHERE role = 'board'")
    _replace_role_check(NEW_ROLES, OLD_ROLES)
