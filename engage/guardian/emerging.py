"""Emerging themes: words and phrases newly frequent in what people raised in the last 8 weeks,
compared with the year before, per directorate, so that a cluster ("rota", "night shift" on
one ward) shows before it becomes a theme.

The comparison is Dunning's log-likelihood (G2) on document frequencies: each concern counts
a term once, so one long account cannot make a theme alone. A term is suggested when it is in
at least MIN_RECENT recent concerns, relatively more often than before, with G2 above the
0.1% critical value of chi-squared with one degree of freedom (10.83). The guardian confirms a
suggestion (tagging the matching recent cases with a theme, new or existing) or dismisses it;
either way it is not suggested again in that directorate.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select

from engage.accounts.models import User
from engage.audit.services import record
from engage.errors import NotFound, ValidationFailed
from engage.extensions import db, get_by_id
from engage.guardian.access import require_guardian
from engage.guardian.models import GuardianCase, ThemeSuggestion
from engage.organisation.models import Directorate, Unit
from engage.submissions.models import Kind, Submission, Theme
from engage.timeutil import utcnow

RECENT_DAYS = 56
REFERENCE_DAYS = 365
MIN_RECENT = 3
CRITICAL_G2 = 10.83
PER_DIRECTORATE = 8
TERM_MAX = 80
CLAUSE_BREAK = re.compile(r"[.,;:!?()\[\]\n\"]+")
WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can cannot could did do does doing down during
    each few for from further get got had has have having he her here hers him his how i if
    in into is it its itself just me more most my no nor not now of off on once only or
    other our ours out over own same she should so some such than that the their theirs them
    then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours us one two there's
    it's i'm we're don't can't won't been still every many much really week weeks day days
    staff ward patients patient""".split()
)


def terms(text: str) -> set[str]:
    """The words (3 letters or more, not common words) and two-word phrases of a text."""
    found: set[str] = set()
    for clause in CLAUSE_BREAK.split(text.lower()):  # a phrase never spans punctuation
        words = WORD.findall(clause)
        kept = [w if w not in STOPWORDS and len(w) >= 3 else None for w in words]
        found.update(w for w in kept if w)
        found.update(f"{a} {b}" for a, b in itertools.pairwise(kept) if a and b)
    return found


def log_likelihood(recent: int, recent_docs: int, before: int, before_docs: int) -> float:
    total = recent + before
    docs = recent_docs + before_docs
    expected_recent = recent_docs * total / docs
    expected_before = before_docs * total / docs
    g2 = 0.0
    for observed, expected in ((recent, expected_recent), (before, expected_before)):
        if observed:
            g2 += observed * math.log(observed / expected)
    return 2 * g2


@dataclass(frozen=True)
class Suggestion:
    scope: str
    term: str
    recent: int
    before: int
    score: float


@dataclass(frozen=True)
class ScopeSuggestions:
    scope: str
    name: str
    recent_docs: int
    suggestions: list[Suggestion]


def scope_key(directorate_id: int) -> str:
    return f"directorate:{directorate_id}"


def compare(
    recent: Iterable[str], before: Iterable[str], scope: str, decided: set[str]
) -> tuple[int, list[Suggestion]]:
    recent_counts: Counter[str] = Counter()
    before_counts: Counter[str] = Counter()
    recent_docs = before_docs = 0
    for text in recent:
        recent_docs += 1
        recent_counts.update(terms(text))
    for text in before:
        before_docs += 1
        before_counts.update(terms(text))
    if not recent_docs:
        return 0, []
    found = []
    for term, count in recent_counts.items():
        if count < MIN_RECENT or term in decided:
            continue
        earlier = before_counts.get(term, 0)
        if before_docs and count / recent_docs <= earlier / before_docs:
            continue
        score = log_likelihood(count, recent_docs, earlier, max(before_docs, 1))
        if score >= CRITICAL_G2:
            found.append(Suggestion(scope, term, count, earlier, score))
    found.sort(key=lambda s: (-s.score, s.term))
    # A word whose every recent use is inside a suggested phrase adds nothing to the phrase.
    phrases = [s for s in found if " " in s.term]
    kept = [
        s
        for s in found
        if " " in s.term
        or not any(s.term in p.term.split() and p.recent == s.recent for p in phrases)
    ]
    return recent_docs, kept[:PER_DIRECTORATE]


def _texts(directorate_id: int, start: date, end: date) -> list[str]:
    units = select(Unit.id).where(Unit.directorate_id == directorate_id)
    concerns = db.session.execute(
        select(Submission.title, Submission.description).where(
            Submission.kind == Kind.CONCERN.value,
            Submission.unit_id.in_(units),
            Submission.submitted_on >= start,
            Submission.submitted_on < end,
        )
    )
    texts = [f"{title}. {description}" for title, description in concerns]
    outside = db.session.scalars(
        select(GuardianCase.summary).where(
            GuardianCase.submission_id.is_(None),
            GuardianCase.unit_id.in_(units),
            GuardianCase.raised_on >= start,
            GuardianCase.raised_on < end,
        )
    )
    return texts + list(outside)


def emerging_themes(actor: User, today: date) -> list[ScopeSuggestions]:
    require_guardian(actor)
    recent_start = today - timedelta(days=RECENT_DAYS - 1)
    before_start = recent_start - timedelta(days=REFERENCE_DAYS)
    decided: dict[str, set[str]] = {}
    for scope, term in db.session.execute(select(ThemeSuggestion.scope, ThemeSuggestion.term)):
        decided.setdefault(scope, set()).add(term)
    results = []
    for directorate in db.session.scalars(select(Directorate).order_by(Directorate.name)):
        scope = scope_key(directorate.id)
        recent = _texts(directorate.id, recent_start, today + timedelta(days=1))
        before = _texts(directorate.id, before_start, recent_start)
        docs, suggestions = compare(recent, before, scope, decided.get(scope, set()))
        results.append(ScopeSuggestions(scope, directorate.name, docs, suggestions))
    return results


def _directorate_of(scope: str) -> Directorate:
    prefix, _, number = scope.partition(":")
    directorate = get_by_id(Directorate, int(number)) if number.isdigit() else None
    if prefix != "directorate" or directorate is None:
        raise NotFound("There is no directorate with that number.")
    return directorate


def _clean_term(term: str) -> str:
    term = " ".join((term or "").lower().split())
    if not term or len(term) > TERM_MAX or not all(WORD.fullmatch(w) for w in term.split()):
        raise ValidationFailed("That is not a suggested word or phrase", "term")
    return term


def dismiss(actor: User, scope: str, term: str) -> None:
    require_guardian(actor)
    directorate = _directorate_of(scope)
    term = _clean_term(term)
    _decide(actor, scope, term, "dismissed", None)
    record(
        actor,
        "guardian.emerging_dismissed",
        directorate,
        f"Emerging theme '{term}' in {directorate.name} dismissed",
    )
    db.session.commit()


def confirm(
    actor: User, scope: str, term: str, theme_id: int | None, new_theme: str, today: date
) -> int:
    """Tag the recent cases that mention the term with the theme; returns how many."""
    require_guardian(actor)
    directorate = _directorate_of(scope)
    term = _clean_term(term)
    theme = _theme_for(actor, theme_id, (new_theme or "").strip())
    _decide(actor, scope, term, "confirmed", theme)
    tagged = 0
    for case in _recent_cases_mentioning(directorate, term, today):
        if theme not in case.themes:
            case.themes.append(theme)
            tagged += 1
    record(
        actor,
        "guardian.emerging_confirmed",
        directorate,
        f"Emerging theme '{term}' in {directorate.name} confirmed as {theme.name}; "
        f"{tagged} cases tagged",
    )
    db.session.commit()
    return tagged


def _theme_for(actor: User, theme_id: int | None, new_theme: str) -> Theme:
    if new_theme:
        if len(new_theme) > 120:
            raise ValidationFailed("A theme's name must be 120 characters or fewer", "new_theme")
        clash: Theme | None = db.session.scalar(
            select(Theme).where(func.lower(Theme.name) == new_theme.lower())
        )
        if clash is not None:
            return clash
        position = db.session.scalar(select(func.max(Theme.position))) or 0
        theme = Theme(name=new_theme, active=True, position=position + 1)
        db.session.add(theme)
        db.session.flush()
        record(actor, "theme.created", theme, f"Theme {new_theme} created from an emerging theme")
        return theme
    chosen = get_by_id(Theme, theme_id)
    if chosen is None:
        raise ValidationFailed("Choose a theme, or name a new one", "theme_id")
    return chosen


def _decide(actor: User, scope: str, term: str, decision: str, theme: Theme | None) -> None:
    already = db.session.scalar(
        select(ThemeSuggestion).where(ThemeSuggestion.scope == scope, ThemeSuggestion.term == term)
    )
    if already is not None:
        raise ValidationFailed(f"'{term}' was already {already.decision}", "term")
    db.session.add(
        ThemeSuggestion(
            scope=scope,
            term=term,
            decision=decision,
            theme_id=theme.id if theme else None,
            decided_by_id=actor.id,
            decided_on=utcnow().date(),
        )
    )
    db.session.flush()


def _recent_cases_mentioning(
    directorate: Directorate, term: str, today: date
) -> list[GuardianCase]:
    start = today - timedelta(days=RECENT_DAYS - 1)
    units = select(Unit.id).where(Unit.directorate_id == directorate.id)
    pattern = f"%{term}%"
    query = (
        select(GuardianCase)
        .outerjoin(Submission, Submission.id == GuardianCase.submission_id)
        .where(
            GuardianCase.unit_id.in_(units),
            GuardianCase.raised_on >= start,
            GuardianCase.closed_on.is_(None),
            or_(
                GuardianCase.summary.ilike(pattern),
                Submission.description.ilike(pattern),
                Submission.title.ilike(pattern),
            ),
        )
    )
    # The SQL match is on the raw text; keep only cases where the term is a whole word or phrase.
    return [case for case in db.session.scalars(query) if term in _case_terms(case)]


def _case_terms(case: GuardianCase) -> set[str]:
    text = case.summary
    if case.submission is not None:
        text += f" {case.submission.title}. {case.submission.description}"
    return terms(text)


def decisions(actor: User) -> list[ThemeSuggestion]:
    require_guardian(actor)
    query = select(ThemeSuggestion).order_by(
        ThemeSuggestion.decided_on.desc(), ThemeSuggestion.id.desc()
    )
    return list(db.session.scalars(query.limit(50)))
