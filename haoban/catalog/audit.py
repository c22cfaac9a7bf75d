"""五级十五同: the standardisation audit of seed Art. 7.

The same item (same 基本编码) must have the same name, granularity, codes, basis, type, conditions,
process, materials, online depth, promised limit, form, review points and fees at every level and in every
region. :func:`audit_standards` compares the versions in force of all items sharing a basic code and
reports, element by element, where they differ; :func:`to_json` is the machine-readable form served by the
API and ``haoban catalog audit-standards --json``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils import timezone

from haoban.domain.codes import CodeError, parse_basic_code

from .models import ItemType, Level, OnlineDepth, PublicServiceDomain, ServiceItemVersion
from .selectors import form_fields, in_force_q, limit_text, published_items


@dataclass(frozen=True)
class AuditedItem:
    implementation_code: str
    name: str
    department: str
    region: str
    level: str
    version: int


@dataclass(frozen=True)
class Deviation:
    element: str  # code of the standardised element, e.g. "materials"
    label: str  # its Chinese name, e.g. "申请材料"
    values: dict[str, str]  # implementation code -> the element's value in that item


@dataclass(frozen=True)
class AuditGroup:
    basic_code: str
    name: str
    items: list[AuditedItem]
    deviations: list[Deviation] = field(default_factory=list)

    @property
    def is_standard(self) -> bool:
        return not self.deviations


# --- element values -------------------------------------------------------------------------------------
# Each extractor returns (comparison key, display text). Items deviate when their keys differ.

Value = tuple[str, str]


def _text(value: str) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def _same(text: str) -> Value:
    return text, text


def _name(v: ServiceItemVersion, ctx: _Context) -> Value:
    return _same(_text(v.name))


def _sub_items(v: ServiceItemVersion, ctx: _Context) -> Value:
    item = v.item
    parts = []
    if item.parent_id:
        parts.append(f"子项，所属主项基本编码 {ctx.parent_basic_codes.get(item.parent_id, '')}")
    subs = sorted(ctx.sub_item_codes.get(item.pk, []))
    if subs:
        parts.append("主项，子项基本编码：" + "、".join(subs))
    return _same("；".join(parts) if parts else "无子项")


def _codes(v: ServiceItemVersion, ctx: _Context) -> Value:
    item = v.item
    problems = []
    if item.implementation_code[19:] != item.basic_code:
        problems.append(
            f"实施编码后 12 位 {item.implementation_code[19:]} 与基本编码 {item.basic_code} 不一致"
        )
    try:
        type_in_code = parse_basic_code(item.basic_code).item_type
    except CodeError as exc:
        problems.append(f"基本编码无效：{exc}")
    else:
        if type_in_code != v.item_type:
            problems.append(f"事项类型 {v.item_type} 与基本编码第 3–4 位 {type_in_code} 不一致")
    if item.implementation_code[18:19] != str(item.level):
        problems.append(f"实施编码第 19 位 {item.implementation_code[18:19]} 与行使层级 {item.level} 不一致")
    return _same("；".join(problems) if problems else CODES_OK)


def _legal_basis(v: ServiceItemVersion, ctx: _Context) -> Value:
    rows = [f"{_text(b.law)}{_text(b.article)}" for b in v.legal_bases.all()]
    return _same("；".join(sorted(rows)) if rows else "（未填写）")


def _item_type(v: ServiceItemVersion, ctx: _Context) -> Value:
    text = f"{v.item_type} {ItemType(v.item_type).label}" if v.item_type in ItemType.values else v.item_type
    if v.public_service_domain:
        text += f"（{PublicServiceDomain(v.public_service_domain).label}）"
    return _same(text)


def _conditions(v: ServiceItemVersion, ctx: _Context) -> Value:
    return _same(_text(v.conditions) or "（未填写）")


def _process(v: ServiceItemVersion, ctx: _Context) -> Value:
    return _same("→".join(_text(s.name) for s in v.steps.all()) or "（未填写）")


def _materials(v: ServiceItemVersion, ctx: _Context) -> Value:
    rows = sorted(f"{_text(m.name)}（{'必要' if m.required else '非必要'}）" for m in v.materials.all())
    return _same("；".join(rows) if rows else "（无）")


def _online_depth(v: ServiceItemVersion, ctx: _Context) -> Value:
    try:
        return _same(str(OnlineDepth(v.online_depth).label))
    except ValueError:
        return _same(str(v.online_depth))


def _promised_limit(v: ServiceItemVersion, ctx: _Context) -> Value:
    return _same(limit_text(v.promised_limit_amount, v.promised_limit_unit))


def _legal_limit(v: ServiceItemVersion, ctx: _Context) -> Value:
    return _same(limit_text(v.legal_limit_amount, v.legal_limit_unit))


def _form_schema(v: ServiceItemVersion, ctx: _Context) -> Value:
    schema = v.form_schema or {}
    key = json.dumps(schema, sort_keys=True, ensure_ascii=False)
    fields = form_fields(schema)
    if not schema:
        text = "（无表单）"
    elif fields:
        text = "、".join(
            f"{f['title']}（{f['type_label']}{'，必填' if f['required'] else ''}）" for f in fields
        )
    else:
        text = "（无字段）"
    return key, text


def _review_points(v: ServiceItemVersion, ctx: _Context) -> Value:
    return _same(_text(v.review_points) or "（未填写）")


def _fees(v: ServiceItemVersion, ctx: _Context) -> Value:
    if not v.charges_fee:
        return _same("不收费")
    rows = []
    for f in v.fees.all():
        amount = f"{f.amount:.2f} 元" if f.amount is not None else _text(f.standard)
        rows.append(f"{_text(f.name)} {amount}".strip())
    return _same("收费：" + "；".join(sorted(rows)))


def _handling_type(v: ServiceItemVersion, ctx: _Context) -> Value:
    return _same(str(v.get_handling_type_display()))


def _visits(v: ServiceItemVersion, ctx: _Context) -> Value:
    return _same(f"{v.visits_required} 次")


def _result(v: ServiceItemVersion, ctx: _Context) -> Value:
    text = f"{_text(v.result_name) or '（未填写）'}（{v.get_result_type_display()}"
    if v.license_type:
        text += f"，证照类型：{_text(v.license_type)}"
    return _same(text + "）")


CODES_OK = "编码一致"

# The standardised elements, in the order of seed Art. 7 (then the further elements the audit compares).
ELEMENTS: list[tuple[str, str, Callable[[ServiceItemVersion, _Context], Value]]] = [
    ("name", "事项名称", _name),
    ("sub_items", "颗粒度（主项、子项）", _sub_items),
    ("codes", "事项编码", _codes),
    ("legal_basis", "设立依据", _legal_basis),
    ("item_type", "事项类型", _item_type),
    ("conditions", "办理条件", _conditions),
    ("process", "办理流程", _process),
    ("materials", "申请材料", _materials),
    ("online_depth", "网办深度", _online_depth),
    ("promised_limit", "承诺时限", _promised_limit),
    ("form_schema", "表单格式", _form_schema),
    ("review_points", "审查要点", _review_points),
    ("fees", "收费项目", _fees),
    ("handling_type", "办件类型", _handling_type),
    ("visits_required", "跑动次数", _visits),
    ("legal_limit", "法定时限", _legal_limit),
    ("result", "审批结果", _result),
]
ELEMENT_LABELS: dict[str, str] = {code: label for code, label, _ in ELEMENTS}


@dataclass
class _Context:
    parent_basic_codes: dict[int, str] = field(default_factory=dict)
    sub_item_codes: dict[int, list[str]] = field(default_factory=dict)


def _deviation(code: str, label: str, values: dict[str, Value]) -> Deviation | None:
    keys = {key for key, _ in values.values()}
    if code == "codes":
        # A code inconsistency is a defect even when every item of the group shares it.
        if all(text == CODES_OK for _, text in values.values()):
            return None
    elif len(keys) <= 1:
        return None
    texts = {ic: text for ic, (_, text) in values.items()}
    # Different keys but the same display text (e.g. two schemas with the same fields but other
    # constraints): add a short fingerprint so the reader sees they are not identical.
    by_text: dict[str, set[str]] = defaultdict(set)
    for key, text in values.values():
        by_text[text].add(key)
    for ic, (key, text) in values.items():
        if len(by_text[text]) > 1:
            texts[ic] = f"{text}（指纹 {hashlib.sha256(key.encode()).hexdigest()[:8]}）"
    return Deviation(element=code, label=label, values=texts)


def _group_name(versions: Iterable[ServiceItemVersion]) -> str:
    names = Counter(v.name for v in versions)
    return names.most_common(1)[0][0]


def audit_standards(*, today: dt.date | None = None) -> list[AuditGroup]:
    """Groups of current published items sharing a basic code, with the elements that differ.

    A group is listed when it has at least two items, or when a single item's codes are inconsistent.
    Groups are ordered by basic code; items by implementation code.
    """
    day = today or timezone.localdate()
    current = published_items(today=day)
    versions = list(
        current.select_related("item__parent").prefetch_related("legal_bases", "materials", "steps", "fees")
    )
    if not versions:
        return []
    ctx = _Context()
    for v in versions:
        if v.item.parent_id:
            ctx.parent_basic_codes[v.item.parent_id] = v.item.parent.basic_code
    # Current sub-items of every item (granularity), in one query.
    item_ids = [v.item_id for v in versions]
    sub_rows = (
        ServiceItemVersion.objects.filter(in_force_q(day), item__parent_id__in=item_ids)
        .values_list("item__parent_id", "item__basic_code")
        .distinct()
    )
    for parent_id, basic_code in sub_rows:
        ctx.sub_item_codes.setdefault(parent_id, []).append(basic_code)

    by_code: dict[str, list[ServiceItemVersion]] = defaultdict(list)
    for v in versions:
        by_code[v.item.basic_code].append(v)

    groups: list[AuditGroup] = []
    for basic_code in sorted(by_code):
        members = sorted(by_code[basic_code], key=lambda v: v.item.implementation_code)
        deviations = []
        for code, label, extract in ELEMENTS:
            values = {v.item.implementation_code: extract(v, ctx) for v in members}
            deviation = _deviation(code, label, values)
            if deviation is not None:
                deviations.append(deviation)
        if len(members) < 2 and not deviations:
            continue
        groups.append(
            AuditGroup(
                basic_code=basic_code,
                name=_group_name(members),
                items=[
                    AuditedItem(
                        implementation_code=v.item.implementation_code,
                        name=v.name,
                        department=v.item.implementing_body.name,
                        region=v.item.region.name,
                        level=str(Level(v.item.level).label)
                        if v.item.level in Level.values
                        else str(v.item.level),
                        version=v.number,
                    )
                    for v in members
                ],
                deviations=deviations,
            )
        )
    return groups


def to_json(groups: list[AuditGroup]) -> dict[str, Any]:
    """``{"summary": {...}, "elements": [...], "groups": [...]}`` with plain JSON values."""
    deviating = [g for g in groups if g.deviations]
    return {
        "summary": {
            "group_count": len(groups),
            "deviating_group_count": len(deviating),
            "deviation_count": sum(len(g.deviations) for g in groups),
        },
        "elements": [{"element": code, "label": label} for code, label, _ in ELEMENTS],
        "groups": [{**asdict(g), "is_standard": g.is_standard} for g in groups],
    }


def format_text(groups: list[AuditGroup]) -> str:
    """The human report (Chinese) printed by ``haoban catalog audit-standards``."""
    summary = to_json(groups)["summary"]
    lines = [
        "五级十五同标准化核查报告",
        f"共核查 {summary['group_count']} 组同基本编码事项，"
        f"其中 {summary['deviating_group_count']} 组存在要素差异，共 {summary['deviation_count']} 项差异。",
    ]
    for group in groups:
        lines.append("")
        status = "要素一致" if group.is_standard else f"{len(group.deviations)} 项要素不一致"
        lines.append(f"【{group.basic_code}】{group.name}（{len(group.items)} 个实施事项，{status}）")
        for item in group.items:
            lines.append(
                f"  - {item.implementation_code} {item.name}｜{item.department}｜{item.region}｜{item.level}"
                f"｜第 {item.version} 版"
            )
        for deviation in group.deviations:
            lines.append(f"  × {deviation.label}（{deviation.element}）：")
            for code, value in deviation.values.items():
                lines.append(f"      {code}：{value}")
    return "\n".join(lines) + "\n"
