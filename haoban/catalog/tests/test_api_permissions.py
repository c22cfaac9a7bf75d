"""Who may write the catalog: anonymous, a logged-in user without a role, a catalog manager, a superuser."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from haoban.accounts.models import User
from haoban.catalog.models import ServiceItem

from .api_helpers import NOW, anonymous_client, catalog_counts, manager_client, manager_user, user_client
from .factories import item_content, make_item

pytestmark = pytest.mark.django_db

NOT_AUTHENTICATED = {"code": "not_authenticated", "message": "身份认证信息未提供。", "fields": {}}
NOT_MANAGER = {"code": "permission_denied", "message": "只有事项管理员可以执行该操作。", "fields": {}}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def items() -> dict[str, ServiceItem]:
    return {
        "published": make_item(basic_code="350100100000").item,
        "draft": make_item(basic_code="350100200000", publish=False).item,
    }


def _operations(items: dict[str, ServiceItem]) -> dict[str, tuple[str, str, Any, int]]:
    published, draft = items["published"], items["draft"]
    create = {
        "implementing_body": draft.implementing_body.uscc,
        "level": 3,
        "basic_code": "350100300000",
        "content": item_content(),
    }
    return {
        "create": ("post", "/api/v1/items/", create, 201),
        "draft-get": ("get", f"/api/v1/items/{draft.implementation_code}/draft/", None, 200),
        "draft-put": (
            "put",
            f"/api/v1/items/{draft.implementation_code}/draft/",
            item_content(name="改名"),
            200,
        ),
        "draft-create": ("post", f"/api/v1/items/{published.implementation_code}/draft/", None, 201),
        "publish": (
            "post",
            f"/api/v1/items/{draft.implementation_code}/publish/",
            {"valid_from": "2025-06-01"},
            200,
        ),
        "claim": (
            "post",
            f"/api/v1/items/{published.implementation_code}/claim/",
            {"department": published.implementing_body.uscc},
            200,
        ),
    }


OPERATIONS = ["create", "draft-get", "draft-put", "draft-create", "publish", "claim"]


def _send(client: APIClient, operation: tuple[str, str, Any, int]):
    method, path, body, _ = operation
    return getattr(client, method)(path, body, format="json")


def _state() -> dict[str, Any]:
    return {
        **catalog_counts(),
        "names": sorted(ServiceItem.objects.values_list("versions__name", "versions__status")),
        "claims": sorted(ServiceItem.objects.values_list("implementation_code", "claim_status")),
    }


@pytest.mark.parametrize("name", OPERATIONS)
def test_anonymous_is_refused_and_nothing_changes(items, name: str) -> None:
    before = _state()

    response = _send(anonymous_client(), _operations(items)[name])

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="api"'
    assert response.json() == NOT_AUTHENTICATED
    assert _state() == before


@pytest.mark.parametrize("name", OPERATIONS)
def test_user_without_the_role_is_refused_and_nothing_changes(items, name: str) -> None:
    before = _state()

    response = _send(user_client(), _operations(items)[name])

    assert response.status_code == 403
    assert response.json() == NOT_MANAGER
    assert _state() == before


@pytest.mark.parametrize("name", OPERATIONS)
def test_catalog_manager_may(items, name: str) -> None:
    operation = _operations(items)[name]

    response = _send(manager_client(), operation)

    assert response.status_code == operation[3], response.json()


@pytest.mark.parametrize("name", OPERATIONS)
def test_superuser_may(items, name: str) -> None:
    operation = _operations(items)[name]
    client = APIClient()
    client.force_authenticate(User.objects.create_superuser("root"))

    response = _send(client, operation)

    assert response.status_code == operation[3], response.json()


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_basic_authentication(items) -> None:
    manager_user("manager", password="pw-manager-2025")
    path = f"/api/v1/items/{items['draft'].implementation_code}/draft/"
    client = APIClient()

    client.credentials(HTTP_AUTHORIZATION=_basic("manager", "pw-manager-2025"))
    assert client.get(path).status_code == 200

    client.credentials(HTTP_AUTHORIZATION=_basic("manager", "wrong"))
    response = client.get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="api"'
    assert response.json() == {
        "code": "authentication_failed",
        "message": "用户名或者密码错误。",
        "fields": {},
    }


def test_session_authentication_enforces_csrf(items) -> None:
    manager_user("manager", password="pw-manager-2025")
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="manager", password="pw-manager-2025")
    path = f"/api/v1/items/{items['published'].implementation_code}/draft/"
    before = catalog_counts()

    response = client.post(path, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["message"].startswith("CSRF")
    assert catalog_counts() == before
