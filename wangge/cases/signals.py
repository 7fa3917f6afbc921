"""Signals the case engine sends inside its write transactions, for those who keep something in
step with the events (the KPI rollups) without the case engine depending on them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after events are appended, in the same transaction. With ``case`` and ``event``: one event
# of a case the sender holds. With ``case_ids`` and ``action``: each of these cases got one new
# event of that action, its last.
events_appended = Signal()
