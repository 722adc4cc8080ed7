"""Sign-in, lock-out and password reset. Every public function commits once or not at all."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.accounts.passwords import (
    ResetTokenError,
    fingerprint_matches,
    hash_password,
    make_reset_token,
    read_reset_token,
    verify_password,
)
from engage.audit.services import record
from engage.counters import increment
from engage.errors import ValidationFailed
from engage.extensions import db
from engage.links import external_url
from engage.mail.services import send_mail
from engage.timeutil import utcnow

WRONG_CREDENTIALS = "Enter a correct email address and password"


class SignInRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def find_user_by_email(email: str) -> User | None:
    normalised = email.strip().lower()
    return db.session.scalar(select(User).where(func.lower(User.email) == normalised))


def authenticate(email: str, password: str) -> User:
    """Return the user, or raise SignInRefused with a message safe to show."""
    user = find_user_by_email(email)
    now = utcnow()
    if user is None:
        verify_password(None, password)  # same work as a real check: no timing oracle
        raise SignInRefused(WRONG_CREDENTIALS)
    if user.locked_until is not None:
        if user.locked_until > now:
            raise SignInRefused(_locked_message(user))
        user.locked_until = None  # served: a later failure must not be reported as a lock
    if not user.active:
        verify_password(None, password)
        raise SignInRefused(WRONG_CREDENTIALS)
    if not verify_password(user.password_hash, password):
        _count_failure(user)
        db.session.commit()
        if user.locked_until is not None:
            raise SignInRefused(_locked_message(user))
        raise SignInRefused(WRONG_CREDENTIALS)
    user.failed_logins = 0
    user.locked_until = None
    # Staff and leaders can speak up anonymously: the times of their sign-ins, set beside
    # the date and unit of an anonymous item, could narrow down who wrote it, so only the
    # day is kept. Administrators and guardians keep times, for the security record.
    keeps_time = user.has_role(Role.ADMIN, Role.GUARDIAN)
    user.last_login_at = now if keeps_time else datetime.combine(now.date(), time.min)
    record(user, "account.signed_in", user, f"{user.email} signed in", date_only=not keeps_time)
    db.session.commit()
    return user


def _locked_message(user: User) -> str:
    assert user.locked_until is not None
    return (
        "Your account is locked after too many failed attempts. Try again after "
        f"{user.locked_until:%H:%M} (UTC), or reset your password."
    )


def _count_failure(user: User) -> None:
    config = current_app.config
    if increment(user, User.failed_logins) >= config["LOGIN_MAX_FAILURES"]:
        user.locked_until = utcnow() + timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])
        user.failed_logins = 0
        record(None, "account.locked", user, f"{user.email} locked after failed sign-ins")


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists; say nothing either way (no enumeration)."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    token = make_reset_token(current_app.config["SECRET_KEY"], user.id, user.password_hash)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    link = external_url("accounts.reset_password", token=token)
    send_mail(
        user.email,
        "Reset your engage password",
        f"Hello {user.name},\n\nUse this link to set a new password for engage. It works once "
        f"and expires in {hours} hours:\n\n{link}\n\nIf you did not ask for this, you can "
        "ignore this email: your password has not changed.\n",
    )
    record(None, "account.reset_requested", user, f"Password reset requested for {user.email}")
    db.session.commit()


def user_for_reset_token(token: str) -> User:
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    user_id, fingerprint = read_reset_token(
        current_app.config["SECRET_KEY"], token, max_age_seconds=hours * 3600
    )
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise ResetTokenError("This link is not valid. Ask for a new password reset link.")
    if not fingerprint_matches(user.password_hash, fingerprint):
        raise ResetTokenError(
            "This link has already been used. Ask for a new password reset link if you need one."
        )
    return user


def check_password_rules(password: str, field: str = "password") -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise ValidationFailed(f"Password must be {minimum} characters or more", field)
    if len(password) > 200:
        raise ValidationFailed("Password must be 200 characters or fewer", field)


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    check_password_rules(new_password)
    user.password_hash = hash_password(new_password)
    user.failed_logins = 0
    user.locked_until = None
    record(user, "account.password_reset", user, f"{user.email} set a new password")
    db.session.commit()
    return user


def change_password(actor: User, current_password: str, new_password: str) -> None:
    if not verify_password(actor.password_hash, current_password):
        raise ValidationFailed("Your current password is not correct", "current_password")
    check_password_rules(new_password, "new_password")
    actor.password_hash = hash_password(new_password)
    record(actor, "account.password_changed", actor, f"{actor.email} changed their password")
    db.session.commit()


def record_sign_out(actor: User) -> None:
    record(actor, "account.signed_out", actor, f"{actor.email} signed out")
    db.session.commit()
