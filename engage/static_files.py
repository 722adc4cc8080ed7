"""Static files with a fingerprint in their address, so that a browser keeps them.

Every page links NHS.UK's stylesheet (about 280 KB) and script and engage's own. Sent with no
lifetime, as Flask sends them by default, a browser asks for each again on every page: a round
trip per file across a trust's network, and a request per file for the server. Here
`url_for("static", filename=...)` adds `?v=` and a hash of the file's bytes, and a request
carrying the file's current hash may be kept for a year: when the file changes, so does its
address. Anything else (a file NHS.UK's stylesheet names by a relative address, such as its
icons, or an old hash) is checked with the server each time, as before.

A static file's answer also leaves the session cookie alone. Flask-Login reads the session after
every request, so Flask sent the cookie again, renewed, with `Vary: Cookie`. On an answer any
cache may keep for a year, that would let a shared cache (a trust's web proxy) hand one
person's session cookie to the next, and `Vary: Cookie` asks caches to keep a copy per cookie,
which changes with every page.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
from typing import Any

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from werkzeug.security import safe_join

VERSION_ARG = "v"
A_YEAR = 365 * 24 * 3600


class _SessionInterface(SecureCookieSessionInterface):
    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.endpoint == "static":
            return  # no cookie on a cacheable answer, and no Vary: Cookie (see above)
        super().save_session(app, session, response)


class EngageFlask(Flask):
    session_interface = _SessionInterface()

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        asked = request.args.get(VERSION_ARG)
        if asked and filename and asked == fingerprint(self, filename):
            return A_YEAR
        return super().get_send_file_max_age(filename)


def fingerprint(app: Flask, filename: str) -> str | None:
    """A short hash of the static file's bytes, or None if there is no such file. The name may
    come from a request (Flask asks for the lifetime before it checks the name), so it is
    joined as the static route joins it: nothing outside the static folder is read."""
    path = safe_join(app.static_folder, filename) if app.static_folder else None
    try:
        found = os.stat(path) if path else None
    except (OSError, ValueError):  # not there, or a name no file can have
        return None
    if found is None or not stat.S_ISREG(found.st_mode):
        return None
    # Keyed by size and time of change, so a file edited while the server runs gets a new hash.
    return _hash_of(path, found.st_size, found.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _hash_of(path: str, _size: int, _mtime_ns: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def add_fingerprints(app: Flask) -> None:
    """Every address url_for makes for a static file carries the file's fingerprint."""

    @app.url_defaults
    def fingerprint_static(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and VERSION_ARG not in values:
            version = fingerprint(app, str(values.get("filename", "")))
            if version:
                values[VERSION_ARG] = version
