"""API keys for outside systems: made once and shown once, then known only by their digest."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wangge.cases.choices import Channel
from wangge.core.rows import row_by_key
from wangge.intake.models import ApiKey


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_create(*, name: str, channel: str = Channel.CITIZEN) -> tuple[ApiKey, str]:
    """A new key named ``name`` whose reports count under ``channel``; the raw key is returned
    here and never again."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    raw = secrets.token_urlsafe(32)
    key = ApiKey(name=name, prefix=raw[:8], digest=_digest(raw), channel=channel)
    key.full_clean()
    key.save()
    return key, raw


def api_key_check(raw: str) -> ApiKey | None:
    """The active key presented as ``raw``, or None."""
    if not raw:
        return None
    # Checked on every report: one plain statement, not the query compiler's.
    key = row_by_key(ApiKey, digest=_digest(raw))
    return key if key is not None and key.is_active else None
