"""One-time submit tokens: a repeated POST (a double tap, back-and-resubmit, a retry after a
timeout) creates nothing twice and is shown the first result.

A form that creates something carries `<input type="hidden" name="submit_token"
value="{{ submit_token() }}">`, a fresh random value each time the form is rendered. The view,
once the form is valid and just before calling the service, calls `claim(fallback)`: that
inserts the token's digest in the request's transaction, so the service's single commit
commits the claim and the created item together (or neither). A second request with the
same token fails on the unique key (on PostgreSQL it waits for the first to commit) and
`Repeated` sends it to the first result. After the service, `settle(path)` records the
precise result for later repeats.

A POST without a token (an old page, a script) is served as before, without the guard.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import flash, g, redirect, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from engage.extensions import db
from engage.reliability.models import SubmitToken
from engage.timeutil import utcnow

FIELD = "submit_token"
MAX_TOKEN_LENGTH = 100


class Repeated(Exception):
    """This POST's token was already used: answer with the first result."""

    def __init__(self, result_path: str) -> None:
        super().__init__("form already submitted")
        self.result_path = result_path


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _posted_token() -> str | None:
    token = request.form.get(FIELD, "") if request.method == "POST" else ""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return token


def claim(fallback: str = "") -> None:
    """Claim this POST's token in the current transaction, or raise `Repeated`.

    `fallback` is where a repeat goes if it arrives before `settle` has recorded the exact
    result (the first request's item is committed, its address not yet)."""
    token = _posted_token()
    if token is None:
        return
    digest = _digest(token)
    existing = db.session.get(SubmitToken, digest)
    if existing is not None:
        raise Repeated(existing.result_path)
    db.session.add(SubmitToken(digest=digest, result_path=fallback, created_on=utcnow().date()))
    try:
        db.session.flush()
    except IntegrityError:
        # Another request with this token committed first (we waited for it on PostgreSQL).
        db.session.rollback()
        first = db.session.get(SubmitToken, digest)
        raise Repeated(first.result_path if first is not None else fallback) from None
    g.submit_token_digest = digest


def settle(result_path: str) -> str:
    """Record where the first request went, for later repeats; returns `result_path`."""
    digest = g.pop("submit_token_digest", None)
    if digest is not None:
        row = db.session.get(SubmitToken, digest)
        if row is not None:
            row.result_path = result_path[:500]
            try:
                db.session.commit()
            except SQLAlchemyError:
                # The item is committed already; a repeat is sent to the fallback instead.
                db.session.rollback()
    return result_path


def answer_repeat(error: Repeated) -> ResponseReturnValue:
    if error.result_path.startswith("/"):
        flash("That was already sent: nothing was sent twice. Here is what it made.", "info")
        return redirect(error.result_path)
    return render_template("reliability/already_sent.html", title="That was already sent")
