from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("guardian", __name__)


@bp.before_request
@login_required
def require_sign_in() -> None:
    """Every page here needs a signed-in user; the services check the role."""


@bp.app_context_processor
def guardian_template_helpers() -> dict[str, object]:
    """For the submission pages: the case link the guardian sees, and the questions the
    person who raised a concern is asked after it closes."""
    from engage.guardian import feedback, services

    return {
        "ftsu_case_for": lambda submission: services.case_for_submission(submission.id),
        "ftsu_questions_for": feedback.pending_questions,
    }
