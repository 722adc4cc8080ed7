"""The SPC chart page (views.py) and the engagement metrics view (view_routes.py)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("metrics", __name__, url_prefix="/metrics")
