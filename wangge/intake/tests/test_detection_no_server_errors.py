"""Whatever a signed detection carries, the answer is a 2xx, or a 4xx with a reason and a code,
never a 5xx; and a case is made with its intake or not at all."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from wangge.cases.models import Case
from wangge.core.testing import DOOR_CHECKS, some_fields
from wangge.intake.models import Intake
from wangge.intake.tests.conftest import Send, detection, snapshot

# Each field as a detection system might send it, or as junk.
PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "id": st.text(min_size=1, max_size=70),
    "camera": st.sampled_from(["CAM-A", "CAM-B", "CAM-Z", ""]),
    "category": st.sampled_from(["event-0102", "event-0501", "event-9999", "part-0101"]),
    "detected_at": st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    "confidence": st.floats(min_value=-1, max_value=2),
    "snapshot": st.sampled_from(["", "bm90IGEgcGljdHVyZQ==", "%%%"]),
    "description": st.text(max_size=40),
    "lng": st.floats(min_value=121.0, max_value=122.0),
    "lat": st.floats(min_value=30.9, max_value=31.5),
}


@DOOR_CHECKS
@given(data=st.data())
def test_random_signed_detections_never_fail_the_server(send: Send, data: st.DataObject) -> None:
    changed = some_fields(data, PLAUSIBLE)
    # Another detection each time, unless the id is what changed: a resend answers 200.
    body = detection(id=str(data.draw(st.uuids())), snapshot=snapshot()) | changed
    response = send(json.dumps(body).encode())
    event(f"answered {response.status_code}")  # --hypothesis-show-statistics
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        answer = json.loads(response.content)
        assert answer["detail"] and answer["code"], answer
    assert Case.objects.count() == Intake.objects.count()
