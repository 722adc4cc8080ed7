"""Full-text search over submissions, one interface over two engines.

SQLite uses an FTS5 table (`submission_search`) kept in step by triggers; PostgreSQL uses a
generated `search_vector` column with a GIN index. Both are created by the migration. Words
are reduced to letters and digits before they reach either engine, so what people type can
never become query syntax.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, bindparam, column, func, literal_column, select, table, text

from engage.extensions import db
from engage.submissions.models import Submission

# PostgreSQL's English stop words (Snowball's list), dropped on SQLite too so that both
# databases find the same ideas for the same words.
STOP_WORDS = frozenset(
    (
        "a about above after again against all am an and any are as at be because been before "
        "being below between both but by can could did do does doing don down during each few "
        "for from further had has have having he her here hers herself him himself his how i if "
        "in into is it its itself just me more most my myself no nor not now of off on once "
        "only or other our ours ourselves out over own same she should so some such than that "
        "the their theirs them themselves then there these they this those through to too under "
        "until up very was we were what when where which while who whom why will with would "
        "you your yours yourself yourselves"
    ).split()
)
MAX_TERMS = 12


def terms(words: str) -> list[str]:
    """The distinct searchable words in what was typed, in order, at most MAX_TERMS."""
    found: list[str] = []
    for word in re.findall(r"\w+", words.lower()):
        if len(word) >= 2 and word not in STOP_WORDS and word not in found and not word.isdigit():
            found.append(word)
    return found[:MAX_TERMS]


def _is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def matching(words: str) -> ColumnElement[bool]:
    """SQL condition: the submission contains every searchable word (prefixes count)."""
    found = terms(words)
    if not found:
        return Submission.id.is_not(None)
    if _is_postgres():
        query = " & ".join(f"{term}:*" for term in found)
        condition = text("submissions.search_vector @@ to_tsquery('english', :search_query)")
        return condition.bindparams(bindparam("search_query", query))  # type: ignore[return-value]
    query = " AND ".join(f'"{term}"*' for term in found)
    ids = text("SELECT rowid FROM submission_search WHERE submission_search MATCH :search_query")
    return Submission.id.in_(ids.bindparams(bindparam("search_query", query)))


def similar(words: str, visible: ColumnElement[bool], *, limit: int = 5) -> list[Submission]:
    """Up to `limit` visible submissions most like the words (any of them), best first.

    Visibility is part of the ranked query, so that matches the viewer may not see (concerns,
    other directorates) never crowd out the ones they may.
    """
    found = terms(words)
    if not found:
        return []
    if _is_postgres():
        query = func.to_tsquery("english", " | ".join(f"{term}:*" for term in found))
        vector: ColumnElement[Any] = literal_column("submissions.search_vector")
        statement = (
            select(Submission)
            .where(visible, vector.op("@@")(query))
            .order_by(func.ts_rank(vector, query).desc())
        )
    else:
        index = table("submission_search", column("rowid"))
        match = text("submission_search MATCH :similar_query").bindparams(
            bindparam("similar_query", " OR ".join(f'"{term}"*' for term in found))
        )
        statement = (
            select(Submission)
            .join(index, index.c.rowid == Submission.id)
            .where(visible, match)
            .order_by(text("bm25(submission_search)"))
        )
    return list(db.session.scalars(statement.limit(limit)))
