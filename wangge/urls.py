from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from wangge.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("wangge.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
