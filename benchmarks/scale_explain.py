"""Every query each list page runs, with EXPLAIN ANALYZE, on a scale database (issue 15).

    .venv/bin/python benchmarks/scale_explain.py engage_bench_1m [page label ...]

Serves the pages of benchmarks.scale_lists in-process (Flask's test client, the production
configuration), records each statement a page sends, then runs EXPLAIN (ANALYZE, BUFFERS) on
it and prints its time, the buffers it touched and the largest row count any plan node
produced. A query whose buffers or rows grow with the table is what the benchmark's 1.2x
target forbids; compare the same page on engage_bench_10k.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Read by config.py when it is first imported (below), as gunicorn's environment is.
os.environ.update(
    ENGAGE_ENV="production",
    SECRET_KEY="bench-scale-secret-key-not-for-production-0123456789",  # noqa: S106
    SESSION_COOKIE_SECURE="false",
    ENGAGE_LOGIN_MAX_FAILURES="1000",
    ENGAGE_BASE_URL="http://localhost",  # the test client's host
    DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/"
    + (sys.argv[1] if len(sys.argv) > 1 else "engage_bench_1m"),
)

from benchmarks.scale_build import PASSWORD, database_url  # noqa: E402
from benchmarks.scale_lists import pages  # noqa: E402


def _largest(node: dict[str, Any]) -> tuple[int, str]:
    """The plan node that produced the most rows (over all its loops)."""
    rows = int(node.get("Actual Rows", 0) * node.get("Actual Loops", 1))
    found = (rows, f"{node['Node Type']} {node.get('Relation Name') or node.get('Index Name', '')}")
    for child in node.get("Plans", []):
        found = max(found, _largest(child))
    return found


def explain(name: str, wanted: list[str]) -> None:
    url = database_url(name)
    from sqlalchemy import event

    from engage import create_app
    from engage.extensions import db

    app = create_app()
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    for role, label, path in pages(url):
        if wanted and label not in wanted:
            continue
        client = app.test_client()
        form = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
        assert token
        client.post(
            "/sign-in",
            data={
                "csrf_token": token.group(1),
                "email": f"{role}@bench.engage.nhs.uk",
                "password": PASSWORD,
            },
        )
        client.get(path)  # warm
        statements.clear()
        event.listen(engine, "before_cursor_execute", record)
        try:
            status = client.get(path).status_code
        finally:
            event.remove(engine, "before_cursor_execute", record)
        print(f"\n== {role} {label} ({status}): {len(statements)} statements")
        with engine.connect() as connection:
            for statement, parameters in statements:
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                with connection.begin_nested():
                    plan = connection.exec_driver_sql(
                        "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters
                    ).scalar()[0]
                top = plan["Plan"]
                buffers = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
                rows, node = _largest(top)
                text = " ".join(statement.split())[:110]
                print(
                    f"{plan['Execution Time']:8.1f} ms {buffers:7d} buf "
                    f"max {rows:7d} rows ({node}) | {text}"
                )
            connection.rollback()


if __name__ == "__main__":
    explain(sys.argv[1], sys.argv[2:])
