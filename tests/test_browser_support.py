"""The browser tests' own helpers, checked without a browser."""

from __future__ import annotations

import pytest

from tests.browser.support import elsewhere, is_same_origin

BASE = "http://127.0.0.1:43121"


@pytest.mark.parametrize(
    ("url", "blocked"),
    [
        ("https://assets.nhs.uk/fonts/FrutigerLTW01-55Roman.woff2", True),
        ("http://127.0.0.1:4312/static/x.css", True),  # another port that starts alike
        ("http://127.0.0.1:43121.evil.example/", True),
        ("http://localhost:43121/", True),
        ("http://127.0.0.1:43121/static/vendor/nhsuk/nhsuk-frontend.min.css", False),
        ("http://127.0.0.1:43121/", False),
        ("http://127.0.0.1:43121", False),
        ("http://127.0.0.1:43121?next=/", False),
        ("data:image/svg+xml,<svg/>", False),
        ("blob:http://127.0.0.1:43121/0d4f", False),
    ],
)
def test_only_the_apps_own_addresses_are_its_own(url: str, blocked: bool) -> None:
    assert bool(elsewhere(BASE).search(url)) is blocked
    assert bool(elsewhere(BASE + "/").search(url)) is blocked
    assert is_same_origin(url, BASE) is not blocked
