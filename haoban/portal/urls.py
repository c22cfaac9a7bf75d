from django.urls import path

from . import case_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("elder/", views.toggle_elder_mode, name="elder"),
    path("items/", views.item_list, name="item_list"),
    path("items/<str:code>/", views.item_detail, name="item_detail"),
    path("items/<str:code>/guide.pdf", views.guide_pdf, name="guide_pdf"),
    path("items/<str:code>/versions/", views.item_versions, name="item_versions"),
    path("items/<str:code>/versions/<int:number>/", views.item_version_detail, name="item_version"),
    path("items/<str:code>/versions/<int:number>/guide.pdf", views.version_pdf, name="version_pdf"),
    path("lists/", views.lists, name="lists"),
    path("lists/<str:tag_code>/", views.list_detail, name="list_detail"),
    path("standards/", views.standards, name="standards"),
    # 在线申请 and 我的办件 (login required)
    path("apply/<str:code>/", case_views.apply_form, name="apply"),
    path("apply/<str:code>/materials/", case_views.apply_materials, name="apply_materials"),
    path("apply/<str:code>/check/", case_views.apply_check, name="apply_check"),
    path("apply/<str:code>/discard/", case_views.apply_discard, name="apply_discard"),
    path("my/cases/", case_views.my_cases, name="my_cases"),
    path("my/cases/<str:number>/", case_views.my_case, name="my_case"),
    path("my/cases/<str:number>/submitted/", case_views.apply_done, name="apply_done"),
    path("my/cases/<str:number>/supplement/", case_views.my_case_supplement, name="my_case_supplement"),
    path("my/cases/<str:number>/tolerant/", case_views.my_case_tolerant, name="my_case_tolerant"),
    path("my/cases/<str:number>/withdraw/", case_views.my_case_withdraw, name="my_case_withdraw"),
    path(
        "my/cases/<str:number>/notices/<uuid:notice_uuid>/", case_views.my_case_notice, name="my_case_notice"
    ),
    path(
        "my/cases/<str:number>/materials/<uuid:material_uuid>/",
        case_views.my_case_material,
        name="my_case_material",
    ),
]
