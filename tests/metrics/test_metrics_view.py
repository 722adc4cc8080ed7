"""The metrics view's summary, charts and CSV against series worked out by hand, written
straight into the snapshots."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient

from engage.accounts.models import Role
from engage.extensions import db
from engage.metrics.models import TRUST_ENTITY_ID, Level, MetricSetting
from engage.metrics.series import Grain
from engage.metrics.spc import xmr
from engage.metrics.view_services import IconFilter, summary_rows
from engage.timeutil import utcnow
from tests.factories.accounts import make_user, sign_in
from tests.factories.forms import typed_date
from tests.factories.organisation import make_directorate, make_unit
from tests.metrics.view_helpers import (
    ALTERNATING,
    SHIFTED,
    counts,
    csv_rows,
    percentages,
    point_types_drawn,
    put,
    week,
)

TRUST = (Level.TRUST, TRUST_ENTITY_ID)


def _row(metric: str, level: Level = Level.TRUST, entity_id: int = TRUST_ENTITY_ID, **kw):  # type: ignore[no-untyped-def]
    rows = {row.metric.name: row for row in summary_rows(level, entity_id, **kw)}
    return rows[metric]


def _target(metric: str, target: float, improvement: str = "increase") -> None:
    db.session.add(
        MetricSetting(metric=metric, target=target, improvement=improvement, updated_at=utcnow())
    )
    db.session.flush()


def test_a_shift_up_where_higher_is_better_is_improvement_since_its_first_week(
    app_context: None,
) -> None:
    put(*TRUST, "submissions", counts(SHIFTED))
    row = _row("submissions")
    assert row.variation == "improvement_high"
    assert row.series.reading == "Special cause improvement since 25 May 2026"
    assert week(20) == date(2026, 5, 25)
    assert row.latest_text == "70 submissions"
    assert row.category is IconFilter.IMPROVEMENT


def test_one_high_week_where_lower_is_better_is_a_concern(app_context: None) -> None:
    # Anonymous share around 10%, then 40% in the last week: far above the upper limit.
    values = [9.0, 11.0] * 10 + [40.0]
    put(*TRUST, "anonymous_share", percentages(values))
    row = _row("anonymous_share")
    assert row.variation == "concern_high"
    assert row.series.reading == f"Special cause concern since {week(20):%-d %b %Y}"
    assert row.matches(IconFilter.ATTENTION)


def test_steady_figures_are_common_cause_with_no_special_reading(app_context: None) -> None:
    put(*TRUST, "acknowledged_within_target", percentages(ALTERNATING))
    row = _row("acknowledged_within_target")
    assert row.variation == "common_cause"
    assert row.series.reading == "Common cause variation: no sign of change"
    assert row.mean_text == "90%"
    assert row.assurance is None  # no target set


@pytest.mark.parametrize(
    ("target", "assurance"),
    [
        # Limits 79.36 to 100.64: a target below the lower limit is always met...
        (75.0, "consistent_pass"),
        # ...one between the limits sometimes...
        (95.0, "inconsistent"),
        # ...and one above the upper limit never.
        (105.0, "consistent_fail"),
    ],
)
def test_assurance_against_the_target_an_administrator_set(
    app_context: None, target: float, assurance: str
) -> None:
    put(*TRUST, "acknowledged_within_target", percentages(ALTERNATING))
    _target("acknowledged_within_target", target)
    row = _row("acknowledged_within_target")
    assert row.assurance == assurance
    assert row.matches(IconFilter.ATTENTION) is (assurance == "consistent_fail")


def test_a_changed_direction_turns_improvement_into_concern(app_context: None) -> None:
    put(*TRUST, "submissions", counts(SHIFTED))
    _target("submissions", 60.0, improvement="decrease")
    assert _row("submissions").variation == "concern_high"


def test_months_add_numerators_and_denominators_never_average_the_weeks(
    app_context: None, client: FlaskClient
) -> None:
    # March 2026 has five Mondays: 1 of 2 on time, then 9 of 10, then three weeks with
    # nothing due. The month is 10 of 12 (83.3%), not the mean of 50% and 90% (70%).
    figures = [(5, 5, 100.0)] * 8  # January and February, all on time
    figures += [(1, 2, 50.0), (9, 10, 90.0), (0, 0, None), (0, 0, None), (0, 0, None)]
    figures += [(4, 4, 100.0)] * 4  # April, complete up to the 27th
    first = date(2026, 1, 5)
    put(*TRUST, "acknowledged_within_target", figures, first=first)
    sign_in(client, make_user(Role.BOARD))
    response = client.get("/metrics/trust/0/acknowledged_within_target.csv?grain=month")
    rows = csv_rows(response.get_data(as_text=True))
    march = next(row for row in rows if row["period_start"] == "2026-03-01")
    assert (march["numerator"], march["denominator"]) == ("10", "12")
    assert float(march["value"]) == pytest.approx(83.333, abs=0.001)
    # January (first Monday the 5th) and April (last Monday the 27th) are whole months here.
    assert [row["period_start"] for row in rows] == [
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
        "2026-04-01",
    ]


def test_the_latest_point_is_named_as_its_period(app_context: None) -> None:
    """A month is "April 2026", not its first day ("1 Apr 2026" read as one day); a week is
    the week of its Monday."""
    put(*TRUST, "acknowledged_within_target", [(4, 4, 100.0)] * 17, first=date(2026, 1, 5))
    by_month = _row("acknowledged_within_target", grain=Grain.MONTH, weeks=26)
    by_week = _row("acknowledged_within_target", grain=Grain.WEEK, weeks=26)
    assert (by_month.latest_when, by_week.latest_when) == ("April 2026", "Week of 27 Apr 2026")


def test_monthly_medians_come_from_the_whole_distribution(app_context: None) -> None:
    # Two weeks of March: {1: 3} (median 1) and {10: 2} (median 10); the month's five items
    # are 1, 1, 1, 10, 10: median 1, where the mean of the weekly medians would be 5.5.
    first = date(2026, 3, 2)
    spreads = [{"1": 3}, {"10": 2}, None, None, None]
    put(
        *TRUST,
        "median_working_days_to_acknowledge",
        [(None, 3, 1.0), (None, 2, 10.0), (None, 0, None), (None, 0, None), (None, 0, None)],
        first=first,
        distributions=spreads,
    )
    from engage.metrics.series import load

    series = load([TRUST], weeks=5, grain=Grain.MONTH)[TRUST]
    (march,) = series[("median_working_days_to_acknowledge", 0)]
    assert (march.value, march.denominator) == (1.0, 5)


def test_participation_is_weekly_only(app_context: None) -> None:
    put(*TRUST, "participation", [(3, 100, 3.0)] * 9, first=date(2026, 3, 2))
    row = _row("participation", grain=Grain.MONTH, weeks=9)
    assert row.series.chart is None
    assert row.series.reading.startswith("Weekly only")


def test_the_csv_carries_the_snapshots_and_the_engines_lines(
    app_context: None, client: FlaskClient
) -> None:
    figures = [(n, 100, float(n)) for n in SHIFTED]
    put(*TRUST, "acknowledged_within_target", figures)
    sign_in(client, make_user(Role.BOARD))
    response = client.get("/metrics/trust/0/acknowledged_within_target.csv")
    assert response.mimetype == "text/csv"
    rows = csv_rows(response.get_data(as_text=True))
    expected = xmr([float(n) for n in SHIFTED], improvement="increase")
    assert len(rows) == len(SHIFTED)
    for number, (row, point) in enumerate(zip(rows, expected.points, strict=True)):
        assert row["period_start"] == week(number).isoformat()
        assert (row["numerator"], row["denominator"]) == (str(SHIFTED[number]), "100")
        assert float(row["value"]) == SHIFTED[number]
        assert float(row["mean"]) == pytest.approx(point.mean)
        assert float(row["lpl"]) == pytest.approx(point.lpl)
        assert float(row["upl"]) == pytest.approx(point.upl)
        assert row["point_type"] == point.point_type


def test_the_svg_draws_the_engines_points(app_context: None, client: FlaskClient) -> None:
    put(*TRUST, "submissions", counts(SHIFTED))
    sign_in(client, make_user(Role.BOARD))
    page = client.get("/metrics/trust/0/submissions").get_data(as_text=True)
    svg = page[
        page.index('id="metric-chart"') : page.index("</svg>", page.index('id="metric-chart"'))
    ]
    expected = xmr([float(n) for n in SHIFTED], improvement="increase")
    assert point_types_drawn(svg) == [point.point_type for point in expected.points]
    assert "Special cause improvement since 25 May 2026" in page


def test_a_units_small_counts_are_hidden_and_its_chart_not_drawn(
    app_context: None, client: FlaskClient
) -> None:
    directorate = make_directorate()
    unit = make_unit(directorate=directorate)
    # 5 is not small (the boundary); 0 gives no one away; 4 is "fewer than 5".
    values = [5, 0, 7, 9, 4, 6, 8, 5, 6, 7]
    put(Level.UNIT, unit.id, "submissions", counts(values))
    put(Level.DIRECTORATE, directorate.id, "submissions", counts(values))
    sign_in(client, make_user(Role.BOARD))

    rows = csv_rows(
        client.get(f"/metrics/unit/{unit.id}/submissions.csv?grain=week").get_data(as_text=True)
    )
    assert [row["numerator"] for row in rows] == [
        "5", "0", "7", "9", "fewer than 5", "6", "8", "5", "6", "7",
    ]  # fmt: skip
    assert rows[4]["value"] == "fewer than 5"
    assert all(row["mean"] == row["upl"] == row["point_type"] == "" for row in rows)

    page = client.get(f"/metrics/unit/{unit.id}/submissions?grain=week").get_data(as_text=True)
    assert 'id="metric-chart"' not in page
    assert "Not charted: fewer than 5" in page
    assert ">4<" not in page

    # The directorate's same figures are drawn, the 4 included.
    directorate_rows = csv_rows(
        client.get(f"/metrics/directorate/{directorate.id}/submissions.csv").get_data(as_text=True)
    )
    assert directorate_rows[4]["numerator"] == "4"
    assert directorate_rows[4]["point_type"] != ""


def test_a_units_latest_small_count_reads_fewer_than_5_in_the_summary(
    app_context: None, client: FlaskClient
) -> None:
    unit = make_unit()
    put(Level.UNIT, unit.id, "submissions", counts([6, 7, 3]))
    row = _row("submissions", Level.UNIT, unit.id, grain=Grain.WEEK)
    assert row.latest_text == "fewer than 5"
    assert row.variation is None
    sign_in(client, make_user(Role.BOARD))
    page = client.get(f"/metrics/unit/{unit.id}?grain=week").get_data(as_text=True)
    assert "fewer than 5" in page


def test_a_units_counts_follow_the_threshold_setting(
    app_context: None, client: FlaskClient, threshold_of_3: None
) -> None:
    shown, hidden = make_unit(), make_unit()
    # With SMALL_NUMBER_THRESHOLD = 3, 3 and 4 are not small; 2 is "fewer than 3".
    put(Level.UNIT, shown.id, "submissions", counts([3, 4, 3, 4, 3, 4, 3, 4, 3, 4]))
    put(Level.UNIT, hidden.id, "submissions", counts([3, 4, 2, 0]))
    sign_in(client, make_user(Role.BOARD))

    page = client.get(f"/metrics/unit/{shown.id}/submissions?grain=week").get_data(as_text=True)
    assert 'id="metric-chart"' in page and "Not charted" not in page
    rows = csv_rows(
        client.get(f"/metrics/unit/{shown.id}/submissions.csv?grain=week").get_data(as_text=True)
    )
    assert [row["numerator"] for row in rows][:2] == ["3", "4"]

    rows = csv_rows(
        client.get(f"/metrics/unit/{hidden.id}/submissions.csv?grain=week").get_data(as_text=True)
    )
    assert [row["numerator"] for row in rows] == ["3", "4", "fewer than 3", "0"]
    page = client.get(f"/metrics/unit/{hidden.id}/submissions?grain=week").get_data(as_text=True)
    assert "Not charted: fewer than 3 in at least one period" in page
    assert 'id="metric-chart"' not in page and "fewer than 5" not in page
    summary = client.get(f"/metrics/unit/{hidden.id}?grain=week").get_data(as_text=True)
    assert "Counts of fewer than 3 are not shown" in summary
    assert _row("submissions", Level.UNIT, hidden.id, grain=Grain.WEEK).latest_text == (
        "0 submissions"
    )
    put(Level.UNIT, hidden.id, "submissions", counts([1]), first=week(4))
    assert _row("submissions", Level.UNIT, hidden.id, grain=Grain.WEEK).latest_text == (
        "fewer than 3"
    )


def test_the_attention_filter_shows_concerns_and_failing_targets_first(
    app_context: None, client: FlaskClient
) -> None:
    put(*TRUST, "submissions", counts(SHIFTED))  # improvement
    put(*TRUST, "anonymous_share", percentages([9.0, 11.0] * 10 + [40.0]))  # concern
    put(*TRUST, "acknowledged_within_target", percentages(ALTERNATING))
    _target("acknowledged_within_target", 105.0)  # consistently failing
    put(*TRUST, "published", counts(ALTERNATING))  # common cause
    sign_in(client, make_user(Role.BOARD))
    page = client.get("/metrics?show=attention&sort=attention").get_data(as_text=True)
    shown = [name for name in ("anonymous_share", "acknowledged_within_target", "submissions",
                               "published") if f'data-metric="{name}"' in page]  # fmt: skip
    assert shown == ["anonymous_share", "acknowledged_within_target"]
    assert page.index('data-metric="anonymous_share"') < page.index(
        'data-metric="acknowledged_within_target"'
    )
    assert "Needs attention (2)" in page
    everything = client.get("/metrics").get_data(as_text=True)
    assert all(
        f'data-metric="{n}"' in everything
        for n in ("anonymous_share", "acknowledged_within_target", "submissions", "published")
    )


def test_a_rebase_starts_new_limits_and_is_shown_on_the_chart(
    app_context: None, client: FlaskClient
) -> None:
    put(*TRUST, "submissions", counts(SHIFTED))
    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    response = client.post(
        "/metrics/settings/submissions/rebases",
        data={**typed_date("starts_on", date(2026, 5, 27)), "reason": "New rota", "applies_to": ""},
    )
    assert response.status_code == 302
    page = client.get("/metrics/trust/0/submissions").get_data(as_text=True)
    assert 'class="spc-rebase"' in page
    assert "New rota" in page
    # The Wednesday falls in the week of 25 May, where the new period starts.
    expected = xmr([float(n) for n in SHIFTED], rebase_at=[20])
    svg = page[page.index('id="metric-chart"') :]
    assert point_types_drawn(svg)[: len(SHIFTED)] == [p.point_type for p in expected.points]
    assert "Common cause variation since the new period of 25 May 2026" in page
