"""One page of a long list by keyset: the cost of a page does not grow with the table.

A page is found by the sort key of the row before it (`after`) or after it (`before`), never by
OFFSET, so page 5,000 costs what page 1 costs. The rows are found in two steps: first the
page's ids (one narrow, indexed query), then those rows with their relationships loaded by
`selectinload`, so no list joins units, themes or users for rows it does not show. The total
is never an exact COUNT over the whole filter: it is counted up to a small cap, and beyond the
cap PostgreSQL's planner estimate gives "page N of about M"; a list given its own, smaller
cap (the inbox's "needs action") says only "more than N" beyond it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from flask import current_app, request
from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    func,
    inspect,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from engage.extensions import db

T = TypeVar("T")
MAX_PAGE = 100_000
# Counted exactly up to this many rows; beyond it the total is an estimate.
COUNT_CAP = 1_000
# Old links with `?page=N` and no cursor still work, by OFFSET, only this deep.
MAX_OFFSET_PAGE = 10


@dataclass(frozen=True)
class PageRequest:
    """Which page to show: its number (for the label) and the keyset cursor that finds it."""

    number: int = 1
    after: str | None = None
    before: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    total: int
    page_size: int
    estimated: bool = False  # the total is an estimate ("about"), not an exact count
    capped: bool = False  # there are more than `total` (a list's own cap: "more than N")
    next_cursor: str | None = None
    previous_cursor: str | None = None

    @property
    def pages(self) -> int:
        counted = max(1, -(-self.total // self.page_size))
        # An estimate can fall short of where the reader already is.
        return max(counted, self.page + (1 if self.next_cursor else 0))

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def of_pages(self) -> str:
        """`of 3`, `of about 1,200` or `of more than 4`, for "page N of ..." labels."""
        if self.capped and self.has_next:
            # More than `total` rows fill more than total // page_size pages, and a page with
            # a next one is not the last.
            return f"of more than {max(self.total // self.page_size, self.page):,}"
        return f"of about {self.pages:,}" if self.estimated else f"of {self.pages:,}"

    @property
    def total_label(self) -> str:
        if self.capped:
            return f"more than {self.total:,}"
        return f"about {self.total:,}" if self.estimated else f"{self.total:,}"


def page_number() -> PageRequest:
    """The page asked for: `page` (bounded) and the `after`/`before` cursor, if any."""
    page = request.args.get("page", 1, type=int) or 1
    return PageRequest(
        number=min(max(page, 1), MAX_PAGE),
        after=request.args.get("after") or None,
        before=request.args.get("before") or None,
    )


def _encode(values: tuple[Any, ...]) -> str:
    tagged = []
    for value in values:
        if isinstance(value, datetime):
            tagged.append(["t", value.isoformat()])
        elif isinstance(value, date):
            tagged.append(["d", value.isoformat()])
        else:
            tagged.append(["v", value])
    raw = json.dumps(tagged, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, width: int) -> tuple[Any, ...] | None:
    """The sort key in a cursor, or None when it is not one of ours (then: the first page)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        tagged = json.loads(raw)
        values: list[Any] = []
        for tag, value in tagged:
            if tag == "t":
                values.append(datetime.fromisoformat(value))
            elif tag == "d":
                values.append(date.fromisoformat(value))
            elif tag == "v" and (value is None or isinstance(value, (int, float, str))):
                values.append(value)
            else:
                return None
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        return None
    return tuple(values) if len(values) == width else None


def _fits(keys: list[tuple[Any, bool]], values: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
    """The cursor's values if each has its column's type (a forged cursor must not reach the
    database as a date compared with text), else None."""
    if values is None:
        return None
    for (expression, _), value in zip(keys, values, strict=True):
        try:
            expected = expression.type.python_type
        except (AttributeError, NotImplementedError):
            return None
        if value is None or type(value) is not expected:
            return None
    return values


def _sort_keys(model: Any, order: list[Any]) -> list[tuple[Any, bool]]:
    """(expression, descending) for each sort key, ending with the id so that keys are unique."""
    keys: list[tuple[Any, bool]] = []
    for item in order:
        if isinstance(item, UnaryExpression) and item.modifier in (
            operators.desc_op,
            operators.asc_op,
        ):
            keys.append((item.element, item.modifier is operators.desc_op))
        else:
            keys.append((item, False))
    # The id last makes the key unique (ties in the sort key still page exactly once each).
    keys.append((model.id, keys[-1][1] if keys else False))
    return keys


def _beyond(keys: list[tuple[Any, bool]], values: tuple[Any, ...]) -> ColumnElement[bool]:
    """Rows strictly after `values` in the order of `keys`: (a > x) or (a = x and b > y) ...,
    and the same bound on the leading keys that share the first key's direction, as one row
    comparison ((a, b) >= (x, y)): the index the list walks then starts at the cursor, instead
    of reading every row before it (the or-chain alone is no index range)."""
    alternatives = []
    for index, (expression, descending) in enumerate(keys):
        equal = [keys[i][0] == values[i] for i in range(index)]
        value = values[index]
        step = expression < value if descending else expression > value
        alternatives.append(and_(*equal, step))
    leading = 1
    while leading < len(keys) and keys[leading][1] == keys[0][1]:
        leading += 1
    columns = tuple_(*(expression for expression, _ in keys[:leading]))
    bound = tuple_(*values[:leading])
    start = columns <= bound if keys[0][1] else columns >= bound
    return and_(start, or_(*alternatives))


def _ordering(keys: list[tuple[Any, bool]]) -> list[Any]:
    return [
        expression.desc() if descending else expression.asc() for expression, descending in keys
    ]


def _rows(model: Any, ids: list[int]) -> list[Any]:
    """The page's rows, in the ids' order, their eager relationships loaded with selectinload."""
    if not ids:
        return []
    eager = [
        selectinload(getattr(model, relation.key))
        for relation in inspect(model).relationships
        if relation.lazy == "joined"
    ]
    found = {
        row.id: row
        for row in db.session.scalars(select(model).where(model.id.in_(ids)).options(*eager))
    }
    return [found[i] for i in ids if i in found]


def _counted(model: Any, condition: ColumnElement[bool], cap: int) -> int:
    """How many rows match, counted up to `cap` + 1: a read of at most that many rows."""
    capped = select(model.id).where(condition).limit(cap + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(capped)) or 0


def _total(model: Any, condition: ColumnElement[bool]) -> tuple[int, bool, bool]:
    """(total, estimated, capped): exact up to COUNT_CAP rows; beyond that PostgreSQL's
    planner estimate ("about N"), or where there is none that beats the cap (SQLite), the cap
    itself ("more than 1,000", never "about 1,001")."""
    counted = _counted(model, condition, COUNT_CAP)
    if counted <= COUNT_CAP:
        return counted, False, False
    estimate = _planner_estimate(model, condition)
    if estimate > COUNT_CAP:
        return estimate, True, False
    return COUNT_CAP, False, True


def _planner_estimate(model: Any, condition: ColumnElement[bool]) -> int:
    if db.session.get_bind().dialect.name != "postgresql":
        return 0
    statement = select(model.id).where(condition)
    compiled = statement.compile(
        dialect=db.session.get_bind().dialect, compile_kwargs={"render_postcompile": True}
    )
    # EXPLAIN plans the query without running it: the estimate costs the same at any size.
    # One round trip in the page's transaction (no savepoint around it: a savepoint is two
    # more, and each costs as much as a small indexed query).
    plan = (
        db.session.connection()
        .exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled.string}", compiled.params)
        .scalar()
    )
    return int(plan[0]["Plan"]["Plan Rows"]) if plan else 0


def _page(
    model: Any,
    condition: ColumnElement[bool],
    found: list[tuple[Any, ...]],
    size: int,
    number: int,
    backwards: bool,
    cap: int | None = None,
) -> Page[Any]:
    """A page from up to `size` + 1 sort-key rows (each ending with the id), read forwards or
    (towards "previous") backwards: its rows, cursors, number and total (with `cap`: exact up
    to it, else "more than `cap`")."""
    more = len(found) > size
    found = found[:size]
    if backwards:
        found.reverse()
        if not more:
            number = 1
        elif number <= 1:
            number = 2  # a stale page number: there is at least one page before this one
    next_cursor = _encode(found[-1]) if found and (more or backwards) else None
    previous_cursor = _encode(found[0]) if found and number > 1 else None
    estimated = capped = False
    if cap is None:
        total, estimated, capped = _total(model, condition)
    else:
        total = _counted(model, condition, cap)
        capped = total > cap
        total = min(total, cap)
    return Page(
        items=_rows(model, [row[-1] for row in found]),
        page=number,
        total=total,
        page_size=size,
        estimated=estimated,
        capped=capped,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
    )


def _segment_rows(
    keys: list[tuple[Any, bool]],
    condition: ColumnElement[bool],
    segments: Sequence[ColumnElement[bool]],
    cursor: tuple[Any, ...] | None,
    wanted: int,
    *,
    backwards: bool = False,
) -> list[tuple[Any, ...]]:
    """Up to `wanted` rows of a list sorted first by which segment a row is in, read one
    segment at a time from the cursor's (each an indexed walk that stops at its LIMIT), so
    that no query sorts every row of the list by a computed key."""
    first = int(cursor[0]) if cursor is not None else (len(segments) - 1 if backwards else 0)
    if not 0 <= first < len(segments):
        return []
    order = [(expression, not descending) for expression, descending in keys] if backwards else keys
    indexes = range(first, -1, -1) if backwards else range(first, len(segments))
    rows: list[tuple[Any, ...]] = []
    for index in indexes:
        statement = select(*(expression for expression, _ in keys)).where(
            condition, segments[index]
        )
        if cursor is not None and index == first:
            statement = statement.where(_beyond(order, cursor[1:]))
        statement = statement.order_by(*_ordering(order)).limit(wanted - len(rows))
        rows.extend((index, *row) for row in db.session.execute(statement))
        if len(rows) >= wanted:
            break
    return rows


def paginate_segments(
    model: type[T],
    condition: ColumnElement[bool],
    segments: Sequence[ColumnElement[bool]],
    order: list[Any],
    page: PageRequest | int,
    *,
    count_cap: int | None = None,
) -> Page[T]:
    """As paginate, for a list whose first sort key is which of `segments` (conditions that
    never hold together, in the order shown) a row is in: the inbox's "needs action" view,
    waiting items first, then overdue or escalated ones, then unanswered messages. With
    `count_cap`, the total is exact up to it and "more than `count_cap`" beyond."""
    size = int(current_app.config["PAGE_SIZE"])
    wanted = page if isinstance(page, PageRequest) else PageRequest(number=page)
    number = min(max(1, wanted.number), MAX_PAGE)
    keys = _sort_keys(model, order)
    cursor_keys = [(literal_column("0", Integer()), False), *keys]  # the segment, then keys
    after = _fits(cursor_keys, _decode(wanted.after, len(cursor_keys))) if wanted.after else None
    before = _fits(cursor_keys, _decode(wanted.before, len(cursor_keys))) if wanted.before else None
    backwards = False
    if after is not None:
        found = _segment_rows(keys, condition, segments, after, size + 1)
    elif before is not None:
        backwards = True
        found = _segment_rows(keys, condition, segments, before, size + 1, backwards=True)
    else:
        if wanted.after or wanted.before or number > MAX_OFFSET_PAGE:  # a forged cursor, too
            number = 1
        skipped = (number - 1) * size  # old ?page=N links: at most MAX_OFFSET_PAGE pages read
        found = _segment_rows(keys, condition, segments, None, skipped + size + 1)[skipped:]
    return _page(model, condition, found, size, number, backwards, count_cap)


def paginate(
    model: type[T],
    condition: ColumnElement[bool],
    order: list[Any],
    page: PageRequest | int,
    *,
    page_size: int | None = None,
) -> Page[T]:
    size = page_size or int(current_app.config["PAGE_SIZE"])
    wanted = page if isinstance(page, PageRequest) else PageRequest(number=page)
    number = min(max(1, wanted.number), MAX_PAGE)
    key_model: Any = model
    keys = _sort_keys(key_model, order)
    columns = [expression for expression, _ in keys]
    backwards = False
    statement = select(*columns).where(condition)
    after = _fits(keys, _decode(wanted.after, len(keys))) if wanted.after else None
    before = _fits(keys, _decode(wanted.before, len(keys))) if wanted.before else None
    if after is not None:
        statement = statement.where(_beyond(keys, after)).order_by(*_ordering(keys))
    elif before is not None:
        backwards = True
        reversed_keys = [(expression, not descending) for expression, descending in keys]
        statement = statement.where(_beyond(reversed_keys, before))
        statement = statement.order_by(*_ordering(reversed_keys))
    else:
        statement = statement.order_by(*_ordering(keys))
        if wanted.after or wanted.before or number > MAX_OFFSET_PAGE:  # a forged cursor, too
            number = 1
        statement = statement.offset((number - 1) * size)
    found = [tuple(row) for row in db.session.execute(statement.limit(size + 1))]
    return _page(key_model, condition, found, size, number, backwards)
