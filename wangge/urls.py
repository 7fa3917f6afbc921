from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.defaults import page_not_found

from wangge.core.views import healthz
from wangge.open311.formats import errors

admin.site.site_header = _("Wangge grid governance")
admin.site.site_title = _("Wangge")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("wangge.api.urls")),
    path("open311/v2/", include("wangge.open311.urls")),
    path("", include("wangge.web.urls")),
    path("intake/v1/", include("wangge.intake.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A path no door answers: in the door's own terms for the machines' doors (the app API and
    the detection webhook in JSON, Open311 in its error body), the page for people."""
    says = gettext("There is nothing at this address.")
    if request.path.startswith("/open311/"):
        return errors("xml" if request.path.endswith(".xml") else "json", 404, says)
    if request.path.startswith(("/api/", "/intake/")):
        answer = {"detail": says, "code": "not_found"}
        return JsonResponse(answer, status=404, json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception)


handler404 = not_found
