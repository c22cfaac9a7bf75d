"""OIDC settings for the province's unified identity (省统一身份认证), read from the environment.

Kept free of Django imports: ``haoban.settings`` calls :func:`oidc_settings` while settings are being built.
OIDC is enabled exactly when ``OIDC_RP_CLIENT_ID`` is set; then the other required variables must be set too,
or the process refuses to start (better than a login that fails for the first citizen who tries it).
See ``docs/auth.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MODEL_BACKEND = "haoban.accounts.backends.AccountBackend"
OIDC_BACKEND = "haoban.accounts.oidc.ProvinceOIDCBackend"

REQUIRED = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
)


class OIDCConfigurationError(ValueError):
    """The OIDC environment is incomplete or invalid (message in Chinese)."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def oidc_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """The Django settings for authentication: local accounts always, OIDC when configured."""
    if not environ.get("OIDC_RP_CLIENT_ID", "").strip():
        return {"OIDC_ENABLED": False, "AUTHENTICATION_BACKENDS": [MODEL_BACKEND]}
    missing = [name for name in REQUIRED if not environ.get(name, "").strip()]
    sign_algo = environ.get("OIDC_RP_SIGN_ALGO", "").strip() or "RS256"
    jwks = environ.get("OIDC_OP_JWKS_ENDPOINT", "").strip()
    if sign_algo[:2] in ("RS", "ES") and not jwks:
        missing.append("OIDC_OP_JWKS_ENDPOINT")
    if missing:
        raise OIDCConfigurationError(
            "已设置 OIDC_RP_CLIENT_ID，但缺少省统一身份认证的其他配置："
            + "、".join(missing)
            + "（见 docs/auth.md）"
        )
    try:
        real_name_level = int(environ.get("OIDC_REAL_NAME_LEVEL", "").strip() or "2")
        timeout = int(environ.get("OIDC_TIMEOUT", "").strip() or "10")
    except ValueError:
        raise OIDCConfigurationError("OIDC_REAL_NAME_LEVEL 和 OIDC_TIMEOUT 应为整数") from None
    if real_name_level not in (0, 1, 2, 3):
        raise OIDCConfigurationError("OIDC_REAL_NAME_LEVEL 应为 0–3")
    return {
        "OIDC_ENABLED": True,
        "AUTHENTICATION_BACKENDS": [MODEL_BACKEND, OIDC_BACKEND],
        "OIDC_RP_CLIENT_ID": environ["OIDC_RP_CLIENT_ID"].strip(),
        "OIDC_RP_CLIENT_SECRET": environ["OIDC_RP_CLIENT_SECRET"].strip(),
        "OIDC_OP_AUTHORIZATION_ENDPOINT": environ["OIDC_OP_AUTHORIZATION_ENDPOINT"].strip(),
        "OIDC_OP_TOKEN_ENDPOINT": environ["OIDC_OP_TOKEN_ENDPOINT"].strip(),
        "OIDC_OP_USER_ENDPOINT": environ["OIDC_OP_USER_ENDPOINT"].strip(),
        "OIDC_OP_JWKS_ENDPOINT": jwks or None,
        "OIDC_RP_SIGN_ALGO": sign_algo,
        "OIDC_RP_SCOPES": environ.get("OIDC_RP_SCOPES", "").strip() or "openid profile phone",
        "OIDC_USE_PKCE": _bool(environ.get("OIDC_USE_PKCE"), True),
        "OIDC_VERIFY_SSL": _bool(environ.get("OIDC_VERIFY_SSL"), True),
        "OIDC_TIMEOUT": timeout,
        "OIDC_REAL_NAME_LEVEL": real_name_level,
        # Our URLs live in the ``accounts`` namespace (haoban/accounts/urls.py).
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_callback",
        "LOGIN_REDIRECT_URL_FAILURE": "/accounts/login/?oidc=failed",
    }
