from __future__ import annotations

from django.urls import path

from wangge.intake import views

app_name = "intake"

urlpatterns = [
    path("detections", views.detections, name="detections"),
]
