"""The writers of one process take turns on SQLite's write lock through a lock of their own, and
the processes through a lock on a file beside the database; the write-ahead log is copied back
into the database by a thread of the process, not by a writer in its turn."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection, connections, transaction

from wangge.core.sqlite import base as sqlite_backend
from wangge.grids.models import GridTreeVersion

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock"),
]


def _write_holding(begun: threading.Event, release: threading.Event) -> None:
    try:
        with transaction.atomic():
            GridTreeVersion.objects.create()
            begun.set()
            release.wait(10)
    finally:
        connections.close_all()


@pytest.fixture
def holder() -> Iterator[threading.Event]:
    """Another thread of this process in a write transaction until the event is set."""
    begun, release = threading.Event(), threading.Event()
    thread = threading.Thread(target=_write_holding, args=(begun, release))
    thread.start()
    assert begun.wait(10)
    yield release
    release.set()
    thread.join(10)


def test_a_writer_waits_its_turn_and_goes_when_the_one_before_commits(
    holder: threading.Event,
) -> None:
    threading.Timer(0.3, holder.set).start()
    asked = time.monotonic()
    with transaction.atomic():
        waited = time.monotonic() - asked
        GridTreeVersion.objects.create()
    assert 0.25 < waited < 5
    assert GridTreeVersion.objects.count() == 2


def _write_refused_after_a_short_busy_timeout() -> None:
    """A write with the busy timeout at 0.2 s fails as SQLite's own wait would, and the timeout
    is put back."""
    options = connection.settings_dict["OPTIONS"]
    timeout = options["timeout"]
    options["timeout"] = 0.2
    try:
        with (
            pytest.raises(OperationalError, match="database is locked"),
            transaction.atomic(),
        ):
            GridTreeVersion.objects.create()
    finally:
        options["timeout"] = timeout


def test_a_writer_gives_up_after_the_busy_timeout(holder: threading.Event) -> None:
    _write_refused_after_a_short_busy_timeout()
    holder.set()
    with transaction.atomic():  # nothing is left held by the attempt
        GridTreeVersion.objects.create()


def test_a_rolled_back_writer_lets_the_next_one_go() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        GridTreeVersion.objects.create()
        raise RuntimeError("something failed half-way")
    done = threading.Event()

    def write() -> None:
        try:
            with transaction.atomic():
                GridTreeVersion.objects.create()
            done.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(5)
    assert done.is_set()


# Another process holding the writers' file lock (not SQLite's own) for a while.
_OTHER_PROCESS = """
import fcntl, os, sys, time
descriptor = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _other_process_writing(seconds: float) -> subprocess.Popen[str]:
    writers = f"{connection.settings_dict['NAME']}-writers"
    other = subprocess.Popen(
        [sys.executable, "-c", _OTHER_PROCESS, writers, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert other.stdout is not None and other.stdout.readline().strip() == "locked"
    return other


def test_a_writer_waits_for_another_process_and_goes_when_it_lets_go() -> None:
    other = _other_process_writing(0.4)
    asked = time.monotonic()
    with transaction.atomic():
        waited = time.monotonic() - asked
        GridTreeVersion.objects.create()
    other.wait(10)
    assert 0.2 < waited < 5
    assert GridTreeVersion.objects.count() == 1


def test_a_writer_gives_up_on_another_process_after_the_busy_timeout() -> None:
    other = _other_process_writing(3)
    try:
        _write_refused_after_a_short_busy_timeout()
    finally:
        other.kill()
        other.wait(10)
    with transaction.atomic():  # the other process is gone: its lock with it
        GridTreeVersion.objects.create()


def _in_the_database_file(tmp_path: Path) -> int:
    """The grid tree versions the database file holds without its write-ahead log."""
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(connection.settings_dict["NAME"], copy)
    with closing(sqlite3.connect(copy)) as alone:
        return int(alone.execute("SELECT count(*) FROM grids_gridtreeversion").fetchone()[0])


def test_a_commit_leaves_the_checkpoint_to_a_thread_that_copies_the_log_soon_after(
    tmp_path: Path,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == 0  # no writer copies the log in its turn
    before = _in_the_database_file(tmp_path)
    with transaction.atomic():
        GridTreeVersion.objects.bulk_create(GridTreeVersion() for _ in range(3))
    deadline = time.monotonic() + 5
    while _in_the_database_file(tmp_path) != before + 3:
        assert time.monotonic() < deadline, "the log was not copied into the database"
        time.sleep(0.05)


def _emptied_log() -> Path:
    """The database's write-ahead log, emptied (unless the checkpointer is copying just then)."""
    log = Path(f"{connection.settings_dict['NAME']}-wal")
    deadline = time.monotonic() + 5
    while log.stat().st_size:
        assert time.monotonic() < deadline, "the log could not be emptied"
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return log


def _write_steadily(seconds: float) -> None:
    """Two threads committing back to back for ``seconds``."""
    until = time.monotonic() + seconds
    failures: list[BaseException] = []

    def write() -> None:
        try:
            while time.monotonic() < until:
                with transaction.atomic():
                    GridTreeVersion.objects.bulk_create(GridTreeVersion() for _ in range(20))
        except BaseException as failure:
            failures.append(failure)
        finally:
            connections.close_all()

    writers = [threading.Thread(target=write) for _ in range(2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(seconds + 10)
    assert not failures and not any(writer.is_alive() for writer in writers)


def test_under_a_steady_stream_of_commits_the_log_starts_over_instead_of_growing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A checkpoint outside the writers' turn always ends a few commits behind the latest, and
    # the log starts over only after one has copied all of it.
    monkeypatch.setattr(sqlite_backend, "_LOG_RESTART_PAGES", 100)
    log = _emptied_log()
    _write_steadily(2)
    assert GridTreeVersion.objects.count() > 2000  # thousands of pages were written
    # Without the writers' turn the log grew to 5,000–8,000 pages here.
    assert log.stat().st_size // 4096 < 2500


def test_a_reader_that_keeps_the_log_from_being_copied_does_not_hold_up_the_writers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sqlite_backend, "_LOG_RESTART_PAGES", 100)
    turns: list[int] = []
    copy_the_rest = sqlite_backend._Checkpointer._copy_the_rest

    def counted(checkpointer: Any, on: sqlite3.Connection) -> int:
        turns.append(1)
        return copy_the_rest(checkpointer, on)

    monkeypatch.setattr(sqlite_backend._Checkpointer, "_copy_the_rest", counted)
    _emptied_log()
    with closing(sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)) as reader:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM grids_gridtreeversion").fetchone()
        # The reader's snapshot keeps every later page in the log; taking the writers' turn
        # again and again (every 20 ms or so) would copy nothing more.
        _write_steadily(1.5)
        reader.execute("COMMIT")
    assert 1 <= len(turns) <= 3


def test_a_process_forked_while_its_parent_writes_gets_its_turn_when_the_parent_lets_go(
    holder: threading.Event,
) -> None:
    name = connection.settings_dict["NAME"]
    child = os.fork()
    if child == 0:
        status = 1
        try:
            lock, held = sqlite_backend._turn_taken(name, time.monotonic() + 5)
            sqlite_backend._turn_ended(lock, held)
            status = 0
        finally:
            os._exit(status)
    time.sleep(0.3)
    holder.set()
    _pid, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
