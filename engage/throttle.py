"""Slowing down repeated tries, per follow-up code and per client, without a database row.

Counts live in the rate-limit storage (`RATELIMIT_STORAGE_URI`: memory in development,
Redis in production), the same storage Flask-Limiter uses, through its `limits` library, and
expire on their own. Nothing is written to the database, so an anonymous person's visits
leave no time there, and a client is keyed by a keyed hash of its address, never the address.

Limits are tiers ("5 per 15 minutes; 10 per hour; 20 per day"): a few mistakes cost
nothing, and each further run of failures waits longer, instead of a lock that anyone knowing
a code could set off to keep its owner out.
"""

from __future__ import annotations

import time

from flask import current_app
from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from engage.ratelimits import digest

_EXTENSION_KEY = "engage_throttle"


def _limiter() -> MovingWindowRateLimiter:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    limiter = app.extensions.get(_EXTENSION_KEY)
    if limiter is None:
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        assert isinstance(storage, Storage)  # a synchronous storage: no "async+" scheme
        limiter = MovingWindowRateLimiter(storage)
        app.extensions[_EXTENSION_KEY] = limiter
    return limiter  # type: ignore[no-any-return]


def _tiers(setting: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[setting])


def client_key(address: str | None) -> str:
    """A stand-in for the client's address that cannot be turned back into it (a bare hash
    of an IPv4 address is reversed in seconds): keyed, as the sign-in limits' keys are, with
    the day's random salt, which is forgotten the next day, so not even a holder of the
    SECRET_KEY can later test an address against a stored count."""
    return digest("client", address or "unknown")


def within(setting: str, scope: str, key: str) -> bool:
    """Whether one more try is allowed for `key` under every tier of the limits `setting`."""
    limiter = _limiter()
    return all(limiter.test(tier, scope, key) for tier in _tiers(setting))


def count(setting: str, scope: str, key: str) -> None:
    """Count a try (a failed guess, a submission) against every tier."""
    limiter = _limiter()
    for tier in _tiers(setting):
        limiter.hit(tier, scope, key)


def retry_minutes(setting: str, scope: str, key: str) -> int:
    """Minutes until every tier of `setting` allows `key` a try again (at least 1)."""
    limiter = _limiter()
    waits = [0.0]
    for tier in _tiers(setting):
        stats = limiter.get_window_stats(tier, scope, key)
        if stats.remaining <= 0:
            waits.append(stats.reset_time - time.time())
    return max(1, int(max(waits) // 60) + 1)


def forget_everything() -> None:
    """Clear every count (tests, and an operator after an incident)."""
    _limiter().storage.reset()
