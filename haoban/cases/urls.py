"""Public (anonymous) pages of the cases app: notice verification (the QR code of every notice)."""

from django.urls import path

from . import verify

app_name = "cases_public"

urlpatterns = [
    path("verify/<str:token>/", verify.notice_verify, name="verify"),
]
