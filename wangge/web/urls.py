from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from wangge.web import centre, citizen, views

app_name = "web"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="web:login"), name="logout"),
    path("patrol/", views.patrol, name="patrol"),
    path("patrol/manifest.webmanifest", views.patrol_manifest, name="patrol-manifest"),
    path("patrol/sw.js", views.patrol_worker, name="patrol-worker"),
    path("patrol/icon-<int:size>.png", views.patrol_icon, name="patrol-icon"),
    path("r/g/<str:code>/", citizen.citizen_report, name="citizen-report"),
    path("r/g/<str:code>/qr.svg", citizen.grid_qr, name="grid-qr"),
    path("r/t/<uuid:token>/", citizen.citizen_track, name="citizen-track"),
    path("r/c/<str:number>/", citizen.citizen_follow, name="citizen-follow"),
    path("", centre.home, name="home"),
    path("centre/", centre.centre, name="centre"),
    path("centre/live/", centre.centre_live, name="centre-live"),
    path("centre/cases.json", centre.centre_cases, name="centre-cases"),
    path("centre/grids.geojson", centre.centre_grids, name="centre-grids"),
    path("centre/dispatch/", centre.centre_dispatch, name="centre-dispatch"),
]
