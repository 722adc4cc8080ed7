"""The development outbox (views.py)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("mail", __name__)
