"""The home page, the privacy notice and the accessibility statement (views.py)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pages", __name__)
