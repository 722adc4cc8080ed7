"""The app factory, configuration and schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from config import DevelopmentConfig, ProductionConfig, TestConfig, normalise_database_url
from engage import create_app
from engage.extensions import db, include_in_migrations


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/engage", "postgresql+psycopg://u:p@db:5432/engage"),
        ("postgresql://u@db/engage", "postgresql+psycopg://u@db/engage"),
        ("postgresql+psycopg://u@db/engage", "postgresql+psycopg://u@db/engage"),
        ("sqlite:////var/lib/engage.db", "sqlite:////var/lib/engage.db"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_database_urls_are_normalised(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_relative_sqlite_paths_are_under_the_project() -> None:
    url = normalise_database_url("sqlite:///instance/engage.db")
    assert url.startswith("sqlite:////") and url.endswith("/instance/engage.db")


def test_app_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(TestConfig, SECRET_KEY="")


def test_production_refuses_the_development_outbox() -> None:
    with pytest.raises(RuntimeError, match="MAIL_BACKEND=outbox is for development only"):
        create_app(
            ProductionConfig,
            SECRET_KEY="k",
            MAIL_BACKEND="outbox",
            SQLALCHEMY_DATABASE_URI="sqlite://",
        )


def test_development_makes_its_own_secret_key_once(tmp_path: Path) -> None:
    first = create_app(
        DevelopmentConfig,
        instance_path=tmp_path,
        SECRET_KEY="",
        SQLALCHEMY_DATABASE_URI="sqlite://",
    )
    second = create_app(
        DevelopmentConfig,
        instance_path=tmp_path,
        SECRET_KEY="",
        SQLALCHEMY_DATABASE_URI="sqlite://",
    )
    key = first.config["SECRET_KEY"]
    assert len(key) >= 48 and key == second.config["SECRET_KEY"]
    assert (tmp_path / "secret-key").stat().st_mode & 0o077 == 0, "readable by its owner only"


def test_migrations_match_the_models(
    app: Flask, db_session: orm.scoped_session[orm.Session]
) -> None:
    connection = db_session.connection()
    context = MigrationContext.configure(
        connection, opts={"include_object": include_in_migrations, "compare_type": True}
    )
    differences = compare_metadata(context, db.metadata)
    assert differences == [], "run `flask --app engage db migrate` and commit the revision"


def test_pages_send_security_headers(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_public_pages_explain_privacy_and_accessibility(client: FlaskClient) -> None:
    privacy = client.get("/privacy").get_data(as_text=True)
    assert "Anonymously" in privacy and "fewer than 5" in privacy
    statement = client.get("/accessibility").get_data(as_text=True)
    assert "WCAG" in statement and "Enforcement procedure" in statement


def test_unknown_page_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_oversized_upload_is_refused_clearly(admin_client: FlaskClient) -> None:
    response = admin_client.post(
        "/admin/import",
        data=b"x" * (3 * 1024 * 1024),
        content_type="multipart/form-data; boundary=limit",
    )
    assert response.status_code == 413
    assert "What you sent is too large" in response.get_data(as_text=True)


def test_health_check(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_database_errors_do_not_log_what_was_written(
    app: Flask, db_session: orm.scoped_session[orm.Session]
) -> None:
    from sqlalchemy.exc import IntegrityError

    from engage.errors import describe_for_log
    from engage.organisation.models import Directorate

    db_session.add(Directorate(name="Unique secret words"))
    db_session.commit()
    db_session.add(Directorate(name="Unique secret words"))
    with pytest.raises(IntegrityError) as raised:
        db_session.commit()
    db_session.rollback()
    logged = describe_for_log(raised.value)
    assert "IntegrityError" in logged and "test_foundation.py" in logged
    assert "Unique secret words" not in logged
