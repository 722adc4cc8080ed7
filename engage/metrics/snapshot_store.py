"""Writing snapshot rows: one upsert statement on their key, however many rows there are.

On PostgreSQL the rows travel as one array per column, unpacked by `unnest`: a single round
trip, where an executemany of 50,000 upserts pays per row. SQLite runs in-process, so its
executemany of a prepared upsert is already fast.
"""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engage.extensions import db
from engage.metrics.models import MetricSnapshot

KEY_COLUMNS = ("level", "entity_id", "metric", "theme_id", "week_start")
FIGURE_COLUMNS = ("numerator", "denominator", "value", "distribution", "computed_at")

_COLUMNS = {
    "level": "varchar[]",
    "entity_id": "integer[]",
    "metric": "varchar[]",
    "theme_id": "integer[]",
    "week_start": "date[]",
    "numerator": "integer[]",
    "denominator": "integer[]",
    "value": "double precision[]",
    "distribution": "json[]",
    "computed_at": "timestamp[]",
}
_POSTGRES_UPSERT = text(
    f"INSERT INTO metric_snapshots ({', '.join(_COLUMNS)}) SELECT * FROM unnest("  # noqa: S608
    + ", ".join(f"CAST(:{name} AS {array})" for name, array in _COLUMNS.items())
    + ") ON CONFLICT (level, entity_id, metric, theme_id, week_start) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in FIGURE_COLUMNS)
    # Most recomputed rows have not changed: leaving them alone saves most of the writing.
    + " WHERE (metric_snapshots.numerator, metric_snapshots.denominator, metric_snapshots.value,"
    " CAST(metric_snapshots.distribution AS text)) IS DISTINCT FROM (excluded.numerator,"
    " excluded.denominator, excluded.value, CAST(excluded.distribution AS text))"
)


def store(rows: list[dict[str, object]]) -> int:
    """Insert or update the rows on their key, in one statement."""
    if not rows:
        return 0
    if db.session.get_bind().dialect.name == "postgresql":
        columns = {name: [row[name] for row in rows] for name in _COLUMNS}
        columns["distribution"] = [
            None if value is None else json.dumps(value) for value in columns["distribution"]
        ]
        db.session.execute(_POSTGRES_UPSERT, columns)
        return len(rows)
    statement = sqlite_insert(MetricSnapshot.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS),
        set_={name: statement.excluded[name] for name in FIGURE_COLUMNS},
    )
    db.session.execute(statement, rows)
    return len(rows)
