"""Public pages (citizen portal): thin views that call selectors and render templates."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def toggle_elder_mode(request: HttpRequest) -> HttpResponse:
    """Switch 长辈版 (larger text, higher contrast) on or off; works without JavaScript."""
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.COOKIES.get("elder") == "1":
        response.delete_cookie("elder")
    else:
        response.set_cookie("elder", "1", max_age=365 * 24 * 3600, samesite="Lax")
    return response
