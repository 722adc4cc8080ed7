from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from engage.scheduler import services
from engage.scheduler.blueprint import bp
from engage.scheduler.registry import LONDON


@bp.route("")
@login_required
def overview() -> ResponseReturnValue:
    statuses = services.job_statuses(datetime.now(LONDON), current_user)
    runs = services.recent_runs(current_user)
    return render_template(
        "scheduler/overview.html", statuses=statuses, runs=runs, title="Scheduled jobs"
    )
