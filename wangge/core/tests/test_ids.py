from __future__ import annotations

import time
import uuid

from wangge.core.ids import uuid7, uuid7_ints, uuid7s


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


def test_uuid7_ints_are_the_bits_of_version_7_uuids_in_the_database() -> None:
    from wangge.core.bulk import bulk_values
    from wangge.intake.models import Intake

    values = uuid7_ints(1000)
    tokens = [uuid.UUID(int=value) for value in values]
    assert {(token.version, token.variant) for token in tokens} == {(7, "specified in RFC 4122")}
    assert len(set(values)) == 1000
    # Stored as the UUIDs themselves would be.
    assert bulk_values(Intake, "token", values) == bulk_values(Intake, "token", tokens)
