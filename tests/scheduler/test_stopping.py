"""A stop signal ends the scheduler whenever it arrives, even in the instant a scheduler is
being started: CI once caught a scheduler that ignored SIGTERM because the signal came just
before APScheduler had started. The handler only sets a plain attribute (a handler that set
an Event could deadlock on the lock the main thread holds inside Event.wait)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from flask_migrate import upgrade

from engage.extensions import db
from engage.scheduler.locks import lock_for
from engage.scheduler.process import WAKE_SECONDS, SchedulerProcess


def _serve_in_thread(process: SchedulerProcess) -> threading.Thread:
    thread = threading.Thread(target=process.serve, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def process(empty_app: Flask, monkeypatch: pytest.MonkeyPatch) -> SchedulerProcess:
    with empty_app.app_context():
        upgrade()
        db.session.remove()
    # serve() runs in a thread here, where signal handlers cannot be installed; the test
    # calls the handler itself, as the interpreter would.
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    return SchedulerProcess(empty_app, [])


def _before_start(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None]) -> None:
    real_start = BackgroundScheduler.start

    def start_after(scheduler: BackgroundScheduler, *args: Any, **kwargs: Any) -> None:
        action()
        real_start(scheduler, *args, **kwargs)

    monkeypatch.setattr(BackgroundScheduler, "start", start_after)


def test_a_stop_signal_that_arrives_as_the_scheduler_starts_still_stops_it(
    process: SchedulerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    _before_start(monkeypatch, lambda: process._stop(signal.SIGTERM, None))
    thread = _serve_in_thread(process)
    thread.join(timeout=20)
    assert not thread.is_alive()
    # The lock went with it: another scheduler can take it at once.
    assert process.lock.try_acquire()
    process.lock.release()


def test_a_lost_lock_as_the_scheduler_starts_makes_it_stand_down_and_start_again(
    process: SchedulerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    starts: list[int] = []

    def lose_the_lock_once() -> None:
        starts.append(1)
        if len(starts) == 1:
            process.stand_down.set()  # what the lock check does when the session is gone
        else:
            process._stop(signal.SIGTERM, None)

    _before_start(monkeypatch, lose_the_lock_once)
    thread = _serve_in_thread(process)
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert len(starts) == 2


def test_a_scheduler_waiting_for_the_lock_stops_at_once_on_a_signal(
    process: SchedulerProcess, empty_app: Flask
) -> None:
    empty_app.config["SCHEDULER_LOCK_POLL_SECONDS"] = 3600
    active = lock_for(empty_app.config["SQLALCHEMY_DATABASE_URI"], Path(empty_app.instance_path))
    assert active.try_acquire()  # another scheduler holds the lock
    try:
        thread = _serve_in_thread(process)
        time.sleep(WAKE_SECONDS * 2)
        assert thread.is_alive()  # waiting its turn
        asked = time.monotonic()
        process._stop(signal.SIGTERM, None)
        thread.join(timeout=20)
        assert not thread.is_alive()
        assert time.monotonic() - asked < 5  # not after the hour's poll
    finally:
        active.release()
