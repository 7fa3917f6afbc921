"""Identifiers."""

from __future__ import annotations

import os
import time
import uuid

_VERSION_7 = 0x7 << 76
_RFC_VARIANT = 0x2 << 62
_KEEP = ~((0xF << 76) | (0x3 << 62))


def uuid7() -> uuid.UUID:
    """A version 7 UUID (RFC 9562): the millisecond it was made, then 74 random bits. As
    unguessable as a token needs to be, and made in order, so a million of them join a unique
    index at its end instead of all over it (Python 3.14 brings its own)."""
    return uuid7s(1)[0]


def uuid7s(count: int) -> list[uuid.UUID]:
    """``count`` version 7 UUIDs of the same millisecond, from one reading of the clock and
    one draw of random bytes: an import makes one for each of a million rows."""
    return [uuid.UUID(int=value) for value in uuid7_ints(count)]


def uuid7_ints(count: int) -> list[int]:
    """``uuid7s`` as the integers of their 128 bits, which a UUIDField takes as well: making a
    UUID object costs several times as much as the number."""
    millisecond = (time.time_ns() // 1_000_000 & 0xFFFF_FFFF_FFFF) << 80
    random = os.urandom(10 * count)
    return [
        (millisecond | int.from_bytes(random[at : at + 10], "big")) & _KEEP
        | _VERSION_7
        | _RFC_VARIANT
        for at in range(0, 10 * count, 10)
    ]
