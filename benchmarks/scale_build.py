"""Build a PostgreSQL trust of N submissions for the list benchmark, in SQL (issue 15).

Units and staff come from benchmarks.scale_trust (a few thousand rows); the large tables are
written by INSERT ... SELECT over generate_series, in the proportions of the issue's
measurements: per submission about 6 supports on each shared idea (4M at 1M), 0.54
publications, 5 audit events. The count triggers are switched off for the bulk load and the
counts written once afterwards, as the migration does. Status changes, decisions and actions
are not written: no list page reads them.
"""

from __future__ import annotations

import os
import subprocess
import sys
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


BULK = """
SELECT setseed(0.2026);
CREATE TEMP TABLE unit_ids AS SELECT array_agg(id ORDER BY id) AS ids FROM units;
CREATE TEMP TABLE user_ids AS SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE role = 'staff';
CREATE TEMP TABLE theme_ids AS SELECT array_agg(id ORDER BY id) AS ids FROM themes;
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
    0, 0
FROM (
    SELECT g, random() < 0.68 AS idea, random() AS r_status, random() AS r_unit,
        random() AS r_theme, random() AS r_safety, random() AS r_escalated,
        CASE WHEN m < 0.70 THEN 'open' WHEN m < 0.88 THEN 'confidential' ELSE 'anonymous' END AS mode,
        %(today)s::date - d AS day, d AS age
    FROM (SELECT g, random() AS m, floor(random() * 1095)::int AS d
          FROM generate_series(1, %(n)s) AS g) AS drawn
) AS rows;
ALTER TABLE supports DISABLE TRIGGER supports_keep_count;
INSERT INTO supports (submission_id, user_id, created_on)
SELECT s.id,
    (SELECT ids FROM user_ids)[1 + ((s.id %% 1000003) * 7919 + k * 104729)
        %% array_length((SELECT ids FROM user_ids), 1)],
    s.submitted_on
FROM submissions AS s
CROSS JOIN LATERAL generate_series(1, (s.id %% 12)::int) AS k
WHERE s.kind = 'idea';
ALTER TABLE supports ENABLE TRIGGER supports_keep_count;
UPDATE submissions SET supporter_count = counted.n
FROM (SELECT submission_id, count(*) AS n FROM supports GROUP BY submission_id) AS counted
WHERE submissions.id = counted.submission_id;
ALTER TABLE publications DISABLE TRIGGER publications_keep_count;
INSERT INTO publications (submission_id, unit_id, theme_id, you_said, we_did, published_on)
SELECT id, unit_id, theme_id, 'You said', 'We did',
    LEAST(submitted_on + 30, %(today)s::date)
FROM submissions WHERE status = 'decision_made' AND id %% 100 < 64;
ALTER TABLE publications ENABLE TRIGGER publications_keep_count;
UPDATE units SET publication_count =
    (SELECT count(*) FROM publications WHERE publications.unit_id = units.id);
INSERT INTO audit_events (id, occurred_at, actor_id, action, target_type, target_id, summary, detail)
SELECT 2000000000000 + g,
    %(today)s::date - (g %% 1095) + ((g %% 86400) || ' seconds')::interval,
    (SELECT ids FROM user_ids)[1 + g %% array_length((SELECT ids FROM user_ids), 1)],
    (ARRAY['submission.created', 'submission.status_changed', 'idea.supported',
           'account.signed_in', 'decision.made'])[1 + g %% 5],
    'Submission', (1000000000000 + g / 5)::text, 'Scale benchmark event ' || g, '{}'
FROM generate_series(1, %(n)s * 5) AS g;
"""  # noqa: E501


def _people(cursor: psycopg.ClientCursor) -> None:  # type: ignore[type-arg]
    """One signed-in person per role, with a password, scoped like the demo's."""
    sys.path.insert(0, str(ROOT))
    from engage.accounts.passwords import hash_password

    digest = hash_password(PASSWORD)
    cursor.execute("SELECT id, directorate_id FROM units ORDER BY id LIMIT 1")
    unit_id, directorate_id = cursor.fetchone()  # type: ignore[misc]
    for role in ROLES:
        cursor.execute(
            "INSERT INTO users (email, name, role, unit_id, active, failed_logins, created_at,"
            " password_hash) VALUES (%s, %s, %s, %s, true, 0, now(), %s) RETURNING id",
            (f"{role}@bench.engage.nhs.uk", f"Bench {role}", role, unit_id, digest),
        )
        user_id = cursor.fetchone()[0]  # type: ignore[index]
        if role == "leader":
            cursor.execute(
                "INSERT INTO leader_scopes (user_id, directorate_id) VALUES (%s, %s)",
                (user_id, directorate_id),
            )


def build(name: str, submissions: int) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = database_url(name)
    env = {**os.environ, "DATABASE_URL": _sqlalchemy_url(url), "ENGAGE_ENV": "development"}
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "engage"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True)  # noqa: S603
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
        cursor.execute(BULK, {"n": submissions, "today": date.today()})  # type: ignore[arg-type]
        cursor.execute("VACUUM ANALYZE")


if __name__ == "__main__":
    build(sys.argv[1], int(sys.argv[2]))
