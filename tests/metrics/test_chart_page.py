"""The "Make an SPC chart" page: figures in, chart, icons and table out; bad input refused
beside its field with what was typed kept."""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta
from html.parser import HTMLParser
from statistics import fmean
from typing import Any

import pytest
from flask.testing import FlaskClient

from engage.metrics.services import NOT_UTF8

CHART_URL = "/metrics/chart"
# 30 weeks: 20 around 10, then 10 around 16, a shift that puts both stretches on runs
# either side of the mean, with points close to and beyond the upper limit.
FIRST_WEEK = date(2024, 1, 7)
VALUES = [9.0, 11, 10, 12, 8, 10, 11, 9, 10, 12, 9, 11, 10, 8, 12, 10, 9, 11, 10, 10]
VALUES += [15.0, 17, 16, 15, 18, 16, 17, 15, 16, 17]


def weekly_csv(values: list[float | None], header: bool = True) -> str:
    lines = ["date,value"] if header else []
    for week, value in enumerate(values):
        when = FIRST_WEEK + timedelta(weeks=week)
        lines.append(f"{when.isoformat()},{'' if value is None else value}")
    return "\n".join(lines)


class Page(HTMLParser):
    """What a user would see on the page: text by element id, form values, the table."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text_by_id: dict[str, str] = {}
        self.inputs: dict[str, str] = {}
        self.textareas: dict[str, str] = {}
        self.checked: set[tuple[str, str]] = set()
        self.rows: list[list[str]] = []
        self.headings: list[str] = []
        self.texts: list[str] = []
        self._open: list[tuple[str, str | None]] = []  # (tag, id) of open elements
        self._textarea: str | None = None
        self._in_body = self._in_h1 = self._in_cell = False
        self._heading_depth = 0  # inside a responsive table's per-cell column name
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "input":
            name, value = attributes.get("name") or "", attributes.get("value") or ""
            if attributes.get("type") in {"radio", "checkbox"}:
                if "checked" in attributes:
                    self.checked.add((name, value))
            else:
                self.inputs[name] = value
            return
        self._open.append((tag, attributes.get("id")))
        if attributes.get("id"):
            self.text_by_id[attributes["id"] or ""] = ""
        if tag == "textarea":
            self._textarea = attributes.get("name") or ""
            self.textareas[self._textarea] = ""
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag == "td" and self._in_body:
            self.rows[-1].append("")
            self._in_cell = True
        elif tag == "span" and "nhsuk-table__heading" in (attributes.get("class") or ""):
            self._heading_depth = len(self._open)
        elif tag == "h1":
            self._in_h1 = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag == tag:
                break
        if self._heading_depth > len(self._open):
            self._heading_depth = 0
        if tag == "textarea":
            self._textarea = None
        elif tag == "td":
            self._in_cell = False
        elif tag == "tbody":
            self._in_body = False
        elif tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        for _, element_id in self._open:
            if element_id:
                self.text_by_id[element_id] += data
        if self._textarea is not None:
            self.textareas[self._textarea] += data
        if (
            self._in_body
            and self.rows
            and self.rows[-1]
            and self._in_cell
            and not self._heading_depth
        ):
            self.rows[-1][-1] += data
        if self._in_h1:
            self.headings[-1] += data

    @property
    def text(self) -> str:
        return " ".join("".join(self.texts).split())

    def error_beside(self, field_id: str) -> str:
        return " ".join(self.text_by_id.get(f"{field_id}-error", "").split())


def post(client: FlaskClient, **fields: Any) -> Page:
    data: dict[str, Any] = {"improvement": "increase", **fields}
    response = client.post(CHART_URL, data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    return Page(response.get_data(as_text=True))


def number(cell: str) -> float:
    return float(cell.replace(",", ""))


def test_pasted_figures_make_a_chart_with_icons_and_a_table(staff_client: FlaskClient) -> None:
    response = staff_client.post(
        CHART_URL,
        data={"figures": weekly_csv(VALUES), "title": "Falls on Ward 7", "improvement": "decrease"},
    )
    html = response.get_data(as_text=True)
    page = Page(html)

    assert page.headings == ["Falls on Ward 7"]
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="spc-chart"' in html
    assert 'role="img"' in html and '<title id="spc-chart-title">Falls on Ward 7</title>' in html
    assert html.count('class="spc-icon"') == 1  # no target, so no assurance icon
    assert "Special cause variation of a concerning nature: high values where lower" in html
    assert "add a target to see whether you can expect to meet it" in html
    assert len(page.rows) == len(VALUES)
    first = page.rows[0]
    assert first[0] == "7 Jan 2024"
    assert number(first[1]) == VALUES[0]
    assert number(first[2]) == pytest.approx(fmean(VALUES), abs=0.005)
    # Higher is worse here: the low weeks are an improvement, the high weeks a concern.
    meanings = [row[5] for row in page.rows]
    assert meanings[0] == "Improvement: part of a run of 7 or more points in a row below the mean"
    assert meanings[24] == "Concern: above the upper process limit"
    assert meanings[-1] == "Concern: one of 2 points out of 3 close to the upper process limit"
    # The form under the chart keeps the figures and settings for another go.
    assert page.textareas["figures"] == weekly_csv(VALUES)
    assert ("improvement", "decrease") in page.checked


def test_a_target_gives_an_assurance_icon(staff_client: FlaskClient) -> None:
    page_html = staff_client.post(
        CHART_URL,
        data={"figures": weekly_csv(VALUES[:20]), "improvement": "increase", "target": "50"},
    ).get_data(as_text=True)
    assert page_html.count('class="spc-icon"') == 2
    assert "Variation indicates consistently failing the target" in page_html


def test_an_uploaded_csv_file_makes_a_chart(staff_client: FlaskClient) -> None:
    upload = ("\ufeff" + weekly_csv(VALUES).replace("\n", "\r\n")).encode("utf-8")
    response = staff_client.post(
        CHART_URL,
        data={"file": (io.BytesIO(upload), "figures.csv"), "improvement": "increase"},
        content_type="multipart/form-data",
    )
    page = Page(response.get_data(as_text=True))
    assert page.headings == ["Your SPC chart"]
    assert len(page.rows) == len(VALUES)
    assert number(page.rows[0][2]) == pytest.approx(fmean(VALUES), abs=0.005)
    assert page.rows[20][5] == (
        "Improvement: part of a run of 7 or more points in a row above the mean"
    )
    # A browser cannot refill a file input: the figures come back in the paste box instead.
    assert page.textareas["figures"].splitlines()[1] == "2024-01-07,9.0"


def test_missing_weeks_are_skipped_and_shown(staff_client: FlaskClient) -> None:
    values: list[float | None] = [*VALUES[:5], None, *VALUES[5:20]]
    page = post(staff_client, figures=weekly_csv(values))
    assert page.rows[5][1] == "Missing"
    assert page.rows[5][5] == "No value: the chart skips this date"
    assert number(page.rows[5][2]) == pytest.approx(fmean(VALUES[:20]), abs=0.005)


def test_rebasing_starts_a_new_period_on_the_date(staff_client: FlaskClient) -> None:
    new_period = (FIRST_WEEK + timedelta(weeks=20)).isoformat()
    page = post(staff_client, figures=weekly_csv(VALUES), rebase_dates=f"\n{new_period}\n")
    assert number(page.rows[0][2]) == pytest.approx(fmean(VALUES[:20]), abs=0.005)
    assert number(page.rows[-1][2]) == pytest.approx(fmean(VALUES[20:]), abs=0.005)
    assert "The limits for the period starting on 26 May 2024 are based on only 10" in page.text


FEW = "2024-01-07,5"
ALL_MISSING = "date,value\n2024-01-07,\n2024-01-14,"


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        ({"figures": ""}, "figures", "Paste figures or choose a CSV file"),
        ({"figures": FEW}, "figures", "At least 2 values are needed"),
        ({"figures": ALL_MISSING}, "figures", "All the values are missing."),
        ({"figures": FEW + "\n2024-01-14,lots"}, "figures", "Line 2: 'lots' is not a number."),
        ({"figures": FEW + "\n2024-01-14,NaN"}, "figures", "Line 2: 'NaN' is not a number."),
        ({"figures": FEW + "\n2024-01-14,inf"}, "figures", "Line 2: 'inf' is not a number."),
        ({"figures": FEW + "\n2024-02-30,4"}, "figures", "Line 2: '2024-02-30' is not a real"),
        ({"figures": FEW + "\nnext week,4"}, "figures", "Line 2: 'next week' is not a date"),
        ({"target": "NaN"}, "target", "Enter the target as a number, like 85 or 92.5"),
        ({"target": "inf"}, "target", "Enter the target as a number, like 85 or 92.5"),
        ({"target": "eighty"}, "target", "Enter the target as a number, like 85 or 92.5"),
        ({"target": "1e999"}, "target", "The target must be a number between"),
        ({"rebase_dates": "2024-03-05"}, "rebase_dates", "2024-03-05 is not a date in your"),
        ({"rebase_dates": "03/03/2024"}, "rebase_dates", "'03/03/2024' is not a date written"),
        ({"rebase_dates": "2024-01-14"}, "rebase_dates", "The period of 7 Jan 2024 alone has 1"),
        (
            {"figures": ALL_MISSING + "\n2024-01-21,4\n2024-01-28,5", "rebase_dates": "2024-01-21"},
            "rebase_dates",
            "The period from 7 Jan 2024 to 14 Jan 2024 has 0 values; each period needs at least 2",
        ),
        ({"fix_after_n_points": "1"}, "fix_after_n_points", "Enter a whole number from 2 to"),
        ({"fix_after_n_points": "ten"}, "fix_after_n_points", "Enter a whole number from 2 to"),
        ({"title": "x" * 101}, "title", "The chart title must be 100 characters or fewer"),
        ({"improvement": ""}, "improvement", "Select whether higher or lower values are better"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_kept(
    staff_client: FlaskClient, fields: dict[str, str], field_id: str, message: str
) -> None:
    data = {"figures": weekly_csv(VALUES), **fields}
    page = post(staff_client, **data)
    assert message in page.error_beside(field_id)
    assert page.headings == ["Make an SPC chart"]
    assert not page.rows  # no chart
    assert page.textareas["figures"] == data["figures"]
    for name in ("target", "title", "fix_after_n_points"):
        assert page.inputs[name] == data.get(name, "")
    assert page.textareas["rebase_dates"] == data.get("rebase_dates", "")


def test_a_constant_series_still_charts_with_a_warning(staff_client: FlaskClient) -> None:
    page = post(staff_client, figures=weekly_csv([4.0] * 15), target="5")
    assert len(page.rows) == 15
    assert page.rows[0][2:5] == ["4", "Not calculated", "Not calculated"]
    assert "spc-chart-title" in page.text_by_id
    assert "There is not enough variation in the chart to calculate process limits" in page.text
    assert "No assurance icon: the process limits could not be calculated" in page.text


@pytest.mark.parametrize(
    "upload",
    [
        "2024-01-07,5\n2024-01-14,6\n".encode("cp1252") + b"2024-01-21,\xa312\n",
        weekly_csv(VALUES).encode("utf-16"),
        weekly_csv(VALUES).encode("utf-16-le"),
    ],
)
def test_a_file_not_in_utf8_is_refused(staff_client: FlaskClient, upload: bytes) -> None:
    page = post(staff_client, file=(io.BytesIO(upload), "figures.csv"))
    assert page.error_beside("file") == f"Error: {NOT_UTF8}"


def test_a_file_with_bad_rows_is_refused_beside_the_file(staff_client: FlaskClient) -> None:
    page = post(staff_client, file=(io.BytesIO(b"2024-01-07,5\n2024-01-14,x"), "figures.csv"))
    assert "Line 2: 'x' is not a number." in page.error_beside("file")


def test_a_file_of_blank_lines_is_refused_at_the_row_limit(staff_client: FlaskClient) -> None:
    upload = b"2024-01-07,5\n" + b"\n" * 400_000  # under the spooling size
    page = post(staff_client, file=(io.BytesIO(upload), "figures.csv"))
    assert "Line 1002: there are more than 1,000 rows (blank lines count too)." in (
        page.error_beside("file")
    )


def test_figures_and_a_file_together_are_refused(staff_client: FlaskClient) -> None:
    page = post(
        staff_client,
        figures=weekly_csv(VALUES),
        file=(io.BytesIO(weekly_csv(VALUES).encode()), "figures.csv"),
    )
    assert "not both" in page.error_beside("figures")


def test_a_file_over_2_mb_gets_the_too_large_page(staff_client: FlaskClient) -> None:
    # The body is built by hand: the test client would spool a dict's file to a temporary
    # file that nothing closes once the app refuses the request unread.
    body = (
        b'--limit\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n"
        + b"2024-01-07,5\n" * (2 * 1024 * 1024 // 13 + 1)
        + b"\r\n--limit--\r\n"
    )
    response = staff_client.post(
        CHART_URL, data=body, content_type="multipart/form-data; boundary=limit"
    )
    assert response.status_code == 413
    assert "What you sent is too large" in response.get_data(as_text=True)


def test_six_point_runs_flag_a_six_point_shift(staff_client: FlaskClient) -> None:
    # Twenty alternating weeks fix a mean of 5; then six weeks above it and one below.
    values = [10.0, 0.0] * 10 + [7.0] * 6 + [3.0]
    figures = weekly_csv(values)
    seven = post(staff_client, figures=figures, fix_after_n_points="20")
    six = post(
        staff_client, figures=figures, fix_after_n_points="20", excel_settings="six_point_rules"
    )
    assert number(seven.rows[-1][2]) == 5
    assert {row[5] for row in seven.rows[20:26]} == {
        "Common cause: the usual ups and downs, no sign of change"
    }
    assert {row[5] for row in six.rows[20:26]} == {
        "Improvement: part of a run of 6 or more points in a row above the mean"
    }
    assert ("excel_settings", "six_point_rules") in six.checked


def test_not_screening_moving_ranges_widens_the_limits(staff_client: FlaskClient) -> None:
    # One jump of 40 among steps of 2: screening leaves it out of the average moving range.
    values = [10.0, 12.0] * 10 + [52.0] + [10.0, 12.0] * 2
    screened = post(staff_client, figures=weekly_csv(values))
    unscreened = post(staff_client, figures=weekly_csv(values), excel_settings="no_screening")
    mean = fmean(values)
    ranges = [abs(b - a) for a, b in itertools.pairwise(values)]
    kept = [r for r in ranges if r < 3.267 * fmean(ranges)]
    assert number(screened.rows[0][4]) == pytest.approx(mean + 2.66 * fmean(kept), abs=0.005)
    assert number(unscreened.rows[0][4]) == pytest.approx(mean + 2.66 * fmean(ranges), abs=0.005)


def test_a_hostile_title_is_shown_as_text(staff_client: FlaskClient) -> None:
    title = '<script>alert("x")</script>'
    html = staff_client.post(
        CHART_URL, data={"figures": weekly_csv(VALUES), "title": title, "improvement": "neutral"}
    ).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html
    assert Page(html).headings == [title]


def test_the_empty_form_is_shown_to_any_signed_in_user(staff_client: FlaskClient) -> None:
    page = Page(staff_client.get(CHART_URL).get_data(as_text=True))
    assert page.headings == ["Make an SPC chart"]
    assert page.textareas["figures"] == ""


@pytest.mark.parametrize("method", ["get", "post"])
def test_signed_out_visitors_are_sent_to_sign_in(client: FlaskClient, method: str) -> None:
    response = getattr(client, method)(CHART_URL, data={"figures": weekly_csv(VALUES)})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
