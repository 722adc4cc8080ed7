"""The trust's structure, for administrators (views.py)."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("organisation", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_sign_in() -> None:
    """Every page here needs a signed-in user; the services check the role."""
