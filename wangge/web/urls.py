from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from wangge.web import board, centre, citizen, grids, hotspots, leader, views
from wangge.web import colours as three_colour
from wangge.web import review as review_views
from wangge.web.cases import case_act_view, case_page, case_remark_view
from wangge.web.inbox import inbox
from wangge.web.reports import department_report, town_report

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
    path("r/s/<str:code>/", citizen.shop_report, name="shop-report"),
    path("r/s/<str:code>/qr.svg", citizen.shop_qr, name="shop-qr"),
    path("r/t/<uuid:token>/", citizen.citizen_track, name="citizen-track"),
    path("r/c/<str:signed>/", citizen.citizen_follow, name="citizen-follow"),
    path("", centre.home, name="home"),
    path("centre/", centre.centre, name="centre"),
    path("centre/live/", centre.centre_live, name="centre-live"),
    path("centre/cases.json", centre.centre_cases, name="centre-cases"),
    path("centre/grids.geojson", centre.centre_grids, name="centre-grids"),
    path("centre/dispatch/", centre.centre_dispatch, name="centre-dispatch"),
    path("cases/<str:number>/", case_page, name="case"),
    path("cases/<str:number>/act/<str:action>", case_act_view, name="case-act"),
    path("cases/<str:number>/remark/<str:remark>", case_remark_view, name="case-remark"),
    path("inbox/", inbox, name="inbox"),
    path("grids/<str:code>/", grids.grid_page, name="grid"),
    path("grids/<str:code>/board/", board.board, name="board"),
    path("grids/<str:code>/board.pdf", board.board_pdf, name="board-pdf"),
    path(
        "grids/<str:code>/board/photos/<int:person_id>.jpg",
        board.board_photo,
        name="board-photo",
    ),
    path("leader/", leader.leader, name="leader"),
    path("colours/", three_colour.three_colour, name="three-colour"),
    path("colours/blocks.geojson", three_colour.three_colour_blocks, name="three-colour-blocks"),
    path("hotspots/", hotspots.patrol_vs_complaint_page, name="patrol-vs-complaint"),
    path("review/", review_views.review_home, name="review"),
    path("review/new/", review_views.review_new, name="review-new"),
    path("review/<int:pk>/", review_views.review_round_page, name="review-round"),
    path("review/<int:pk>/close", review_views.review_close, name="review-close"),
    path(
        "review/<int:pk>/reassign/<int:assignment_id>",
        review_views.review_reassign_view,
        name="review-reassign",
    ),
    path(
        "review/<int:pk>/decide/<int:sample_id>",
        review_views.review_decide_view,
        name="review-decide",
    ),
    path("review/queue/", review_views.review_queue, name="review-queue"),
    path("review/rate/<int:pk>/", review_views.review_rate_view, name="review-rate"),
    path(
        "review/rate/<int:pk>/photos/<int:photo_id>.jpg",
        review_views.review_photo,
        name="review-photo",
    ),
    path("reports/towns/<str:code>/<int:year>/<int:month>/", town_report, name="town-report"),
    path(
        "reports/towns/<str:code>/<int:year>/<int:month>/report.xlsx",
        town_report,
        {"form": "xlsx"},
        name="town-report-xlsx",
    ),
    path(
        "reports/towns/<str:code>/<int:year>/<int:month>/report.pdf",
        town_report,
        {"form": "pdf"},
        name="town-report-pdf",
    ),
    path(
        "reports/departments/<int:pk>/<int:year>/q<int:quarter>/",
        department_report,
        name="department-report",
    ),
    path(
        "reports/departments/<int:pk>/<int:year>/q<int:quarter>/report.xlsx",
        department_report,
        {"form": "xlsx"},
        name="department-report-xlsx",
    ),
    path(
        "reports/departments/<int:pk>/<int:year>/q<int:quarter>/report.pdf",
        department_report,
        {"form": "pdf"},
        name="department-report-pdf",
    ),
]
