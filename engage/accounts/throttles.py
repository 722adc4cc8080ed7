"""How failed sign-ins slow down guessing without letting a stranger lock anyone out.

Three counts of failed sign-ins, kept in the rate-limit storage (memory or Redis, expiring,
keyed by hashes: engage/ratelimits.py), never on the user's row:

- per client and account: LOGIN_MAX_FAILURES in LOGIN_LOCKOUT_MINUTES. The fifth wrong
  password from one client pauses that client, for that account only. The person at their
  own computer is not affected by a stranger's guesses from another;
- per client, whatever the account (RATELIMIT_SIGN_IN): one client cannot try many accounts;
- per account, from every client together (RATELIMIT_ACCOUNT): guessing spread over many
  addresses is capped. It is set high, so that a stranger needs dozens of addresses to reach
  it; a password reset (proof of the mailbox) lifts it, and so does an administrator; and it
  does not apply on a browser the account has signed in on before (a "known device" cookie,
  signed, naming the accounts by a keyed hash), so the guardian at their usual computer is
  never locked out by it.

Unknown addresses are counted exactly like real ones, so the answers (and their timing) do
not tell whether an account exists.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from engage.ratelimits import Throttle, TooManyAttempts, setting_rate


def _per_client_and_account() -> str:
    config = current_app.config
    return f"{config['LOGIN_MAX_FAILURES']} per {config['LOGIN_LOCKOUT_MINUTES']} minutes"


PER_CLIENT_AND_ACCOUNT = Throttle("sign-in:client-account", _per_client_and_account)
PER_CLIENT = Throttle("sign-in:client", setting_rate("RATELIMIT_SIGN_IN"))
PER_ACCOUNT = Throttle("sign-in:account", setting_rate("RATELIMIT_ACCOUNT"))
RESET_EMAILS = Throttle("reset-emails", setting_rate("RATELIMIT_RESET_EMAILS"))


def check_sign_in(client: str, account: str, known_device: bool = False) -> None:
    """Raise TooManyAttempts, before any password is checked, if this attempt is paused."""
    PER_CLIENT_AND_ACCOUNT.check(client, account)
    PER_CLIENT.check(client)
    if not known_device:
        PER_ACCOUNT.check(account)


def count_failed_sign_in(client: str, account: str, known_device: bool = False) -> None:
    """Count the failure; the one that reaches a limit is itself answered as paused."""
    PER_CLIENT_AND_ACCOUNT.hit(client, account)
    PER_CLIENT.hit(client)
    if not known_device:
        PER_ACCOUNT.hit(account)
        if account_paused(account):
            current_app.logger.warning("sign-in paused for an account: failures from many clients")
    check_sign_in(client, account, known_device)


# -- known devices -------------------------------------------------------------------------------

DEVICE_COOKIE = "engage_device"
DEVICE_DAYS = 180
DEVICE_ACCOUNTS = 10  # a shared ward PC remembers its ten most recent accounts


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def device_mark(email: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = b"device:" + email.strip().lower().encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:20]


def devices_known(cookie: str | None) -> list[str]:
    if not cookie:
        return []
    try:
        marks = _device_serializer().loads(cookie, max_age=DEVICE_DAYS * 24 * 3600)
    except BadSignature:
        return []
    return [m for m in marks if isinstance(m, str)] if isinstance(marks, list) else []


def remember_device(cookie: str | None, email: str) -> str:
    """The cookie's new value, with this account first."""
    mark = device_mark(email)
    marks = [mark, *(m for m in devices_known(cookie) if m != mark)][:DEVICE_ACCOUNTS]
    return _device_serializer().dumps(marks)


def forget_failures(client: str, account: str) -> None:
    PER_CLIENT_AND_ACCOUNT.clear(client, account)


def unpause_account(account: str) -> None:
    PER_ACCOUNT.clear(account)


def account_paused(account: str) -> bool:
    try:
        PER_ACCOUNT.check(account)
    except TooManyAttempts:
        return True
    return False


def allow_reset_email(account: str) -> bool:
    try:
        RESET_EMAILS.check(account)
    except TooManyAttempts:
        return False
    RESET_EMAILS.hit(account)
    return True
