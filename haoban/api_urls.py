"""``/api/v1/``: the URL modules of every app's API, under the namespace ``api``."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("haoban.catalog.api.urls")),
    path("", include("haoban.organization.api")),
    path("", include("haoban.integration.api")),
    path("", include("haoban.cases.api.urls")),
]
