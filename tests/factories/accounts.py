"""Factories for users of every role."""

from __future__ import annotations

from functools import cache
from itertools import count

from flask import Flask
from flask.testing import FlaskClient
from limits import parse
from werkzeug.test import TestResponse

from engage.accounts.models import LeaderScope, Role, User
from engage.accounts.passwords import hash_password
from engage.extensions import db
from engage.organisation.models import Directorate, Unit
from tests.factories.organisation import make_unit, staff_group

PASSWORD = "correct horse battery staple"
_sequence = count(1)


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per run


def make_user(
    role: Role = Role.STAFF,
    *,
    unit: Unit | None = None,
    email: str | None = None,
    name: str | None = None,
    leads_units: tuple[Unit, ...] = (),
    leads_directorates: tuple[Directorate, ...] = (),
    active: bool = True,
) -> User:
    number = next(_sequence)
    # Objects a test kept from before a request are detached once the request closes the
    # shared session; merging brings them back instead of clashing with fresh copies.
    unit = db.session.merge(unit) if unit is not None else None
    leads_units = tuple(db.session.merge(u) for u in leads_units)
    leads_directorates = tuple(db.session.merge(d) for d in leads_directorates)
    user = User(
        email=email or f"person{number}@test.nhs.uk",
        name=name or f"Person {number}",
        role=role.value,
        unit=unit or make_unit(),
        staff_group=staff_group(),
        password_hash=_password_hash(),
        active=active,
        scopes=[LeaderScope(unit=u) for u in leads_units]
        + [LeaderScope(directorate=d) for d in leads_directorates],
    )
    db.session.add(user)
    db.session.commit()
    return user


def sign_in(client: FlaskClient, user: User, password: str = PASSWORD) -> TestResponse:
    response = client.post("/sign-in", data={"email": user.email, "password": password})
    assert response.status_code == 302, "sign-in failed"
    return response


def client_at(app: Flask, address: str) -> FlaskClient:
    """A test client that comes from another address (rate limits count per client)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def credentials(user: User, password: str = PASSWORD) -> dict[str, str]:
    return {"email": user.email, "password": password}


def pause_account_for_everyone(app: Flask, user: User) -> list[FlaskClient]:
    """Fail sign-ins to the account from as many clients as it takes to reach the limit for
    the account from every client (each client stops at its own, smaller, limit)."""
    per_client = app.config["LOGIN_MAX_FAILURES"]
    for_account = int(parse(app.config["RATELIMIT_ACCOUNT"]).amount)
    clients = [client_at(app, f"10.66.{n // 250}.{n % 250 + 1}") for n in range(for_account)]
    used: list[FlaskClient] = []
    for n in range(for_account):
        client = clients[n // per_client]
        if client not in used:
            used.append(client)
        client.post("/sign-in", data=credentials(user, "wrong password entirely"))
    return used
