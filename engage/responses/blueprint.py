""" "You said, we did": decisions, actions and publication (views.py) and the boards
(board_views.py), for signed-in staff."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("responses", __name__)


@bp.before_request
@login_required
def require_sign_in() -> None:
    """Every page here needs a signed-in user; the services check the rest."""
