"""Health checks for a load balancer: /healthz (the process answers) and /readyz (the
database answers and its schema is at the migrations' head)."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from engage.reliability import health
from engage.reliability.blueprint import bp


@bp.route("/healthz")
def healthz() -> ResponseReturnValue:
    """Touches no database: a worker that answers is alive, whatever PostgreSQL is doing."""
    return jsonify(status="ok")


@bp.route("/readyz")
def readyz() -> ResponseReturnValue:
    state = health.readiness()
    body = jsonify(
        status="ready" if state.ready else "not ready",
        database=state.database,
        schema=state.schema,
    )
    return body, 200 if state.ready else 503
