from __future__ import annotations

import time

from wangge.core.ids import uuid7


def test_uuid7_is_a_version_7_uuid_made_in_order() -> None:
    first = uuid7()
    time.sleep(0.002)
    later = [uuid7() for _ in range(1000)]
    assert (first.version, first.variant) == (7, "specified in RFC 4122")
    assert all(first < token for token in later)
    assert len(set(later)) == 1000
    # The first 48 bits are the millisecond it was made.
    assert abs((first.int >> 80) - time.time_ns() // 1_000_000) < 1000
