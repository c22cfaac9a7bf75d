from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.HaobanLoginView.as_view(), name="login"),
    path("logout/", views.HaobanLogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("me/", views.me, name="me"),
    # The province's unified identity (OIDC); 404 unless configured (docs/auth.md).
    path("oidc/authenticate/", views.oidc_authenticate, name="oidc_authenticate"),
    path("oidc/callback/", views.oidc_callback, name="oidc_callback"),
]
