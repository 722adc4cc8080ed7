from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from engage.accounts import services
from engage.accounts.blueprint import bp
from engage.accounts.forms import (
    ChangePasswordForm,
    ForgottenPasswordForm,
    NewPasswordForm,
    SignInForm,
)
from engage.accounts.models import User
from engage.accounts.passwords import ResetTokenError
from engage.errors import ValidationFailed
from engage.extensions import get_by_id, login_manager
from engage.forms import show_service_error
from engage.ratelimits import rate_limited

login_manager.login_view = "accounts.sign_in"
login_manager.login_message = "Sign in to see this page."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id = session_id.partition(":")[0]
    if not user_id.isdecimal() or len(user_id) > 18:
        return None
    user = get_by_id(User, int(user_id))
    if user is None or not user.active or user.get_id() != session_id:
        return None
    return user


@bp.before_app_request
def end_idle_sessions() -> Response | None:
    """Sign out a session left idle on a shared ward PC."""
    if not current_user.is_authenticated:
        return None
    now = datetime.now(UTC).timestamp()
    idle_limit = current_app.config["SESSION_IDLE_MINUTES"] * 60
    last_seen = session.get("last_seen", now)
    if now - last_seen > idle_limit:
        logout_user()
        session.clear()
        flash("You were signed out because you had not used engage for a while.", "info")
        return redirect(url_for("accounts.sign_in", next=request.path))
    g.last_seen_before = last_seen  # for pages that must leave no mark, see submissions.views
    session["last_seen"] = now
    session.permanent = True
    return None


def _safe_next(target: str | None) -> str:
    """Only a path within engage: browsers drop tabs and newlines from URLs, so "/\t/evil"
    would become "//evil" (another site), and a newline would break the header."""
    home = url_for("pages.home")
    if not target or any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return home
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.SignInRefused as refused:
            form.form_errors.append(refused.message)
        else:
            session.clear()
            login_user(user)
            session["last_seen"] = datetime.now(UTC).timestamp()
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/sign_in.html", form=form, title="Sign in")


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out() -> Response:
    services.record_sign_out(current_user)
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/forgotten-password", methods=["GET", "POST"])
@rate_limited("forgotten_password")
def forgotten_password() -> ResponseReturnValue:
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template(
            "accounts/reset_sent.html", email=form.email.data, title="Check your email"
        )
    return render_template(
        "accounts/forgotten_password.html", form=form, title="Reset your password"
    )


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    try:
        services.user_for_reset_token(token)
    except ResetTokenError as problem:
        return render_template(
            "accounts/reset_invalid.html", message=problem.message, title="Link not valid"
        ), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("accounts.sign_in"))
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    return render_template(
        "accounts/reset_password.html", form=form, minimum=minimum, title="Set a new password"
    )


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            # The session names the old password; this one carries on with the new.
            login_user(current_user._get_current_object())
            flash("Your password has been changed.", "success")
            return redirect(url_for("accounts.account"))
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    return render_template(
        "accounts/account.html", form=form, minimum=minimum, title="Your account"
    )
