from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

admin.site.site_header = "一网好办 管理后台"
admin.site.site_title = "一网好办"
admin.site.index_title = "后台管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("haoban.accounts.urls")),
    path("api/v1/", include("haoban.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("workbench/", include("haoban.workbench.urls")),
    path("payments/", include("haoban.payments.urls")),
    path("", include("haoban.cases.urls")),
    path("", include("haoban.portal.urls")),
]
