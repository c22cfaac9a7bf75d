"""POST /api/v1/items/{code}/publish/: a draft becomes the version in force."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from haoban.catalog.models import ServiceItemVersion
from haoban.catalog.services import version_create_draft, version_update

from .api_helpers import NOW, anonymous_client, catalog_counts, manager_client
from .factories import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _path(version: ServiceItemVersion) -> str:
    return f"/api/v1/items/{version.item.implementation_code}/publish/"


def test_publishing_the_first_version_makes_it_public() -> None:
    draft = make_item(publish=False)
    code = draft.item.implementation_code

    response = manager_client().post(_path(draft), {"change_note": "首次发布"}, format="json")

    assert response.status_code == 200
    data = response.json()
    assert (data["version"], data["status"], data["valid_from"], data["change_note"]) == (
        1,
        "published",
        "2025-06-01",  # today by default
        "首次发布",
    )
    assert data["published_at"] == "2025-06-01T10:00:00+08:00"
    assert anonymous_client().get(f"/api/v1/items/{code}/").json()["version"] == 1


def test_publishing_a_new_version_ends_the_old_one() -> None:
    v1 = make_item(name="旧名称")
    v2 = version_update(version=version_create_draft(item=v1.item), content={"name": "新名称"})

    response = manager_client().post(_path(v2), {"valid_from": "2025-06-01"}, format="json")

    assert response.status_code == 200
    v1.refresh_from_db()
    assert v1.valid_to == dt.date(2025, 5, 31)
    public = anonymous_client().get(f"/api/v1/items/{v1.item.implementation_code}/").json()
    assert (public["version"], public["name"]) == (2, "新名称")


def test_valid_from_not_after_the_current_version_is_a_400_and_nothing_changes() -> None:
    v1 = make_item()
    v2 = version_create_draft(item=v1.item)

    response = manager_client().post(_path(v2), {"valid_from": "2025-01-01"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "valid_from：生效日期应晚于现行版本的生效日期 2025-01-01",
        "fields": {"valid_from": ["生效日期应晚于现行版本的生效日期 2025-01-01"]},
    }
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.valid_to, v2.status) == (None, "draft")


def test_bad_date_is_a_400() -> None:
    draft = make_item(publish=False)

    response = manager_client().post(_path(draft), {"valid_from": "2025-02-30"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["valid_from"]
    assert response.json()["message"].startswith("valid_from：日期格式错误")
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_publishing_without_a_draft_is_a_conflict() -> None:
    published = make_item()
    counts = catalog_counts()

    response = manager_client().post(_path(published), {}, format="json")

    assert response.status_code == 409
    assert response.json() == {"code": "conflict", "message": "该事项没有待发布的草稿。", "fields": {}}
    assert catalog_counts() == counts


def test_retry_with_the_same_idempotency_key_replays_instead_of_conflicting() -> None:
    draft = make_item(publish=False)
    client = manager_client()

    first = client.post(
        _path(draft), {"valid_from": "2025-06-01"}, format="json", HTTP_IDEMPOTENCY_KEY="pub-1"
    )
    retry = client.post(
        _path(draft), {"valid_from": "2025-06-01"}, format="json", HTTP_IDEMPOTENCY_KEY="pub-1"
    )
    without_key = client.post(_path(draft), {"valid_from": "2025-06-01"}, format="json")

    assert (first.status_code, retry.status_code, without_key.status_code) == (200, 200, 409)
    assert retry.json() == first.json()
