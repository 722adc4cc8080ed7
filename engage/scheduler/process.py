"""The scheduler process (`flask --app engage scheduler`): wait for the lock, then run the jobs
on APScheduler 3 until SIGTERM, SIGINT or the loss of the lock.

Several may be started (one per server): the one holding the lock is active, the others check
every SCHEDULER_LOCK_POLL_SECONDS and take over when it dies. On taking over, a scheduler
first catches up what was missed while no scheduler was active, and says so in the log.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from engage.scheduler.locks import SchedulerLock, lock_for
from engage.scheduler.registry import LONDON, ScheduledJob
from engage.scheduler.runner import describe_due, due_runs, latest_fire_time, run_job

log = logging.getLogger("engage.scheduler")
# How soon the main thread notices a stop signal.
WAKE_SECONDS = 0.2


class SchedulerProcess:
    def __init__(self, app: Flask, jobs: Sequence[ScheduledJob]) -> None:
        self.app = app
        self.jobs = list(jobs)
        self.lock: SchedulerLock = lock_for(
            app.config["SQLALCHEMY_DATABASE_URI"], Path(app.instance_path)
        )
        # Set by SIGTERM/SIGINT. The handler may run at any point in the main thread, even
        # while a scheduler is half started or the main thread holds a lock (an Event's, say,
        # which is not reentrant), so it only sets this plain attribute; the main thread
        # notices within WAKE_SECONDS and alone starts and shuts down schedulers.
        self.stop_signal: int | None = None
        self.told_stop = False
        # Set by the lock check, in a thread of its own, when the lock is lost.
        self.stand_down = threading.Event()

    @property
    def stopping(self) -> bool:
        return self.stop_signal is not None

    def serve(self) -> None:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        poll = self.app.config["SCHEDULER_LOCK_POLL_SECONDS"]
        told = False
        try:
            while not self.stopping:
                if not self.lock.try_acquire():
                    if not told:
                        log.info(
                            "another scheduler is active: waiting to take over "
                            "(checking every %s s)",
                            poll,
                        )
                        told = True
                    self._pause(poll)
                    continue
                told = False
                log.info("this scheduler is active, with %s jobs", len(self.jobs))
                self._run_until_stopped()
                self.lock.release()
        finally:
            self._tell_stop()
            self.lock.release()
        log.info("scheduler stopped")

    def _pause(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(WAKE_SECONDS, left))

    def _tell_stop(self) -> None:
        """Log the stop signal, once, from the main thread."""
        if self.stop_signal is not None and not self.told_stop:
            self.told_stop = True
            name = signal.strsignal(self.stop_signal)
            log.info("%s received: stopping after the running jobs finish", name)

    def _run_until_stopped(self) -> None:
        threads = self.app.config["SCHEDULER_THREADS"]
        if self.app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            threads = 1  # SQLite writes one transaction at a time: jobs take turns
        scheduler = BackgroundScheduler(
            timezone=LONDON,
            # The lock check has a thread of its own, so long jobs cannot hold it up.
            executors={"default": ThreadPoolExecutor(threads), "watch": ThreadPoolExecutor(1)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": self.app.config["SCHEDULER_MISFIRE_GRACE_SECONDS"],
            },
        )
        for job in self.jobs:
            scheduler.add_job(self._run, job.trigger, args=[job], id=job.name, name=job.name)
        scheduler.add_job(
            self._check_lock,
            IntervalTrigger(seconds=self.app.config["SCHEDULER_LOCK_POLL_SECONDS"]),
            id="scheduler.lock-check",
            executor="watch",
        )
        self._catch_up(scheduler)
        if self.stopping:
            return
        scheduler.start()
        try:
            while not self.stopping and not self.stand_down.wait(WAKE_SECONDS):
                pass
        finally:
            self._tell_stop()
            # Running jobs finish first, so a scheduler that takes the lock again never runs
            # a job beside its own earlier run.
            scheduler.shutdown(wait=True)
            self.stand_down.clear()

    def _catch_up(self, scheduler: BackgroundScheduler) -> None:
        now = datetime.now(LONDON)
        with self.app.app_context():
            due = due_runs(self.jobs, now)
        for run in due:
            log.info("%s", describe_due(run))
            scheduler.add_job(
                self._run_for,
                "date",
                run_date=now,
                args=[run.job, run.scheduled_for],
                id=f"{run.job.name}.catch-up",
                misfire_grace_time=None,
            )

    def _run(self, job: ScheduledJob) -> None:
        now = datetime.now(LONDON)
        # The fire time this run is for: APScheduler calls a little after it.
        scheduled_for = latest_fire_time(job.trigger, now + timedelta(seconds=1)) or now
        self._run_for(job, scheduled_for)

    def _run_for(self, job: ScheduledJob, scheduled_for: datetime) -> None:
        with self.app.app_context():
            run_job(job, scheduled_for)

    def _check_lock(self) -> None:
        if not self.lock.still_held():
            log.error("the scheduler lock was lost (database connection gone): standing down")
            self.stand_down.set()

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop_signal = signum  # no lock, no logging: see __init__
