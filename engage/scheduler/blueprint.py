from __future__ import annotations

from flask import Blueprint

bp = Blueprint("scheduler", __name__, url_prefix="/admin/jobs")
