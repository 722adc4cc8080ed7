"""The server-side SVG chart, its text summary and the Making Data Count icons."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from engage.metrics.chart_svg import (
    CHAR_WIDTH,
    POINT_COLOURS,
    format_label,
    format_number,
    nice_ticks,
)
from engage.metrics.charts import (
    assurance_icon_svg,
    summary_text,
    variation_icon_svg,
    xmr_chart_svg,
)
from engage.metrics.icons import ASSURANCE_ICON_TITLES, VARIATION_ICON_TITLES
from engage.metrics.spc import XmrChart, xmr

SVG = "{http://www.w3.org/2000/svg}"
# Wide limits from 20 alternating points, then points above and below the limits, a
# missing week and ordinary points.
BASELINE = [0.0, 10.0] * 10
MIXED = [*BASELINE, 40.0, 5.0, None, -30.0, 6.0]


def weekly(count: int) -> list[date]:
    return [date(2024, 1, 7) + timedelta(weeks=i) for i in range(count)]


def parse(svg: Markup) -> ET.Element:
    # Parsing our own output, which is the point of the test, not untrusted input.
    return ET.fromstring(str(svg))  # noqa: S314


def markers(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if el.get("class", "").startswith("spc-point ")]


def with_class(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [el for el in root.iter() if css_class in el.get("class", "").split()]


def render(chart: XmrChart, labels: list[date] | list[str] | None = None, **options: int) -> Markup:
    return xmr_chart_svg(chart, labels, chart_id="test-chart", title="Falls per week", **options)


@pytest.fixture
def mixed_chart() -> XmrChart:
    return xmr(MIXED, fix_after_n_points=20, target=12)


def test_chart_is_well_formed_accessible_svg(mixed_chart: XmrChart) -> None:
    labels = weekly(len(MIXED))
    svg = render(mixed_chart, labels)
    assert isinstance(svg, Markup)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == title.get("id") == "test-chart-title"
    assert root.get("aria-describedby") == desc.get("id") == "test-chart-desc"
    assert title.text == "Falls per week"
    assert desc.text == summary_text(mixed_chart, labels)


def test_one_marker_per_value_coloured_by_type(mixed_chart: XmrChart) -> None:
    root = parse(render(mixed_chart))
    found = markers(root)
    present = [point for point in mixed_chart.points if point.value is not None]
    assert len(found) == len(present)
    for element, point in zip(found, present, strict=True):
        assert f"spc-point--{point.point_type}" in element.get("class", "")
        assert element.get("fill") == POINT_COLOURS[point.point_type]
    assert {point.point_type for point in present} == {
        "common_cause",
        "special_cause_improvement",
        "special_cause_concern",
    }


def marker_shape(element: ET.Element) -> str:
    tag = element.tag.removeprefix(SVG)
    if tag != "polygon":
        return tag
    corners = [corner.split(",") for corner in element.get("points", "").split()]
    heights = [float(y) for _, y in corners]
    # One topmost corner means the shape points up; two mean a flat top, pointing down.
    pointing = "up" if heights.count(min(heights)) == 1 else "down"
    return f"{len(corners)}-cornered, pointing {pointing}"


def test_point_types_differ_in_shape_not_only_colour() -> None:
    shapes: dict[str, str] = {}
    for improvement in ("increase", "neutral"):
        chart = xmr(MIXED, improvement=improvement, fix_after_n_points=20)
        for element in markers(parse(render(chart))):
            point_type = element.get("class", "").split("--")[1]
            shapes[point_type] = marker_shape(element)
    assert len(shapes) == 5
    assert len(set(shapes.values())) == 5


def test_legend_names_the_point_types_and_lines(mixed_chart: XmrChart) -> None:
    legend = with_class(parse(render(mixed_chart)), "spc-legend")[0]
    legend_text = " ".join(element.text or "" for element in legend.iter(f"{SVG}text"))
    for name in ("Common cause", "improvement", "concern", "Mean", "Process limits", "Target"):
        assert name in legend_text


def test_hostile_text_is_escaped(mixed_chart: XmrChart) -> None:
    hostile = '<script>alert("x")</script>'
    labels = [hostile] * len(MIXED)
    svg = xmr_chart_svg(mixed_chart, labels, chart_id="c1", title=f"{hostile} & co")
    assert "<script>" not in str(svg)
    root = parse(svg)
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == f"{hostile} & co"
    assert hostile in [el.text for el in with_class(root, "spc-xl")]


@pytest.mark.parametrize("chart_id", ["", "1chart", "a b", '"><script>', "x" * 65])
def test_unsafe_chart_ids_are_refused(mixed_chart: XmrChart, chart_id: str) -> None:
    with pytest.raises(ValueError, match="SVG id"):
        xmr_chart_svg(mixed_chart, chart_id=chart_id, title="t")


def test_labels_must_match_the_points(mixed_chart: XmrChart) -> None:
    with pytest.raises(ValueError, match="one for each point"):
        render(mixed_chart, weekly(3))


def test_output_is_deterministic_and_ids_come_from_chart_id(mixed_chart: XmrChart) -> None:
    first, second = render(mixed_chart), render(mixed_chart)
    assert first == second
    other = xmr_chart_svg(mixed_chart, chart_id="other", title="Falls per week")
    assert str(other) == str(first).replace("test-chart", "other")
    ids = re.findall(r'\bid="([^"]+)"', str(first))
    assert all(element_id.startswith("test-chart") for element_id in ids)


@pytest.mark.parametrize("count", [2, 13, 104, 520])
def test_x_labels_are_thinned_so_they_do_not_overlap(count: int) -> None:
    values = [float((i * 37) % 11) for i in range(count)]
    width = 720
    root = parse(render(xmr(values), weekly(count), width=width))
    shown = with_class(root, "spc-xl")
    assert 2 <= len(shown) <= count
    extents = []
    for label in shown:
        assert label.get("text-anchor") == "middle"
        half = len(label.text or "") * CHAR_WIDTH / 2
        centre = float(label.get("x", "0"))
        extents.append((centre - half, centre + half))
    assert extents[0][0] >= 0 and extents[-1][1] <= width
    assert all(previous[1] < following[0] for previous, following in itertools.pairwise(extents))


def test_y_axis_has_a_few_round_ticks(mixed_chart: XmrChart) -> None:
    root = parse(render(mixed_chart))
    grid = with_class(root, "spc-grid")
    assert 3 <= len(grid) <= 10
    assert nice_ticks(0, 97) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0.11, 0.19, 5) == [0.1, 0.12, 0.14, 0.16, 0.18, 0.2]


def test_rebased_chart_draws_lines_per_period_with_a_break() -> None:
    values = [5, 6, 5, 7, 6, 5, 6, 20, 21, 19, 22, 20, 21]
    chart = xmr(values, rebase_at=[7], target=15)
    root = parse(render(chart))
    assert len(with_class(root, "spc-mean")) == 2
    assert len(with_class(root, "spc-limit")) == 4
    assert len(with_class(root, "spc-rebase")) == 1
    assert len(with_class(root, "spc-target")) == 1
    means = with_class(root, "spc-mean")
    assert float(means[0].get("x2", "0")) < float(means[1].get("x1", "0"))
    assert all(el.get("stroke-dasharray") for el in with_class(root, "spc-limit"))


def test_missing_values_break_the_data_line(mixed_chart: XmrChart) -> None:
    path = with_class(parse(render(mixed_chart)), "spc-data")[0].get("d", "")
    assert path.count("M") == 2


def test_constant_series_draws_without_limits() -> None:
    chart = xmr([4] * 15)
    root = parse(render(chart))
    assert with_class(root, "spc-limit") == []
    desc = root.find(f"{SVG}desc")
    assert desc is not None and "not enough variation" in (desc.text or "")


def test_summary_is_one_sentence_in_words(mixed_chart: XmrChart) -> None:
    labels = weekly(len(MIXED))
    text = summary_text(mixed_chart, labels)
    latest = mixed_chart.latest
    assert latest.value is not None and latest.lpl is not None and latest.upl is not None
    assert text.endswith(".") and ". " not in text
    for number in (latest.value, latest.mean, latest.lpl, latest.upl):
        assert format_number(number) in text
    assert format_label(labels[latest.index]) in text
    assert VARIATION_ICON_TITLES[mixed_chart.variation_icon].lower() in text.lower()
    assert mixed_chart.assurance_icon is not None
    assert ASSURANCE_ICON_TITLES[mixed_chart.assurance_icon].lower() in text.lower()


def test_summary_explains_a_special_cause_latest_point() -> None:
    chart = xmr([*BASELINE, 40.0], fix_after_n_points=20)
    assert "above the upper process limit" in summary_text(chart)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234567.0, "1,234,567"),
        (12.5, "12.5"),
        (0.012345, "0.0123"),
        (-3.0, "-3"),
        (150.25, "150.2"),
    ],
)
def test_numbers_read_naturally(value: float, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize("name", list(VARIATION_ICON_TITLES))
def test_variation_icons_are_accessible_svgs(name: str) -> None:
    root = parse(variation_icon_svg(name))
    title = root.find(f"{SVG}title")
    assert root.get("role") == "img"
    assert title is not None and title.text == VARIATION_ICON_TITLES[name]
    assert root.get("aria-labelledby") == title.get("id")


@pytest.mark.parametrize("name", list(ASSURANCE_ICON_TITLES))
def test_assurance_icons_are_accessible_svgs(name: str) -> None:
    root = parse(assurance_icon_svg(name, icon_id="latest-assurance"))
    title = root.find(f"{SVG}title")
    assert root.get("role") == "img"
    assert title is not None and title.text == ASSURANCE_ICON_TITLES[name]
    assert title.get("id") == "latest-assurance-title"


def test_icon_titles_use_making_data_count_wording() -> None:
    assert (
        VARIATION_ICON_TITLES["improvement_high"]
        == "Special cause variation of an improving nature where higher is better"
    )
    assert ASSURANCE_ICON_TITLES["consistent_pass"] == (
        "Variation indicates consistently passing the target"
    )
    for name, letter in (("improvement_high", "H"), ("concern_low", "L")):
        drawn = parse(variation_icon_svg(name)).find(f"{SVG}text")
        assert drawn is not None and drawn.text == letter


def test_unknown_icons_are_refused() -> None:
    with pytest.raises(ValueError, match="Unknown variation icon"):
        variation_icon_svg("improving")
    with pytest.raises(ValueError, match="Unknown assurance icon"):
        assurance_icon_svg("pass")


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.none(), st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False)),
        min_size=2,
        max_size=120,
    ).filter(lambda values: sum(value is not None for value in values) >= 2),
    target=st.one_of(st.none(), st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False)),
)
def test_any_chart_renders_as_well_formed_svg(
    values: list[float | None], target: float | None
) -> None:
    chart = xmr(values, target=target)
    root = parse(xmr_chart_svg(chart, chart_id="any", title="Any series"))
    assert len(markers(root)) == sum(value is not None for value in values)
    numbers = re.findall(r'\s(?:x|y|x1|x2|y1|y2|cx|cy)="([^"]+)"', ET.tostring(root, "unicode"))
    assert all(math.isfinite(float(number)) for number in numbers)
