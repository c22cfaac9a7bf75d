"""The catalog admin: pages render, published versions are read-only, every save goes through the services."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from haoban.catalog.models import MaterialRequirement, ServiceItem, ServiceItemVersion
from haoban.catalog.services import version_content, version_create_draft

from .excel_helpers import make_user
from .factories import make_department, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(make_user())
    return client


def _url(name: str, *args: Any) -> str:
    return reverse(f"admin:catalog_{name}", args=args)


def _form_html(html: str, form_id: str) -> str:
    match = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S)
    assert match, f"form {form_id} not found"
    return match.group(0)


def _post_data(response: Any, **overrides: Any) -> dict[str, Any]:
    """The change form's current values, as a browser would submit them, with ``overrides``."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for bound in form:
            value = bound.value()
            if value is None or isinstance(bound.field, forms.FileField):
                continue
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    data.update(overrides)
    return data


# --- organization ------------------------------------------------------------------------------------


def test_organization_pages(admin_client: Client) -> None:
    department = make_department()
    for url in (
        reverse("admin:organization_region_changelist") + "?kind__exact=city&q=莆田",
        reverse("admin:organization_region_change", args=[department.region.pk]),
        reverse("admin:organization_department_changelist") + "?q=市场",
        reverse("admin:organization_department_change", args=[department.pk]),
        reverse("admin:organization_servicecenter_changelist"),
        reverse("admin:organization_servicecenter_add"),
    ):
        assert admin_client.get(url).status_code == 200, url


# --- items -------------------------------------------------------------------------------------------


def test_item_changelist_lists_filters_and_searches(admin_client: Client) -> None:
    make_item(name="食品经营许可", basic_code="350100100000")
    make_item(name="居民养老服务补贴", basic_code="352000100000", publish=False)

    response = admin_client.get(_url("serviceitem_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "食品经营许可" in html and "居民养老服务补贴" in html
    assert "从 Excel 导入" in html and "导出 Excel" in html and "下载导入模板" in html

    def names(query: str) -> list[str]:
        page = admin_client.get(_url("serviceitem_changelist") + query)
        assert page.status_code == 200
        return [str(item.current_name) for item in page.context["cl"].result_list]

    assert names("?q=养老") == ["居民养老服务补贴"]
    assert names("?q=350100100000") == ["食品经营许可"]
    assert names("?item_type=20") == ["居民养老服务补贴"]
    assert names("?version_state=unpublished") == ["居民养老服务补贴"]
    assert names("?version_state=published") == ["食品经营许可"]
    assert names("?level__exact=3&claim_status__exact=unclaimed") == ["食品经营许可", "居民养老服务补贴"]


def test_item_page_lists_every_version_with_links(admin_client: Client) -> None:
    first = make_item(name="食品经营许可")
    draft = version_create_draft(item=first.item)

    response = admin_client.get(_url("serviceitem_change", first.item.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert _url("serviceitemversion_change", first.pk) in html
    assert _url("serviceitemversion_change", draft.pk) in html
    assert "版本历史" in html and "已发布" in html and "草稿" in html
    assert "2025年1月1日" in html  # valid_from of version 1
    assert 'name="implementation_code"' not in html  # an item's identity is not editable


def test_add_item_calls_item_create(admin_client: Client) -> None:
    department = make_department()
    data = {
        "implementing_body": department.pk,
        "level": 3,
        "basic_code": "350100100000",
        "region": "",
        "name": "食品经营许可",
        "item_type": "01",
        "legal_limit_amount": 20,
        "legal_limit_unit": "workday",
        "promised_limit_amount": 5,
        "promised_limit_unit": "workday",
        "handling_type": "promised",
        "channels": ["pc", "window"],
    }

    response = admin_client.post(_url("serviceitem_add"), data)

    assert response.status_code == 302
    item = ServiceItem.objects.get()
    assert item.implementation_code == f"{department.uscc}3350100100000"
    assert item.region == department.region
    version = item.versions.get()
    assert (version.number, version.status, version.name, version.promised_limit_amount) == (
        1,
        "draft",
        "食品经营许可",
        5,
    )


def test_add_item_shows_service_errors_and_writes_nothing(admin_client: Client) -> None:
    department = make_department()
    data = {
        "implementing_body": department.pk,
        "level": 3,
        "basic_code": "350100100000",
        "name": "食品经营许可",
        "item_type": "07",
        "legal_limit_amount": 20,
        "legal_limit_unit": "workday",
        "promised_limit_amount": 30,
        "promised_limit_unit": "workday",
        "handling_type": "promised",
    }

    response = admin_client.post(_url("serviceitem_add"), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {
        "channels": ["该字段是必填项。"],
        "item_type": ["事项类型应与基本编码第 3–4 位“01”一致"],
        "promised_limit_amount": ["承诺时限（30）不得超过法定时限（20）"],
    }
    assert ServiceItem.objects.count() == 0


def test_item_actions_claim_and_new_version(admin_client: Client) -> None:
    version = make_item()
    changelist = _url("serviceitem_changelist")

    admin_client.post(changelist, {"action": "claim_items", "_selected_action": [version.item.pk]})
    admin_client.post(changelist, {"action": "create_new_versions", "_selected_action": [version.item.pk]})
    response = admin_client.post(
        changelist, {"action": "create_new_versions", "_selected_action": [version.item.pk]}, follow=True
    )

    version.item.refresh_from_db()
    assert version.item.claim_status == "claimed"
    assert list(version.item.versions.values_list("number", "status")) == [(2, "draft"), (1, "published")]
    assert f"{version.item.implementation_code}：已有未发布的草稿（第 2 版）" in response.content.decode()


def test_item_page_buttons_create_a_version_and_claim(admin_client: Client) -> None:
    version = make_item()
    page = admin_client.get(_url("serviceitem_change", version.item.pk)).content.decode()
    assert "创建新版本" in page and "认领事项" in page

    response = admin_client.post(_url("serviceitem_new_version", version.item.pk))
    draft = version.item.versions.get(number=2)
    assert response["Location"] == _url("serviceitemversion_change", draft.pk)

    admin_client.post(_url("serviceitem_claim", version.item.pk))
    version.item.refresh_from_db()
    assert version.item.claim_status == "claimed"
    assert admin_client.get(_url("serviceitem_claim", version.item.pk)).status_code == 405


# --- versions ----------------------------------------------------------------------------------------


def test_published_version_is_read_only(admin_client: Client) -> None:
    version = make_item()
    url = _url("serviceitemversion_change", version.pk)

    response = admin_client.get(url)

    assert response.status_code == 200
    form = _form_html(response.content.decode(), "serviceitemversion_form")
    fields = re.findall(r"<(input|select|textarea)\b([^>]*)>", form)
    editable = [attrs for tag, attrs in fields if not (tag == "input" and 'type="hidden"' in attrs)]
    assert editable == []
    # only the CSRF token and the inlines' bookkeeping (management forms, row ids) remain, all hidden
    hidden = re.findall(r'name="([^"]+)"', " ".join(attrs for _tag, attrs in fields))
    assert hidden and all(
        re.fullmatch(r"csrfmiddlewaretoken|\w+-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS|\w+-\d+-(id|version)", n)
        for n in hidden
    )
    assert "食品经营许可申请书" in form  # the inlines are shown, read-only
    assert "已发布的版本不可修改" in form
    before = version_content(version)
    assert admin_client.post(url, {"name": "改名"}).status_code == 403
    version.refresh_from_db()
    assert version_content(version) == before
    assert admin_client.get(_url("serviceitemversion_delete", version.pk)).status_code == 403


def test_draft_is_saved_through_version_update(admin_client: Client) -> None:
    draft = version_create_draft(item=make_item().item)
    url = _url("serviceitemversion_change", draft.pk)
    page = admin_client.get(url)
    assert 'name="name"' in _form_html(page.content.decode(), "serviceitemversion_form")
    data = _post_data(
        page,
        name="食品经营许可（变更）",
        channels=["pc", "mobile", "window"],
        **{"materials-2-name": "法定代表人身份证明", "materials-2-order": "5", "materials-2-required": "on"},
        **{"steps-2-DELETE": "on"},
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    content = version_content(draft)
    assert content["name"] == "食品经营许可（变更）"
    assert content["channels"] == ["pc", "mobile", "window"]
    assert [m["name"] for m in content["materials"]] == [
        "食品经营许可申请书",
        "营业执照",
        "法定代表人身份证明",
    ]
    assert [s["name"] for s in content["steps"]] == ["受理", "审查"]
    assert draft.item.versions.get(number=1).name == "食品经营许可（新办）"


def test_draft_form_shows_service_errors_and_writes_nothing(admin_client: Client) -> None:
    draft = version_create_draft(item=make_item().item)
    url = _url("serviceitemversion_change", draft.pk)
    page = admin_client.get(url)
    before = version_content(draft)
    data = _post_data(
        page,
        promised_limit_amount="30",
        **{"steps-0-DELETE": "on", "handling_items-0-code": "123", "handling_items-0-name": "新办"},
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["promised_limit_amount"] == ["承诺时限（30）不得超过法定时限（20）"]
    assert "办理流程：办理流程应包含“受理”环节" in form.non_field_errors()
    assert "业务办理项第 1 行有错误，请见下方" in form.non_field_errors()
    handling = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "handling_items"
    )
    assert handling.formset.forms[0].errors["code"] == ["业务办理项编码应为 33 位，实际为 3 位"]
    assert "承诺时限（30）不得超过法定时限（20）" in response.content.decode()
    draft.refresh_from_db()
    assert version_content(draft) == before


def test_publish_action(admin_client: Client) -> None:
    first = make_item(valid_from=dt.date(2025, 1, 1))
    draft = version_create_draft(item=first.item)

    response = admin_client.post(
        _url("serviceitemversion_changelist"),
        {"action": "publish_drafts", "_selected_action": [draft.pk, first.pk]},
        follow=True,
    )

    draft.refresh_from_db()
    first.refresh_from_db()
    assert draft.status == "published"
    assert first.valid_to == draft.valid_from - dt.timedelta(days=1)
    html = response.content.decode()
    assert "已发布 1 个版本。" in html and "已发布，跳过" in html


def test_versions_cannot_be_added_or_deleted(admin_client: Client) -> None:
    draft = make_item(publish=False)
    assert admin_client.get(_url("serviceitemversion_add")).status_code == 403
    assert admin_client.get(_url("serviceitemversion_delete", draft.pk)).status_code == 403
    assert ServiceItemVersion.objects.count() == 1
    assert MaterialRequirement.objects.count() == 2


# --- Excel -------------------------------------------------------------------------------------------


def _export(admin_client: Client) -> bytes:
    response = admin_client.get(_url("serviceitem_export_excel"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_excel_import_page(admin_client: Client) -> None:
    make_item(basic_code="350100100000")
    exported = _export(admin_client)
    url = _url("serviceitem_import_excel")
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, {"file": SimpleUploadedFile("catalog.xlsx", exported)})

    assert response.status_code == 200
    assert response.context["report"].unchanged == 1
    assert "导入完成：新建 0 个事项，更新 0 个，未变化 1 个，发布 0 个版本" in response.content.decode()


def test_excel_import_page_reports_errors_and_writes_nothing(admin_client: Client) -> None:
    version = make_item(basic_code="350100100000")
    workbook = load_workbook(io.BytesIO(_export(admin_client)))
    workbook["事项"]["N2"] = 30  # 承诺时限
    assert workbook["事项"]["N1"].value == "承诺时限"
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = version_content(version)

    response = admin_client.post(
        _url("serviceitem_import_excel"),
        {"file": SimpleUploadedFile("catalog.xlsx", buffer.getvalue()), "publish": "on"},
    )

    html = response.content.decode()
    assert "导入失败，未写入任何数据：共 1 处错误" in html
    assert "<td>事项</td><td>2</td><td>承诺时限</td><td>承诺时限（30）不得超过法定时限（20）</td>" in html
    assert version.item.versions.count() == 1
    version.refresh_from_db()
    assert version_content(version) == before


def test_excel_import_page_refuses_a_non_excel_file(admin_client: Client) -> None:
    response = admin_client.post(
        _url("serviceitem_import_excel"), {"file": SimpleUploadedFile("catalog.xlsx", b"PK not really")}
    )
    assert "文件不是有效的 Excel 工作簿（.xlsx）；.xls 等格式请先另存为 .xlsx" in response.content.decode()


def test_excel_export_action_and_template(admin_client: Client) -> None:
    first = make_item(basic_code="350100100000")
    make_item(basic_code="350100200000")

    response = admin_client.post(
        _url("serviceitem_changelist"), {"action": "export_selected", "_selected_action": [first.item.pk]}
    )

    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)))["事项"].values)
    assert [row[0] for row in rows[1:]] == [first.item.implementation_code]
    template = admin_client.get(_url("serviceitem_excel_template"))
    assert load_workbook(io.BytesIO(b"".join(template.streaming_content))).sheetnames[0] == "说明"
