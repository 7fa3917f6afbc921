from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from wangge.api import cases, forces, records, views

app_name = "api"

urlpatterns = [
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("auth/token", obtain_auth_token, name="token"),
    path("grids/", views.GridList.as_view(), name="grid-list"),
    path("grids/tree", views.GridTree.as_view(), name="grid-tree"),
    path("grids/locate", views.Locate.as_view(), name="grid-locate"),
    path("grids/<str:code>/", views.GridDetail.as_view(), name="grid-detail"),
    path("grids/<str:code>/tasks", views.GridTasks.as_view(), name="grid-tasks"),
    path("grids/<str:code>/records", records.GridRecords.as_view(), name="grid-records"),
    path("categories/", views.CategoryList.as_view(), name="category-list"),
    path("organisations/", views.OrganisationList.as_view(), name="organisation-list"),
    path("cases/", cases.CaseList.as_view(), name="case-list"),
    path("cases/nearby", cases.CaseNearby.as_view(), name="case-nearby"),
    path("cases/<str:number>/", cases.CaseDetail.as_view(), name="case-detail"),
    path("cases/<str:number>/photos/<int:pk>", cases.CasePhotoFile.as_view(), name="case-photo"),
    path("cases/<str:number>/actions/<str:action>", cases.CaseAct.as_view(), name="case-act"),
    path("cases/<str:number>/remarks/<str:remark>", cases.CaseRemark.as_view(), name="case-remark"),
    path("attendance/check-in", forces.CheckIn.as_view(), name="attendance-check-in"),
    path("attendance/check-out", forces.CheckOut.as_view(), name="attendance-check-out"),
    path("patrols/", forces.PatrolList.as_view(), name="patrol-list"),
    path("patrols/now", forces.PatrolsNow.as_view(), name="patrols-now"),
    path("patrols/<int:pk>/", forces.PatrolDetail.as_view(), name="patrol-detail"),
    path("patrols/<int:pk>/points", forces.PatrolTrack.as_view(), name="patrol-points"),
    path("patrols/<int:pk>/stop", forces.PatrolStop.as_view(), name="patrol-stop"),
    path("duty/now", forces.DutyNow.as_view(), name="duty-now"),
    path("duty/gaps", forces.DutyGaps.as_view(), name="duty-gaps"),
]
