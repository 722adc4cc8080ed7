"""Static files carry a fingerprint of their bytes in their address, and a browser may keep a
file fetched at its current fingerprint for a year; anything else is checked each time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from engage import static_files
from engage.accounts.models import Role
from engage.static_files import A_YEAR, EngageFlask, _hash_of, add_fingerprints, fingerprint
from tests.factories.accounts import make_user, sign_in

STYLESHEET = re.compile(r'href="(/static/vendor/nhsuk/nhsuk-frontend\.min\.css\?v=[0-9a-f]{12})"')


def _stylesheet_address(client: FlaskClient) -> str:
    page = client.get("/privacy").get_data(as_text=True)
    found = STYLESHEET.search(page)
    assert found, "the page links NHS.UK's stylesheet without a fingerprint"
    return found.group(1)


def test_a_fingerprinted_file_may_be_kept_for_a_year_without_the_session_cookie(
    app: Flask, client: FlaskClient, app_context: None
) -> None:
    sign_in(client, make_user(Role.STAFF))
    address = _stylesheet_address(client)

    with client.get(address) as response:  # closes the file it sends
        pass

    assert response.status_code == 200
    assert response.cache_control.max_age == A_YEAR
    assert response.cache_control.public
    # No session cookie on an answer a shared cache may keep, nor Vary: Cookie (a copy kept
    # per cookie, which changes with every page).
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.vary
    # Pages still renew the session as before.
    assert "Set-Cookie" in client.get("/").headers


def test_an_old_or_missing_fingerprint_is_checked_with_the_server_each_time(
    client: FlaskClient,
) -> None:
    address = _stylesheet_address(client)
    plain = address.split("?")[0]

    for stale in (f"{plain}?v=000000000000", plain):
        with client.get(stale) as response:
            pass
        assert response.status_code == 200
        assert response.cache_control.no_cache
        assert response.cache_control.max_age is None


def test_a_changed_file_gets_a_new_address(tmp_path: Path) -> None:
    app = EngageFlask(__name__, static_folder=str(tmp_path), static_url_path="/static")
    add_fingerprints(app)
    sheet = tmp_path / "site.css"
    sheet.write_text("body { color: black }")
    with app.test_request_context():
        before = url_for("static", filename="site.css")
        sheet.write_text("body { color: navy; }")  # another size, so seen at once
        after = url_for("static", filename="site.css")
        missing = url_for("static", filename="no-such.css")

    assert before.startswith("/static/site.css?v=") and after.startswith("/static/site.css?v=")
    assert before != after
    assert missing == "/static/no-such.css"


def test_nothing_outside_the_static_folder_is_read_or_served(
    app: Flask, client: FlaskClient, project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Flask asks for a file's lifetime before it checks the file's name.
    assert fingerprint(app, "../../config.py") is None
    assert fingerprint(app, "/etc/hostname") is None
    assert fingerprint(app, "vendor") is None  # a folder

    # Asked through the static route with the file's true hash, such a name is not even read.
    config_hash = _hash_of(str(project_dir / "config.py"), 0, 0)
    read: list[str] = []

    def hash_of(path: str, size: int, mtime_ns: int) -> str:
        read.append(path)
        return _hash_of(path, size, mtime_ns)

    monkeypatch.setattr(static_files, "_hash_of", hash_of)
    for path in ("/static/../../config.py", "/static/%2e%2e/%2e%2e/config.py"):
        assert client.get(f"{path}?v={config_hash}").status_code == 404
    assert read, "the not-found page's own stylesheet links were fingerprinted"
    assert all(Path(p).is_relative_to(app.static_folder or "/nowhere") for p in read), read
