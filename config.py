"""Configuration classes: every setting can come from the environment.

The app factory takes one of these classes (or an instance); `config_from_env()` picks one by
`ENGAGE_ENV` (development, production, test).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent


def normalise_database_url(url: str) -> str:
    """Accept plain `postgresql://`, `postgres://` and `sqlite:///` URLs.

    Operators paste URLs from their hosting provider; SQLAlchemy would pick psycopg2 (not
    installed) for a bare `postgresql://`, so we point it at psycopg 3, which is.
    """
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        relative = url.removeprefix("sqlite:///")
        if relative and relative != ":memory:":
            url = "sqlite:///" + str(BASE_DIR / relative)
    return url


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str) -> list[str] | None:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or None


def _base_url_host() -> list[str]:
    host = urlsplit(os.environ.get("ENGAGE_BASE_URL", "")).hostname
    return [host] if host else []


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    SERVICE_NAME = "engage"
    TRUST_NAME = os.environ.get("ENGAGE_TRUST_NAME", "Demo NHS Foundation Trust")
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", "sqlite:///instance/engage.db")
    )
    # hide_parameters: a database error in a log must not carry what someone wrote.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True, "hide_parameters": True}

    # Sessions: a shared ward PC must not stay signed in, so sessions end after a short idle
    # period as well as at an absolute limit.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=_env_int("ENGAGE_SESSION_HOURS", 8))
    SESSION_IDLE_MINUTES = _env_int("ENGAGE_SESSION_IDLE_MINUTES", 30)
    # Where sessions are held: Redis when REDIS_URL is set, else the database.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    REDIS_KEY_PREFIX = os.environ.get("ENGAGE_REDIS_KEY_PREFIX", "engage")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    LOGIN_MAX_FAILURES = _env_int("ENGAGE_LOGIN_MAX_FAILURES", 5)
    LOGIN_LOCKOUT_MINUTES = _env_int("ENGAGE_LOGIN_LOCKOUT_MINUTES", 15)
    PASSWORD_RESET_HOURS = _env_int("ENGAGE_PASSWORD_RESET_HOURS", 2)
    # "Forgotten password" answers after this long whether or not it sent mail, so that the
    # time taken does not tell whether an account exists (sending takes a moment).
    RESET_ANSWER_SECONDS = float(os.environ.get("ENGAGE_RESET_ANSWER_SECONDS", "1.0"))
    PASSWORD_MIN_LENGTH = 12
    # argon2id cost: argon2-cffi's defaults (RFC 9106 low-memory profile).
    ARGON2_TIME_COST = _env_int("ENGAGE_ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_KIB = _env_int("ENGAGE_ARGON2_MEMORY_KIB", 65536)
    ARGON2_PARALLELISM = _env_int("ENGAGE_ARGON2_PARALLELISM", 4)

    # Where engage is served: links in mail sent by jobs and commands, outside any request.
    BASE_URL = os.environ.get("ENGAGE_BASE_URL", "http://127.0.0.1:5000")
    # Host names a request may carry (Flask refuses others with 400). None accepts any, for
    # development; production defaults to the host of ENGAGE_BASE_URL.
    TRUSTED_HOSTS = _env_list("ENGAGE_TRUSTED_HOSTS")
    REQUIRE_TRUSTED_HOSTS = False
    # Reverse proxies in front of engage whose X-Forwarded-For is believed: the rate limits
    # count clients by their address, which is otherwise the proxy's.
    PROXIES_IN_FRONT = _env_int("ENGAGE_PROXIES_IN_FRONT", 0)
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    CSV_IMPORT_MAX_ROWS = _env_int("ENGAGE_CSV_IMPORT_MAX_ROWS", 20000)
    SMALL_NUMBER_THRESHOLD = 5

    # Mail: "smtp" sends through SMTP_*; "outbox" keeps mail in the database, readable at
    # /outbox, for development and demos.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_FROM = os.environ.get("MAIL_FROM", "engage <no-reply@engage.nhs.uk>")
    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    SMTP_PORT = _env_int("SMTP_PORT", 25)
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = _env_bool("SMTP_STARTTLS", False)
    SMTP_TIMEOUT_SECONDS = _env_int("SMTP_TIMEOUT_SECONDS", 10)
    # The outbox sender: attempts before a message is given up (and shown to administrators),
    # the first retry delay (doubled after each failure), how long a claim lasts before
    # another sender may take the message again, and how long delivered mail is kept.
    MAIL_MAX_ATTEMPTS = _env_int("MAIL_MAX_ATTEMPTS", 10)
    MAIL_RETRY_BASE_SECONDS = _env_int("MAIL_RETRY_BASE_SECONDS", 60)
    MAIL_CLAIM_LEASE_SECONDS = _env_int("MAIL_CLAIM_LEASE_SECONDS", 300)
    MAIL_BATCH_SIZE = _env_int("MAIL_BATCH_SIZE", 200)
    MAIL_KEEP_SENT_DAYS = _env_int("MAIL_KEEP_SENT_DAYS", 30)

    # The scheduler process: how often a waiting scheduler checks whether it can take over
    # (and the active one that it still holds the lock), how late a run may start and still
    # run, and how many jobs may run at once.
    SCHEDULER_LOCK_POLL_SECONDS = _env_int("ENGAGE_SCHEDULER_LOCK_POLL_SECONDS", 15)
    SCHEDULER_MISFIRE_GRACE_SECONDS = _env_int("ENGAGE_SCHEDULER_MISFIRE_GRACE_SECONDS", 3600)
    SCHEDULER_THREADS = _env_int("ENGAGE_SCHEDULER_THREADS", 4)
    SCHEDULER_KEEP_RUNS_DAYS = _env_int("ENGAGE_SCHEDULER_KEEP_RUNS_DAYS", 30)

    # Speaking up: anonymous follow-up, and the response clocks shown to submitters.
    # Failed follow-up tries allowed per code and per client, in tiers (a slowing back-off,
    # not a lock), and signed-out anonymous submissions per client. Counted in the
    # rate-limit storage (RATELIMIT_STORAGE_URI, below).
    ANONYMOUS_CODE_LIMITS = os.environ.get(
        "ENGAGE_ANONYMOUS_CODE_LIMITS", "5 per 15 minutes; 10 per hour; 20 per day"
    )
    ANONYMOUS_CLIENT_LIMITS = os.environ.get(
        "ENGAGE_ANONYMOUS_CLIENT_LIMITS", "10 per 15 minutes; 30 per hour; 100 per day"
    )
    SIGNED_OUT_SUBMISSION_LIMITS = os.environ.get(
        "ENGAGE_SIGNED_OUT_SUBMISSION_LIMITS", "3 per hour; 10 per day"
    )
    ANONYMOUS_SESSION_MINUTES = _env_int("ENGAGE_ANONYMOUS_SESSION_MINUTES", 15)
    ACKNOWLEDGE_WORKING_DAYS = _env_int("ENGAGE_ACKNOWLEDGE_WORKING_DAYS", 5)
    DECISION_DAYS = _env_int("ENGAGE_DECISION_DAYS", 30)
    # Working days after a clock runs out before it goes to the directorate's leads, and then
    # (concerns only) to the Freedom to Speak Up guardian.
    ESCALATE_TO_DIRECTORATE_AFTER = _env_int("ENGAGE_ESCALATE_TO_DIRECTORATE_AFTER", 3)
    ESCALATE_TO_GUARDIAN_AFTER = _env_int("ENGAGE_ESCALATE_TO_GUARDIAN_AFTER", 8)
    PAGE_SIZE = 25
    # Freedom to Speak Up: months after a case closes before the person is asked whether they
    # have suffered detriment for speaking up. The return's items: engage/guardian/return_items.py.
    FTSU_DETRIMENT_QUESTION_MONTHS = _env_int("ENGAGE_FTSU_DETRIMENT_QUESTION_MONTHS", 3)

    # Digests and delayed alerts go out at this local (Europe/London) hour; weekly ones on this
    # day, monthly ones on its first occurrence in the month. Admins can change both in the app
    # (/admin/digests); these are the defaults until they do.
    DIGEST_SEND_WEEKDAY = os.environ.get("DIGEST_SEND_WEEKDAY", "monday")
    DIGEST_SEND_HOUR = _env_int("DIGEST_SEND_HOUR", 7)
    # Updates to one person's own items within this many minutes go out as one email.
    UPDATE_COALESCE_MINUTES = _env_int("ENGAGE_UPDATE_COALESCE_MINUTES", 15)

    # Rate limits (Flask-Limiter, engage/ratelimits.py). Counts are kept in memory in
    # development and tests, and in Redis in production, where every worker must share them.
    RATELIMIT_STORAGE_URI = (
        os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://"
    )
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "engage-rl")
    RATELIMIT_HEADERS_ENABLED = True
    # Failed sign-ins from one client, whatever the accounts (per client and account, the
    # limit is LOGIN_MAX_FAILURES in LOGIN_LOCKOUT_MINUTES).
    RATELIMIT_SIGN_IN = os.environ.get("ENGAGE_RATELIMIT_SIGN_IN", "20 per 15 minutes")
    # Failed sign-ins for one account from every client together: high enough that a stranger
    # needs many addresses to reach it, low enough to stop guessing spread over a botnet.
    RATELIMIT_ACCOUNT = os.environ.get("ENGAGE_RATELIMIT_ACCOUNT", "100 per hour")
    RATELIMIT_FORGOTTEN_PASSWORD = os.environ.get(
        "ENGAGE_RATELIMIT_FORGOTTEN_PASSWORD", "5 per 15 minutes"
    )
    # Reset emails to one address, whoever asks: more requests are answered alike, unsent.
    RATELIMIT_RESET_EMAILS = os.environ.get("ENGAGE_RATELIMIT_RESET_EMAILS", "3 per hour")
    RATELIMIT_UPLOADS = os.environ.get("ENGAGE_RATELIMIT_UPLOADS", "30 per 10 minutes")

    DEMO_PASSWORD = os.environ.get("ENGAGE_DEMO_PASSWORD", "engage-demo-2026")
    GENERATE_SECRET_KEY = False
    # The outbox shows every message, reset links included, to anyone who can reach it: only
    # development and test servers may keep mail there.
    ALLOW_OUTBOX = False
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime already bounds a form's life
    TESTING = False
    DEBUG = False


class DevelopmentConfig(Config):
    # Without SECRET_KEY, a random key is made once and kept in instance/secret-key: a fixed
    # key in the source would let anyone forge a session on a machine running `make run`.
    GENERATE_SECRET_KEY = True
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "outbox")
    ALLOW_OUTBOX = True


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    TRUSTED_HOSTS = _env_list("ENGAGE_TRUSTED_HOSTS") or _base_url_host()
    REQUIRE_TRUSTED_HOSTS = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - test-only
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    MAIL_BACKEND = "outbox"
    ALLOW_OUTBOX = True
    WTF_CSRF_ENABLED = False
    RESET_ANSWER_SECONDS = 0.0
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_KIB = 8192
    ARGON2_PARALLELISM = 1


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def config_from_env() -> type[Config]:
    return CONFIGS[os.environ.get("ENGAGE_ENV", "development")]
