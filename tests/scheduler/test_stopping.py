"""A stop signal ends the scheduler whenever it arrives, even in the instant a scheduler is
being started: CI once caught a scheduler that ignored SIGTERM because the signal came just
before APScheduler had started."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from flask_migrate import upgrade

from engage.extensions import db
from engage.scheduler.process import SchedulerProcess


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
