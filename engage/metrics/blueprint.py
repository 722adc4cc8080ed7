"""The SPC chart page (views.py) and the engagement metrics view (summary_views.py)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("metrics", __name__, url_prefix="/metrics")
