from __future__ import annotations

from flask import Blueprint

bp = Blueprint("digests", __name__)
