from __future__ import annotations

from flask import redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engage.pages import services
from engage.pages.blueprint import bp


@bp.route("/")
def home() -> ResponseReturnValue:
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in"))
    return render_template(
        "pages/home.html", summary=services.home_summary(current_user), title="Home"
    )


@bp.route("/privacy")
def privacy() -> ResponseReturnValue:
    return render_template("pages/privacy.html", title="Privacy notice")


@bp.route("/accessibility")
def accessibility() -> ResponseReturnValue:
    return render_template("pages/accessibility.html", title="Accessibility statement")
