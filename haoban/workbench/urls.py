from django.urls import path

from . import views

app_name = "workbench"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("negative-register/", views.negative_register, name="negative_register"),
    path("alerts/read/", views.alerts_read, name="alerts_read"),
    path("cases/<str:number>/", views.case_page, name="case"),
    path("cases/<str:number>/actions/<str:action>/", views.case_action, name="action"),
    path("cases/<str:number>/notices/<uuid:notice_uuid>/", views.case_notice, name="notice"),
    path("cases/<str:number>/materials/<uuid:material_uuid>/", views.case_material, name="material"),
    path("cases/<str:number>/signatures/<uuid:signature_uuid>/", views.case_signature, name="signature"),
    path(
        "cases/<str:number>/materials/<uuid:material_uuid>/review/",
        views.case_material_review,
        name="material_review",
    ),
]
