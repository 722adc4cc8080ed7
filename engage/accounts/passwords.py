"""Password hashing with argon2, and signed single-use reset tokens."""

from __future__ import annotations

import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

_hasher = PasswordHasher()
_dummy_hash = ""


def configure_hashing(time_cost: int, memory_kib: int, parallelism: int) -> None:
    """Set argon2's cost. Production keeps argon2-cffi's defaults; the tests use a cheaper
    setting so that hundreds of sign-ins stay quick (hashes made with either still verify)."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    _dummy_hash = ""  # made at the first sign-in, not when a worker starts


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    global _dummy_hash
    if not _dummy_hash:
        # Verifying against a real hash for unknown emails keeps sign-in time the same
        # whether or not the account exists.
        _dummy_hash = _hasher.hash("engage-dummy-password")
    try:
        return _hasher.verify(password_hash or _dummy_hash, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_fingerprint(password_hash: str | None) -> str:
    """A digest of the current hash. Reset links and sessions carry it: once the password
    changes it no longer matches, so every reset link is single-use and every other session
    ends, without storing tokens."""
    return hashlib.sha256((password_hash or "unset").encode()).hexdigest()[:16]


def make_reset_token(secret_key: str, user_id: int, password_hash: str | None) -> str:
    serializer = URLSafeTimedSerializer(secret_key, salt="password-reset")
    return serializer.dumps({"user": user_id, "fp": password_fingerprint(password_hash)})


class ResetTokenError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_reset_token(secret_key: str, token: str, max_age_seconds: int) -> tuple[int, str]:
    """Return (user id, fingerprint); the caller compares the fingerprint with the user's."""
    serializer = URLSafeTimedSerializer(secret_key, salt="password-reset")
    try:
        payload = serializer.loads(token, max_age=max_age_seconds)
    except SignatureExpired as exc:
        raise ResetTokenError("This link has expired. Ask for a new password reset link.") from exc
    except BadSignature as exc:
        raise ResetTokenError(
            "This link is not valid. Check you copied the whole link, or ask for a new one."
        ) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        raise ResetTokenError("This link is not valid. Ask for a new password reset link.")
    return payload["user"], str(payload.get("fp", ""))


def fingerprint_matches(password_hash: str | None, fingerprint: str) -> bool:
    return password_fingerprint(password_hash) == fingerprint
