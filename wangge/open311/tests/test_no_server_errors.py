"""Whatever arrives at the doors, the answer is a 2xx or a 4xx with a reason, never a 5xx, and
no case is left without its intake."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wangge.cases.models import Case
from wangge.intake.models import Intake
from wangge.people.testing import Cast

junk = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "nan", "inf", "-0", "1e309", "31.0", "121.4", "event-0101", "\x00"]),
)
FIELDS = [
    "service_code",
    "lat",
    "long",
    "description",
    "media_url",
    "jurisdiction_id",
    "attribute[location_detail]",
    "attribute[facility_code]",
    "first_name",
    "phone",
]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.dictionaries(st.sampled_from(FIELDS), junk, max_size=len(FIELDS)))
def test_random_open311_posts_never_fail_the_server(
    cast: Cast, api_key: str, data: dict[str, str]
) -> None:
    client = Client(raise_request_exception=False)
    response: Any = client.post("/open311/v2/requests.json", {"api_key": api_key, **data})
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response.json()[0]["description"]
    assert Case.objects.count() == Intake.objects.count()


@pytest.mark.parametrize(
    "path",
    ["/open311/v2/requests.json", "/open311/v2/requests.xml", "/open311/v2/services.json"],
)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    query=st.dictionaries(
        st.sampled_from(
            [
                "service_request_id",
                "service_code",
                "start_date",
                "end_date",
                "status",
                "page",
                "page_size",
                "jurisdiction_id",
            ]
        ),
        junk,
        max_size=6,
    )
)
def test_random_searches_never_fail_the_server(
    cast: Cast, path: str, query: dict[str, str]
) -> None:
    response: Any = Client(raise_request_exception=False).get(path, query)
    assert response.status_code < 500, response.content
