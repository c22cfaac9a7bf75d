from django.urls import path

from haoban.core.api_views import operations_view

from . import views

urlpatterns = [
    path("items/", operations_view(views.ItemListApi, views.ItemCreateApi), name="item-list"),
    path("items/<str:implementation_code>/", views.ItemDetailApi.as_view(), name="item-detail"),
    path(
        "items/<str:implementation_code>/versions/",
        views.ItemVersionListApi.as_view(),
        name="item-version-list",
    ),
    path(
        "items/<str:implementation_code>/versions/<int:number>/",
        views.ItemVersionDetailApi.as_view(),
        name="item-version-detail",
    ),
    path(
        "items/<str:implementation_code>/draft/",
        operations_view(views.ItemDraftDetailApi, views.ItemDraftUpdateApi, views.ItemDraftCreateApi),
        name="item-draft",
    ),
    path("items/<str:implementation_code>/publish/", views.ItemPublishApi.as_view(), name="item-publish"),
    path("items/<str:implementation_code>/claim/", views.ItemClaimApi.as_view(), name="item-claim"),
    path("guides/<str:implementation_code>/", views.GuideDetailApi.as_view(), name="guide-detail"),
    path("service-lists/", views.ServiceListListApi.as_view(), name="service-list-list"),
    path("service-lists/<str:tag>/items/", views.ServiceListItemListApi.as_view(), name="service-list-items"),
    path("standards/audit/", views.StandardsAuditApi.as_view(), name="standards-audit"),
]
