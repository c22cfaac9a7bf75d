"""The province's unified identity (OIDC): off without environment; with it, the button, the backend and the
whole code flow — with the provider's token and userinfo calls replaced, so no network is contacted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_backends
from django.test import Client, override_settings

from haoban.accounts.backends import AccountBackend
from haoban.accounts.models import User
from haoban.accounts.oidc import ProvinceOIDCBackend, oidc_enabled
from haoban.accounts.oidc_settings import OIDCConfigurationError, oidc_settings

pytestmark = pytest.mark.django_db

ENV = {
    "OIDC_RP_CLIENT_ID": "haoban-putian",
    "OIDC_RP_CLIENT_SECRET": "s3cret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://id.fj.example/oauth2/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://id.fj.example/oauth2/token",
    "OIDC_OP_USER_ENDPOINT": "https://id.fj.example/oauth2/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://id.fj.example/oauth2/jwks",
}


@pytest.fixture
def oidc_on() -> Iterator[dict[str, Any]]:
    configured = oidc_settings(ENV)
    with override_settings(**configured):
        yield configured


# --- settings from the environment -------------------------------------------------------------------


def test_without_environment_only_local_accounts() -> None:
    assert oidc_settings({}) == {
        "OIDC_ENABLED": False,
        "AUTHENTICATION_BACKENDS": ["haoban.accounts.backends.AccountBackend"],
    }
    assert oidc_settings({"OIDC_RP_CLIENT_ID": "  "})["OIDC_ENABLED"] is False


def test_this_test_run_has_oidc_off() -> None:
    assert settings.AUTHENTICATION_BACKENDS == ["haoban.accounts.backends.AccountBackend"]
    assert settings.OIDC_ENABLED is False
    assert not oidc_enabled()
    assert [type(b) for b in get_backends()] == [AccountBackend]


def test_environment_gives_the_complete_configuration() -> None:
    assert oidc_settings(ENV) == {
        "OIDC_ENABLED": True,
        "AUTHENTICATION_BACKENDS": [
            "haoban.accounts.backends.AccountBackend",
            "haoban.accounts.oidc.ProvinceOIDCBackend",
        ],
        "OIDC_RP_CLIENT_ID": "haoban-putian",
        "OIDC_RP_CLIENT_SECRET": "s3cret",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://id.fj.example/oauth2/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": "https://id.fj.example/oauth2/token",
        "OIDC_OP_USER_ENDPOINT": "https://id.fj.example/oauth2/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": "https://id.fj.example/oauth2/jwks",
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": "openid profile phone",
        "OIDC_USE_PKCE": True,
        "OIDC_VERIFY_SSL": True,
        "OIDC_TIMEOUT": 10,
        "OIDC_REAL_NAME_LEVEL": 2,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_callback",
        "LOGIN_REDIRECT_URL_FAILURE": "/accounts/login/?oidc=failed",
    }


def test_incomplete_environment_refuses_to_start() -> None:
    with pytest.raises(OIDCConfigurationError) as info:
        oidc_settings({"OIDC_RP_CLIENT_ID": "haoban-putian", "OIDC_OP_TOKEN_ENDPOINT": "https://x/token"})
    assert str(info.value) == (
        "已设置 OIDC_RP_CLIENT_ID，但缺少省统一身份认证的其他配置：OIDC_RP_CLIENT_SECRET、"
        "OIDC_OP_AUTHORIZATION_ENDPOINT、OIDC_OP_USER_ENDPOINT、OIDC_OP_JWKS_ENDPOINT（见 docs/auth.md）"
    )
    # HS256 (shared secret) needs no JWKS endpoint
    hs = {k: v for k, v in ENV.items() if k != "OIDC_OP_JWKS_ENDPOINT"} | {"OIDC_RP_SIGN_ALGO": "HS256"}
    assert oidc_settings(hs)["OIDC_OP_JWKS_ENDPOINT"] is None
    with pytest.raises(OIDCConfigurationError, match="OIDC_REAL_NAME_LEVEL 应为 0–3"):
        oidc_settings(ENV | {"OIDC_REAL_NAME_LEVEL": "7"})


def test_oidc_urls_are_404_when_not_configured(client: Client) -> None:
    assert client.get("/accounts/oidc/authenticate/").status_code == 404
    assert client.get("/accounts/oidc/callback/?code=x&state=y").status_code == 404


# --- configured ----------------------------------------------------------------------------------------


def test_configured_login_page_has_the_button_and_the_backend(
    client: Client, oidc_on: dict[str, Any]
) -> None:
    html = client.get("/accounts/login/?next=/accounts/me/").content.decode()
    assert (
        '<a class="button" id="oidc-login" href="/accounts/oidc/authenticate/?next=/accounts/me/">'
        "使用省统一身份认证登录</a>"
    ) in html
    assert oidc_enabled()
    assert [type(b) for b in get_backends()] == [AccountBackend, ProvinceOIDCBackend]


def test_authenticate_redirects_to_the_provider_with_pkce(client: Client, oidc_on: dict[str, Any]) -> None:
    response = client.get("/accounts/oidc/authenticate/?next=/accounts/me/")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://id.fj.example/oauth2/authorize"
    assert query["client_id"] == ["haoban-putian"]
    assert query["response_type"] == ["code"]
    assert query["scope"] == ["openid profile phone"]
    assert query["redirect_uri"] == ["http://testserver/accounts/oidc/callback/"]
    assert query["code_challenge_method"] == ["S256"]
    assert set(client.session["oidc_states"]) == set(query["state"])
    assert client.session["oidc_login_next"] == "/accounts/me/"


def _login_through_provider(client: Client, claims: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    state = parse_qs(urlsplit(client.get("/accounts/oidc/authenticate/")["Location"]).query)["state"][0]
    sent: dict[str, Any] = {}

    def get_token(self: ProvinceOIDCBackend, payload: dict[str, Any]) -> dict[str, str]:
        sent.update(payload)
        return {"id_token": "id-token", "access_token": "access-token"}

    with (
        mock.patch.object(ProvinceOIDCBackend, "get_token", get_token),
        mock.patch.object(ProvinceOIDCBackend, "verify_token", return_value={"sub": claims.get("sub")}),
        mock.patch.object(ProvinceOIDCBackend, "get_userinfo", return_value=claims),
    ):
        response = client.get(f"/accounts/oidc/callback/?code=the-code&state={state}")
    return response, sent


def test_first_login_creates_a_real_name_account_matched_by_subject(
    client: Client, oidc_on: dict[str, Any]
) -> None:
    # when
    response, sent = _login_through_provider(
        client, {"sub": "fj-000123", "name": "张三", "phone_number": "13800000001", "email": ""}
    )
    # then
    assert (response.status_code, response["Location"]) == (302, "/accounts/me/")
    assert sent["code"] == "the-code"
    assert sent["redirect_uri"] == "http://testserver/accounts/oidc/callback/"
    assert "code_verifier" in sent
    user = User.objects.get(username="oidc-fj-000123")
    assert (user.display_name, user.phone, user.real_name_level, user.has_usable_password()) == (
        "张三",
        "13800000001",
        2,
        False,
    )
    assert client.get("/accounts/me/").status_code == 200
    # when: the same subject logs in again with a new name, on another device
    other = Client()
    _login_through_provider(other, {"sub": "fj-000123", "name": "张三丰"})
    # then: the same account, updated
    assert User.objects.filter(username__startswith="oidc-").count() == 1
    assert User.objects.get(username="oidc-fj-000123").display_name == "张三丰"


def test_claims_without_a_subject_do_not_log_in(client: Client, oidc_on: dict[str, Any]) -> None:
    response, _ = _login_through_provider(client, {"name": "无名"})
    assert response["Location"] == "/accounts/login/?oidc=failed"
    assert not User.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "省统一身份认证登录未成功" in page
