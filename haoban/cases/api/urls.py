from django.urls import path

from haoban.core.api_views import operations_view

from . import views

urlpatterns = [
    path("cases/", operations_view(views.CaseListApi, views.CaseSubmitApi), name="case-list"),
    path("cases/<str:number>/", views.CaseDetailApi.as_view(), name="case-detail"),
    path(
        "cases/<str:number>/notices/<uuid:notice_id>/pdf",
        views.CaseNoticePdfApi.as_view(),
        name="case-notice-pdf",
    ),
    path("cases/<str:number>/forward/", views.CaseForwardApi.as_view(), name="case-forward"),
    path(
        "cases/<str:number>/material-review/",
        views.CaseMaterialReviewApi.as_view(),
        name="case-material-review",
    ),
    *(
        path(f"cases/<str:number>/{action.value}/", view.as_view(), name=f"case-{action.value}")
        for action, view in views.ACTION_VIEWS.items()
    ),
]
