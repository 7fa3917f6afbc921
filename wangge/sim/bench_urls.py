"""The URL conf of the server ``wangge bench intake`` starts: the whole application, and beside
it the bare endpoint the intake pipeline is measured against."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from wangge.sim.bench_intake import BARE_PATH, BARE_TABLE
from wangge.urls import urlpatterns as application


@csrf_exempt
@require_POST
def bare(request: HttpRequest) -> JsonResponse:
    """The least a framework endpoint does with a report: read the form, insert one row."""
    posted = request.POST
    # PostgreSQL says the new row's id only when asked; SQLite's cursor knows it without the
    # statement staying open for a fetch.
    returning = " RETURNING id" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BARE_TABLE} (description, lng, lat, received_at) "
            f"VALUES (%s, %s, %s, %s){returning}",
            [
                posted.get("description", ""),
                float(posted.get("long", "0")),
                float(posted.get("lat", "0")),
                timezone.now().isoformat(),
            ],
        )
        row = cursor.fetchone()[0] if returning else cursor.lastrowid
    return JsonResponse({"id": row})


urlpatterns = [path(BARE_PATH.lstrip("/"), bare), *application]
