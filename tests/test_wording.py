"""The footer names the follow-up page as the page does, and the privacy notice says exactly
where small numbers are hidden, reading the same threshold as the code that hides them."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.digests.content import small
from engage.small_numbers import shown


def test_the_footer_link_reads_as_the_page_it_opens(client: FlaskClient) -> None:
    page = client.get("/check").get_data(as_text=True)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert heading is not None
    footer = page[page.index("<footer") :]
    link = re.search(r'<a[^>]*href="/check"[^>]*>\s*(.*?)\s*</a>', footer, re.S)
    assert link is not None
    assert link.group(1) == heading.group(1).strip() == "Check an anonymous idea or concern"


@pytest.fixture
def threshold_of_7(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "SMALL_NUMBER_THRESHOLD", 7)


def test_the_privacy_notice_says_what_is_suppressed_where(
    app: Flask, client: FlaskClient, threshold_of_7: None
) -> None:
    notice = client.get("/privacy").get_data(as_text=True)
    with app.app_context():
        assert small(6) == "fewer than 7" and shown(6) == "fewer than 7"
    section = notice[notice.index('id="small-numbers"') : notice.index("How long it is kept")]
    assert (
        "Digest emails</strong>: every count from 1 to 6 reads &#34;fewer than 7&#34;" in (section)
        or 'Digest emails</strong>: every count from 1 to 6 reads "fewer than 7"' in section
    )
    assert "guardian&#39;s breakdowns" in section or "guardian's breakdowns" in section
    assert (
        "a unit&#39;s count from 1 to 6 reads &#34;fewer than 7&#34;" in section
        or 'a unit\'s count from 1 to 6 reads "fewer than 7"' in section
    ), "the metrics read the same setting"
    assert "fewer than 5" not in section, "no place keeps a threshold of its own"
    assert "exact counts" in section, "the national return is not suppressed, and says so"
    assert "in pages, digests and exports" not in notice, "the old promise overstated it"
