from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from wangge.core.views import healthz

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
