"""Work made ahead in a child process comes back in order, with the child's errors."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from wangge.core.ahead import made_ahead


class Unreadable(Exception):
    pass


def test_items_come_in_order_from_another_process() -> None:
    def make() -> Iterator[tuple[int, int]]:
        for i in range(5):
            yield i, os.getpid()

    items = list(made_ahead(make))
    assert [i for i, _pid in items] == [0, 1, 2, 3, 4]
    assert {pid for _i, pid in items} != {os.getpid()}


def test_an_error_in_the_child_is_raised_after_the_items_before_it() -> None:
    def make() -> Iterator[int]:
        yield 1
        raise Unreadable("row 3")

    got: list[int] = []
    with pytest.raises(Unreadable, match="row 3") as raised:
        for item in made_ahead(make):
            got.append(item)
    assert got == [1]
    assert any("In the child process" in note for note in raised.value.__notes__)


def test_leaving_the_loop_stops_the_child() -> None:
    def make() -> Iterator[int]:
        yield from range(1_000_000_000)

    items = made_ahead(make)
    assert next(items) == 0
    items.close()
