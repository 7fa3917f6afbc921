from __future__ import annotations

import logging

from django.db import connection
from django.db.utils import Error as DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not: what a load balancer needs."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # The error names hosts and users: it goes to the log, not to whoever asks.
        logger.exception("health check: the database does not answer")
        return JsonResponse({"status": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})
