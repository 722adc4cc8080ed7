"""Emerging themes: a cluster of recent concerns in one directorate is suggested; confirming
tags its open cases; dismissed suggestions stay dismissed."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from engage.accounts.models import Role
from engage.extensions import db
from engage.guardian.emerging import compare, log_likelihood, terms
from engage.guardian.models import GuardianCase, ThemeSuggestion
from engage.organisation.models import Unit
from engage.submissions.models import Kind, SpeakUpMode, Submission, Theme
from engage.timeutil import utcnow
from tests.factories.accounts import make_user, sign_in
from tests.factories.guardian import make_case
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission

RECENT = [
    "The new rota puts us on three night shifts in a row.",
    "Night shifts again: the rota ignores requests.",
    "Rota changes mean night shifts at short notice.",
    "Broken hoist in bay 3.",
]
BEFORE = ["Broken hoist in bay 3."] * 20 + ["Parking is hard."] * 20


def test_terms_are_words_and_two_word_phrases_without_common_words() -> None:
    assert terms("The new rota: night shifts!") == {
        "new",
        "rota",
        "night",
        "shifts",
        "new rota",
        "night shifts",
    }


def test_a_recent_cluster_is_suggested_and_steady_words_are_not() -> None:
    docs, found = compare(RECENT, BEFORE, "directorate:1", set())
    assert docs == 4
    suggested = {s.term for s in found}
    assert {"rota", "night shifts"} <= suggested
    assert "hoist" not in suggested and "broken hoist" not in suggested
    # "night" and "shifts" only ever appear as "night shifts": the phrase alone is shown.
    assert "night" not in suggested and "shifts" not in suggested
    _, without = compare(RECENT, BEFORE, "directorate:1", {"rota"})
    assert "rota" not in {s.term for s in without}


def test_two_mentions_are_not_enough() -> None:
    _, found = compare(RECENT[:2], BEFORE, "directorate:1", set())
    assert found == []


def test_log_likelihood_is_zero_when_nothing_changed() -> None:
    assert log_likelihood(2, 10, 4, 20) == 0.0
    assert log_likelihood(3, 4, 0, 40) > 10.83


def _cluster(unit: Unit) -> list[Submission]:
    raiser = make_user(unit=unit)
    for index, text in enumerate(BEFORE):  # the directorate's year before the last 8 weeks
        old = make_submission(raiser, kind=Kind.CONCERN, description=text)
        old.submitted_on = utcnow().date() - timedelta(days=60 + index * 5)
    db.session.commit()
    return [
        make_submission(raiser, kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL, description=text)
        for text in RECENT[:3]
    ]


def test_confirming_tags_the_open_cases_and_dismissing_sticks(client: FlaskClient) -> None:
    unit = make_unit("Surgical Ward")
    concerns = _cluster(unit)
    guardian = make_user(Role.GUARDIAN)
    sign_in(client, guardian)
    for concern in concerns:
        client.post(f"/guardian/cases/start/{concern.id}")
    page = client.get("/guardian/emerging").get_data(as_text=True)
    assert "&#34;rota&#34;" in page or '"rota"' in page
    scope = f"directorate:{unit.directorate_id}"

    response = client.post(
        "/guardian/emerging/decide",
        data={
            "scope": scope,
            "term": "rota",
            "new_theme": "Rotas and rostering",
            "decision": "confirm",
        },
    )
    assert response.status_code == 302
    rostering = db.session.scalar(select(Theme).where(Theme.name == "Rotas and rostering"))
    assert rostering is not None
    cases = db.session.scalars(select(GuardianCase)).all()
    assert len(cases) == 3 and all(rostering in case.themes for case in cases)

    client.post(
        "/guardian/emerging/decide",
        data={"scope": scope, "term": "night shifts", "decision": "dismiss"},
    )
    after = client.get("/guardian/emerging").get_data(as_text=True)
    section = after[after.index("Surgical Ward") if "Surgical Ward" in after else 0 :]
    assert 'Dismiss<span class="nhsuk-u-visually-hidden"> &#34;night shifts&#34;' not in section
    # More of the same next week does not bring it back.
    make_submission(
        make_user(unit=unit),
        kind=Kind.CONCERN,
        mode=SpeakUpMode.CONFIDENTIAL,
        description=RECENT[0],
    )
    again = client.get("/guardian/emerging").get_data(as_text=True)
    assert 'value="night shifts"' not in again and 'value="rota"' not in again
    twice = client.post(
        "/guardian/emerging/decide", data={"scope": scope, "term": "rota", "decision": "dismiss"}
    )
    assert twice.status_code == 400
    assert "was already confirmed" in twice.get_data(as_text=True)
    decisions = db.session.scalars(select(ThemeSuggestion.decision)).all()
    assert sorted(decisions) == ["confirmed", "dismissed"]


def test_a_made_up_scope_or_term_is_refused(client: FlaskClient) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    missing = client.post(
        "/guardian/emerging/decide", data={"scope": "directorate:999999", "term": "rota"}
    )
    assert missing.status_code == 404
    unit = make_unit()
    bad = client.post(
        "/guardian/emerging/decide",
        data={
            "scope": f"directorate:{unit.directorate_id}",
            "term": "<script>",
            "decision": "dismiss",
        },
    )
    assert bad.status_code == 400
    assert db.session.scalar(select(ThemeSuggestion)) is None


def test_closed_cases_are_not_tagged(client: FlaskClient) -> None:
    unit = make_unit()
    _cluster(unit)
    closed = make_case(
        utcnow().date() - timedelta(days=2),
        unit=unit,
        summary="Rota again",
        closed_on=utcnow().date(),
    )
    sign_in(client, make_user(Role.GUARDIAN))
    client.post(
        "/guardian/emerging/decide",
        data={
            "scope": f"directorate:{unit.directorate_id}",
            "term": "rota",
            "new_theme": "Rotas",
            "decision": "confirm",
        },
    )
    db.session.expire_all()
    stored = db.session.get(GuardianCase, closed.id)
    assert stored is not None and [t.name for t in stored.themes] == ["Staffing and workload"]
