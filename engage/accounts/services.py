"""Sign-in and password reset. Every public function commits once or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from flask import current_app
from sqlalchemy import func, select

from engage.accounts import sessions, throttles
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
from engage.errors import ValidationFailed
from engage.extensions import db
from engage.links import external_url
from engage.mail.services import send_mail
from engage.ratelimits import account_key
from engage.timeutil import utcnow

WRONG_CREDENTIALS = "Enter a correct email address and password"


class SignInRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def find_user_by_email(email: str) -> User | None:
    normalised = email.strip().lower()
    return db.session.scalar(select(User).where(func.lower(User.email) == normalised))


@dataclass(frozen=True)
class SignedIn:
    user: User
    session_token: str


def authenticate(
    email: str, password: str, client: str, device_cookie: str | None = None
) -> SignedIn:
    """Start a session, or raise SignInRefused (wrong details) or TooManyAttempts (paused).

    Unknown, inactive and real accounts are answered alike, at the same cost: the same
    message, an argon2 check against a dummy hash, and the same counts (see
    engage/accounts/throttles.py). Paused requests stop before argon2.
    """
    account = account_key(email)
    known_device = throttles.device_mark(email) in throttles.devices_known(device_cookie)
    throttles.check_sign_in(client, account, known_device)
    user = find_user_by_email(email)
    usable = user is not None and user.active
    # verify_password checks a dummy hash when there is none, so every refusal costs the same.
    verified = verify_password(user.password_hash if usable and user else None, password)
    if not verified or user is None or not usable:
        throttles.count_failed_sign_in(client, account, known_device)
        raise SignInRefused(WRONG_CREDENTIALS)
    throttles.forget_failures(client, account)
    now = utcnow()
    # Staff and leaders can speak up anonymously: the times of their sign-ins, set beside
    # the date and unit of an anonymous item, could narrow down who wrote it, so only the
    # day is kept. Administrators and guardians keep times, for the security record.
    keeps_time = user.has_role(Role.ADMIN, Role.GUARDIAN)
    user.last_login_at = now if keeps_time else datetime.combine(now.date(), time.min)
    token = sessions.start(user.id)
    record(user, "account.signed_in", user, f"{user.email} signed in", date_only=not keeps_time)
    db.session.commit()
    return SignedIn(user, token)


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists; say nothing either way (no enumeration).
    Each address gets a few links an hour at most, whoever asks, so no one can fill a
    colleague's inbox; requests beyond that are answered alike and send nothing."""
    if not throttles.allow_reset_email(account_key(email)):
        return
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
    throttles.unpause_account(account_key(user.email))
    sessions.end_all(user.id)  # whoever knew the old password is signed out everywhere
    record(user, "account.password_reset", user, f"{user.email} set a new password")
    db.session.commit()
    return user


def change_password(actor: User, current_password: str, new_password: str) -> str:
    """Set the new password and end every session of the account, this one included; returns
    the token of a fresh session for the person who changed it."""
    if not verify_password(actor.password_hash, current_password):
        raise ValidationFailed("Your current password is not correct", "current_password")
    check_password_rules(new_password, "new_password")
    actor.password_hash = hash_password(new_password)
    sessions.end_all(actor.id)
    token = sessions.start(actor.id)
    record(actor, "account.password_changed", actor, f"{actor.email} changed their password")
    db.session.commit()
    return token


def sign_out(actor: User, session_token: str | None) -> None:
    if session_token:
        sessions.end(session_token)
    record(actor, "account.signed_out", actor, f"{actor.email} signed out")
    db.session.commit()
