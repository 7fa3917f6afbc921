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
    millisecond = time.time_ns() // 1_000_000
    value = (millisecond & 0xFFFF_FFFF_FFFF) << 80 | int.from_bytes(os.urandom(10), "big")
    return uuid.UUID(int=value & _KEEP | _VERSION_7 | _RFC_VARIANT)
