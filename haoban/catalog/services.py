"""Every write to the catalog (事项管理): create, edit a draft, publish, new version, claim.

Item content is passed as a plain mapping (``content``) with the scalar fields of
:class:`~haoban.catalog.models.ServiceItemVersion` plus the child lists ``legal_bases``, ``materials``,
``steps``, ``fees``, ``handling_items`` and ``service_tags`` (tag codes). The same validation serves the API,
the admin, the Excel import and the demo data; errors are Django ``ValidationError`` dicts whose keys name
the field (``materials[2].name``) and whose messages are Chinese.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from haoban.domain.codes import (
    CodeError,
    build_implementation_code,
    parse_basic_code,
    validate_handling_code,
    validate_uscc,
)
from haoban.organization.models import Department, Region

from .models import (
    ApplicantKind,
    Channel,
    FeeItem,
    HandlingItem,
    ItemType,
    LegalBasis,
    MaterialRequirement,
    ProcessStep,
    ResultType,
    ServiceItem,
    ServiceItemVersion,
    ServiceTag,
    ServiceTagCode,
    TimeUnitChoice,
)

# Scalar fields of a version that content may set (everything but bookkeeping).
CONTENT_FIELDS: tuple[str, ...] = (
    "name",
    "item_type",
    "public_service_domain",
    "applicant_kinds",
    "conditions",
    "review_points",
    "legal_limit_amount",
    "legal_limit_unit",
    "promised_limit_amount",
    "promised_limit_unit",
    "extension_amount",
    "max_extensions",
    "handling_type",
    "visits_required",
    "online_depth",
    "channels",
    "excluded_from_center",
    "sub_center",
    "handling_location",
    "office_hours",
    "consultation_phone",
    "complaint_phone",
    "charges_fee",
    "pay_before_release",
    "result_name",
    "result_type",
    "license_type",
    "license_type_code",
    "form_schema",
)

CHILD_MODELS: dict[str, type[models.Model]] = {
    "legal_bases": LegalBasis,
    "materials": MaterialRequirement,
    "steps": ProcessStep,
    "fees": FeeItem,
    "handling_items": HandlingItem,
}

CHILD_FIELDS: dict[str, tuple[str, ...]] = {
    "legal_bases": ("law", "article", "text"),
    "materials": (
        "name",
        "required",
        "originals",
        "copies",
        "format",
        "source",
        "source_reference",
        "blank_form",
        "sample",
        "notes",
    ),
    "steps": ("name", "role", "department", "time_amount", "time_unit", "description"),
    "fees": ("name", "basis", "standard", "amount"),
    "handling_items": ("code", "name"),
}


class CatalogError(ValidationError):
    """A catalog rule was broken; ``message_dict`` names the fields."""


def _limit_in_days(amount: int, unit: str) -> float:
    # Compare limits of different units roughly: 5 working days ≈ 7 natural days.
    return amount * 7 / 5 if unit == TimeUnitChoice.WORKDAY else float(amount)


def _content_errors(
    item_type_from_code: str, implementation_code: str, content: Mapping[str, Any]
) -> dict[str, list[str]]:
    """Cross-field rules of seed Art. 7 and legal-rules.md §1–2 that field validators cannot see."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    item_type = content.get("item_type")
    if item_type and item_type != item_type_from_code:
        add("item_type", f"事项类型应与基本编码第 3–4 位“{item_type_from_code}”一致")
    if item_type == ItemType.PUBLIC_SERVICE and not content.get("public_service_domain"):
        add("public_service_domain", "公共服务事项必须选择公共服务领域")
    legal = content.get("legal_limit_amount")
    promised = content.get("promised_limit_amount")
    if isinstance(legal, int) and isinstance(promised, int):
        legal_unit = content.get("legal_limit_unit", TimeUnitChoice.WORKDAY)
        promised_unit = content.get("promised_limit_unit", TimeUnitChoice.WORKDAY)
        too_long = (
            promised > legal
            if legal_unit == promised_unit
            else _limit_in_days(promised, promised_unit) > _limit_in_days(legal, legal_unit)
        )
        if too_long:
            add("promised_limit_amount", f"承诺时限（{promised}）不得超过法定时限（{legal}）")
    channels = content.get("channels", [])
    if not isinstance(channels, list) or any(c not in Channel.values for c in channels):
        add("channels", "办理渠道只能是 pc（电脑端）、mobile（移动端）、kiosk（自助端）、window（窗口端）")
    elif len(set(channels)) != len(channels):
        add("channels", "办理渠道不能重复")
    kinds = content.get("applicant_kinds", [])
    if not isinstance(kinds, list) or any(k not in ApplicantKind.values for k in kinds):
        add("applicant_kinds", "服务对象代码应为 1–6（GB/T 39046）")
    schema = content.get("form_schema", {})
    if not isinstance(schema, dict):
        add("form_schema", "申请表单必须是 JSON 对象形式的 JSON Schema")
    elif schema:
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            add("form_schema", f"申请表单不是有效的 JSON Schema：{exc.message}")
    if content.get("visits_required") == 0 and content.get("online_depth") not in (None, 4):
        add("visits_required", "零跑腿事项的网办深度应为四级（全程网办）")
    if content.get("excluded_from_center") and not content.get("sub_center"):
        add("sub_center", "纳入进驻负面清单的事项须注明办理分中心（规范第九条）")
    if content.get("result_type") == ResultType.LICENCE and not content.get("license_type"):
        add("license_type", "审批结果为证照时须填写证照类型")
    type_code = content.get("license_type_code") or ""
    if type_code:
        try:
            if len(type_code) != 21 or not type_code[18:].isdigit():
                raise CodeError("证照类型代码应为 18 位统一社会信用代码加 3 位顺序号")
            validate_uscc(type_code[:18])
        except CodeError as exc:
            add("license_type_code", str(exc))
    fees = content.get("fees", [])
    if content.get("charges_fee") and not fees:
        add("fees", "收费事项须列出收费项目")
    if not content.get("charges_fee") and fees:
        add("charges_fee", "列出了收费项目，但“是否收费”为否")
    if content.get("pay_before_release") and not content.get("charges_fee"):
        add("pay_before_release", "不收费的事项不能设为“先缴费后领证”")
    tags = content.get("service_tags", [])
    unknown = [t for t in tags if t not in ServiceTagCode.values]
    if unknown:
        add("service_tags", f"未知的特色服务标签：{'、'.join(map(str, unknown))}")
    for index, handling in enumerate(content.get("handling_items", [])):
        code = str(handling.get("code", ""))
        try:
            validate_handling_code(code)
        except CodeError as exc:
            add(f"handling_items[{index}].code", str(exc))
            continue
        if not code.startswith(implementation_code):
            add(f"handling_items[{index}].code", "业务办理项编码的前 31 位应为本事项的实施编码")
    return errors


def _resolve_step_department(row: dict[str, Any], error_key: str, errors: dict[str, list[str]]) -> bool:
    """A step's 承办部门 travels as the department's USCC (None, "" or absent: the item's implementing body);
    replace it by the department in ``row``. False (with an error) when no department has that code."""
    value = row.pop("department", None)
    if isinstance(value, Department) or value in (None, ""):
        row["department"] = value or None
        return True
    department = Department.objects.filter(uscc=str(value).strip()).first()
    if department is None:
        errors.setdefault(error_key, []).append(f"未找到统一社会信用代码为 {value} 的部门")
        return False
    row["department"] = department
    return True


def _child_value(row: models.Model, name: str) -> Any:
    if name == "department":  # ProcessStep.department, as its USCC (the form the services accept)
        department = getattr(row, name)
        return department.uscc if department is not None else None
    return getattr(row, name)


def _validate_children(
    content: Mapping[str, Any], errors: dict[str, list[str]]
) -> dict[str, list[models.Model]]:
    built: dict[str, list[models.Model]] = {}
    for key, model in CHILD_MODELS.items():
        rows = content.get(key, [])
        if not isinstance(rows, list | tuple):
            errors.setdefault(key, []).append("应为列表")
            continue
        built[key] = []
        for index, row in enumerate(rows):
            unknown = set(row) - set(CHILD_FIELDS[key])
            if unknown:
                errors.setdefault(f"{key}[{index}]", []).append(f"未知字段：{'、'.join(sorted(unknown))}")
                continue
            row = dict(row)
            if key == "steps" and not _resolve_step_department(row, f"{key}[{index}].department", errors):
                continue
            instance = model(order=index, **row)
            try:
                instance.full_clean(exclude=["version"])
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    errors.setdefault(f"{key}[{index}].{field}", []).extend(messages)
            built[key].append(instance)
    if (
        (key_steps := content.get("steps"))
        and isinstance(key_steps, list)
        and not any(isinstance(s, Mapping) and s.get("name") == "受理" for s in key_steps)
    ):
        errors.setdefault("steps", []).append("办理流程应包含“受理”环节")
    return built


def _apply_content(version: ServiceItemVersion, content: Mapping[str, Any]) -> dict[str, list[models.Model]]:
    """Validate ``content`` against ``version``'s item and set the scalar fields; raise CatalogError."""
    unknown = set(content) - set(CONTENT_FIELDS) - set(CHILD_MODELS) - {"service_tags"}
    errors: dict[str, list[str]] = {}
    if unknown:
        errors["non_field_errors"] = [f"未知字段：{'、'.join(sorted(unknown))}"]
    for field in CONTENT_FIELDS:
        if field in content:
            setattr(version, field, content[field])
    try:
        version.full_clean(exclude=["item", "service_tags"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    merged: dict[str, Any] = {f: getattr(version, f) for f in CONTENT_FIELDS}
    if version.pk is not None:
        # Child lists absent from ``content`` stay as stored; the cross-field rules (fees ↔ charges_fee)
        # must see them, or publishing a fee-charging draft would fail with "收费事项须列出收费项目".
        stored = version_content(version)
        merged |= {key: stored[key] for key in (*CHILD_MODELS, "service_tags")}
    merged |= dict(content)
    for field, messages in _content_errors(
        parse_basic_code(version.item.basic_code).item_type, version.item.implementation_code, merged
    ).items():
        errors.setdefault(field, []).extend(messages)
    children = _validate_children(content, errors)
    if errors:
        raise CatalogError(errors)
    return children


def _save_children(
    version: ServiceItemVersion, content: Mapping[str, Any], children: Mapping[str, list[models.Model]]
) -> None:
    for key, model in CHILD_MODELS.items():
        if key not in content:
            continue
        model._default_manager.filter(version=version).delete()
        for instance in children[key]:
            instance.version = version  # type: ignore[attr-defined]
        model._default_manager.bulk_create(children[key])
    if "service_tags" in content:
        wanted = set(content["service_tags"])
        tags = list(ServiceTag.objects.filter(code__in=wanted))
        missing = wanted - {t.code for t in tags}
        if missing:
            # The 16 rows come from a data migration; never drop a tag silently when they are missing.
            raise CatalogError(
                {
                    "service_tags": [
                        f"特色服务清单数据缺失：{'、'.join(sorted(missing))}，请先运行 haoban migrate"
                    ]
                }
            )
        version.service_tags.set(tags)


def _check_draft(version: ServiceItemVersion) -> None:
    if version.status != ServiceItemVersion.Status.DRAFT:
        raise CatalogError({"status": "已发布的版本不可修改，请先创建新版本"})


@transaction.atomic
def item_create(
    *,
    implementing_body: Department,
    level: int,
    basic_code: str,
    content: Mapping[str, Any],
    region: Region | None = None,
    parent: ServiceItem | None = None,
    actor: AbstractBaseUser | None = None,
) -> ServiceItemVersion:
    """Register a new implemented item with a first draft version (版本 1)."""
    try:
        implementation_code = build_implementation_code(implementing_body.uscc, level, basic_code)
    except CodeError as exc:
        raise CatalogError({"basic_code": [str(exc)]}) from None
    if ServiceItem.objects.filter(implementation_code=implementation_code).exists():
        raise CatalogError({"implementation_code": [f"实施编码 {implementation_code} 已存在"]})
    if parent is not None and not parse_basic_code(parent.basic_code).has_sub_items:
        raise CatalogError({"parent": ["主项的基本编码子项位应为 00Y"]})
    item = ServiceItem(
        implementation_code=implementation_code,
        basic_code=implementation_code[19:],
        level=level,
        implementing_body=implementing_body,
        region=region or implementing_body.region,
        parent=parent,
    )
    item.full_clean()
    item.save()
    version = ServiceItemVersion(item=item, number=1)
    children = _apply_content(version, content)
    version.save()
    _save_children(version, content, children)
    return version


@transaction.atomic
def version_update(
    *, version: ServiceItemVersion, content: Mapping[str, Any], actor: AbstractBaseUser | None = None
) -> ServiceItemVersion:
    """Change a draft version's elements; published versions are immutable."""
    version = ServiceItemVersion.objects.select_for_update().select_related("item").get(pk=version.pk)
    _check_draft(version)
    children = _apply_content(version, content)
    version.save(update_fields=[*(f for f in CONTENT_FIELDS if f in content), "updated_at"])
    _save_children(version, content, children)
    return version


@transaction.atomic
def version_publish(
    *,
    version: ServiceItemVersion,
    valid_from: dt.date | None = None,
    actor: AbstractBaseUser | None = None,
    change_note: str = "",
) -> ServiceItemVersion:
    """Publish a draft. The version in force until then ends the day before ``valid_from``."""
    item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
    version = ServiceItemVersion.objects.select_for_update().get(pk=version.pk)
    _check_draft(version)
    valid_from = valid_from or timezone.localdate()
    current = item.latest_published_version()
    if current is not None:
        if current.valid_from and valid_from <= current.valid_from:
            raise CatalogError(
                {"valid_from": [f"生效日期应晚于现行版本的生效日期 {current.valid_from.isoformat()}"]}
            )
        current.valid_to = valid_from - dt.timedelta(days=1)
        current.save(update_fields=["valid_to", "updated_at"])
    # Re-validate the whole content at publication: a draft may have been saved piecemeal.
    _apply_content(version, {})
    version.status = ServiceItemVersion.Status.PUBLISHED
    version.valid_from = valid_from
    version.published_at = timezone.now()
    version.published_by = actor  # type: ignore[assignment]
    if change_note:
        version.change_note = change_note
    version.save(
        update_fields=["status", "valid_from", "published_at", "published_by", "change_note", "updated_at"]
    )
    return version


def version_content(version: ServiceItemVersion) -> dict[str, Any]:
    """The content mapping of a version (the inverse of what the services accept)."""
    content: dict[str, Any] = {f: getattr(version, f) for f in CONTENT_FIELDS}
    for key, fields in CHILD_FIELDS.items():
        rows = CHILD_MODELS[key]._default_manager.filter(version=version).order_by("order", "id")
        content[key] = [{f: _child_value(row, f) for f in fields} for row in rows]
    content["service_tags"] = sorted(version.service_tags.values_list("code", flat=True))
    return content


@transaction.atomic
def version_create_draft(*, item: ServiceItem, actor: AbstractBaseUser | None = None) -> ServiceItemVersion:
    """Start editing: a new draft copied from the newest version. One draft at a time."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    existing = item.versions.filter(status=ServiceItemVersion.Status.DRAFT).first()
    if existing is not None:
        raise CatalogError({"status": [f"已有未发布的草稿（第 {existing.number} 版）"]})
    source = item.versions.order_by("-number").first()
    if source is None:  # pragma: no cover - item_create always makes version 1
        raise CatalogError({"item": ["该事项没有任何版本"]})
    content = version_content(source)
    draft = ServiceItemVersion(item=item, number=source.number + 1)
    children = _apply_content(draft, content)
    draft.save()
    _save_children(draft, content, children)
    return draft


@transaction.atomic
def item_claim(
    *, item: ServiceItem, department: Department, actor: AbstractBaseUser | None = None
) -> ServiceItem:
    """认领 (seed Art. 8): the implementing department takes the item as its own."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.implementing_body_id != department.pk:
        raise CatalogError({"department": ["只能认领本部门作为实施主体的事项"]})
    if item.claim_status == ServiceItem.ClaimStatus.CLAIMED:
        raise CatalogError({"claim_status": ["该事项已被认领"]})
    item.claim_status = ServiceItem.ClaimStatus.CLAIMED
    item.claimed_at = timezone.now()
    item.claimed_by = actor  # type: ignore[assignment]
    item.save(update_fields=["claim_status", "claimed_at", "claimed_by", "updated_at"])
    return item
