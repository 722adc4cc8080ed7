"""The submissions blueprints: the front door, a submission's page and what is done on it
(views.py) and the lists (list_views.py), for signed-in staff (the front door takes anonymous
ones signed out too); and the anonymous follow-up, with no sign-in (anonymous_views.py)."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

bp = Blueprint("submissions", __name__)
anonymous_bp = Blueprint("anonymous", __name__, url_prefix="/check")

# The front door also takes anonymous ideas and concerns from visitors who are not signed in:
# speaking up anonymously must not start with proving who you are.
SIGNED_OUT_ENDPOINTS = frozenset({"submissions.front_door"})


@bp.before_request
def require_sign_in() -> ResponseReturnValue | None:
    """Every other page here needs a signed-in user; the services check the rest."""
    if current_user.is_authenticated or request.endpoint in SIGNED_OUT_ENDPOINTS:
        return None
    return current_app.login_manager.unauthorized()  # type: ignore[attr-defined,no-any-return]
