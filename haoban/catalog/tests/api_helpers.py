"""Helpers of the API tests: clients for the three kinds of caller, and counts of what is stored.

Items, regions and departments come from :mod:`haoban.catalog.tests.factories`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from rest_framework.test import APIClient

from haoban.accounts.models import User
from haoban.catalog.models import (
    FeeItem,
    HandlingItem,
    LegalBasis,
    MaterialRequirement,
    ProcessStep,
    ServiceItem,
    ServiceItemVersion,
)
from haoban.core.models import IdempotencyRecord
from haoban.core.roles import CATALOG_MANAGER, role_group

# "Now" of the API tests: items made by the factories are published on 2025-01-01.
NOW = dt.datetime(2025, 6, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()


def anonymous_client() -> APIClient:
    return APIClient()


def user_client(username: str = "citizen") -> APIClient:
    """A logged-in user without any role."""
    client = APIClient()
    client.force_authenticate(User.objects.create_user(username))
    return client


def manager_user(username: str = "manager", password: str | None = None) -> User:
    """A member of 事项管理员; without ``password`` the account cannot log in (and is quick to make)."""
    user = User.objects.create_user(username, password=password)
    user.groups.add(role_group(CATALOG_MANAGER))
    return user


def manager_client(username: str = "manager") -> APIClient:
    """A member of 事项管理员 (catalog_manager)."""
    client = APIClient()
    client.force_authenticate(manager_user(username))
    return client


def catalog_counts() -> dict[str, int]:
    """How many rows of each catalog table exist (to prove that a refused request wrote nothing)."""
    return {
        model.__name__: model.objects.count()
        for model in (
            ServiceItem,
            ServiceItemVersion,
            LegalBasis,
            MaterialRequirement,
            ProcessStep,
            FeeItem,
            HandlingItem,
            IdempotencyRecord,
        )
    }
