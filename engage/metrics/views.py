from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engage.errors import ValidationFailed
from engage.forms import show_service_error
from engage.metrics import models as _snapshot_models  # noqa: F401  (the table, for migrations)
from engage.metrics import services
from engage.metrics.blueprint import bp
from engage.metrics.forms import (
    EXCEL_CLOSE_INCLUDES_OUTSIDE,
    EXCEL_NO_SCREENING,
    EXCEL_SIX_POINT_RULES,
    ChartForm,
)
from engage.ratelimits import rate_limited


@bp.route("/chart", methods=["GET", "POST"])
@rate_limited("uploads")
@login_required
def chart_tool() -> ResponseReturnValue:
    """Any signed-in user may chart their own figures: nothing is read or stored."""
    form = ChartForm()
    result = None
    if form.validate_on_submit():
        excel = set(form.excel_settings.data or ())
        chart_request = services.ChartRequest(
            figures=form.figures.data,
            upload=form.file.data.read() if form.file.data else None,
            title=form.title.data,
            improvement=form.improvement.data,
            target=form.target.data,
            rebase_dates=form.rebase_dates.data or (),
            fix_after_n_points=form.fix_after_n_points.data,
            six_point_rules=EXCEL_SIX_POINT_RULES in excel,
            screen_outliers=EXCEL_NO_SCREENING not in excel,
            close_includes_outside=EXCEL_CLOSE_INCLUDES_OUTSIDE in excel,
        )
        try:
            result = services.make_chart(chart_request)
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            # The browser cannot refill a file input, so the form under the chart carries
            # the file's figures in the paste box, ready to redraw with other settings.
            form.figures.data = result.figures_text
    title = result.heading if result else "Make an SPC chart"
    return render_template("metrics/chart_tool.html", form=form, result=result, title=title)
