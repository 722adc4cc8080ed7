from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reliability", __name__)
