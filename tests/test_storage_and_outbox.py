"""Two gaps a probe found (issue 11, finding 10): the development outbox, which holds reset
links, was readable by anyone signed out; and the SQLite file was created world-readable."""

from __future__ import annotations

import stat
from pathlib import Path

import sqlalchemy as sa
from flask.testing import FlaskClient

from config import TestConfig
from engage import create_app
from engage.accounts.models import Role
from engage.extensions import db
from tests.factories.accounts import make_user, sign_in

REMOTE = {"REMOTE_ADDR": "192.0.2.10"}


def test_the_outbox_is_refused_to_visitors_and_staff_from_elsewhere(client: FlaskClient) -> None:
    assert client.get("/outbox", environ_base=REMOTE).status_code == 403
    sign_in(client, make_user(Role.STAFF))
    assert client.get("/outbox", environ_base=REMOTE).status_code == 403
    assert client.get("/outbox", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


def test_admins_read_the_outbox_from_anywhere(client: FlaskClient) -> None:
    sign_in(client, make_user(Role.ADMIN))
    assert client.get("/outbox", environ_base=REMOTE).status_code == 200


def test_the_developers_own_computer_reads_it_unless_a_proxy_relayed_the_request(
    client: FlaskClient,
) -> None:
    assert client.get("/outbox", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    relayed = client.get(
        "/outbox",
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    assert relayed.status_code == 403


def test_the_sqlite_file_and_its_wal_are_private_to_their_owner(tmp_path: Path) -> None:
    database = tmp_path / "instance" / "engage.db"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE probe (id INTEGER PRIMARY KEY)"))
            connection.execute(sa.text("INSERT INTO probe VALUES (1)"))
            wal = Path(f"{database}-wal")
            shm = Path(f"{database}-shm")
            for path in (database, wal, shm):
                assert path.exists(), path
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        db.engine.dispose()
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700
