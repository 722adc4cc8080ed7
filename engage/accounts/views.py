from __future__ import annotations

import time
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

from engage.accounts import services, sessions, throttles
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
from engage.extensions import db, get_by_id, login_manager
from engage.forms import show_service_error
from engage.ratelimits import client_key, rate_limited

login_manager.login_view = "accounts.sign_in"
login_manager.login_message = "Sign in to see this page."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


SESSION_ID_KEY = "sid"
ENDED_MESSAGES = {
    sessions.Outcome.IDLE: "You were signed out because you had not used engage for a while.",
    sessions.Outcome.EXPIRED: "You were signed out because you signed in a while ago. "
    "Sign in again to carry on.",
    sessions.Outcome.ENDED: "You have been signed out. Sign in again to carry on.",
}


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session that `resume_session` found active, and only that user."""
    user_id = g.get("session_user_id")
    if user_id is None or session_id.partition(":")[0] != str(user_id):
        return None
    user = get_by_id(User, user_id)
    if user is None or not user.active or user.get_id() != session_id:
        return None
    return user


@bp.before_app_request
def resume_session() -> Response | None:
    """Check the session's server-side record on every request: ended (signed out elsewhere,
    a new password), idle on a shared ward PC, or past its absolute limit from sign-in."""
    if request.endpoint == "static":
        return None
    token = session.get(SESSION_ID_KEY)
    if not isinstance(token, str):
        if "_user_id" in session:
            session.pop("_user_id")  # a cookie from before server-side sessions
        return None
    resumed = sessions.resume(token)
    now = sessions.clock()
    last_seen = session.get("last_seen", now)
    if resumed.outcome is sessions.Outcome.ACTIVE:
        if now - last_seen <= current_app.config["SESSION_IDLE_MINUTES"] * 60:
            g.session_user_id = resumed.user_id
            g.last_seen_before = last_seen  # for pages that leave no mark: submissions.views
            session["last_seen"] = now
            session.permanent = True
            return None
        sessions.end(token)
        db.session.commit()
        resumed = sessions.Resumed(sessions.Outcome.IDLE)
    logout_user()
    session.clear()
    if request.endpoint == "accounts.sign_in" and request.method == "POST":
        return None  # signing in again: let it through rather than lose what was typed
    flash(ENDED_MESSAGES[resumed.outcome], "info")
    return redirect(url_for("accounts.sign_in", next=request.path))


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
            device = request.cookies.get(throttles.DEVICE_COOKIE)
            signed_in = services.authenticate(
                form.email.data, form.password.data, client_key(), device
            )
        except services.SignInRefused as refused:
            form.form_errors.append(refused.message)
        else:
            _begin(signed_in.user, signed_in.session_token)
            response = redirect(_safe_next(request.args.get("next")))
            response.set_cookie(
                throttles.DEVICE_COOKIE,
                throttles.remember_device(device, signed_in.user.email),
                max_age=throttles.DEVICE_DAYS * 24 * 3600,
                secure=current_app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
                samesite="Lax",
            )
            return response
    return render_template("accounts/sign_in.html", form=form, title="Sign in")


def _begin(user: User, token: str) -> None:
    session.clear()
    session[SESSION_ID_KEY] = token
    session["last_seen"] = sessions.clock()
    g.session_user_id = user.id
    login_user(user)
    session.permanent = True


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out() -> Response:
    services.sign_out(current_user, session.get(SESSION_ID_KEY))
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/forgotten-password", methods=["GET", "POST"])
@rate_limited("forgotten_password")
def forgotten_password() -> ResponseReturnValue:
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        answer_at = time.monotonic() + current_app.config["RESET_ANSWER_SECONDS"]
        services.request_password_reset(form.email.data)
        time.sleep(max(0.0, answer_at - time.monotonic()))
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
            token = services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            # Every session has ended, this one too; this browser carries on in a new one.
            _begin(current_user._get_current_object(), token)
            flash("Your password has been changed.", "success")
            return redirect(url_for("accounts.account"))
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    return render_template(
        "accounts/account.html", form=form, minimum=minimum, title="Your account"
    )
