from __future__ import annotations

from flask import Blueprint

# Connects the digests' alerts to the submission events: create_app loads every blueprint.
from engage.digests import alerts  # noqa: F401

bp = Blueprint("digests", __name__)
