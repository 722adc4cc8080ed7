"""Full-text search over submissions, one interface over two engines.

SQLite uses FTS5 tables kept in step by triggers: `submission_search` (Porter-stemmed words
of title and description) and `submission_search_trigram` (trigrams of the title).
PostgreSQL uses a generated `search_vector` column (English stemming) and pg_trgm, each with a
GIN index. All are created by the migrations. Words are reduced to letters and digits before
they reach either engine, so what people type can never become query syntax.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    ColumnElement,
    bindparam,
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
)

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
# pg_trgm's default strict_word_similarity_threshold, which its `<<%` operator applies: a
# typed word and a word of a title count as near spellings of each other from here.
NEAR_SPELLING = 0.5
# Words shorter than this are left to the stemmed search: their few trigrams match too much.
NEAR_SPELLING_MIN_LENGTH = 5
# How many title-trigram matches SQLite scores in Python, best BM25 first.
NEAR_CANDIDATES = 40


def terms(words: str) -> list[str]:
    """The distinct searchable words in what was typed, in order, at most MAX_TERMS."""
    found: list[str] = []
    for word in re.findall(r"\w+", words.lower()):
        if len(word) >= 2 and word not in STOP_WORDS and word not in found and not word.isdigit():
            found.append(word)
    return found[:MAX_TERMS]


def trigrams(word: str) -> set[str]:
    """A word's trigrams as pg_trgm makes them: padded with two spaces before, one after."""
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def spelling_likeness(word: str, title: str) -> float:
    """How close `word` is to its nearest word in `title`: the share of trigrams the two have
    in common (Jaccard), as pg_trgm's strict_word_similarity measures a single word."""
    wanted = trigrams(word)
    best = 0.0
    for other in re.findall(r"[^\W_]+", title.lower()):
        theirs = trigrams(other)
        best = max(best, len(wanted & theirs) / len(wanted | theirs))
    return best


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
    """Up to `limit` visible submissions most like the words, best first.

    First the ones sharing words with them, stemmed ("dispensers" finds "dispensing"): one
    in the title, or two in the description (one word there, like "help", says little), best
    BM25 (SQLite) or ts_rank (PostgreSQL) first; whole words only, but for the last one,
    which may still be being typed. Then the ones whose title has a near spelling of a word
    ("dispensors"), closest first. A word's beginning alone is not enough: "hand" does not
    find "handover". Visibility is part of each indexed query, so that matches the viewer may
    not see (concerns, other directorates) never crowd out the ones they may.
    """
    found = terms(words)
    if not found or limit < 1:
        return []
    near = [term for term in found if len(term) >= NEAR_SPELLING_MIN_LENGTH]
    if _is_postgres():
        return _similar_postgres(found, near, visible, limit)
    return _similar_sqlite(found, near, visible, limit)


def _pairs(words: list[str], both: str) -> list[str]:
    """Every two of the words, as a query that both must match (at most 66 for 12 words)."""
    return [f"({a}{both}{b})" for i, a in enumerate(words) for b in words[i + 1 :]]


def _similar_postgres(
    found: list[str], near: list[str], visible: ColumnElement[bool], limit: int
) -> list[Submission]:
    last = found[-1]
    in_title = [f"{term}:*A" if term == last else f"{term}:A" for term in found]
    words = [f"{term}:*" if term == last else term for term in found]
    enough = func.to_tsquery("english", " | ".join(in_title + _pairs(words, " & ")))
    # Ranked on the words alone: in `enough` each word comes back in many pairs.
    query = func.to_tsquery("english", " | ".join(words))
    vector: ColumnElement[Any] = literal_column("submissions.search_vector")
    shares_words = vector.op("@@")(enough)
    likeness = [func.strict_word_similarity(literal(term), Submission.title) for term in near]
    # `<<%` is strict_word_similarity at or above pg_trgm's threshold, served by the GIN index.
    spelt_alike = [literal(term).op("<<%")(Submission.title) for term in near]
    closest: ColumnElement[Any] = func.greatest(*likeness) if likeness else literal(0)
    statement = (
        select(Submission)
        .where(visible, or_(shares_words, *spelt_alike))
        .order_by(
            case((shares_words, 0), else_=1),
            func.ts_rank(vector, query).desc(),
            closest.desc(),
            Submission.id,
        )
    )
    return list(db.session.scalars(statement.limit(limit)))


def _similar_sqlite(
    found: list[str], near: list[str], visible: ColumnElement[bool], limit: int
) -> list[Submission]:
    index = table("submission_search", column("rowid"))
    words = [f'"{term}"*' if term == found[-1] else f'"{term}"' for term in found]
    in_title = "title : (" + " OR ".join(words) + ")"
    enough = text(
        "SELECT rowid FROM submission_search WHERE submission_search MATCH :enough_query"
    ).bindparams(bindparam("enough_query", " OR ".join([in_title, *_pairs(words, " AND ")])))
    # Ranked on the words alone: in `enough` each word comes back in many pairs.
    match = text("submission_search MATCH :similar_query").bindparams(
        bindparam("similar_query", " OR ".join(words))
    )
    statement = (
        select(Submission)
        .join(index, index.c.rowid == Submission.id)
        .where(visible, match, Submission.id.in_(enough))
        # Title words weigh ten times description words.
        .order_by(text("bm25(submission_search, 10.0, 1.0)"), Submission.id)
    )
    result = list(db.session.scalars(statement.limit(limit)))
    if len(result) == limit or not near:
        return result
    # Near spellings share a run of four letters with the word typed: ask the trigram index
    # for those, then keep the titles close enough by pg_trgm's measure.
    runs = sorted({term[i : i + 4] for term in near for i in range(len(term) - 3)})
    trigram_index = table("submission_search_trigram", column("rowid"))
    seen = [s.id for s in result]
    near_match = text("submission_search_trigram MATCH :near_query").bindparams(
        bindparam("near_query", " OR ".join(f'"{run}"' for run in runs))
    )
    candidates = db.session.scalars(
        select(Submission)
        .join(trigram_index, trigram_index.c.rowid == Submission.id)
        .where(visible, near_match, Submission.id.not_in(seen))
        .order_by(text("bm25(submission_search_trigram)"), Submission.id)
        .limit(NEAR_CANDIDATES)
    )
    scored = []
    for candidate in candidates:
        score = max(spelling_likeness(term, candidate.title) for term in near)
        if score >= NEAR_SPELLING:
            scored.append((-score, candidate.id, candidate))
    return result + [candidate for _, _, candidate in sorted(scored)[: limit - len(result)]]
