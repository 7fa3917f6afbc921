"""Django's SQLite backend, with the writers of every process queued for the one write lock.

SQLite lets one connection write at a time, and the settings take that lock as a transaction
begins (BEGIN IMMEDIATE). A connection that finds it taken waits in SQLite's busy handler,
which sleeps 1, 2, 5, 10, 15, 20, 25… ms between tries, not knowing when the lock comes free:
writers queued that way behind writers that each hold the lock for a millisecond wait many
times longer than the writes take, and the lock stands idle meanwhile. Here a thread first
takes its process's lock for the database, which wakes the next thread of the process the
moment a transaction ends, and then an advisory lock on a file beside the database, which the
kernel hands to the next process as soon as it is let go. Only the one writer of each process
that holds its process's lock asks for the file's lock.

SQLite also copies the write-ahead log back into the database (a checkpoint, with its fsyncs)
inside the commit that takes the log past 1,000 pages, while that writer still holds its turn:
every writer queued behind it waits for the disk. Here the connections never checkpoint; a
thread of each process does, on a connection of its own, soon after its writers commit, and
once the log has grown long it takes the writers' turn for a moment, so that the log can start
over.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import OperationalError
from django.db.backends.sqlite3 import base

# The writers of this process, one lock for each database file; by process, as a lock taken
# at the moment of a fork (by the checkpointer, say) would stay taken in the child for ever.
_writers: dict[tuple[int, str], threading.Lock] = {}
# The file each database's writers lock across processes, open once in each process: by
# process too, as a descriptor inherited through a fork would share its lock with the parent.
_files: dict[tuple[int, str], int] = {}
# Held while a file or a checkpointer is made for this process.
_making = threading.Lock()
# How often a writer asks again for the file's lock while another process holds it: often at
# first, as a report's transaction takes a millisecond or two and the lock stands idle from its
# end to the next ask; less often once the wait shows a longer transaction (an import's batch).
# Only one thread of each process asks.
_RETRY_S = 0.0001
_RETRY_LONG_S = 0.001
_LONG_WAIT_S = 0.005
T = TypeVar("T")
# Django's stubs leave out the transaction hooks overridden here.
_SQLite: Any = base.DatabaseWrapper
_SQLiteCursor: Any = base.SQLiteCursorWrapper


class DatabaseWrapper(_SQLite):
    _writer: threading.Lock | None = None
    _writer_file: int | None = None
    _checkpointer: _Checkpointer | None = None

    def create_cursor(self, name: str | None = None) -> Any:
        return self.connection.cursor(factory=_Cursor)

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        name = str(self.settings_dict["NAME"])
        if _on_disk(name):
            connection.execute("PRAGMA wal_autocheckpoint = 0")
            self._checkpointer = _checkpointer(name)
        return connection

    def _start_transaction_under_autocommit(self) -> None:
        name = str(self.settings_dict["NAME"])
        # As long as SQLite's busy handler would have waited, and then its error.
        deadline = time.monotonic() + self.settings_dict["OPTIONS"].get("timeout", 5.0)
        self._writer, self._writer_file = _turn_taken(name, deadline)
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
        if self._checkpointer is not None:
            self._checkpointer.due.set()

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
        held, self._writer_file = self._writer_file, None
        if lock is not None:
            _turn_ended(lock, held)


def _turn_taken(name: str, deadline: float) -> tuple[threading.Lock, int | None]:
    """The writers' turn on database ``name``: its process's lock, then the lock on its file
    (None for a database in memory); OperationalError if the turn does not come by
    ``deadline``."""
    lock = _of_this_process(_writers, name, threading.Lock)
    if not lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
        raise OperationalError("database is locked")
    try:
        return lock, _lock_file(name, deadline)
    except BaseException:
        lock.release()
        raise


def _turn_ended(lock: threading.Lock, held: int | None) -> None:
    if held is not None:
        fcntl.flock(held, fcntl.LOCK_UN)
    lock.release()


class _Cursor(_SQLiteCursor):
    """Django's cursor, remembering what each statement is in SQLite's placeholders: Django
    rewrites the statement on every execution, a regular expression over the whole text: some
    10 µs for a case's insert, each time, where a report runs a dozen statements."""

    def convert_query(self, query: str, *, param_names: Any = None) -> str:
        if param_names is None and len(query) <= _REMEMBERED_LENGTH:
            return _in_qmarks(query)
        return str(super().convert_query(query, param_names=param_names))


# Longer statements are the bulk writers', each with its own count of placeholders: rarely the
# same text twice.
_REMEMBERED_LENGTH = 4000


@functools.lru_cache(maxsize=2048)
def _in_qmarks(query: str) -> str:
    return str(base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%"))


def _lock_file(name: str, deadline: float) -> int | None:
    """The descriptor of the writers' file of database ``name``, locked for this process; None
    for a database in memory, which no other process reaches."""
    if not _on_disk(name):
        return None
    descriptor = _of_this_process(
        _files,
        name,
        lambda: os.open(f"{name}-writers", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600),
    )
    asked = time.monotonic()
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return descriptor
        except BlockingIOError:
            now = time.monotonic()
            if now >= deadline:
                raise OperationalError("database is locked") from None
            time.sleep(_RETRY_S if now - asked < _LONG_WAIT_S else _RETRY_LONG_S)


def _on_disk(name: str) -> bool:
    return name != ":memory:" and not name.startswith("file:")


class _Checkpointer(threading.Thread):
    """Copies the write-ahead log of one database back into it, outside any writer's turn: soon
    after a transaction of this process commits, and every second for the writes made outside
    a transaction. A passive checkpoint waits for no one and no one waits for it; it copies what
    no reader still needs, and the next one takes the rest."""

    def __init__(self, name: str) -> None:
        super().__init__(name=f"checkpoint {name}", daemon=True)
        self.database = name
        self.due = threading.Event()
        # How far a copy in the writers' turn got when a reader's snapshot kept it from the end:
        # until a copy outside the turn gets further, taking the turn would only hold the writers.
        self.stuck_at = -1

    def run(self) -> None:
        connection, opened = None, None
        while True:
            self.due.wait(_CHECKPOINT_IDLE_S)
            self.due.clear()
            try:
                # A database removed and made anew (as tests do) is another file: opened anew.
                found = os.stat(self.database).st_ino
            except FileNotFoundError:
                continue
            # Busy (another process is checkpointing) or any other failure: the next turn
            # copies the rest; the thread must outlive it, or the log would grow without end.
            with contextlib.suppress(sqlite3.Error):
                if connection is None or found != opened:
                    if connection is not None:
                        connection.close()
                    connection = sqlite3.connect(self.database, isolation_level=None, timeout=0)
                    connection.execute("PRAGMA synchronous = NORMAL")
                    opened = found
                _busy, logged, copied = connection.execute(
                    "PRAGMA wal_checkpoint(PASSIVE)"
                ).fetchone()
                if logged >= _LOG_RESTART_PAGES and copied > self.stuck_at:
                    self.stuck_at = self._copy_the_rest(connection)
            # Commits that come meanwhile wait for one checkpoint together.
            time.sleep(_CHECKPOINT_GAP_S)

    def _copy_the_rest(self, connection: sqlite3.Connection) -> int:
        """Copy the whole log in the writers' turn; how far the copy got if a reader kept it
        from the end, else -1."""
        # The log starts over only after a checkpoint has copied all of it, and under a steady
        # stream of commits each checkpoint ends behind the latest: the log would grow without
        # end, and every read searches its whole index. Copied in the writers' turn, nothing
        # is left behind, and the next writer starts the log over. The copy before, outside
        # the turn, has left only the last few commits' pages to copy in it.
        try:
            lock, held = _turn_taken(self.database, time.monotonic() + _CHECKPOINT_GAP_S)
        except OperationalError:
            return -1  # the writers are busy: the next turn
        try:
            _busy, logged, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            _turn_ended(lock, held)
        return int(copied) if copied < logged else -1


_CHECKPOINT_IDLE_S = 1.0
_CHECKPOINT_GAP_S = 0.02
# The log's length, in pages, past which the checkpointer copies it all in the writers' turn:
# 16 MB, the pages one block of the log's index maps.
_LOG_RESTART_PAGES = 4096
# One checkpointer for each database in each process: a thread does not live through a fork.
_checkpointers: dict[tuple[int, str], _Checkpointer] = {}


def _checkpointer(name: str) -> _Checkpointer:
    def started() -> _Checkpointer:
        checkpointer = _Checkpointer(name)
        checkpointer.start()
        return checkpointer

    return _of_this_process(_checkpointers, name, started)


def _of_this_process(made: dict[tuple[int, str], T], name: str, make: Callable[[], T]) -> T:
    """What ``make`` gives for database ``name`` in this process, made once by whichever thread
    asks first; a forked child makes its own."""
    key = (os.getpid(), name)
    thing = made.get(key)
    if thing is None:
        with _making:
            thing = made.get(key)
            if thing is None:
                thing = made[key] = make()
    return thing
