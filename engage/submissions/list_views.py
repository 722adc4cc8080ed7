"""Lists: "what I raised", the ideas board, moderation and themes."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engage.errors import ValidationFailed
from engage.forms import options, show_service_error
from engage.pagination import PageRequest, page_number
from engage.submissions import queries, services, social, themes
from engage.submissions.blueprint import bp
from engage.submissions.forms import IdeaSearchForm, ThemeForm


def _page() -> PageRequest:
    return page_number()


@bp.route("/submissions/mine")
def mine() -> ResponseReturnValue:
    result = queries.my_submissions(current_user, _page())
    return render_template("submissions/mine.html", result=result, title="What I have raised")


@bp.route("/ideas")
def ideas() -> ResponseReturnValue:
    form = IdeaSearchForm(request.args)
    form.theme_id.choices = options(
        [(None, "Any theme")] + [(t.id, t.name) for t in services.themes(True)]
    )
    filters = queries.IdeaFilter()
    if form.validate():
        filters = queries.IdeaFilter(
            words=form.q.data or "",
            theme_id=form.theme_id.data,
            most_supported=form.sort.data == "supported",
        )
    result = queries.ideas_board(current_user, filters, _page())
    supporters = queries.supporter_counts([s.id for s in result.items])
    return render_template(
        "submissions/ideas.html", form=form, result=result, supporters=supporters, title="Ideas"
    )


@bp.route("/moderation")
def moderation() -> ResponseReturnValue:
    reports = social.open_reports(current_user)
    return render_template("submissions/moderation.html", reports=reports, title="Reported content")


@bp.route("/admin/themes")
def theme_list() -> ResponseReturnValue:
    return render_template(
        "submissions/themes.html", themes=themes.all_themes(current_user), title="Themes"
    )


@bp.route("/admin/themes/new", methods=["GET", "POST"])
@bp.route("/admin/themes/<id:theme_id>", methods=["GET", "POST"])
def edit_theme(theme_id: int | None = None) -> ResponseReturnValue:
    theme = themes.get_theme(current_user, theme_id) if theme_id else None
    if theme is None:
        themes.all_themes(current_user)  # refuses non-administrators before showing the form
    form = ThemeForm(obj=theme)
    if form.validate_on_submit():
        try:
            saved = themes.save_theme(
                current_user, form.name.data, bool(form.active.data), theme_id
            )
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash(f"Theme {saved.name} saved.", "success")
            return redirect(url_for("submissions.theme_list"))
    title = f"Edit {theme.name}" if theme else "Add a theme"
    return render_template("submissions/theme_form.html", form=form, title=title)
