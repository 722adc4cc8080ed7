"""Someone holding a copy of the database files cannot place an anonymous submission between
the day's other writes once the nightly job has run (issue 11, finding 1).

Open, anonymous and open items are written in turn, each committed, as a person would raise
them minutes apart. Before the job each trace orders them (that is what makes the test able
to fail); after it, SQLite's byte positions, FTS5 segments and WAL, and PostgreSQL's
transaction ids and row positions, follow only the random identifiers, or nothing.
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text

from engage.extensions import db
from engage.scheduler.registry import LONDON
from engage.submissions import anonymous
from engage.submissions.jobs import JOBS, run_anonymous_reshuffle
from engage.submissions.models import Kind, SpeakUpMode, Submission
from tests.factories.accounts import make_user
from tests.factories.submissions import make_submission

ROUNDS = 3  # open, anonymous, open: nine rows


@pytest.fixture(autouse=True)
def _shuffled_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """The random identifiers come from a seeded generator: the same draws every run, in an
    order unlike the writes'. Truly random ones follow the write order in 1 run of 9!, and
    then the test could not tell the files' order after the job from the order of writing."""
    draws = random.Random(11)
    monkeypatch.setattr(secrets, "randbelow", draws.randrange)


def _write_in_sequence() -> list[tuple[int, str, bool]]:
    """(id, title, anonymous) in the order written, each in its own transaction."""
    person = make_user(name="Robin Regular")
    written = []
    for round_number in range(ROUNDS):
        for place, mode in enumerate((SpeakUpMode.OPEN, SpeakUpMode.ANONYMOUS, SpeakUpMode.OPEN)):
            title = f"Forensic marker {round_number}{place} {mode.value} item"
            made = make_submission(person, kind=Kind.CONCERN, mode=mode, title=title)
            written.append((made.id, title, mode is SpeakUpMode.ANONYMOUS))
    return written


def _reply_anonymously(written: list[tuple[int, str, bool]]) -> None:
    """A follow-up message on the first anonymous item, written after all the others."""
    first_anonymous = db.session.get(Submission, written[1][0])
    assert first_anonymous is not None
    anonymous.anonymous_reply(first_anonymous, "A follow-up written after the open items")


def _run_job() -> None:
    assert [job.name for job in JOBS] == ["submissions.reshuffle_anonymous"]
    counts = run_anonymous_reshuffle(datetime.now(LONDON))
    assert counts["anonymous_submissions"] == ROUNDS
    assert counts["anonymous_messages"] == 1


def _order_by(keys: dict[int, object], written: list[tuple[int, str, bool]]) -> list[int]:
    return sorted((ident for ident, _, _ in written), key=lambda ident: keys[ident])


def _file_positions(database: Path, written: list[tuple[int, str, bool]]) -> dict[int, object]:
    """Where each row's bytes sit: pages in file order, and within a page SQLite fills the
    cell area from the end backwards, so a later write sits lower on the same page."""
    content = database.read_bytes()
    page_size = int.from_bytes(content[16:18], "big")
    positions: dict[int, object] = {}
    for ident, title, _ in written:
        offset = content.find(title.encode())
        assert offset > 0 and content.count(title.encode()) == 1, title
        positions[ident] = (offset // page_size, -(offset % page_size))
    return positions


_SEGMENTS = {
    table: text(f"SELECT count(DISTINCT segid) FROM {table}_idx")  # noqa: S608 - names above
    for table in ("submission_search", "submission_search_trigram")
}


def _segments(table: str = "submission_search") -> int:
    return int(db.session.scalar(_SEGMENTS[table]) or 0)


def test_the_files_no_longer_order_anonymous_rows(empty_app: Flask, database_url: str) -> None:
    if database_url.startswith("sqlite"):
        _sqlite_traces(empty_app)
    else:
        _postgresql_traces(empty_app)


def _sqlite_traces(empty_app: Flask) -> None:
    database = Path(empty_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    wal = Path(f"{database}-wal")
    with empty_app.test_request_context():
        upgrade()
        written = _write_in_sequence()
        write_order = [ident for ident, _, _ in written]
        by_id = sorted(write_order)
        assert by_id not in (write_order, write_order[::-1])
        anonymous_title = written[1][1].encode()

        assert anonymous_title in wal.read_bytes(), "the WAL holds the writes in commit order"
        db.session.close()
        raw = db.engine.raw_connection()
        raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)")  # outside any transaction
        raw.close()
        assert _order_by(_file_positions(database, written), written) == write_order
        assert _segments() > 1, "one FTS5 segment per write, in the order of writing"
        assert _segments("submission_search_trigram") > 1
        _reply_anonymously(written)

        _run_job()

        assert wal.stat().st_size == 0
        assert _order_by(_file_positions(database, written), written) == by_id
        assert _segments() == 1
        assert _segments("submission_search_trigram") == 1
        found = db.session.scalars(
            text("SELECT rowid FROM submission_search WHERE submission_search MATCH 'forensic'")
        ).all()
        assert sorted(found) == by_id, "the search still finds every item"


def _postgresql_traces(app: Flask) -> None:
    with app.test_request_context():
        upgrade()
        written = _write_in_sequence()
        write_order = [ident for ident, _, _ in written]
        assert sorted(write_order) not in (write_order, write_order[::-1])
        anonymous_ids = {ident for ident, _, is_anonymous in written if is_anonymous}

        def traces() -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
            rows = db.session.execute(
                text("SELECT id, xmin::text::bigint, ctid::text FROM submissions")
            ).all()
            db.session.commit()
            xmin = {row[0]: row[1] for row in rows}
            ctid = {row[0]: tuple(int(n) for n in row[2].strip("()").split(",")) for row in rows}
            return xmin, ctid

        xmin, ctid = traces()
        assert _order_by(xmin, written) == write_order
        assert _order_by(ctid, written) == write_order
        _reply_anonymously(written)
        message_xmin = db.session.scalar(text("SELECT xmin::text::bigint FROM messages"))
        db.session.commit()
        assert message_xmin > max(xmin.values())

        _run_job()

        xmin, ctid = traces()
        open_xmins = [xmin[ident] for ident in write_order if ident not in anonymous_ids]
        job_xmins = {xmin[ident] for ident in anonymous_ids}
        assert len(job_xmins) == 1, "one transaction rewrote every anonymous row"
        assert min(job_xmins) > max(open_xmins), "no anonymous row sits between open ones"
        assert _order_by(ctid, written) == sorted(write_order)
        message_xmin = db.session.scalar(text("SELECT xmin::text::bigint FROM messages"))
        db.session.commit()
        assert message_xmin in job_xmins
        assert db.session.scalar(select(Submission.title).where(Submission.id == written[1][0]))
