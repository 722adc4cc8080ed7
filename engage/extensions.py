"""Flask extensions, created unbound so that every domain package can import them."""

from __future__ import annotations

import secrets
from typing import TypeVar

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import BigInteger, Integer, MetaData, inspect
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic can drop and alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def include_in_migrations(
    obj: object, name: str | None, kind: str, reflected: bool, compare_to: object
) -> bool:
    """Leave the objects made by hand in migrations out of autogenerate: the full-text search
    objects, and the partial, covering and descending list indexes of a7c15e2f9d40 (which
    the models cannot declare on both databases alike)."""
    if kind == "table" and name is not None and name.startswith("submission_search"):
        return False
    return name not in {
        "search_vector",
        "ix_submissions_search_vector",
        "ix_submissions_title_trigram",
        *LIST_INDEXES,
    }


# Made by migrations a7c15e2f9d40, 4dfb514c6007 and c6e2a9d4f1b7 (issue 15); each serves one list
# query named there.
LIST_INDEXES = frozenset(
    {
        "ix_submissions_ideas_newest",
        "ix_submissions_ideas_supported",
        "ix_submissions_leader_inbox",
        "ix_submissions_leader_queue",
        "ix_submissions_guardian_inbox",
        "ix_publications_unit_published",
        "ix_audit_events_newest",
        "ix_audit_events_action_newest",
        # 4dfb514c6007
        "ix_submissions_waiting",
        "ix_submissions_leader_all",
        "ix_publications_newest",
        # c6e2a9d4f1b7
        "ix_submissions_guardian_waiting",
    }
)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True, include_object=include_in_migrations)
login_manager = LoginManager()
csrf = CSRFProtect()


# Rows that an anonymous person's actions create (submissions, their messages, audit events)
# take random identifiers: a sequence would place them between rows with exact times, such as
# a sign-in, and so narrow down who wrote them. 2**53 keeps them exact in JavaScript too.
RANDOM_ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")


def random_id() -> int:
    return secrets.randbelow(2**53 - 2) + 1


M = TypeVar("M")


def get_by_id(model: type[M], ident: int | None) -> M | None:
    """`db.session.get` for an identifier that came in with a request (a URL, a form): one
    that the key column could not hold finds nothing. PostgreSQL's INTEGER stops at 2**31 - 1,
    and refuses the whole query for a larger number, which anyone can type into a URL."""
    key_type = inspect(model).primary_key[0].type
    largest = 2**63 - 1 if isinstance(key_type, BigInteger) else 2**31 - 1
    if ident is None or not 0 < ident <= largest:
        return None
    return db.session.get(model, ident)
