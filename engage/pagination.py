"""One page of a long list, counted and sliced in SQL: no list view ever loads every row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import current_app, request
from sqlalchemy import ColumnElement, Select, func, select

from engage.extensions import db

T = TypeVar("T")
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    total: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def page_number() -> int:
    """The `page` query argument, bounded so that a huge number is just the last page."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


def paginate(
    model: type[T],
    condition: ColumnElement[bool],
    order: list[Any],
    page: int,
    *,
    query: Select[Any] | None = None,
    page_size: int | None = None,
) -> Page[T]:
    size = page_size or int(current_app.config["PAGE_SIZE"])
    page = min(max(1, page), MAX_PAGE)
    key = model.id  # type: ignore[attr-defined]
    total = db.session.scalar(select(func.count(key)).where(condition)) or 0
    rows = (query if query is not None else select(model)).where(condition)
    items = db.session.scalars(rows.order_by(*order).limit(size).offset((page - 1) * size))
    return Page(items=list(items), page=page, total=total, page_size=size)
