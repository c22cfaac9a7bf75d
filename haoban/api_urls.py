"""``/api/v1/``: the URL modules of every app's API, under the namespace ``api``."""

from django.urls import include, path

app_name = "api"

# The busiest first (case submission and lists): Django tries the modules in order, and every module that
# does not match costs a little. The prefixes of the modules do not overlap.
urlpatterns = [
    path("", include("haoban.cases.api.urls")),
    path("", include("haoban.catalog.api.urls")),
    path("", include("haoban.organization.api")),
    path("", include("haoban.integration.api")),
]
