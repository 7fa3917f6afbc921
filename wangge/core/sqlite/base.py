"""Django's SQLite backend, with one writer at a time in each process.

SQLite lets one connection write at a time, and the settings take that lock as a transaction
begins (BEGIN IMMEDIATE). A connection that finds it taken waits in SQLite's busy handler,
which sleeps 1, 2, 5, 10, 15, 20, 25… ms between tries, not knowing when the lock comes free:
the threads of a server process queued that way behind writers that each hold the lock for a
millisecond wait many times longer than the writes take, and the lock stands idle meanwhile.
Here a thread first takes its process's lock for the database, which wakes the next thread the
moment a transaction ends; only writers of different processes still meet in the busy handler,
one from each process at most.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

# The writers of this process, one lock for each database file.
_writers: dict[str, threading.Lock] = {}
# Django's stubs leave out the transaction hooks overridden here.
_SQLite: Any = base.DatabaseWrapper


class DatabaseWrapper(_SQLite):
    _writer: threading.Lock | None = None

    def _start_transaction_under_autocommit(self) -> None:
        lock = _writers.setdefault(str(self.settings_dict["NAME"]), threading.Lock())
        # As long as SQLite's busy handler would have waited, and then its error.
        if not lock.acquire(timeout=self.settings_dict["OPTIONS"].get("timeout", 5.0)):
            raise OperationalError("database is locked")
        self._writer = lock
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writer_done()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._writer_done()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._writer_done()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._writer_done()

    def _writer_done(self) -> None:
        # The transaction is over (or was never begun): the next writer may go.
        lock, self._writer = self._writer, None
        if lock is not None:
            lock.release()
