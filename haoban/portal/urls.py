from django.urls import path

from . import views

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
]
