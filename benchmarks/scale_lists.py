"""`make bench-scale`: every list page at 10,000 and 1,000,000 submissions (issue 15).

Builds both PostgreSQL databases (benchmarks.scale_build, skipped with --reuse), serves each
with gunicorn as the Makefile does, signs in one person per role and times each list page:
median and p95 at 1 client and at 8, the 1M/10k ratio of the 1-client median, and throughput
at 8 clients as a share of a bare /healthz on the same server. The two sizes are served side
by side and measured page by page in turn. Deep pages are reached by the
cursor of the row 5,000 pages in (or halfway, on a smaller list), as a reader following "next"
would arrive there.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scale_build import PASSWORD, build, database_url, upgrade  # noqa: E402
from engage.pagination import _encode  # noqa: E402

SIZES = {"10k": ("engage_bench_10k", 10_000), "1M": ("engage_bench_1m", 1_000_000)}
ONE_CLIENT_REQUESTS = 11
EIGHT_CLIENT_REQUESTS = 4  # per client
DEEP_PAGE = 5_000


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.status, response.read().decode()

    def sign_in(self, role: str) -> None:
        _, form = self.get("/sign-in")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form) or re.search(
            r'name="csrf_token"[^>]*value="([^"]+)"', form
        )
        assert token, "no CSRF token on the sign-in page"
        data = urllib.parse.urlencode(
            {
                "csrf_token": html.unescape(token.group(1)),
                "email": f"{role}@bench.engage.nhs.uk",
                "password": PASSWORD,
            }
        ).encode()
        with self.opener.open(self.base + "/sign-in", data=data, timeout=60) as response:
            assert "/sign-in" not in response.url, f"{role} could not sign in"


def _deep_cursor(url: str, sql: str, rows: int) -> str:
    """The cursor of the row at `rows` down the list (or halfway down a shorter one)."""
    with psycopg.connect(url) as connection:
        counted = f"SELECT count(*) FROM ({sql}) AS listed"  # noqa: S608 (our own SQL)
        total = connection.execute(counted).fetchone()[0]  # type: ignore[index,arg-type]
        offset = min(rows, total // 2)
        row = connection.execute(f"{sql} OFFSET {offset} LIMIT 1").fetchone()  # type: ignore[arg-type]
    assert row is not None
    return _encode(tuple(row))


def pages(url: str) -> list[tuple[str, str, str]]:
    """(role, label, path) for each list page."""
    with psycopg.connect(url) as connection:
        unit_id, directorate_id = connection.execute(  # type: ignore[misc]
            "SELECT id, directorate_id FROM units ORDER BY id LIMIT 1"
        ).fetchone()
    shared = (
        "FROM submissions WHERE kind = 'idea' AND hidden_reason IS NULL AND unit_id IN "  # noqa: S608
        f"(SELECT id FROM units WHERE directorate_id = {directorate_id})"
    )
    newest = (
        f"SELECT submitted_on, reference, id {shared} ORDER BY submitted_on DESC, reference, id"
    )
    supported = (
        f"SELECT supporter_count, submitted_on, reference, id {shared} "
        "ORDER BY supporter_count DESC, submitted_on DESC, reference, id"
    )
    audit = "SELECT occurred_at, id, id FROM audit_events ORDER BY occurred_at DESC, id DESC"
    deep = f"page={DEEP_PAGE}&after="
    return [
        ("staff", "/ideas", "/ideas"),
        ("staff", "/ideas?sort=supported", "/ideas?sort=supported"),
        ("staff", "/ideas page 5,000", f"/ideas?{deep}{_deep_cursor(url, newest, DEEP_PAGE * 25)}"),
        (
            "staff",
            "/ideas?sort=supported page 5,000",
            f"/ideas?sort=supported&{deep}{_deep_cursor(url, supported, DEEP_PAGE * 25)}",
        ),
        ("staff", "/boards", "/boards"),
        ("staff", "directorate board", f"/boards/directorate/{directorate_id}"),
        ("staff", "unit board", f"/boards/unit/{unit_id}"),
        ("leader", "/inbox", "/inbox"),
        ("leader", "/inbox?status=all", "/inbox?status=all"),
        ("guardian", "/inbox", "/inbox"),
        ("admin", "/admin/audit", "/admin/audit"),
        (
            "admin",
            "/admin/audit page 5,000",
            f"/admin/audit?{deep}{_deep_cursor(url, audit, DEEP_PAGE * 50)}",
        ),
        ("admin", "/admin/audit?action=idea.supported", "/admin/audit?action=idea.supported"),
    ]


def _timed(client: Client, path: str, count: int, into: list[float]) -> None:
    for _ in range(count):
        started = time.perf_counter()
        status, _body = client.get(path)
        into.append(time.perf_counter() - started)
        assert status == 200, f"{path}: {status}"


def measure(base: str, role: str | None, path: str) -> dict[str, float]:
    clients = [Client(base) for _ in range(8)]
    for client in clients:
        if role:
            client.sign_in(role)
        client.get(path)  # warm up: the worker's first request and this page's plan
    single: list[float] = []
    _timed(clients[0], path, ONE_CLIENT_REQUESTS, single)
    eight: list[float] = []
    threads = [
        threading.Thread(target=_timed, args=(c, path, EIGHT_CLIENT_REQUESTS, eight))
        for c in clients
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "median1": statistics.median(single) * 1000,
        "p95_1": statistics.quantiles(single, n=20)[-1] * 1000,
        "median8": statistics.median(eight) * 1000,
        "p95_8": statistics.quantiles(eight, n=20)[-1] * 1000,
        "rps8": len(eight) / elapsed,
    }


def serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url.replace("postgresql://", "postgresql+psycopg://", 1),
        "ENGAGE_ENV": "production",
        "SECRET_KEY": "bench-scale-secret-key-not-for-production-0123456789",
        "SESSION_COOKIE_SECURE": "false",
        "ENGAGE_LOGIN_MAX_FAILURES": "1000",
        "ENGAGE_BASE_URL": f"http://127.0.0.1:{port}",
    }
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--log-level",
        "warning",
        "engage:create_app()",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def run(
    sizes: list[str], reuse: bool, port: int, only: list[str] | None = None
) -> dict[str, dict[tuple[str, str], dict[str, float]]]:
    """Both sizes are served at once (on `port` and the next) and each page is measured on
    one, then at once on the other, so that a change in the machine's load in between falls
    on both sides of the ratio alike."""
    results: dict[str, dict[tuple[str, str], dict[str, float]]] = {}
    servers: dict[str, tuple[subprocess.Popen[bytes], str, list[tuple[str, str, str]]]] = {}
    try:
        for offset, label in enumerate(sizes):
            name, submissions = SIZES[label]
            if not reuse:
                build(name, submissions)
            else:
                upgrade(name)
            url = database_url(name)
            listed = [page for page in pages(url) if not only or page[1] in only]
            base = f"http://127.0.0.1:{port + offset}"
            servers[label] = (serve(url, port + offset), base, listed)
            results[label] = {}
        for label, (_server, base, _listed) in servers.items():
            results[label][("-", "/healthz")] = measure(base, None, "/healthz")
        for index in range(max(len(listed) for _s, _b, listed in servers.values())):
            for label, (_server, base, listed) in servers.items():
                role, page_label, path = listed[index]
                results[label][(role, page_label)] = measure(base, role, path)
                print(label, role, page_label, results[label][(role, page_label)], flush=True)
    finally:
        for server, _base, _listed in servers.values():
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    return results


def _cells(figures: dict[str, float] | None, health: float) -> str:
    if not figures:
        return "- | - | -"
    return (
        f"{figures['median1']:.0f} / {figures['p95_1']:.0f} | "
        f"{figures['median8']:.0f} / {figures['p95_8']:.0f} | {figures['rps8'] / health:.0%}"
    )


def table(results: dict[str, dict[tuple[str, str], dict[str, float]]]) -> str:
    """Milliseconds, median / p95; throughput at 8 clients as a share of /healthz's."""
    small, large = results.get("10k", {}), results.get("1M", {})
    lines = [
        "| Page | Role | 10k: 1 client | 10k: 8 clients | 10k: vs /healthz "
        "| 1M: 1 client | 1M: 8 clients | 1M: vs /healthz | 1M/10k (1 client) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    health_small = small.get(("-", "/healthz"), {}).get("rps8", 0) or 1
    health_large = large.get(("-", "/healthz"), {}).get("rps8", 0) or 1
    for key in small or large:
        if key[0] == "-":
            continue
        little, big = small.get(key), large.get(key)
        ratio = f"{big['median1'] / little['median1']:.2f}x" if little and big else "-"
        lines.append(
            f"| {key[1]} | {key[0]} | {_cells(little, health_small)} | "
            f"{_cells(big, health_large)} | {ratio} |"
        )
    for label, health in (("10k", health_small), ("1M", health_large)):
        if label in results:
            lines.append(f"\n/healthz at {label}, 8 clients: {health:.0f} requests a second.")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the databases already built (migrated to the head first)",
    )
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--pages", nargs="+", help="only these pages (their labels)")
    parser.add_argument(
        "--requests", type=int, default=ONE_CLIENT_REQUESTS, help="1-client requests a page"
    )
    arguments = parser.parse_args()
    # Each size's figures are kept, so that the sizes can be measured in separate runs.
    saved = ROOT / "instance" / "bench-scale.json"
    known = json.loads(saved.read_text()) if saved.exists() else {}
    ONE_CLIENT_REQUESTS = arguments.requests
    measured = run(arguments.sizes, arguments.reuse, arguments.port, arguments.pages)
    for size, found in measured.items():
        # Merged into what is kept, so that pages and sizes can be measured in separate runs.
        known.setdefault(size, {}).update(
            {f"{role}\t{label}": figures for (role, label), figures in found.items()}
        )
    saved.parent.mkdir(exist_ok=True)
    saved.write_text(json.dumps(known, indent=1))
    print(
        table(
            {
                size: {tuple(k.split("\t")): v for k, v in found.items()}
                for size, found in known.items()
            }
        )
    )  # type: ignore[misc]
