"""Who sees which metrics (each role at each level), the board's read-only role, the
administrators' settings, and the signals on each home page."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient

from engage.accounts.models import Role
from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.metrics.models import TRUST_ENTITY_ID, Level, MetricRebase, MetricSetting
from engage.submissions.models import Kind
from tests.factories.accounts import make_user, sign_in
from tests.factories.forms import typed_date
from tests.factories.organisation import make_directorate, make_unit
from tests.factories.submissions import make_submission
from tests.metrics.view_helpers import SHIFTED, counts, percentages, put

REFUSED = "You cannot see this page"


@pytest.fixture
def places(app_context: None) -> dict[str, int]:
    """Surgery (Ward A, Ward B) and Medicine (Ward C), each with a figure to chart."""
    surgery, medicine = make_directorate("Surgery"), make_directorate("Medicine")
    ward_a, ward_b = make_unit("Ward A", surgery), make_unit("Ward B", surgery)
    ward_c = make_unit("Ward C", medicine)
    ids = {
        "ward_a": ward_a.id,
        "ward_b": ward_b.id,
        "ward_c": ward_c.id,
        "surgery": surgery.id,
        "medicine": medicine.id,
    }
    for name in ("ward_a", "ward_b", "ward_c"):
        put(Level.UNIT, ids[name], "submissions", counts(SHIFTED))
    for name in ("surgery", "medicine"):
        put(Level.DIRECTORATE, ids[name], "submissions", counts(SHIFTED))
    put(Level.TRUST, TRUST_ENTITY_ID, "submissions", counts(SHIFTED))
    return ids


def _pages(ids: dict[str, int]) -> dict[str, list[str]]:
    def three(level: str, entity: int) -> list[str]:
        base = f"/metrics/{level}/{entity}"
        summary = [] if level == "trust" else [base]
        return [*summary, f"{base}/submissions", f"{base}/submissions.csv"]

    return {
        "trust": three("trust", 0),
        "surgery": three("directorate", ids["surgery"]),
        "medicine": three("directorate", ids["medicine"]),
        "ward_a": three("unit", ids["ward_a"]),
        "ward_b": three("unit", ids["ward_b"]),
        "ward_c": three("unit", ids["ward_c"]),
    }


def _who(role: str, ids: dict[str, int]):  # type: ignore[no-untyped-def]
    ward_a, ward_b = db.session.get(*_unit(ids["ward_a"])), db.session.get(*_unit(ids["ward_b"]))
    if role == "staff":
        return make_user(Role.STAFF, unit=ward_a)
    if role == "ward leader":
        return make_user(Role.LEADER, unit=ward_a, leads_units=(ward_b,))
    if role == "directorate leader":
        surgery = ward_a.directorate
        return make_user(Role.LEADER, unit=ward_a, leads_directorates=(surgery,))
    return make_user(Role(role), unit=None if role == "board" else ward_a)


def _unit(unit_id: int):  # type: ignore[no-untyped-def]
    from engage.organisation.models import Unit

    return Unit, unit_id


EVERYTHING = {"trust", "surgery", "medicine", "ward_a", "ward_b", "ward_c"}
ALLOWED = {
    "staff": {"surgery", "ward_a"},
    # Leads Ward B; works on Ward A: both units, and their directorate.
    "ward leader": {"surgery", "ward_a", "ward_b"},
    "directorate leader": {"surgery", "ward_a", "ward_b"},
    "guardian": EVERYTHING,
    "admin": EVERYTHING,
    "board": EVERYTHING,
}


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_each_role_sees_its_places_and_is_refused_the_rest(
    places: dict[str, int], client: FlaskClient, role: str
) -> None:
    sign_in(client, _who(role, places))
    for place, paths in _pages(places).items():
        for path in paths:
            response = client.get(path)
            if place in ALLOWED[role]:
                assert response.status_code == 200, (role, path)
            else:
                assert response.status_code == 403, (role, path)
                assert REFUSED in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["staff", "ward leader"])
def test_metrics_home_lists_only_the_places_of_staff_and_leaders(
    places: dict[str, int], client: FlaskClient, role: str
) -> None:
    sign_in(client, _who(role, places))
    page = client.get("/metrics").get_data(as_text=True)
    assert "Ward A" in page and "Surgery" in page
    assert "Ward C" not in page and "Medicine" not in page
    assert "The whole trust" not in page


def test_a_directorate_chart_shows_small_multiples_of_its_units(
    places: dict[str, int], client: FlaskClient
) -> None:
    sign_in(client, make_user(Role.BOARD, unit=None))
    page = client.get(f"/metrics/directorate/{places['surgery']}/submissions").get_data(
        as_text=True
    )
    assert page.count('class="spc-chart"') == 3  # the directorate's and its two units'
    assert 'id="multiple-unit-' in page and "Ward C" not in page


def test_the_board_never_sees_an_idea_or_concern(app_context: None, client: FlaskClient) -> None:
    unit = make_unit()
    raiser = make_user(unit=unit)
    idea = make_submission(raiser, kind=Kind.IDEA)
    board = make_user(Role.BOARD, unit=unit)  # even one placed in the idea's unit
    sign_in(client, board)
    assert client.get(f"/submissions/{idea.id}").status_code in {403, 404}
    assert idea.title not in client.get("/ideas").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    navigation = home[: home.index("<main")]  # the header and its navigation
    assert 'href="/metrics"' in navigation and 'href="/speak-up"' not in navigation


@pytest.mark.parametrize("role", [Role.STAFF, Role.LEADER, Role.GUARDIAN, Role.BOARD])
def test_only_administrators_change_metric_settings(
    app_context: None, client: FlaskClient, role: Role
) -> None:
    sign_in(client, make_user(role))
    assert client.get("/metrics/settings").status_code == 403
    response = client.post(
        "/metrics/settings/submissions", data={"improvement": "decrease", "target": "5"}
    )
    assert response.status_code == 403
    response = client.post(
        "/metrics/settings/submissions/rebases",
        data={**typed_date("starts_on", date(2026, 4, 1)), "reason": "Rota", "applies_to": ""},
    )
    assert response.status_code == 403
    assert db.session.get(MetricSetting, "submissions") is None
    assert db.session.scalar(db.select(db.func.count(MetricRebase.id))) == 0


def test_an_administrator_sets_a_target_and_it_is_audited_and_drawn(
    app_context: None, client: FlaskClient
) -> None:
    put(Level.TRUST, TRUST_ENTITY_ID, "acknowledged_within_target", percentages(SHIFTED))
    sign_in(client, make_user(Role.ADMIN))
    response = client.post(
        "/metrics/settings/acknowledged_within_target",
        data={"improvement": "increase", "target": "85"},
    )
    assert response.status_code == 302
    setting = db.session.get(MetricSetting, "acknowledged_within_target")
    assert (setting.target, setting.improvement) == (85.0, "increase")
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "metric.settings"))
    page = client.get("/metrics/trust/0/acknowledged_within_target").get_data(as_text=True)
    assert 'class="spc-target"' in page and "the target is 85" in page


def test_bad_settings_are_refused_beside_the_field_and_keep_what_was_typed(
    app_context: None, client: FlaskClient
) -> None:
    sign_in(client, make_user(Role.ADMIN))
    page = client.post(
        "/metrics/settings/submissions", data={"improvement": "increase", "target": "lots"}
    ).get_data(as_text=True)
    assert "Enter the target as a number" in page and 'value="lots"' in page
    assert page.count('class="nhsuk-error-summary"') == 1
    response = client.post(
        "/metrics/settings/submissions/rebases",
        data={**typed_date("starts_on", date(2026, 4, 1)), "reason": "   ", "applies_to": ""},
    )
    assert response.status_code == 400
    assert "Enter the reason for the new period" in response.get_data(as_text=True)
    refused = client.post(
        "/metrics/settings/submissions/rebases",
        data={
            "starts_on-day": "30",
            "starts_on-month": "2",
            "starts_on-year": "2026",
            "reason": "New rota",
            "applies_to": "",
        },
    ).get_data(as_text=True)
    assert "Start date must be a real date" in refused and 'value="New rota"' in refused
    assert db.session.get(MetricSetting, "submissions") is None
    assert client.get("/metrics/settings/no_such_metric").status_code == 404


def test_home_pages_show_the_three_most_important_signals(
    places: dict[str, int], client: FlaskClient
) -> None:
    # Ward B takes longer to acknowledge (lower is better): a concern for its leader.
    put(Level.UNIT, places["ward_b"], "median_working_days_to_acknowledge", counts(SHIFTED))
    leader = _who("ward leader", places)
    sign_in(client, leader)
    home = client.get("/").get_data(as_text=True)
    assert "Median working days to acknowledge, Ward B" in home
    assert "special cause concern since 25 May 2026" in home
    # A leader's home lists concerns only; the shifts up in submissions are improvements.
    assert "Ideas and concerns submitted, Ward A" not in home

    client.post("/sign-out")
    sign_in(client, make_user(Role.BOARD, unit=None))
    home = client.get("/").get_data(as_text=True)
    assert "Ideas and concerns submitted, The whole trust" in home
    assert "special cause improvement since 25 May 2026" in home
