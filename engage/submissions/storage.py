"""Nightly maintenance that leaves a copy of the database unable to order anonymous rows.

An anonymous row keeps only its date and a random identifier, but the files keep more: the
order in which rows were written. SQLite puts each new row's bytes further down its page and
each write's search entries in a new FTS5 segment, and the WAL lists writes in commit order;
PostgreSQL stamps every row version with the writing transaction's id (`xmin`) and appends it
to the heap (`ctid`). Someone holding a copy could then place an anonymous concern between
two timestamped writes of the same person.

So, once a night, every anonymous row is written again in one shuffled batch and the files
are rebuilt: afterwards the rows' transaction ids, pages and index entries reveal only that
they were written before the job ran. What remains (the window until the job, WAL archives,
backups) is set out in README.md and the privacy notice.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Table, bindparam, select, update

from engage.extensions import db
from engage.submissions.models import Message, StatusChange, Submission

_SHUFFLE = secrets.SystemRandom()


@dataclass(frozen=True)
class Rewritten:
    submissions: int
    messages: int
    status_changes: int

    def as_counts(self) -> dict[str, int]:
        return {
            "anonymous_submissions": self.submissions,
            "anonymous_messages": self.messages,
            "anonymous_status_changes": self.status_changes,
        }


def _anonymous_ids() -> dict[Table, list[int]]:
    """The rows an anonymous person's actions wrote or touched: their submissions (a follow-up
    visit updates the row), their own messages, and the first status of each."""
    anonymous = select(Submission.id).where(Submission.is_anonymous)
    messages = select(Message.id).where(
        Message.submission_id.in_(anonymous), Message.author_role == "submitter"
    )
    changes = select(StatusChange.id).where(
        StatusChange.submission_id.in_(anonymous), StatusChange.changed_by_id.is_(None)
    )
    return {
        Submission.__table__: list(db.session.scalars(anonymous)),
        Message.__table__: list(db.session.scalars(messages)),
        StatusChange.__table__: list(db.session.scalars(changes)),
    }


def _rewrite_in_random_order(table: Table, ids: list[int]) -> None:
    """A new version of each row, in an order that has nothing to do with the original one
    (PostgreSQL writes a new row version, with this transaction's id, even for `SET id = id`)."""
    if not ids:
        return
    _SHUFFLE.shuffle(ids)
    statement = update(table).where(table.c.id == bindparam("row_id")).values(id=table.c.id)
    db.session.execute(statement, [{"row_id": ident} for ident in ids])


def _rebuild_postgresql(tables: list[Table]) -> None:
    # CLUSTER on the random primary key writes every row out again in the order of its random
    # id, so a row's place (ctid) and its indexes' entries no longer follow the order of
    # writing, and no redirect is left where the old version was. It takes a short exclusive
    # lock, hence a night-time job. VACUUM then refreshes statistics and the visibility map.
    with db.engine.connect() as connection:
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in tables:
            autocommit.exec_driver_sql(f"CLUSTER {table.name} USING pk_{table.name}")
            autocommit.exec_driver_sql(f"VACUUM (ANALYZE) {table.name}")


MAINTENANCE_WAIT_MS = 120_000


def _rebuild_sqlite() -> None:
    # VACUUM cannot run inside a transaction: use the DB-API connection, which is in
    # autocommit mode (see engage.sqlite), outside SQLAlchemy's transaction handling.
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        # A night-time job can wait for other writers (another job, a second `jobs run-due`)
        # far longer than a web request: VACUUM needs the whole file to itself.
        cursor.execute(f"PRAGMA busy_timeout={MAINTENANCE_WAIT_MS}")
        cursor.execute("PRAGMA secure_delete=ON")  # freed pages are zeroed, not left readable
        # One FTS5 segment built from the table (in rowid order, and rowids are random)
        # instead of one segment per write, in the order of writing.
        cursor.execute("BEGIN")
        cursor.execute("INSERT INTO submission_search(submission_search) VALUES ('rebuild')")
        cursor.execute(
            "INSERT INTO submission_search_trigram(submission_search_trigram) VALUES ('rebuild')"
        )
        cursor.execute("COMMIT")
        # Every page written afresh, each table in rowid order: where a row's bytes sit in
        # the file no longer says when it was written.
        cursor.execute("VACUUM")
        # The WAL lists writes in commit order: copy it into the database and empty it.
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()


def reshuffle_anonymous_rows() -> Rewritten:
    """Rewrite every anonymous row in a shuffled batch, then rebuild the files (see above)."""
    found = _anonymous_ids()
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        for table, ids in found.items():
            _rewrite_in_random_order(table, list(ids))
    db.session.commit()
    db.session.close()
    if postgres:
        _rebuild_postgresql(list(found))
    else:
        _rebuild_sqlite()
    return Rewritten(*(len(ids) for ids in found.values()))
