"""Static files as WhiteNoise serves them, compressed once when they are collected."""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedStaticFilesStorage

# Brotli's default (11) is its slowest setting: over the console's libraries it costs half a
# minute of CPU at every `wangge serve`, which collects the static files before it listens.
# Level 5 takes a second and still beats gzip's size.
BROTLI_QUALITY = 5


class _Compressor(Compressor):
    @staticmethod
    def compress_brotli(data: bytes) -> bytes:
        import brotli

        return bytes(brotli.compress(data, quality=BROTLI_QUALITY))


class CompressedStaticFiles(CompressedStaticFilesStorage):
    """WhiteNoise's compressed storage with a brotli level fit for collecting at start-up.
    Brotli is there whenever WeasyPrint is (fontTools brings it), and WhiteNoise uses it
    when it can be imported."""

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return _Compressor(**kwargs)
