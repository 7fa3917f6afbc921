"""Work made ahead in a child process, for a loop whose two halves each take a core: an import
reads and checks the next rows while this process writes the ones before.

A thread would not do: reading and checking rows is Python, and the two threads would take
turns holding the interpreter. The child is forked, so it starts with everything this process
has built (a locator, a catalog) and needs nothing sent but what it makes. It must not use
this process's database connection, which it shares; and it has only the thread that forked
it, so call this from a command, not from a threaded server, whose other threads may hold
locks the child would wait for forever. It works up to ``AHEAD`` items ahead of the loop, so
that an item that takes the caller longer than the others does not
stop the child, and each item crosses the pipe pickled: plain lists of numbers and strings cost
little, model instances a lot.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import traceback
from collections.abc import Callable, Generator, Iterable
from multiprocessing.connection import Connection
from typing import TypeVar

T = TypeVar("T")

_ITEM, _DONE, _FAILED = "item", "done", "failed"
# Items made and waiting for the caller: each is held in memory until it goes.
AHEAD = 3


def made_ahead(make: Callable[[], Iterable[T]]) -> Generator[T, None, None]:
    """The items of ``make()``, made in a child process while the caller works on the ones
    before. An exception in the child is raised here, with the child's traceback as a note;
    leaving the loop early stops the child."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_make, args=(make, sender), daemon=True)
    child.start()
    sender.close()
    try:
        while True:
            try:
                kind, value = receiver.recv()
            except EOFError:
                raise RuntimeError(f"the child process ended ({child.exitcode})") from None
            if kind == _DONE:
                return
            if kind == _FAILED:
                error, trace = value
                error.add_note(f"In the child process:\n{trace}")
                raise error
            yield value
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()


def _make(make: Callable[[], Iterable[object]], sender: Connection) -> None:
    # A pipe holds less than one item: a thread sends them, so that the child goes on making
    # the next ones while the caller is busy with the one before.
    waiting: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=AHEAD)
    thread = threading.Thread(target=_send, args=(waiting, sender), daemon=True)
    thread.start()
    try:
        for item in make():
            waiting.put((_ITEM, item))
    except Exception as exc:
        waiting.put((_FAILED, (exc, traceback.format_exc())))
    else:
        waiting.put((_DONE, None))
    thread.join()


def _send(waiting: queue.Queue[tuple[str, object]], sender: Connection) -> None:
    try:
        while True:
            message = waiting.get()
            sender.send(message)
            if message[0] != _ITEM:
                return
    finally:
        sender.close()
