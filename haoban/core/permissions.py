"""DRF permission classes built on :mod:`haoban.core.roles`."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .roles import is_catalog_manager


class IsCatalogManager(BasePermission):
    """The caller is a member of 事项管理员 (``catalog_manager``) or a superuser."""

    message = "只有事项管理员可以执行该操作。"

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_catalog_manager(request.user)
