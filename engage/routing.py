"""Identifiers in URLs, bounded so that a huge number typed into a URL is a 404, never an
overflow in the database driver."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

# Random identifiers stay below 2**53 (see engage.extensions.random_id).
MAX_ID = 2**53


class IdConverter(IntegerConverter):
    """`<id:name>`: a positive whole number no larger than any identifier engage makes."""

    def __init__(self, map: object) -> None:
        super().__init__(map, min=1, max=MAX_ID)  # type: ignore[arg-type]


def register_converters(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
