"""Grid codes after the national pattern: each level appends a fixed number of digits to its
parent's code (6-digit division, 3-digit street, …). The widths are a setting."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _


def code_length(level: int) -> int:
    """How many digits a code of this level has."""
    widths: list[int] = settings.WANGGE_GRID_CODE_WIDTHS
    return sum(widths[:level])


def code_problem(code: str, level: int, parent_code: str | None) -> str | None:
    """Why ``code`` cannot be a grid of ``level`` under ``parent_code``, or None if it can."""
    if not code.isdigit() or not code.isascii():
        return _("code %(code)r must be digits only") % {"code": code}
    expected = code_length(level)
    if len(code) != expected:
        return _("code %(code)r must have %(digits)d digits at this level") % {
            "code": code,
            "digits": expected,
        }
    if parent_code is not None and not code.startswith(parent_code):
        return _("code %(code)r must start with its parent's code %(parent)r") % {
            "code": code,
            "parent": parent_code,
        }
    return None
