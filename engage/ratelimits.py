"""Rate limits, with Flask-Limiter: counts live in memory (development, tests) or in Redis
(production, `RATELIMIT_STORAGE_URI`), never in the database, and expire with their window.

Views declare a named limit with `@rate_limited("name")`; `init_app` gives each app its own
Limiter (a Limiter holds one storage, and the tests build several apps) and wraps the marked
views, so a limit is checked before the view runs: argon2 never runs for a request over it.
Services that count only some outcomes (a failed sign-in, a wrong passphrase) use `Throttle`,
which shares the same storage.

Clients are keyed by a keyed hash of their address, with a random secret that is replaced
every day and never written to disk (see `client_digest`): a Redis snapshot holds no address,
and after the day no one can tell which address a key stood for. That matters because the
signed-out front door takes anonymous concerns.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Flask, current_app, render_template, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_login import current_user
from limits import RateLimitItem, parse

F = TypeVar("F", bound=Callable[..., Any])

EXTENSION = "engage_limiter"


@dataclass(frozen=True)
class NamedLimit:
    """One limit a view can carry: which setting holds its rate, who it counts, which methods
    it applies to, and which responses count (None: every request)."""

    setting: str
    key: Callable[[], str]
    methods: tuple[str, ...] = ("POST",)
    counts: Callable[[Any], bool] | None = None
    exempt_when: Callable[[], bool] | None = None


class TooManyAttempts(Exception):
    """Raised by a service over a limit; shown as the 429 page."""

    def __init__(self, retry_after_seconds: float) -> None:
        super().__init__("too many attempts")
        self.retry_after_seconds = max(1, math.ceil(retry_after_seconds))


# -- who is counting ---------------------------------------------------------------------------

_salt_lock = threading.Lock()
_local_salts: dict[str, bytes] = {}


def _todays_salt() -> bytes:
    """A random secret for today. With Redis it is kept there (set once by whichever worker
    asks first, expiring after two days) so every worker hashes alike; otherwise it lives in
    this process only. Either way it is never written to the database or a file."""
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    with _salt_lock:
        uri = current_app.config["RATELIMIT_STORAGE_URI"]
        cache_key = f"{uri}|{current_app.config['RATELIMIT_KEY_PREFIX']}|{day}"
        salt = _local_salts.get(cache_key)
        if salt is None:
            salt = _shared_salt(uri, day) if uri.startswith(("redis://", "rediss://")) else None
            salt = salt or secrets.token_bytes(32)
            _local_salts.clear()  # yesterday's secret is forgotten
            _local_salts[cache_key] = salt
        return salt


def _shared_salt(uri: str, day: str) -> bytes:
    import redis

    client = redis.Redis.from_url(uri)
    try:
        key = f"{current_app.config['RATELIMIT_KEY_PREFIX']}:salt:{day}"
        client.set(key, secrets.token_bytes(32), nx=True, ex=2 * 24 * 3600)
        value: Any = client.get(key)
    finally:
        client.close()
    return bytes(value) if value else secrets.token_bytes(32)


def digest(*parts: str) -> str:
    """A keyed hash of what identifies a client or an account, for use as a counter's key."""
    message = "\x1f".join(parts).encode()
    return hmac.new(_todays_salt(), message, hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    return "client:" + digest("client", request.remote_addr or "unknown")


def account_key(email: str) -> str:
    return "account:" + digest("account", email.strip().lower())


def user_or_client_key() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return client_key()


# -- the named limits --------------------------------------------------------------------------

LIMITS: dict[str, NamedLimit] = {
    # Forgotten-password requests from one client, whatever the address typed. (/check and
    # the signed-out front door count their own tries, in engage/throttle.py.)
    "forgotten_password": NamedLimit("RATELIMIT_FORGOTTEN_PASSWORD", client_key),
    # Uploads that cost CPU to read (/metrics/chart, /admin/import), per signed-in user.
    "uploads": NamedLimit("RATELIMIT_UPLOADS", user_or_client_key),
}


def rate_limited(name: str) -> Callable[[F], F]:
    """Mark a view with a named limit from LIMITS; `init_app` applies it for each app."""
    if name not in LIMITS:
        raise KeyError(f"no rate limit named {name!r}")

    def mark(view: F) -> F:
        names: list[str] = list(getattr(view, "_engage_rate_limits", ()))
        view._engage_rate_limits = [*names, name]  # type: ignore[attr-defined]
        return view

    return mark


def init_app(app: Flask) -> None:
    limiter = Limiter(key_func=client_key)
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    for endpoint, original in list(app.view_functions.items()):
        view: Any = original
        for name in getattr(original, "_engage_rate_limits", ()):
            named = LIMITS[name]
            view = limiter.limit(
                _setting(named.setting),
                key_func=named.key,
                methods=list(named.methods),
                deduct_when=named.counts,
                exempt_when=named.exempt_when,
                scope=name,
            )(view)
        app.view_functions[endpoint] = view

    @app.errorhandler(RateLimitExceeded)
    def over_the_limit(error: RateLimitExceeded) -> tuple[str, int, dict[str, str]]:
        current = limiter.current_limit
        # The window's own end: RequestLimit.reset_at rounds it up a second.
        wait = (current.window[0] - datetime.now(UTC).timestamp()) if current else 60
        return too_many_attempts_page(TooManyAttempts(wait))

    @app.errorhandler(TooManyAttempts)
    def throttled(error: TooManyAttempts) -> tuple[str, int, dict[str, str]]:
        return too_many_attempts_page(error)


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


def too_many_attempts_page(error: TooManyAttempts) -> tuple[str, int, dict[str, str]]:
    minutes = max(1, math.ceil(error.retry_after_seconds / 60))
    page = render_template(
        "errors/too_many_attempts.html", minutes=minutes, title="Too many attempts"
    )
    return page, 429, {"Retry-After": str(error.retry_after_seconds)}


def limiter_for(app: Flask | None = None) -> Limiter:
    limiter: Limiter = (app or current_app).extensions[EXTENSION]
    return limiter


# -- counting only some outcomes -------------------------------------------------------------


class Throttle:
    """A limit counted by the caller: `check` before the costly work, `hit` when the outcome
    counts (a failed attempt). Keys are already hashed by the caller (client_key, account_key)."""

    def __init__(self, scope: str, rate: Callable[[], str]) -> None:
        self.scope = scope
        self.rate = rate

    def _item(self) -> RateLimitItem:
        return parse(self.rate())

    def _identifiers(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        return (current_app.config["RATELIMIT_KEY_PREFIX"], self.scope, *keys)

    def check(self, *keys: str) -> None:
        limiter = limiter_for()
        if not limiter.enabled:
            return
        item, identifiers = self._item(), self._identifiers(keys)
        if not limiter.limiter.test(item, *identifiers):
            stats = limiter.limiter.get_window_stats(item, *identifiers)
            raise TooManyAttempts(stats.reset_time - datetime.now(UTC).timestamp())

    def hit(self, *keys: str) -> None:
        limiter = limiter_for()
        if limiter.enabled:
            limiter.limiter.hit(self._item(), *self._identifiers(keys))

    def clear(self, *keys: str) -> None:
        limiter_for().limiter.clear(self._item(), *self._identifiers(keys))


def setting_rate(name: str) -> Callable[[], str]:
    return _setting(name)
