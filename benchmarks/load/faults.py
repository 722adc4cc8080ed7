"""`make faults`: a shorter load run during which, one after another, PostgreSQL restarts, a
gunicorn worker is killed (SIGKILL), the scheduler is killed in the middle of a job and
started again, and the SMTP server stops for a minute. Then it checks that nothing
acknowledged was lost or doubled, that no email arrived twice and none was lost, that the
scheduler's work completed once, and lists every 5xx answer against the fault windows.

It starts everything it needs and removes it afterwards: a PostgreSQL cluster of its own
(FAULTS_PG_PORT, 5440; never the shared one on 5432), a local aiosmtpd server, gunicorn, the
scheduler (`flask --app engage scheduler`, sending mail every FAULTS_MAIL_EVERY seconds) and
Locust. Settings: FAULTS_USERS (40), FAULTS_MINUTES (4, at least 3), FAULTS_SPAWN_RATE (5),
FAULTS_SMTP_DOWN_SECONDS (60), FAULTS_DRAIN_SECONDS (240: how long to wait for the outbox to
empty after the load), LOAD_WORKERS and LOAD_THREADS as for `make load`. Exits 1 if a
property fails."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import faults_check  # noqa: E402
import run as load  # noqa: E402
from cluster import Cluster  # noqa: E402

USERS = int(os.environ.get("FAULTS_USERS", "40"))
MINUTES = max(3.0, float(os.environ.get("FAULTS_MINUTES", "4")))
SPAWN_RATE = os.environ.get("FAULTS_SPAWN_RATE", "5")
PG_PORT = int(os.environ.get("FAULTS_PG_PORT", "5440"))
SMTP_DOWN = float(os.environ.get("FAULTS_SMTP_DOWN_SECONDS", "60"))
DRAIN = float(os.environ.get("FAULTS_DRAIN_SECONDS", "240"))
MAIL_EVERY = os.environ.get("FAULTS_MAIL_EVERY", "5")
# When each fault starts, as a share of the run: each has settled before the next begins.
PLAN = {"database restart": 0.12, "worker kill": 0.3, "scheduler kill": 0.42, "smtp stop": 0.55}


class Run:
    def __init__(self) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="engage-faults-"))
        self.cluster = Cluster(PG_PORT)
        self.smtp_port = int(load.free_port())
        self.received = self.work / "received.jsonl"
        self.trouble = self.work / "trouble.jsonl"
        self.windows: list[tuple[str, float, float]] = []
        self.notes: list[str] = []
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.killed_runners: list[str] = []
        self.started = 0.0

    def log(self, text: str) -> None:
        moment = f"{time.time() - self.started:6.1f}s " if self.started else ""
        print(f"faults: {moment}{text}", flush=True)

    def start(self, name: str, command: list[object], env: dict[str, str]) -> None:
        handle = (self.work / f"{name}.log").open("a")
        self.processes[name] = subprocess.Popen(
            [str(part) for part in command],
            env=env,
            cwd=load.ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name, None)
        if process is not None and process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def start_smtp(self) -> None:
        self.start(
            "smtp",
            [load.BIN / "python", HERE / "smtp_sink.py", self.smtp_port, self.received],
            os.environ.copy(),
        )
        for _ in range(100):
            if _listening(self.smtp_port):
                return
            time.sleep(0.1)

    def ready(self, timeout: float = 60) -> float:
        """Waits for /readyz to answer 200; returns the moment it did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if load.is_ready():
                return time.time()
            time.sleep(0.2)
        self.notes.append(f"readyz did not answer 200 within {timeout:g} s")
        return time.time()

    def start_scheduler(self, env: dict[str, str]) -> None:
        """Starts the scheduler and waits until it holds the lock (a slow start on a busy
        machine must not eat into the run)."""
        log = self.work / "scheduler.log"
        seen = log.stat().st_size if log.exists() else 0
        self.start("scheduler", scheduler_command(), env)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if "this scheduler is active" in log.read_text(errors="replace")[seen:]:
                return
            time.sleep(0.2)
        self.notes.append("the scheduler did not become active within 180 s")

    def wait_until(self, share: float) -> None:
        time.sleep(max(0.0, self.started + share * MINUTES * 60 - time.time()))

    # The faults, in order.
    def restart_database(self) -> None:
        began = time.time()
        self.log("restarting PostgreSQL (pg_ctl restart -m fast)")
        self.cluster.restart()
        back = time.time()
        self.windows.append(("database restart", began, back))
        self.log(f"PostgreSQL accepting connections again after {back - began:.1f} s")
        ready = self.ready()
        self.log(f"readyz 200 {ready - back:.1f} s later")

    def kill_worker(self) -> None:
        master = self.processes["gunicorn"].pid
        workers = _children(master)
        if not workers:
            self.notes.append("no gunicorn worker found to kill")
            return
        began = time.time()
        os.kill(workers[0], signal.SIGKILL)
        self.log(f"SIGKILL gunicorn worker {workers[0]} (of {len(workers)})")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = _children(master)
            if len(now) >= len(workers) and workers[0] not in now:
                break
            time.sleep(0.1)
        back = self.ready()
        self.windows.append(("worker kill", began, back))
        self.log(f"gunicorn replaced the worker, readyz 200 after {back - began:.1f} s")

    def kill_scheduler(self, engine: sa.Engine, env: dict[str, str]) -> None:
        pid = self.processes["scheduler"].pid
        runner = f"%:{pid}"
        query = sa.text(
            "SELECT id, job_name FROM job_runs WHERE outcome = 'running' AND runner LIKE :r"
        )
        deadline, found = time.monotonic() + 60, None
        with engine.connect() as connection:
            while found is None and time.monotonic() < deadline:
                found = connection.execute(query, {"r": runner}).first()
                connection.rollback()
                if found is None:
                    time.sleep(0.01)
        began = time.time()
        self.stop("scheduler", signal.SIGKILL)
        self.killed_runners.append(runner)
        if found is None:
            self.notes.append("the scheduler was killed between jobs (no job seen running)")
            self.log("SIGKILL scheduler (no job was running)")
        else:
            self.log(f"SIGKILL scheduler mid-job: {found.job_name} (run {found.id})")
        time.sleep(3)
        self.start_scheduler(env)
        self.windows.append(("scheduler kill", began, time.time()))
        self.log("scheduler started again and active")

    def stop_smtp(self) -> None:
        began = time.time()
        self.stop("smtp")
        self.log(f"SMTP server stopped for {SMTP_DOWN:g} s")
        time.sleep(SMTP_DOWN)
        self.start_smtp()
        self.windows.append(("smtp stop", began, time.time()))
        self.log("SMTP server started again")


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def scheduler_command() -> list[object]:
    return [load.BIN / "flask", "--app", "engage", "scheduler"]


def drain(engine: sa.Engine, run: Run) -> None:
    """After the load, the outbox empties (retries after the SMTP stop included)."""
    deadline = time.monotonic() + DRAIN
    query = sa.text("SELECT count(*) FROM outbox_messages WHERE status IN ('pending', 'sending')")
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            waiting = connection.execute(query).scalar_one()
        if waiting == 0:
            run.log("the outbox is empty")
            return
        time.sleep(2)
    run.notes.append(f"the outbox still had mail waiting {DRAIN:g} s after the load")


def main() -> int:
    run = Run()
    load.PORT = load.free_port()
    try:
        run.cluster.create()
        load.POSTGRES, load.DATABASE = run.cluster.url, "engage_faults_run"
        url = load.fresh_database()
        env = {
            **load.app_env(url),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(run.smtp_port),
            "SMTP_TIMEOUT_SECONDS": "5",
            "ENGAGE_MAIL_SEND_EVERY_SECONDS": MAIL_EVERY,
            "MAIL_RETRY_BASE_SECONDS": "5",
            "MAIL_CLAIM_LEASE_SECONDS": "20",
            "ENGAGE_SCHEDULER_LOCK_POLL_SECONDS": "3",
        }
        journal = run.work / "journal.jsonl"
        journal.touch()
        accounts = load.migrate_and_seed(env, run.work, USERS)
        run.start_smtp()
        run.processes["gunicorn"] = load.start_gunicorn(env, run.work)
        load.wait_ready(run.processes["gunicorn"])
        run.start_scheduler(env)
        engine = sa.create_engine(url, pool_pre_ping=True)
        seconds = int(MINUTES * 60)
        print(
            f"faults: {USERS} users for {seconds} s on {load.WORKERS} workers x "
            f"{load.THREADS} threads; PostgreSQL of its own on port {run.cluster.port}; "
            f"mail sent every {MAIL_EVERY} s; faults at {PLAN}; work in {run.work}",
            flush=True,
        )
        locust_env = {
            **os.environ,
            "LOAD_ACCOUNTS": str(accounts),
            "LOAD_JOURNAL": str(journal),
            "LOAD_TROUBLE_LOG": str(run.trouble),
        }
        run.started = time.time()
        run.start("locust", load.locust_command(USERS, SPAWN_RATE, seconds, run.work), locust_env)
        run.wait_until(PLAN["database restart"])
        run.restart_database()
        run.wait_until(PLAN["worker kill"])
        run.kill_worker()
        run.wait_until(PLAN["scheduler kill"])
        run.kill_scheduler(engine, env)
        run.wait_until(PLAN["smtp stop"])
        run.stop_smtp()
        run.processes["locust"].wait()
        run.log("load finished; waiting for the outbox to empty")
        drain(engine, run)
        run.stop("scheduler")
        run.stop("gunicorn")
        print(load.report(run.work / "locust_stats.csv", run.work / "locust_failures.csv"))
        problems = load.print_check(url, journal)
        problems += faults_check.mail(engine, run.received)
        problems += faults_check.scheduler(engine, run.killed_runners)
        problems += faults_check.trouble(run.trouble, run.windows, run.started)
        engine.dispose()
    finally:
        for name in list(run.processes):
            run.stop(name)
        run.cluster.remove(run.work / "postgresql.log")
    for note in run.notes:
        print(f"note: {note}")
    print("FAULT RUN PASSED" if not problems else f"FAULT RUN FAILED: {len(problems)} problems")
    print(f"(logs in {run.work})")
    (run.work / "windows.json").write_text(json.dumps(run.windows), encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
