"""The boards: every signed-in member of staff can read them."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from engage.forms import options
from engage.pagination import page_number
from engage.quarters import Quarter
from engage.responses import board
from engage.responses import poster as posters
from engage.responses.blueprint import bp
from engage.responses.forms import BoardFilterForm
from engage.submissions import services as submissions

POSTER_DEFAULT = 6
POSTER_MAX = 12


@bp.route("/boards")
def boards() -> ResponseReturnValue:
    return render_template(
        "responses/boards.html", index=board.boards_index(), title="You said, we did"
    )


@bp.route("/boards/<any(unit, directorate):kind>/<id:scope_id>")
def show_board(kind: str, scope_id: int) -> ResponseReturnValue:
    scope = board.scope_for(kind, scope_id)
    form = BoardFilterForm(request.args)
    form.theme_id.choices = options(
        [(None, "Any theme")] + [(t.id, t.name) for t in submissions.themes(True)]
    )
    quarters = board.quarters_with_entries(scope)
    form.quarter.choices = options([("", "Any time")] + [(q.key, q.label) for q in quarters])
    theme_id, quarter = None, None
    if form.validate():
        theme_id = form.theme_id.data
        quarter = Quarter.parse(form.quarter.data or "")
    page = board.board(scope, theme_id=theme_id, quarter=quarter, page=page_number())
    return render_template(
        "responses/board.html",
        scope=scope,
        result=page,
        form=form,
        quarter=quarter,
        front_door=posters.front_door(scope),
        title=f"You said, we did: {scope.name}",
    )


@bp.route("/boards/<any(unit, directorate):kind>/<id:scope_id>/poster")
def poster(kind: str, scope_id: int) -> ResponseReturnValue:
    scope = board.scope_for(kind, scope_id)
    count = min(
        max(request.args.get("n", POSTER_DEFAULT, type=int) or POSTER_DEFAULT, 1), POSTER_MAX
    )
    return render_template(
        "responses/poster.html",
        scope=scope,
        entries=board.latest(scope, count),
        front_door=posters.front_door(scope),
        title=f"You said, we did: {scope.name}",
    )
