"""The accounts blueprints: signing in and out, password reset and change (views.py); and
the administrators' pages for users and the staff import (admin_views.py)."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("accounts", __name__)
admin_bp = Blueprint("admin_users", __name__, url_prefix="/admin")


@admin_bp.before_request
@login_required
def require_sign_in() -> None:
    """Every page here needs a signed-in user; the services check the role."""
