"""The catalog's one write path: create, edit a draft, publish, new version, claim.

Each rule is asserted with its exact Chinese message, and a refused write leaves the database unchanged.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from haoban.catalog.models import (
    FeeItem,
    HandlingItem,
    LegalBasis,
    MaterialRequirement,
    ProcessStep,
    ServiceItem,
    ServiceItemVersion,
)
from haoban.catalog.services import (
    CatalogError,
    item_claim,
    item_create,
    version_content,
    version_create_draft,
    version_publish,
    version_update,
)

from .excel_helpers import BASIC_CODE, make_department, make_item, make_region, make_user, valid_content

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            ServiceItem,
            ServiceItemVersion,
            LegalBasis,
            MaterialRequirement,
            ProcessStep,
            FeeItem,
            HandlingItem,
        )
    )


# --- item_create -------------------------------------------------------------------------------------


def test_item_create_builds_the_implementation_code_and_a_first_draft() -> None:
    # given
    department = make_department()

    # when
    version = item_create(
        implementing_body=department, level=3, basic_code=BASIC_CODE, content=valid_content()
    )

    # then
    item = version.item
    assert item.implementation_code == f"{department.uscc}3{BASIC_CODE}"
    assert item.basic_code == BASIC_CODE
    assert item.region == department.region
    assert item.claim_status == ServiceItem.ClaimStatus.UNCLAIMED
    assert (version.number, version.status, version.valid_from) == (1, "draft", None)
    content = version_content(version)
    assert [m["name"] for m in content["materials"]] == ["食品经营许可申请书", "营业执照"]
    assert [s["name"] for s in content["steps"]] == ["受理", "审查", "决定"]
    assert content["legal_bases"][0]["article"] == "第三十五条"
    assert content["service_tags"] == ["once", "online"]


def test_item_create_accepts_an_explicit_region() -> None:
    county = make_region("350302", "城厢区", "county")
    version = make_item().item
    other = item_create(
        implementing_body=make_department(),
        level=4,
        basic_code=BASIC_CODE,
        content=valid_content(),
        region=county,
    )
    assert other.item.region == county
    assert other.item.implementation_code != version.implementation_code


def test_item_create_refuses_a_duplicate_implementation_code() -> None:
    version = make_item()
    before = _counts()

    with pytest.raises(CatalogError) as exc:
        make_item()

    assert exc.value.message_dict == {
        "implementation_code": [f"实施编码 {version.item.implementation_code} 已存在"]
    }
    assert _counts() == before


def test_item_create_refuses_an_invalid_basic_code() -> None:
    with pytest.raises(CatalogError) as exc:
        make_item(basic_code="3501123450")
    assert exc.value.message_dict == {"basic_code": ["基本编码应为 12 位，实际为 10 位"]}
    with pytest.raises(CatalogError) as exc:
        make_item(basic_code="359912345000")
    assert exc.value.message_dict == {
        "basic_code": ["基本编码第 3–4 位（事项类型）“99”不是 GB/T 39046 规定的事项类型代码"]
    }
    assert _counts() == (0, 0, 0, 0, 0, 0, 0)


def test_item_create_refuses_an_invalid_level() -> None:
    with pytest.raises(CatalogError) as exc:
        make_item(level=8)
    assert exc.value.message_dict == {"basic_code": ["行使层级应为 1–7"]}


def test_item_create_sub_item_needs_a_parent_with_sub_items() -> None:
    plain_parent = make_item().item
    before = _counts()

    with pytest.raises(CatalogError) as exc:
        item_create(
            implementing_body=make_department(),
            level=4,
            basic_code="350112345001",
            content=valid_content(),
            parent=plain_parent,
        )

    assert exc.value.message_dict == {"parent": ["主项的基本编码子项位应为 00Y"]}
    assert _counts() == before


def test_item_create_sub_item_under_a_main_item() -> None:
    main = make_item(basic_code="35011234500Y").item
    sub = item_create(
        implementing_body=make_department(),
        level=3,
        basic_code="350112345001",
        content=valid_content(),
        parent=main,
    )
    assert sub.item.parent == main
    assert list(main.sub_items.all()) == [sub.item]


# --- content validation: every rule, its message, nothing written -------------------------------------


def _impl_code() -> str:
    return f"{make_department().uscc}3{BASIC_CODE}"


CASES: list[tuple[str, dict[str, Any], dict[str, list[str]]]] = [
    ("item type", {"item_type": "07"}, {"item_type": ["事项类型应与基本编码第 3–4 位“01”一致"]}),
    (
        "public service domain",
        {"item_type": "20"},
        {
            "item_type": ["事项类型应与基本编码第 3–4 位“01”一致"],
            "public_service_domain": ["公共服务事项必须选择公共服务领域"],
        },
    ),
    (
        "promised > legal",
        {"promised_limit_amount": 30},
        {"promised_limit_amount": ["承诺时限（30）不得超过法定时限（20）"]},
    ),
    (
        "promised > legal across units",
        {"legal_limit_amount": 5, "promised_limit_amount": 8, "promised_limit_unit": "natural_day"},
        {"promised_limit_amount": ["承诺时限（8）不得超过法定时限（5）"]},
    ),
    (
        "unknown channel",
        {"channels": ["pc", "fax"]},
        {"channels": ["办理渠道只能是 pc（电脑端）、mobile（移动端）、kiosk（自助端）、window（窗口端）"]},
    ),
    ("duplicate channel", {"channels": ["pc", "pc"]}, {"channels": ["办理渠道不能重复"]}),
    (
        "applicant kinds",
        {"applicant_kinds": ["9"]},
        {"applicant_kinds": ["服务对象代码应为 1–6（GB/T 39046）"]},
    ),
    (
        "form schema not an object",
        {"form_schema": ["a"]},
        {"form_schema": ["申请表单必须是 JSON 对象形式的 JSON Schema"]},
    ),
    (
        "zero visits without full online",
        {"visits_required": 0, "online_depth": 3},
        {"visits_required": ["零跑腿事项的网办深度应为四级（全程网办）"]},
    ),
    (
        "negative list without sub-center",
        {"excluded_from_center": True},
        {"sub_center": ["纳入进驻负面清单的事项须注明办理分中心（规范第九条）"]},
    ),
    (
        "licence without licence type",
        {"license_type": ""},
        {"license_type": ["审批结果为证照时须填写证照类型"]},
    ),
    (
        "licence type code",
        {"license_type_code": "12345"},
        {"license_type_code": ["证照类型代码应为 18 位统一社会信用代码加 3 位顺序号"]},
    ),
    ("fee without fee items", {"charges_fee": True}, {"fees": ["收费事项须列出收费项目"]}),
    (
        "fee items without fee",
        {"fees": [{"name": "工本费", "amount": "10"}]},
        {"charges_fee": ["列出了收费项目，但“是否收费”为否"]},
    ),
    (
        "pay before release without fee",
        {"pay_before_release": True},
        {"pay_before_release": ["不收费的事项不能设为“先缴费后领证”"]},
    ),
    ("unknown tag", {"service_tags": ["once", "fast"]}, {"service_tags": ["未知的特色服务标签：fast"]}),
    (
        "handling code length",
        {"handling_items": [{"code": "123", "name": "新办"}]},
        {"handling_items[0].code": ["业务办理项编码应为 33 位，实际为 3 位"]},
    ),
    (
        "unknown child field",
        {"legal_bases": [{"law": "某法", "page": 3}]},
        {"legal_bases[0]": ["未知字段：page"]},
    ),
    ("blank material name", {"materials": [{"name": ""}]}, {"materials[0].name": ["此字段不能为空。"]}),
    (
        "bad material source",
        {"materials": [{"name": "申请书", "source": "post"}]},
        {"materials[0].source": ["值 'post' 不是有效选项。"]},
    ),
    (
        "no acceptance step",
        {"steps": [{"name": "审查", "role": "reviewer"}]},
        {"steps": ["办理流程应包含“受理”环节"]},
    ),
    ("blank name", {"name": ""}, {"name": ["此字段不能为空。"]}),
    ("bad handling type", {"handling_type": "later"}, {"handling_type": ["值 'later' 不是有效选项。"]}),
    ("unknown field", {"colour": "red"}, {"non_field_errors": ["未知字段：colour"]}),
]


@pytest.mark.parametrize(("label", "overrides", "expected"), CASES, ids=[c[0] for c in CASES])
def test_item_create_refuses_invalid_content(
    label: str, overrides: dict[str, Any], expected: dict[str, list[str]]
) -> None:
    make_department()
    before = _counts()

    with pytest.raises(CatalogError) as exc:
        make_item(content=valid_content(**overrides))

    assert exc.value.message_dict == expected
    assert _counts() == before


def test_invalid_json_schema_is_refused() -> None:
    with pytest.raises(CatalogError) as exc:
        make_item(content=valid_content(form_schema={"type": "nonsense"}))
    [message] = exc.value.message_dict["form_schema"]
    assert message.startswith("申请表单不是有效的 JSON Schema：")


def test_handling_code_must_start_with_the_implementation_code() -> None:
    other = f"{make_department('11350300MB0000002', '莆田市卫生健康委员会').uscc}3{BASIC_CODE}"
    with pytest.raises(CatalogError) as exc:
        make_item(content=valid_content(handling_items=[{"code": f"{other}01", "name": "新办"}]))
    assert exc.value.message_dict == {
        "handling_items[0].code": ["业务办理项编码的前 31 位应为本事项的实施编码"]
    }


def test_valid_handling_items_and_fees_are_stored() -> None:
    code = _impl_code()
    version = make_item(
        content=valid_content(
            charges_fee=True,
            fees=[{"name": "工本费", "basis": "闽价〔2020〕1号", "amount": "10.50"}],
            handling_items=[{"code": f"{code}01", "name": "新办"}, {"code": f"{code}02", "name": "变更"}],
        )
    )
    content = version_content(version)
    assert content["fees"] == [
        {"name": "工本费", "basis": "闽价〔2020〕1号", "standard": "", "amount": Decimal("10.50")}
    ]
    assert content["handling_items"] == [
        {"code": f"{code}01", "name": "新办"},
        {"code": f"{code}02", "name": "变更"},
    ]


# --- version_update ----------------------------------------------------------------------------------


def test_version_update_changes_a_draft_and_replaces_only_given_lists() -> None:
    version = make_item()

    updated = version_update(
        version=version,
        content={"promised_limit_amount": 3, "steps": [{"name": "受理", "role": "window_clerk"}]},
    )

    content = version_content(updated)
    assert content["promised_limit_amount"] == 3
    assert [s["name"] for s in content["steps"]] == ["受理"]
    assert [m["name"] for m in content["materials"]] == ["食品经营许可申请书", "营业执照"]  # untouched


def test_version_update_checks_partial_content_against_stored_lists() -> None:
    version = make_item(content=valid_content(charges_fee=True, fees=[{"name": "工本费", "amount": "10"}]))

    with pytest.raises(CatalogError) as exc:
        version_update(version=version, content={"charges_fee": False})

    assert exc.value.message_dict == {"charges_fee": ["列出了收费项目，但“是否收费”为否"]}
    version.refresh_from_db()
    assert version.charges_fee is True


def test_version_update_refuses_invalid_content_and_writes_nothing() -> None:
    version = make_item()
    before = version_content(version)

    with pytest.raises(CatalogError) as exc:
        version_update(
            version=version,
            content={"promised_limit_amount": 30, "materials": [{"name": "新材料"}], "service_tags": []},
        )

    assert exc.value.message_dict == {"promised_limit_amount": ["承诺时限（30）不得超过法定时限（20）"]}
    version.refresh_from_db()
    assert version_content(version) == before


def test_published_version_is_immutable() -> None:
    version = make_item(publish=True)
    before = version_content(version)

    with pytest.raises(CatalogError) as exc:
        version_update(version=version, content={"name": "新名称"})

    assert exc.value.message_dict == {"status": ["已发布的版本不可修改，请先创建新版本"]}
    version.refresh_from_db()
    assert version_content(version) == before


# --- version_publish ---------------------------------------------------------------------------------


def test_publish_sets_validity_and_publisher() -> None:
    user = make_user()
    version = make_item()

    published = version_publish(
        version=version, valid_from=dt.date(2025, 3, 1), actor=user, change_note="首次发布"
    )

    assert published.status == "published"
    assert published.valid_from == dt.date(2025, 3, 1)
    assert published.valid_to is None
    assert published.published_by == user
    assert published.published_at is not None
    assert published.change_note == "首次发布"
    assert published.item.latest_published_version() == published


def test_publish_defaults_to_today() -> None:
    version = version_publish(version=make_item())
    assert version.valid_from == timezone.localdate()


def test_publishing_a_new_version_ends_the_previous_one() -> None:
    first = version_publish(version=make_item(), valid_from=dt.date(2025, 1, 1))
    draft = version_create_draft(item=first.item)
    version_update(version=draft, content={"promised_limit_amount": 3})

    second = version_publish(version=draft, valid_from=dt.date(2025, 6, 1))

    first.refresh_from_db()
    assert first.valid_to == dt.date(2025, 5, 31)
    assert second.valid_to is None
    assert first.item.latest_published_version() == second


def test_publish_refuses_a_date_not_after_the_current_version() -> None:
    first = version_publish(version=make_item(), valid_from=dt.date(2025, 6, 1))
    draft = version_create_draft(item=first.item)

    with pytest.raises(CatalogError) as exc:
        version_publish(version=draft, valid_from=dt.date(2025, 6, 1))

    assert exc.value.message_dict == {"valid_from": ["生效日期应晚于现行版本的生效日期 2025-06-01"]}
    first.refresh_from_db()
    draft.refresh_from_db()
    assert (first.valid_to, draft.status) == (None, "draft")


def test_publish_refuses_a_published_version() -> None:
    version = make_item(publish=True)
    with pytest.raises(CatalogError) as exc:
        version_publish(version=version)
    assert exc.value.message_dict == {"status": ["已发布的版本不可修改，请先创建新版本"]}


def test_publish_a_fee_charging_item() -> None:
    # Regression: publication re-validates the stored content, fee items included.
    version = make_item(content=valid_content(charges_fee=True, fees=[{"name": "工本费", "amount": "10"}]))
    assert version_publish(version=version).status == "published"


# --- version_create_draft ----------------------------------------------------------------------------


def test_new_draft_copies_content_children_and_tags() -> None:
    code = _impl_code()
    published = make_item(
        content=valid_content(handling_items=[{"code": f"{code}01", "name": "新办"}]), publish=True
    )

    draft = version_create_draft(item=published.item)

    assert (draft.number, draft.status) == (2, "draft")
    assert version_content(draft) == version_content(published)
    assert MaterialRequirement.objects.filter(version=draft).count() == 2
    assert MaterialRequirement.objects.filter(version=published).count() == 2


def test_only_one_draft_at_a_time() -> None:
    published = make_item(publish=True)
    version_create_draft(item=published.item)
    before = _counts()

    with pytest.raises(CatalogError) as exc:
        version_create_draft(item=published.item)

    assert exc.value.message_dict == {"status": ["已有未发布的草稿（第 2 版）"]}
    assert _counts() == before


def test_editing_a_draft_leaves_the_published_version_alone() -> None:
    published = make_item(publish=True)
    draft = version_create_draft(item=published.item)

    version_update(version=draft, content={"name": "食品经营许可（新）", "materials": []})

    published.refresh_from_db()
    assert published.name == "食品经营许可"
    assert MaterialRequirement.objects.filter(version=published).count() == 2


# --- item_claim --------------------------------------------------------------------------------------


def test_claim_by_the_implementing_body() -> None:
    user = make_user()
    item = make_item().item

    claimed = item_claim(item=item, department=item.implementing_body, actor=user)

    assert claimed.claim_status == "claimed"
    assert claimed.claimed_by == user
    assert claimed.claimed_at is not None


def test_claim_by_another_department_is_refused() -> None:
    item = make_item().item
    other = make_department("11350300MB0000002", "莆田市卫生健康委员会")

    with pytest.raises(CatalogError) as exc:
        item_claim(item=item, department=other)

    assert exc.value.message_dict == {"department": ["只能认领本部门作为实施主体的事项"]}
    item.refresh_from_db()
    assert item.claim_status == "unclaimed"


def test_claim_twice_is_refused() -> None:
    item = make_item().item
    item_claim(item=item, department=item.implementing_body)

    with pytest.raises(CatalogError) as exc:
        item_claim(item=item, department=item.implementing_body)

    assert exc.value.message_dict == {"claim_status": ["该事项已被认领"]}


def test_missing_tag_rows_are_an_error_not_silently_dropped() -> None:
    # given: the reference rows of one list are gone (e.g. a test database flushed after migrations)
    from haoban.catalog.models import ServiceTag

    ServiceTag.objects.filter(code="online").delete()
    department = make_department()
    before = ServiceItemVersion.objects.count()
    # when / then
    with pytest.raises(CatalogError) as excinfo:
        make_item(department=department, content={**valid_content(), "service_tags": ["online", "once"]})
    assert excinfo.value.message_dict == {
        "service_tags": ["特色服务清单数据缺失：online，请先运行 haoban migrate"]
    }
    assert ServiceItemVersion.objects.count() == before
