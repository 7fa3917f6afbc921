from __future__ import annotations

import time

from wangge.core.ids import uuid7, uuid7s


def test_uuid7_is_a_version_7_uuid_made_in_order() -> None:
    first = uuid7()
    time.sleep(0.002)
    later = [uuid7() for _ in range(1000)]
    assert (first.version, first.variant) == (7, "specified in RFC 4122")
    assert all(first < token for token in later)
    assert len(set(later)) == 1000
    # The first 48 bits are the millisecond it was made.
    assert abs((first.int >> 80) - time.time_ns() // 1_000_000) < 1000


def test_uuid7s_are_as_many_distinct_version_7_uuids_of_one_millisecond() -> None:
    tokens = uuid7s(10_000)
    assert len(set(tokens)) == 10_000
    assert {(token.version, token.variant) for token in tokens} == {(7, "specified in RFC 4122")}
    assert len({token.int >> 80 for token in tokens}) == 1
