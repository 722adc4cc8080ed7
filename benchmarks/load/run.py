"""`make load`: a Locust run against gunicorn and PostgreSQL on 127.0.0.1, started from
nothing, ending with a check of the database against what the clients saw and a report.

Settings (environment): LOAD_USERS (200), LOAD_MINUTES (10), LOAD_SPAWN_RATE (10 a second),
LOAD_WORKERS (gunicorn workers, 2) and LOAD_THREADS (4 each), LOAD_PORT (a free one),
LOAD_POSTGRES (postgresql://postgres@127.0.0.1:5432), LOAD_DATABASE (engage_load_run: dropped
and made again). The rate limits are raised for the run (every simulated person comes from
127.0.0.1, which real limits would rightly stop): the report says so."""

from __future__ import annotations

import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent

USERS = int(os.environ.get("LOAD_USERS", "200"))
MINUTES = float(os.environ.get("LOAD_MINUTES", "10"))
SPAWN_RATE = os.environ.get("LOAD_SPAWN_RATE", "10")
WORKERS = os.environ.get("LOAD_WORKERS", "2")
THREADS = os.environ.get("LOAD_THREADS", "4")
PORT = os.environ.get("LOAD_PORT") or ""
POSTGRES = os.environ.get("LOAD_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("LOAD_DATABASE", "engage_load_run")
UNLIMITED = "1000000 per minute"
RATE_LIMIT_SETTINGS = {
    # Flask-Limiter (the rate-limit work), off for the run, and engage's own throttles raised.
    "RATELIMIT_ENABLED": "false",
    "ENGAGE_SIGNED_OUT_SUBMISSION_LIMITS": UNLIMITED,
    "ENGAGE_ANONYMOUS_CLIENT_LIMITS": UNLIMITED,
    "ENGAGE_ANONYMOUS_CODE_LIMITS": UNLIMITED,
    "ENGAGE_RATELIMIT_FORGOTTEN_PASSWORD": UNLIMITED,
}
TABLES = {  # what each acknowledged create is, and the column its marker is in
    "submission": ("submissions", "title"),
    "comment": ("comments", "body"),
    "message": ("messages", "body"),
    "decision": ("decisions", "response"),
    "action": ("actions", "description"),
}


def free_port() -> str:
    """A port nobody on this shared machine is using (LOAD_PORT overrides)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def app_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ENGAGE_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "SESSION_COOKIE_SECURE": "false",  # plain HTTP on 127.0.0.1
        "MAIL_BACKEND": "smtp",  # mail waits in the durable outbox: no scheduler runs here
        "ENGAGE_BASE_URL": f"http://127.0.0.1:{PORT}",
        **RATE_LIMIT_SETTINGS,
    }


def fresh_database() -> str:
    server = sa.create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{DATABASE}"')
    server.dispose()
    return f"{POSTGRES}/{DATABASE}"


def is_ready(timeout: float = 10) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/readyz", timeout=timeout) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def wait_ready(server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not become ready")


def check(url: str, journal: Path) -> tuple[Counter[str], list[str]]:
    """Every acknowledged create exists exactly once; returns counts and problems."""
    seen = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    engine = sa.create_engine(url)
    counts: Counter[str] = Counter()
    problems: list[str] = []
    with engine.connect() as connection:
        for kind, (table, column) in TABLES.items():
            markers = [entry["marker"] for entry in seen if entry["kind"] == kind]
            rows = connection.execute(
                sa.text(
                    f"SELECT {column}, count(*) FROM {table} "
                    f"WHERE {column} LIKE 'load-{kind}-%' GROUP BY {column}"
                )
            ).all()
            stored = {marker: number for marker, number in rows}
            counts[f"{kind} acknowledged"] = len(markers)
            counts[f"{kind} stored"] = sum(stored.values())
            for marker in markers:
                if stored.get(marker, 0) != 1:
                    problems.append(f"{kind} {marker}: stored {stored.get(marker, 0)} times")
            doubled = [m for m, n in stored.items() if n > 1]
            problems.extend(f"{kind} {m}: doubled" for m in doubled if m not in markers)
    engine.dispose()
    return counts, problems


def report(stats_csv: Path, failures_csv: Path) -> str:
    lines = [
        f"{'page':52} {'requests':>8} {'fails':>6} {'rps':>7} {'p50':>6} {'p95':>6} {'p99':>6}"
    ]
    with stats_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = f"{row['Type']} {row['Name']}" if row["Name"] != "Aggregated" else "ALL"
            lines.append(
                f"{name[:52]:52} {row['Request Count']:>8} {row['Failure Count']:>6} "
                f"{float(row['Requests/s']):7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
            )
    with failures_csv.open(encoding="utf-8") as handle:
        errors = list(csv.DictReader(handle))
    lines.append("errors:" if errors else "errors: none")
    lines.extend(
        f"  {e['Occurrences']} x {e['Method']} {e['Name']}: {e['Error'][:100]}" for e in errors
    )
    return "\n".join(lines)


def migrate_and_seed(env: dict[str, str], work: Path, users: int) -> Path:
    """The schema at head and the run's accounts (written to work/accounts.json)."""
    subprocess.run(
        [BIN / "flask", "--app", "engage", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    accounts = work / "accounts.json"
    subprocess.run(
        # A leader account for each simulated leader (a fifth of the people): two sessions
        # of one leader would race each other to decide the same item.
        [BIN / "python", HERE / "seed.py", accounts, str(users), str(max(5, users // 4))],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        check=True,
    )
    return accounts


def start_gunicorn(env: dict[str, str], work: Path) -> subprocess.Popen[bytes]:
    command = [
        BIN / "gunicorn",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        WORKERS,
        "--threads",
        THREADS,
        "--timeout",
        "60",
        "--log-level",
        "warning",
        "engage:create_app()",
    ]
    return subprocess.Popen(command, env=env, cwd=ROOT, stderr=(work / "gunicorn.log").open("w"))


def locust_command(users: int, spawn_rate: str, seconds: int, work: Path) -> list[object]:
    return [
        BIN / "locust",
        "-f",
        HERE / "locustfile.py",
        "--headless",
        "--only-summary",
        "-u",
        str(users),
        "-r",
        spawn_rate,
        "-t",
        f"{seconds}s",
        "--host",
        f"http://127.0.0.1:{PORT}",
        "--csv",
        work / "locust",
        # Let people in the middle of a request hear its answer when the time is up.
        "--stop-timeout",
        "90",
    ]


def print_check(url: str, journal: Path) -> list[str]:
    counts, problems = check(url, journal)
    print("database check: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print("every acknowledged create exists exactly once" if not problems else "PROBLEMS:")
    for problem in problems[:50]:
        print("  " + problem)
    return problems


def main() -> int:
    global PORT
    PORT = PORT or free_port()
    url = fresh_database()
    env = app_env(url)
    work = Path(tempfile.mkdtemp(prefix="engage-load-"))
    journal = work / "journal.jsonl"
    journal.touch()
    accounts = migrate_and_seed(env, work, USERS)
    server = start_gunicorn(env, work)
    try:
        wait_ready(server)
        print(
            f"load: {USERS} users for {MINUTES:g} minutes on {WORKERS} gunicorn workers x "
            f"{THREADS} threads, PostgreSQL {DATABASE}; rate limits raised: {RATE_LIMIT_SETTINGS}",
            flush=True,
        )
        subprocess.run(
            locust_command(USERS, SPAWN_RATE, int(MINUTES * 60), work),
            env={**os.environ, "LOAD_ACCOUNTS": str(accounts), "LOAD_JOURNAL": str(journal)},
            cwd=ROOT,
            check=False,
            stdout=(work / "locust.log").open("w"),
            stderr=subprocess.STDOUT,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(report(work / "locust_stats.csv", work / "locust_failures.csv"))
    problems = print_check(url, journal)
    print(f"(logs and CSVs in {work})")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
