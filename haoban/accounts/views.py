"""Account pages: login, logout, applicant registration, 我的账号. Thin: services write, selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import selectors
from .forms import REGISTRABLE_KINDS, LoginForm, RegisterForm, RegisterKindForm
from .oidc import oidc_enabled
from .oidc_settings import MODEL_BACKEND
from .services import applicant_register, applicant_register_errors


class HaobanLoginView(LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = oidc_enabled()
        context["oidc_failed"] = self.request.GET.get("oidc") == "failed"
        return context


class HaobanLogoutView(LogoutView):
    """POST logs out (Django's rule: a link must not log anyone out); GET asks to confirm, without JS."""

    http_method_names = ["get", "post", "options"]
    template_name = "accounts/logged_out.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return render(request, "accounts/logout_confirm.html")


def oidc_authenticate(request: HttpRequest) -> HttpResponseBase:
    """Start the unified-identity login (redirect to the provider); 404 unless configured."""
    if not oidc_enabled():
        raise Http404("未启用省统一身份认证")
    return OIDCAuthenticationRequestView.as_view()(request)


def oidc_callback(request: HttpRequest) -> HttpResponseBase:
    if not oidc_enabled():
        raise Http404("未启用省统一身份认证")
    return OIDCAuthenticationCallbackView.as_view()(request)


@sensitive_post_parameters("password1", "password2", "resident_id")
def register(request: HttpRequest) -> HttpResponse:
    """/accounts/register/: choose 自然人 or 企业 (GET ?kind=), then one form; errors summarised on top."""
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in REGISTRABLE_KINDS:
            return render(request, "accounts/register_kind.html", {"form": RegisterKindForm()}, status=400)
        form = RegisterForm(request.POST, kind=kind)
        valid = form.is_valid()
        data = form.cleaned_data
        fields = {
            "username": data.get("username", ""),
            "password": data.get("password1", ""),
            "kind": kind,
            "name": data.get("name", ""),
            "phone": data.get("phone", ""),
            "resident_id": data.get("resident_id"),
            "uscc": data.get("uscc"),
            "legal_representative": data.get("legal_representative", ""),
        }
        if valid:
            try:
                profile = applicant_register(**fields)
            except ValidationError as exc:
                form.add_service_errors(exc.message_dict)
            else:
                login(request, profile.user, backend=MODEL_BACKEND)
                messages.success(request, "注册成功，您已登录。")
                return redirect("accounts:me")
        else:
            # Show every problem at once, not only the form's own (passwords that differ).
            form.add_service_errors(applicant_register_errors(**fields))
        return render(request, "accounts/register.html", {"form": form, "kind": kind}, status=400)

    if "kind" not in request.GET:
        return render(request, "accounts/register_kind.html", {"form": RegisterKindForm()})
    kind_form = RegisterKindForm(request.GET)
    if not kind_form.is_valid():
        return render(request, "accounts/register_kind.html", {"form": kind_form}, status=400)
    kind = kind_form.cleaned_data["kind"]
    return render(request, "accounts/register.html", {"form": RegisterForm(kind=kind), "kind": kind})


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """/accounts/me/: the signed-in account, its applicant profile, agent authorizations and staff roles."""
    today = timezone.localdate()
    context = selectors.account_overview(user=request.user, today=today)  # type: ignore[arg-type]
    return render(request, "accounts/me.html", {**context, "today": today})
