"""Rows inserted by the thousand come back with their ids, whichever way the database tells."""

from __future__ import annotations

import datetime

import pytest

from wangge.cases.models import CaseNumberCounter
from wangge.core.bulk import ROWS_PER_STATEMENT, bulk_insert, bulk_values

pytestmark = pytest.mark.django_db


def test_the_ids_asked_back_belong_to_their_rows_across_statements() -> None:
    count = ROWS_PER_STATEMENT * 2 + 500
    first = datetime.date(2000, 1, 1)
    # A row before: the ids do not start at 1.
    CaseNumberCounter.objects.create(day=first - datetime.timedelta(days=1), last=count)
    rows = bulk_insert(
        CaseNumberCounter,
        {
            "day": [first + datetime.timedelta(days=i) for i in range(count)],
            "last": bulk_values(CaseNumberCounter, "last", range(count)),
        },
        returning=("last", "id"),
    )
    assert len(rows) == count
    assert dict(rows) == dict(
        CaseNumberCounter.objects.filter(last__lt=count).values_list("last", "id")
    )
    assert {
        counter.last: counter.day - first
        for counter in CaseNumberCounter.objects.filter(last__lt=count)
    } == {i: datetime.timedelta(days=i) for i in range(count)}
