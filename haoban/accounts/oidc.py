"""Login through the province's unified identity (省统一身份认证) with mozilla-django-oidc.

Accounts are matched by the provider's stable subject (``sub`` claim), not by e-mail: a citizen's e-mail may
change or be missing, the subject does not. A first login creates the account ``oidc-<sub>`` with the name and
phone of the claims and the real-name level the province vouches for (``OIDC_REAL_NAME_LEVEL``); it has no
local password. Enabled only when configured (``haoban.accounts.oidc_settings``, docs/auth.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .backends import load_user
from .models import User
from .oidc_settings import OIDC_BACKEND

USERNAME_PREFIX = "oidc-"


def oidc_enabled() -> bool:
    """Whether the unified-identity login is configured (its backend is installed)."""
    return OIDC_BACKEND in getattr(settings, "AUTHENTICATION_BACKENDS", ())


def username_for_subject(subject: str) -> str:
    return (USERNAME_PREFIX + subject)[:150]


class ProvinceOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        subject = claims.get("sub")
        if not subject:
            return User.objects.none()
        return User.objects.filter(username=username_for_subject(str(subject)))

    def get_user(self, user_id: Any) -> User | None:
        return load_user(user_id)

    def get_username(self, claims: dict[str, Any]) -> str:
        return username_for_subject(str(claims["sub"]))

    def create_user(self, claims: dict[str, Any]) -> User:
        user = User.objects.create_user(
            self.get_username(claims),
            email=str(claims.get("email") or ""),
            display_name=str(claims.get("name") or "")[:100],
            phone=str(claims.get("phone_number") or "")[:20],
            real_name_level=settings.OIDC_REAL_NAME_LEVEL,
        )
        return user

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        changed: list[str] = []
        name = str(claims.get("name") or "")[:100]
        if name and user.display_name != name:
            user.display_name = name
            changed.append("display_name")
        level = settings.OIDC_REAL_NAME_LEVEL
        if user.real_name_level < level:
            user.real_name_level = level
            changed.append("real_name_level")
        if changed:
            user.save(update_fields=changed)
        return user
