"""Drafts through the API: read, replace, start a new version; published versions never change."""

from __future__ import annotations

import pytest
import time_machine

from haoban.catalog.models import ServiceItemVersion
from haoban.catalog.services import version_content

from .api_helpers import NOW, anonymous_client, catalog_counts, manager_client
from .factories import item_content, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _path(version: ServiceItemVersion) -> str:
    return f"/api/v1/items/{version.item.implementation_code}/draft/"


def test_get_draft() -> None:
    draft = make_item(publish=False, name="草稿名称")

    response = manager_client().get(_path(draft))

    assert response.status_code == 200
    assert (response.json()["version"], response.json()["status"], response.json()["name"]) == (
        1,
        "draft",
        "草稿名称",
    )


def test_get_draft_when_there_is_none_is_not_found() -> None:
    published = make_item()

    response = manager_client().get(_path(published))

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到该对象。", "fields": {}}


def test_put_replaces_the_whole_content() -> None:
    # given: a draft with fees, tags and three steps
    draft = make_item(
        publish=False,
        charges_fee=True,
        fees=[{"name": "工本费", "amount": "10.00"}],
        sub_center="",
        visits_required=1,
    )
    content = item_content(name="新名称", steps=[{"name": "受理", "role": "window_clerk"}])
    del content["service_tags"], content["conditions"]

    # when
    response = manager_client().put(_path(draft), content, format="json")

    # then: what was sent is stored; what was left out is back to its default
    assert response.status_code == 200, response.json()
    stored = version_content(ServiceItemVersion.objects.get(pk=draft.pk))
    assert stored["name"] == "新名称"
    assert stored["steps"] == [
        {
            "name": "受理",
            "role": "window_clerk",
            "department": None,
            "time_amount": 1,
            "time_unit": "workday",
            "description": "",
        }
    ]
    assert (stored["charges_fee"], stored["fees"], stored["service_tags"], stored["conditions"]) == (
        False,
        [],
        [],
        "",
    )
    assert response.json()["name"] == "新名称"
    assert response.json()["fees"] == []


def test_put_round_trips_what_get_returns() -> None:
    draft = make_item(publish=False)
    client = manager_client()
    before = version_content(ServiceItemVersion.objects.get(pk=draft.pk))

    got = client.get(_path(draft)).json()
    response = client.put(_path(draft), got, format="json")

    assert response.status_code == 200, response.json()
    assert version_content(ServiceItemVersion.objects.get(pk=draft.pk)) == before


def test_put_bad_content_is_a_400_and_changes_nothing() -> None:
    draft = make_item(publish=False)
    before = version_content(ServiceItemVersion.objects.get(pk=draft.pk))
    counts = catalog_counts()

    response = manager_client().put(
        _path(draft), item_content(name="新名称", visits_required=0, online_depth=3), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "visits_required：零跑腿事项的网办深度应为四级（全程网办）",
        "fields": {"visits_required": ["零跑腿事项的网办深度应为四级（全程网办）"]},
    }
    assert version_content(ServiceItemVersion.objects.get(pk=draft.pk)) == before
    assert catalog_counts() == counts


def test_put_without_a_draft_is_a_conflict_and_the_published_version_is_unchanged() -> None:
    published = make_item()
    before = version_content(published)

    response = manager_client().put(_path(published), item_content(name="改已发布的"), format="json")

    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": "该事项没有草稿：已发布的版本不可修改，请先创建新版本。",
        "fields": {},
    }
    assert version_content(ServiceItemVersion.objects.get(pk=published.pk)) == before


def test_post_starts_a_new_version_copied_from_the_newest() -> None:
    published = make_item(name="现行名称")

    response = manager_client().post(_path(published), format="json")

    assert response.status_code == 201
    data = response.json()
    assert (data["version"], data["status"], data["name"], data["valid_from"]) == (
        2,
        "draft",
        "现行名称",
        None,
    )
    draft = published.item.versions.get(number=2)
    assert version_content(draft) == version_content(published)
    # the new draft is not public; the published version still is
    public = anonymous_client().get(f"/api/v1/items/{published.item.implementation_code}/")
    assert public.json()["version"] == 1


def test_post_when_a_draft_exists_is_a_conflict() -> None:
    draft = make_item(publish=False)
    counts = catalog_counts()

    response = manager_client().post(_path(draft), format="json")

    assert response.status_code == 409
    assert response.json() == {"code": "conflict", "message": "已有未发布的草稿（第 1 版）", "fields": {}}
    assert catalog_counts() == counts


def test_post_with_idempotency_key_creates_one_version() -> None:
    published = make_item()
    client = manager_client()

    first = client.post(_path(published), format="json", HTTP_IDEMPOTENCY_KEY="new-version-1")
    retry = client.post(_path(published), format="json", HTTP_IDEMPOTENCY_KEY="new-version-1")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert published.item.versions.count() == 2


def test_unknown_item_is_not_found() -> None:
    client = manager_client()
    path = "/api/v1/items/11350300MB0000001C3350100999000/draft/"

    assert client.get(path).status_code == 404
    assert client.put(path, item_content(), format="json").status_code == 404
    assert client.post(path, format="json").status_code == 404


def test_other_methods_are_not_allowed() -> None:
    draft = make_item(publish=False)

    response = manager_client().delete(_path(draft))

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, PUT, POST, OPTIONS"
    assert response.json() == {
        "code": "method_not_allowed",
        "message": "方法 “DELETE” 不被允许。",
        "fields": {},
    }
    assert ServiceItemVersion.objects.filter(pk=draft.pk).exists()


def test_put_keeps_the_uploaded_files_of_materials_that_keep_their_name() -> None:
    # given: files uploaded in the admin for the first material
    draft = make_item(publish=False)
    first = draft.materials.get(name="食品经营许可申请书")
    first.blank_form.name = "catalog/forms/shenqingshu.docx"
    first.sample.name = "catalog/samples/shenqingshu.pdf"
    first.save(update_fields=["blank_form", "sample"])
    content = item_content()
    content["materials"] = [{"name": "食品经营许可申请书", "originals": 2}, {"name": "新材料"}]

    # when
    response = manager_client().put(_path(draft), content, format="json")

    # then
    assert response.status_code == 200, response.json()
    rows = [
        (m.name, m.originals, m.blank_form.name, m.sample.name) for m in draft.materials.order_by("order")
    ]
    assert rows == [
        ("食品经营许可申请书", 2, "catalog/forms/shenqingshu.docx", "catalog/samples/shenqingshu.pdf"),
        ("新材料", 0, "", ""),
    ]
    assert response.json()["materials"][0]["blank_form_url"] == "/media/catalog/forms/shenqingshu.docx"


def test_allow_header_lists_every_method_of_the_url() -> None:
    make_item()

    assert anonymous_client().get("/api/v1/items/").headers["Allow"] == "GET, POST, OPTIONS"
