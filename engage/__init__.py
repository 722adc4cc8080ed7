"""engage: staff engagement, idea capture and Freedom to Speak Up for NHS trusts."""

from __future__ import annotations

import contextlib
import os
import secrets
from importlib import import_module
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, g, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, config_from_env
from engage import ratelimits
from engage.accounts.passwords import configure_hashing
from engage.errors import NotFound, PermissionDenied, describe_for_log
from engage.extensions import csrf, db, login_manager, migrate
from engage.reliability.faults import (
    close_sessions_quietly,
    database_unreachable,
    retry_lost_connections,
)
from engage.reliability.once import Repeated, answer_repeat
from engage.routing import register_converters
from engage.static_files import EngageFlask, add_fingerprints
from engage.templating import configure_jinja, register_template_helpers

PROJECT_DIR = Path(__file__).resolve().parent.parent

# The domain packages with pages, and their views modules. Each package's blueprint.py
# defines its blueprint(s); its views modules import the blueprint and add their routes to it.
# A new package with pages is one more line.
PAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pages", ("views",)),
    ("accounts", ("views", "admin_views")),
    ("organisation", ("views",)),
    ("audit", ("views",)),
    ("mail", ("views",)),
    ("metrics", ("views", "summary_views")),
    ("submissions", ("views", "list_views", "inbox_views", "anonymous_views")),
    ("responses", ("views", "board_views")),
    ("guardian", ("views", "report_views")),
    ("scheduler", ("views",)),
    ("digests", ("views",)),
    ("reliability", ("views",)),
)


def create_app(
    config: type[Config] | None = None, *, instance_path: Path | None = None, **overrides: Any
) -> Flask:
    app = EngageFlask(
        __name__,
        template_folder=str(PROJECT_DIR / "templates"),
        instance_path=str(instance_path or PROJECT_DIR / "instance"),
    )
    app.config.from_object(config or config_from_env())
    app.config.update(overrides)
    _check_settings(app)
    if app.config["PROXIES_IN_FRONT"]:
        hops = app.config["PROXIES_IN_FRONT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    configure_jinja(app, str(PROJECT_DIR / "templates"))
    configure_hashing(
        app.config["ARGON2_TIME_COST"],
        app.config["ARGON2_MEMORY_KIB"],
        app.config["ARGON2_PARALLELISM"],
    )
    register_converters(app)
    add_fingerprints(app)
    _configure_database(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    _register_blueprints(app)
    retry_lost_connections(app)
    _register_error_pages(app)
    ratelimits.init_app(app)  # after the blueprints: it wraps their marked views
    _register_security_headers(app)
    from engage.cli import register_commands
    from engage.navigation import register_template_globals

    register_commands(app)
    register_template_globals(app)
    register_template_helpers(app)
    return app


def _check_settings(app: Flask) -> None:
    if not app.config["SECRET_KEY"] and app.config["GENERATE_SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("Set SECRET_KEY: engage signs sessions and reset links with it.")
    if app.config["MAIL_BACKEND"] == "outbox" and not app.config["ALLOW_OUTBOX"]:
        raise RuntimeError(
            "MAIL_BACKEND=outbox is for development only (anyone could read reset links): "
            "set MAIL_BACKEND=smtp and the SMTP_* settings."
        )
    if app.config["REQUIRE_TRUSTED_HOSTS"] and not app.config["TRUSTED_HOSTS"]:
        raise RuntimeError(
            "Set ENGAGE_BASE_URL (or ENGAGE_TRUSTED_HOSTS): production accepts requests only "
            "for engage's own host name."
        )


def _instance_secret_key(instance: Path) -> str:
    key_file = instance / "secret-key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


def _configure_database(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"hide_parameters": True}
        if uri not in {"sqlite://", "sqlite:///:memory:"}:
            _create_private_file(Path(uri.removeprefix("sqlite:///")))
    db.init_app(app)
    close_sessions_quietly(app)  # after db.init_app: teardowns run last-registered first
    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"))
    if uri.startswith("sqlite"):
        from engage.sqlite import tune_sqlite

        with app.app_context():
            tune_sqlite(db.engine)


def _create_private_file(database: Path) -> None:
    """Create the SQLite file readable by its owner only (0600), before SQLite would create it
    with the umask's usual 0644: it holds every concern. SQLite gives its WAL and shared-memory
    files the database file's permissions, so they are private too."""
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not database.exists():
        with contextlib.suppress(FileExistsError):  # another process made it, the same way
            os.close(os.open(database, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))


def _register_blueprints(app: Flask) -> None:
    for package, views in PAGES:
        for module in views:
            import_module(f"engage.{package}.{module}")  # puts the module's routes on its blueprint
        blueprints = import_module(f"engage.{package}.blueprint")
        for blueprint in vars(blueprints).values():
            if isinstance(blueprint, Blueprint):
                app.register_blueprint(blueprint)


def _register_error_pages(app: Flask) -> None:
    def page(status: int, title: str, message: str) -> tuple[str, int]:
        return render_template("errors/error.html", title=title, message=message), status

    @app.errorhandler(PermissionDenied)
    def permission_denied(error: PermissionDenied) -> tuple[str, int]:
        return page(403, "You cannot see this page", error.message)

    @app.errorhandler(NotFound)
    def not_found(error: NotFound) -> tuple[str, int]:
        return page(404, "Page not found", error.message)

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> tuple[str, int]:
        return page(
            400,
            "Your form has expired",
            "For your security, forms expire. Go back, reload the page and try again.",
        )

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
        limit_mb = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return page(413, "What you sent is too large", f"Send less than {limit_mb} MB at a time.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        if request_ctx.url_adapter is None:
            # A host name outside TRUSTED_HOSTS: no link can be built for it, so no page.
            return "Bad request: unknown host name.", 400
        titles = {404: "Page not found", 405: "That action is not allowed here"}
        status = error.code or 500
        return page(status, titles.get(status, error.name), error.description or "")

    @app.errorhandler(Repeated)
    def repeated(error: Repeated) -> Any:
        return answer_repeat(error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[str, int]:
        with contextlib.suppress(Exception):  # the connection itself may be what failed
            db.session.rollback()
        if database_unreachable(error):
            app.logger.warning("database unreachable on %s", request.endpoint)
            # The page's header must not ask the database who is signed in.
            g._login_user = login_manager.anonymous_user()
            return page(
                503,
                "Sorry, the service is busy or restarting",
                "Try again in a minute. Nothing you sent was saved, so send it again.",
            )
        app.logger.error("unhandled error on %s\n%s", request.endpoint, describe_for_log(error))
        return page(
            500,
            "Sorry, there is a problem with the service",
            "Try again later. Nothing you sent was saved.",
        )


def _register_security_headers(app: Flask) -> None:
    @app.before_request
    def make_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def security_headers(response: Any) -> Any:
        nonce = g.get("csp_nonce", "")
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
            "img-src 'self' data:; font-src 'self' https://assets.nhs.uk; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; "
            "frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
