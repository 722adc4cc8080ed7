"""Keyset paging: every row exactly once across page edges and ties, next/previous round trips,
and no list page counting its whole filter (issue 15)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event, select, update
from sqlalchemy.engine import Engine

from engage import pagination
from engage.accounts.models import Role
from engage.extensions import db
from engage.pagination import Page, PageRequest, _encode, paginate
from engage.submissions.models import Submission
from engage.timeutil import utcnow
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission

BOARD_ORDER = [Submission.submitted_on.desc(), Submission.reference]


def _ideas(count: int) -> list[int]:
    raiser = make_user(unit=make_unit())
    return [make_submission(raiser, title=f"Keyset idea {i}").id for i in range(count)]


def _page(ids: list[int], wanted: PageRequest, order: list[Any] | None = None) -> Page[Any]:
    condition = Submission.id.in_(ids)
    return paginate(Submission, condition, order or BOARD_ORDER, wanted, page_size=3)


def _ids(page: Page[Any]) -> list[int]:
    return [item.id for item in page.items]


def test_pages_cover_every_row_once_and_previous_returns_the_same_rows(app_context: None) -> None:
    ids = _ideas(7)  # all submitted today: the date ties, the reference decides
    first = _page(ids, PageRequest())
    second = _page(ids, PageRequest(2, after=first.next_cursor))
    third = _page(ids, PageRequest(3, after=second.next_cursor))
    assert [len(first.items), len(second.items), len(third.items)] == [3, 3, 1]
    assert sorted(_ids(first) + _ids(second) + _ids(third)) == sorted(ids)
    assert third.next_cursor is None and first.previous_cursor is None
    assert (first.page, second.page, third.page) == (1, 2, 3)
    back_to_second = _page(ids, PageRequest(2, before=third.previous_cursor))
    assert _ids(back_to_second) == _ids(second) and back_to_second.page == 2
    back_to_first = _page(ids, PageRequest(1, before=back_to_second.previous_cursor))
    assert _ids(back_to_first) == _ids(first)
    assert back_to_first.page == 1 and not back_to_first.has_previous


def test_a_page_ending_on_the_last_row_offers_no_next_page(app_context: None) -> None:
    ids = _ideas(6)
    first = _page(ids, PageRequest())
    second = _page(ids, PageRequest(2, after=first.next_cursor))
    assert len(second.items) == 3 and second.next_cursor is None and not second.has_next
    assert second.pages == 2 and second.of_pages == "of 2"


def test_rows_tied_on_every_sort_key_are_paged_by_id(app_context: None) -> None:
    ids = _ideas(5)
    tied = [Submission.submitted_on, Submission.kind]  # the same for all five
    seen: list[int] = []
    wanted = PageRequest()
    while True:
        page = _page(ids, wanted, tied)
        seen += _ids(page)
        if page.next_cursor is None:
            break
        wanted = PageRequest(page.page + 1, after=page.next_cursor)
    assert seen == sorted(ids)


def test_a_forged_cursor_shows_the_first_page(app_context: None) -> None:
    ids = _ideas(4)
    wrong_types = _encode(("yesterday", 7, "ID"))  # text where the date goes, and so on
    for cursor in ("not-base64!", "W1sieCIsMV1d", "W1sidiIsMV1d", wrong_types):
        assert _ids(_page(ids, PageRequest(2, after=cursor))) == _ids(_page(ids, PageRequest()))


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()).lower())

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def _whole_filter_counts(statements: list[str]) -> list[str]:
    """COUNTs that are neither capped (LIMIT) nor grouped (the inbox's small counters, the
    per-page supporter counts)."""
    return [s for s in statements if "count(" in s and "limit" not in s and "group by" not in s]


def test_list_pages_never_count_their_whole_filter(client: FlaskClient) -> None:
    ward = make_unit()
    raiser = make_user(unit=ward)
    for i in range(30):
        make_submission(raiser, title=f"Counted idea {i}")
    sign_in(client, make_user(Role.LEADER, unit=ward, leads_units=(ward,)))
    pages = ["/ideas", "/ideas?sort=supported", "/inbox", "/inbox?status=all"]
    with _statements() as statements:
        for path in pages:
            first = client.get(path)
            assert first.status_code == 200
    assert statements and _whole_filter_counts(statements) == []
    admin = client.application.test_client()
    sign_in(admin, make_user(Role.ADMIN))
    with _statements() as statements:
        assert admin.get("/admin/audit").status_code == 200
    assert _whole_filter_counts(statements) == []


def test_the_ideas_board_links_walk_forward_and_back(client: FlaskClient) -> None:
    ward = make_unit()
    raiser = make_user(unit=ward)
    for i in range(30):
        make_submission(raiser, title=f"Walked idea {i:02d}")
    sign_in(client, make_user(unit=ward))
    first = client.get("/ideas?q=Walked").get_data(as_text=True)
    assert "30 ideas found" in first and "Page 2 of 2" in first
    links = re.findall(r'href="(/ideas\?[^"]*after=[^"]*)"', first)
    assert len(links) == 1
    href = html.unescape(links[0])
    assert "after=" in href and "page=2" in href
    second = client.get(href).get_data(as_text=True)
    assert second.count("Walked idea") == 5 and "Page 1 of 2" in second


def test_leading_keys_in_one_direction_page_exactly_both_ways(app_context: None) -> None:
    """The cursor's row-comparison bound on the leading keys ((count, date) <= cursor here)
    keeps every row once, with ties and steps in both leading keys and a later ascending one."""
    ids = _ideas(11)
    today = utcnow().date()
    for n, submission_id in enumerate(ids):
        db.session.execute(
            update(Submission)
            .where(Submission.id == submission_id)
            .values(supporter_count=n % 3, submitted_on=today - timedelta(days=n % 2))
        )
    db.session.commit()
    order = [
        Submission.supporter_count.desc(),
        Submission.submitted_on.desc(),
        Submission.reference,
    ]
    expected = list(
        db.session.scalars(
            select(Submission.id).where(Submission.id.in_(ids)).order_by(*order, Submission.id)
        )
    )
    pages = [_page(ids, PageRequest(), order)]
    while pages[-1].next_cursor:
        pages.append(_page(ids, PageRequest(len(pages) + 1, after=pages[-1].next_cursor), order))
    assert [i for page in pages for i in _ids(page)] == expected
    back = _page(ids, PageRequest(len(pages) - 1, before=pages[-1].previous_cursor), order)
    assert _ids(back) == _ids(pages[-2])


def test_beyond_the_cap_the_total_is_an_estimate_and_the_session_goes_on(
    app_context: None, monkeypatch: Any
) -> None:
    ids = _ideas(5)
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    monkeypatch.setattr(pagination, "_planner_estimate", lambda _model, _condition: 40)
    page = _page(ids, PageRequest())
    assert page.estimated and not page.capped
    assert (page.total_label, page.of_pages) == ("about 40", "of about 14")  # 3 a page
    assert len(_page(ids, PageRequest(2, after=page.next_cursor)).items) == 2  # still usable


def test_beyond_the_cap_with_no_estimate_over_it_the_total_is_more_than_the_cap(
    app_context: None, monkeypatch: Any
) -> None:
    """SQLite has no planner estimate, and PostgreSQL's may fall short of the rows counted:
    the page says "more than 2", never "about 3" (the cap plus the one row that shows it)."""
    ids = _ideas(5)
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    for estimate in (0, 2):
        monkeypatch.setattr(pagination, "_planner_estimate", lambda _m, _c, e=estimate: e)
        page = _page(ids, PageRequest())
        assert page.capped and not page.estimated
        assert (page.total_label, page.of_pages) == ("more than 2", "of more than 1")
