"""Build a PostgreSQL trust of N submissions for the list benchmark, in SQL (issue 15).

Units and staff come from benchmarks.scale_trust (a few thousand rows); the large tables are
written by INSERT ... SELECT over generate_series, in the proportions of the issue's
measurements: per submission about 6 supports on each shared idea (4M at 1M), 0.54
publications, 5 audit events. Status changes, decisions and actions are not written: no list
page reads them.

The load commits in chunks of CHUNK submissions, without per-row foreign-key checks or count
triggers (session_replication_role = replica; the counts are written directly, as the
migration does), without waiting for each commit's WAL flush, and with the big tables'
secondary indexes (the full-text GIN index among them) dropped first and built once at the
end; then VACUUM ANALYZE, so that the planner has statistics and index-only scans a
visibility map. The tables stay logged: SET LOGGED afterwards would write them all again.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get(
    "ENGAGE_BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "bench-scale-password-2026"  # noqa: S105 (bench databases only)
ROLES = ("staff", "leader", "guardian", "admin")


def database_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


# Once per build, in the loading session.
PREPARE = """
SELECT setseed(0.2026);
CREATE TEMP TABLE unit_ids AS SELECT array_agg(id ORDER BY id) AS ids FROM units;
CREATE TEMP TABLE user_ids AS SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE role = 'staff';
CREATE TEMP TABLE theme_ids AS SELECT array_agg(id ORDER BY id) AS ids FROM themes;
"""  # noqa: E501

# One chunk of submissions (g in [lo, hi]), each statement its own transaction. Each idea's
# supporter_count is written with it: it has (id % 12) supports, inserted below.
SUBMISSIONS = """
INSERT INTO submissions (id, reference, kind, mode, queue, status, title, description, unit_id,
    theme_id, patient_safety, submitter_id, submitted_on, submitted_at, acknowledged_on,
    guardian_escalated_on, hidden_reason, message_count, supporter_count)
SELECT 1000000000000 + g,
    (CASE WHEN idea THEN 'ID-' ELSE 'CN-' END) || lpad(g::text, 12, '0'),
    CASE WHEN idea THEN 'idea' ELSE 'concern' END,
    mode,
    CASE WHEN idea OR mode = 'open' THEN 'leaders' ELSE 'guardian' END,
    CASE WHEN age > 20 AND r_status < 0.85 THEN 'decision_made'
         WHEN age > 3 THEN 'acknowledged' ELSE 'submitted' END,
    'A scale benchmark submission ' || g, 'Generated for the scale benchmark.',
    (SELECT ids FROM unit_ids)[1 + floor(r_unit * array_length((SELECT ids FROM unit_ids), 1))::int],
    (SELECT ids FROM theme_ids)[1 + floor(r_theme * array_length((SELECT ids FROM theme_ids), 1))::int],
    r_safety < 0.15,
    CASE WHEN mode = 'anonymous' THEN NULL
         ELSE (SELECT ids FROM user_ids)[1 + g %% array_length((SELECT ids FROM user_ids), 1)] END,
    day,
    CASE WHEN mode = 'anonymous' THEN NULL ELSE day + time '10:00' END,
    CASE WHEN age > 3 THEN day + 2 END,
    CASE WHEN NOT idea AND r_escalated < 0.05 THEN day + 20 END,
    CASE WHEN idea AND r_escalated < 0.005 THEN 'Hidden by a moderator' END,
    0,
    CASE WHEN idea THEN ((1000000000000 + g) %% 12)::int ELSE 0 END
FROM (
    SELECT g, random() < 0.68 AS idea, random() AS r_status, random() AS r_unit,
        random() AS r_theme, random() AS r_safety, random() AS r_escalated,
        CASE WHEN m < 0.70 THEN 'open' WHEN m < 0.88 THEN 'confidential' ELSE 'anonymous' END AS mode,
        %(today)s::date - d AS day, d AS age
    FROM (SELECT g, random() AS m, floor(random() * 1095)::int AS d
          FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g) AS drawn
) AS rows
"""  # noqa: E501

SUPPORTS = """
INSERT INTO supports (submission_id, user_id, created_on)
SELECT s.id,
    (SELECT ids FROM user_ids)[1 + ((s.id %% 1000003) * 7919 + k * 104729)
        %% array_length((SELECT ids FROM user_ids), 1)],
    s.submitted_on
FROM submissions AS s
CROSS JOIN LATERAL generate_series(1, (s.id %% 12)::int) AS k
WHERE s.kind = 'idea' AND s.id BETWEEN 1000000000000 + %(lo)s AND 1000000000000 + %(hi)s
"""

PUBLICATIONS = """
INSERT INTO publications (submission_id, unit_id, theme_id, you_said, we_did, published_on)
SELECT id, unit_id, theme_id, 'You said', 'We did',
    LEAST(submitted_on + 30, %(today)s::date)
FROM submissions WHERE status = 'decision_made' AND id %% 100 < 64
    AND id BETWEEN 1000000000000 + %(lo)s AND 1000000000000 + %(hi)s
"""

AUDIT = """
INSERT INTO audit_events (id, occurred_at, actor_id, action, target_type, target_id, summary, detail)
SELECT 2000000000000 + g,
    %(today)s::date - (g %% 1095)::int + ((g %% 86400) || ' seconds')::interval,
    (SELECT ids FROM user_ids)[1 + g %% array_length((SELECT ids FROM user_ids), 1)],
    (ARRAY['submission.created', 'submission.status_changed', 'idea.supported',
           'account.signed_in', 'decision.made'])[1 + g %% 5],
    'Submission', (1000000000000 + g / 5)::text, 'Scale benchmark event ' || g, '{}'
FROM generate_series(%(lo)s::bigint * 5 - 4, %(hi)s::bigint * 5) AS g
"""  # noqa: E501

PUBLICATION_COUNTS = """
UPDATE units SET publication_count =
    (SELECT count(*) FROM publications WHERE publications.unit_id = units.id)
"""

BIG_TABLES = ("submissions", "supports", "publications", "audit_events")
CHUNK = 100_000

# The loading session: no wait for the WAL flush at each commit (a lost tail would only mean
# rebuilding a benchmark database), replica mode (no foreign-key checks or count triggers
# per row: the generated rows are consistent by construction and the counts are written
# directly), and room to sort when the indexes are built at the end.
SESSION = (
    "SET synchronous_commit = off",
    "SET session_replication_role = replica",
    "SET maintenance_work_mem = '256MB'",
    "SET work_mem = '64MB'",
)


def _log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} scale_build: {message}", flush=True)


def _secondary_indexes(cursor: psycopg.ClientCursor) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    """The big tables' indexes that back no constraint: (name, definition)."""
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index AS i"
        " WHERE i.indrelid::regclass::text = ANY(%s) AND NOT EXISTS"
        " (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = i.indexrelid)",
        (list(BIG_TABLES),),
    )
    return [(name, definition) for name, definition in cursor.fetchall()]


def _people(cursor: psycopg.ClientCursor) -> None:  # type: ignore[type-arg]
    """One signed-in person per role, with a password, scoped like the demo's."""
    sys.path.insert(0, str(ROOT))
    from engage.accounts.passwords import hash_password

    digest = hash_password(PASSWORD)
    cursor.execute("SELECT id, directorate_id FROM units ORDER BY id LIMIT 1")
    unit_id, directorate_id = cursor.fetchone()  # type: ignore[misc]
    for role in ROLES:
        cursor.execute(
            "INSERT INTO users (email, name, role, unit_id, active, created_at, password_hash)"
            " VALUES (%s, %s, %s, %s, true, now(), %s) RETURNING id",
            (f"{role}@bench.engage.nhs.uk", f"Bench {role}", role, unit_id, digest),
        )
        user_id = cursor.fetchone()[0]  # type: ignore[index]
        if role == "leader":
            cursor.execute(
                "INSERT INTO leader_scopes (user_id, directorate_id) VALUES (%s, %s)",
                (user_id, directorate_id),
            )


def upgrade(name: str) -> dict[str, str]:
    """Bring a database to the code's head (a reused one may predate a migration that adds an
    index a page now relies on); returns the environment that serves it."""
    env = {
        **os.environ,
        "DATABASE_URL": _sqlalchemy_url(database_url(name)),
        "ENGAGE_ENV": "development",
    }
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "engage"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True)  # noqa: S603
    return env


def build(name: str, submissions: int) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = database_url(name)
    env = upgrade(name)
    script = (
        "from engage import create_app\n"
        "from engage.extensions import db\n"
        "from benchmarks.scale_trust import generate_scale_trust\n"
        "with create_app().app_context():\n"
        "    generate_scale_trust(submissions=0)\n"
        "    db.session.commit()\n"
    )
    subprocess.run(  # noqa: S603
        [str(ROOT / ".venv/bin/python"), "-c", script], env=env, cwd=ROOT, check=True
    )
    with (
        psycopg.connect(url, autocommit=True) as connection,
        psycopg.ClientCursor(connection) as cursor,
    ):
        _people(cursor)
        _load(cursor, submissions)


def _load(cursor: psycopg.ClientCursor, submissions: int) -> None:  # type: ignore[type-arg]
    """Load in chunks of CHUNK submissions with the secondary indexes dropped, then index."""
    started = time.monotonic()
    for statement in SESSION:
        cursor.execute(statement)
    cursor.execute(PREPARE)
    indexes = _secondary_indexes(cursor)
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    _log(f"dropped {len(indexes)} secondary indexes; loading {submissions} submissions")
    today = date.today()
    for lo in range(1, submissions + 1, CHUNK):
        span = {"lo": lo, "hi": min(lo + CHUNK - 1, submissions), "today": today}
        for statement in (SUBMISSIONS, SUPPORTS, PUBLICATIONS, AUDIT):
            cursor.execute(statement, span)  # type: ignore[arg-type]
        _log(f"loaded up to {span['hi']} ({time.monotonic() - started:.0f} s)")
    cursor.execute(PUBLICATION_COUNTS)
    for name, definition in indexes:
        cursor.execute(definition)
        _log(f"built {name} ({time.monotonic() - started:.0f} s)")
    cursor.execute("VACUUM (ANALYZE)")
    _log(f"vacuumed and analysed; done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    build(sys.argv[1], int(sys.argv[2]))
