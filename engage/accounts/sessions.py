"""Server-side sessions: revocable at once, with an absolute limit that counts from sign-in
(the cookie is re-signed on every request, so its own age proves nothing).

The browser's signed cookie holds a random token (`session["sid"]`); the server holds its
SHA-256 with the user and the sign-in time: in the database, or in Redis when REDIS_URL is
set (with a prefix, REDIS_KEY_PREFIX). Ending a session deletes that record, so a copied
cookie stops working on the next request. The server records nothing per request: the idle
limit is checked against the last-seen time in the signed cookie (engage.accounts.views), so
no server-side row marks the moment of each page, an anonymous submission's included.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import delete, select

from engage.accounts.models import UserSession
from engage.extensions import db


def clock() -> float:
    """Now, in seconds since the epoch (a function, so that tests can move time on)."""
    return time.time()


class Outcome(Enum):
    ACTIVE = "active"
    IDLE = "idle"  # found by the view, from the cookie
    EXPIRED = "expired"
    ENDED = "ended"


@dataclass(frozen=True)
class Resumed:
    outcome: Outcome
    user_id: int | None = None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime() -> float:
    return float(current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())


def _judge(signed_in: float, now: float) -> Outcome:
    return Outcome.EXPIRED if now - signed_in > _lifetime() else Outcome.ACTIVE


class Store(Protocol):
    def start(self, user_id: int, token_hash: str, now: float) -> None: ...
    def resume(self, token_hash: str, now: float) -> Resumed: ...
    def end(self, token_hash: str) -> None: ...
    def end_all(self, user_id: int) -> int: ...


def _naive(moment: float) -> datetime:
    return datetime.fromtimestamp(moment, UTC).replace(tzinfo=None)


def _epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=UTC).timestamp()


class DatabaseStore:
    """Rows in user_sessions. `start`, `end` and `end_all` join the caller's transaction;
    resuming only reads (an expired row is deleted, in a commit of its own)."""

    def start(self, user_id: int, token_hash: str, now: float) -> None:
        db.session.add(
            UserSession(token_hash=token_hash, user_id=user_id, signed_in_at=_naive(now))
        )

    def resume(self, token_hash: str, now: float) -> Resumed:
        row = db.session.get(UserSession, token_hash)
        if row is None:
            return Resumed(Outcome.ENDED)
        outcome = _judge(_epoch(row.signed_in_at), now)
        if outcome is not Outcome.ACTIVE:
            db.session.delete(row)
            db.session.commit()
            return Resumed(outcome)
        return Resumed(Outcome.ACTIVE, row.user_id)

    def end(self, token_hash: str) -> None:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == token_hash))

    def end_all(self, user_id: int) -> int:
        hashes = db.session.scalars(
            select(UserSession.token_hash).where(UserSession.user_id == user_id)
        ).all()
        db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
        return len(hashes)


class RedisStore:
    """A hash per session, and a set of each user's sessions for "sign out everywhere"; keys
    expire at the session's absolute limit, so Redis forgets them without a clean-up job."""

    def __init__(self, client: Any, prefix: str) -> None:
        self.client = client
        self.prefix = prefix

    def _key(self, token_hash: str) -> str:
        return f"{self.prefix}:session:{token_hash}"

    def _user_key(self, user_id: int) -> str:
        return f"{self.prefix}:user-sessions:{user_id}"

    def start(self, user_id: int, token_hash: str, now: float) -> None:
        lifetime = int(_lifetime()) + 1
        fields = {"user": user_id, "signed_in": now}
        pipe = self.client.pipeline()
        pipe.hset(self._key(token_hash), mapping=fields)
        pipe.expire(self._key(token_hash), lifetime)
        pipe.sadd(self._user_key(user_id), token_hash)
        pipe.expire(self._user_key(user_id), lifetime)
        pipe.execute()

    def resume(self, token_hash: str, now: float) -> Resumed:
        stored = self.client.hgetall(self._key(token_hash))
        if not stored:
            return Resumed(Outcome.ENDED)
        user_id = int(stored[b"user"])
        outcome = _judge(float(stored[b"signed_in"]), now)
        if outcome is not Outcome.ACTIVE:
            self.client.delete(self._key(token_hash))
            self.client.srem(self._user_key(user_id), token_hash)
            return Resumed(outcome)
        return Resumed(Outcome.ACTIVE, user_id)

    def end(self, token_hash: str) -> None:
        stored = self.client.hget(self._key(token_hash), "user")
        self.client.delete(self._key(token_hash))
        if stored is not None:
            self.client.srem(self._user_key(int(stored)), token_hash)

    def end_all(self, user_id: int) -> int:
        hashes = self.client.smembers(self._user_key(user_id))
        keys = [self._key(h.decode()) for h in hashes]
        self.client.delete(*keys, self._user_key(user_id))
        return len(keys)


def store() -> Store:
    url = current_app.config["REDIS_URL"]
    if not url:
        return DatabaseStore()
    extensions = current_app.extensions
    if "engage_session_redis" not in extensions:
        import redis

        extensions["engage_session_redis"] = redis.Redis.from_url(url)
    return RedisStore(extensions["engage_session_redis"], current_app.config["REDIS_KEY_PREFIX"])


# -- what the services call --------------------------------------------------------------------


def start(user_id: int) -> str:
    """A new session for the user; returns the token for the cookie. With the database store,
    the caller's commit makes it real."""
    token = secrets.token_urlsafe(32)
    store().start(user_id, _hash(token), clock())
    return token


def resume(token: str) -> Resumed:
    return store().resume(_hash(token), clock())


def end(token: str) -> None:
    store().end(_hash(token))


def end_all(user_id: int) -> int:
    """End every session of the user; returns how many there were."""
    return store().end_all(user_id)


def purge_expired(now: float) -> int:
    """Delete database sessions past the absolute limit (Redis expires its own)."""
    result = db.session.execute(
        delete(UserSession).where(UserSession.signed_in_at < _naive(now - _lifetime()))
    )
    return int(getattr(result, "rowcount", 0) or 0)
