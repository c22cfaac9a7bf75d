"""办理流程: a step's 承办部门 (assignee department) through the API, the services and Excel."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from haoban.catalog.excel import export_excel, import_excel
from haoban.catalog.models import ProcessStep, ServiceItemVersion
from haoban.catalog.services import version_content, version_create_draft

from .api_helpers import NOW, catalog_counts, manager_client
from .factories import item_content, make_department, make_item, make_region
from .test_admin import _post_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _path(version: ServiceItemVersion) -> str:
    return f"/api/v1/items/{version.item.implementation_code}/draft/"


def _steps(department_uscc: str | None) -> list[dict[str, object]]:
    return [
        {"name": "受理", "role": "window_clerk"},
        {"name": "审查", "role": "reviewer", "department": department_uscc, "time_amount": 3},
        {"name": "决定", "role": "department_head"},
    ]


def test_put_stores_the_step_department_and_the_detail_shows_it() -> None:
    # given
    draft = make_item(publish=False)
    review_office = make_department(name="莆田市卫生健康委员会")

    # when
    response = manager_client().put(
        _path(draft), item_content(steps=_steps(review_office.uscc)), format="json"
    )

    # then
    assert response.status_code == 200, response.json()
    steps = list(ProcessStep.objects.filter(version=draft).order_by("order"))
    assert [(s.name, s.department_id) for s in steps] == [
        ("受理", None),
        ("审查", review_office.pk),
        ("决定", None),
    ]
    assert [s["department"] for s in response.json()["steps"]] == [None, review_office.uscc, None]


def test_unknown_department_code_is_refused_and_nothing_is_written() -> None:
    # given
    draft = make_item(publish=False)
    before = catalog_counts()
    stored = version_content(draft)

    # when
    response = manager_client().put(
        _path(draft), item_content(steps=_steps("91350300MA00000000")), format="json"
    )

    # then
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "steps[1].department": ["未找到统一社会信用代码为 91350300MA00000000 的部门"]
    }
    assert catalog_counts() == before
    assert version_content(ServiceItemVersion.objects.get(pk=draft.pk)) == stored


def test_a_new_draft_and_an_excel_round_trip_keep_the_step_department() -> None:
    # given: a published version whose 审查 step is assigned to another department
    review_office = make_department(region=make_region(), name="莆田市卫生健康委员会")
    published = make_item(steps=_steps(review_office.uscc))

    # when
    draft = version_create_draft(item=published.item)
    buffer = io.BytesIO()
    export_excel(buffer)
    report = import_excel(buffer.getvalue())

    # then
    assert [s["department"] for s in version_content(draft)["steps"]] == [None, review_office.uscc, None]
    assert (report.errors, report.updated, report.created) == ([], 0, 0)


def test_the_admin_inline_sets_the_step_department(admin_client: Client) -> None:
    # given: a draft; the 审查 step (second row) is to be handled by the 卫健委
    draft = version_create_draft(item=make_item().item)
    health = make_department(name="莆田市卫生健康委员会")
    url = reverse("admin:catalog_serviceitemversion_change", args=[draft.pk])
    page = admin_client.get(url)
    assert 'name="steps-1-department"' in page.content.decode()

    # when
    response = admin_client.post(url, _post_data(page, **{"steps-1-department": str(health.pk)}))

    # then
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [s["department"] for s in version_content(draft)["steps"]][:2] == [None, health.uscc]
