""" "You said, we did": decisions, actions and publication (views.py) and the boards
(board_views.py), for signed-in staff."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

# Gives the inbox the clocks' rules (engage.submissions.deadlines): create_app loads every
# blueprint.
from engage.responses import overdue  # noqa: F401

bp = Blueprint("responses", __name__)


@bp.before_request
@login_required
def require_sign_in() -> None:
    """Every page here needs a signed-in user; the services check the rest."""
