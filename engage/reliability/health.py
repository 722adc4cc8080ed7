"""Whether this instance can serve: the database is reachable and its schema is the one the
code expects (the migrations' head)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from engage.extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"


@cache
def head_revisions() -> frozenset[str]:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


@dataclass(frozen=True)
class Readiness:
    database: str  # "reachable" or "unreachable"
    schema: str  # "at head", "behind head" or "unknown"

    @property
    def ready(self) -> bool:
        return self.database == "reachable" and self.schema == "at head"


def readiness() -> Readiness:
    # Through the request's session, like every page: a connection of its own could wait on
    # SQLite's write lock and be reported as "unreachable" while pages are served.
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return Readiness("unreachable", "unknown")
    try:
        rows = db.session.execute(text("SELECT version_num FROM alembic_version"))
        current = frozenset(row[0] for row in rows)
    except SQLAlchemyError:
        db.session.rollback()
        current = frozenset()  # no alembic_version table: nothing migrated yet
    return Readiness("reachable", "at head" if current == head_revisions() else "behind head")
