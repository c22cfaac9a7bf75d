"""Reads of the public catalog: published items and the 办事指南 (guide) content.

:func:`guide_data` is the single source of a guide's content (seed Art. 8: 线上与线下标准统一): the guide
page, the PDF guide and the JSON API (``/api/v1/guides/{implementation_code}/``) all render its output and
nothing else, so they cannot drift apart.

"Current" means *in force on a day* (default today): a published version with ``valid_from <= day`` and no
``valid_to`` or ``valid_to >= day``. Drafts are never returned by anything in this module.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from haoban.core.localcache import LocalCache
from haoban.organization.models import Department, Region

from .models import (
    ApplicantKind,
    Channel,
    HandlingType,
    ItemType,
    Level,
    MaterialRequirement,
    OnlineDepth,
    ProcessStep,
    PublicServiceDomain,
    ResultType,
    ServiceItem,
    ServiceItemVersion,
    ServiceTag,
    ServiceTagCode,
    TimeUnitChoice,
)

PUBLISHED = ServiceItemVersion.Status.PUBLISHED


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def in_force_q(today: dt.date, prefix: str = "") -> Q:
    """Q for published versions in force on ``today`` (``prefix`` e.g. ``"versions__"``)."""
    return Q(**{f"{prefix}status": PUBLISHED, f"{prefix}valid_from__lte": today}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": today})
    )


def region_subtree_ids(region: Region) -> list[int]:
    """The region and all regions below it (one query per level, at most five levels)."""
    ids = [region.pk]
    frontier = [region.pk]
    while frontier:
        frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


@functools.lru_cache(maxsize=20_000)
def pinyin_initials(text: str) -> str:
    """Lower-case pinyin initials of the Chinese characters of ``text``: 食品经营许可 → ``spjyxk``."""
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(part for part in letters if part.isascii() and part.isalnum()).lower()


_CODE_RE = re.compile(r"^[0-9A-Za-z]+$")
_INITIALS_RE = re.compile(r"^[A-Za-z]{2,}$")


def published_items(
    *,
    department: Department | str | None = None,
    item_type: str | None = None,
    level: int | str | None = None,
    tag: str | None = None,
    region: Region | str | None = None,
    q: str = "",
    today: dt.date | None = None,
) -> QuerySet[ServiceItemVersion]:
    """Current published versions, one per item, filtered; ordered by 实施编码.

    - ``department``: a Department or its USCC; ``region``: a Region or its code, including every region
      below it; ``item_type``: GB/T 39046 code (``"01"``); ``level``: 1–7; ``tag``: a tag code (``"once"``).
    - ``q``: name contains ``q``, or a code (实施编码 / 基本编码) starts with ``q``, or the pinyin initials
      of the name contain ``q`` (``spjy`` finds 食品经营许可).
    """
    day = _today(today)
    qs = ServiceItemVersion.objects.filter(in_force_q(day))
    if department is not None and department != "":
        if isinstance(department, Department):
            qs = qs.filter(item__implementing_body=department)
        else:
            qs = qs.filter(item__implementing_body__uscc=str(department).strip().upper())
    if item_type:
        qs = qs.filter(item_type=item_type)
    if level not in (None, ""):
        try:
            qs = qs.filter(item__level=int(level))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return qs.none()
    if tag:
        qs = qs.filter(service_tags__code=tag)
    if region is not None and region != "":
        if not isinstance(region, Region):
            found = Region.objects.filter(code=str(region).strip()).first()
            if found is None:
                return qs.none()
            region = found
        qs = qs.filter(item__region_id__in=region_subtree_ids(region))
    text = q.strip()
    if text:
        condition = Q(name__icontains=text)
        if _CODE_RE.match(text):
            code = text.upper()
            condition |= Q(item__implementation_code__startswith=code) | Q(item__basic_code__startswith=code)
        if _INITIALS_RE.match(text):
            # Pinyin initials cannot be computed by the database: match names in Python over the already
            # filtered candidates (a city catalog holds a few thousand items).
            wanted = text.lower()
            candidates = qs.values_list("pk", "name")
            matched = [pk for pk, name in candidates if wanted in pinyin_initials(name)]
            condition |= Q(pk__in=matched)
        qs = qs.filter(condition)
    return (
        qs.distinct()
        .select_related("item", "item__implementing_body", "item__region")
        .prefetch_related(Prefetch("service_tags", queryset=ServiceTag.objects.order_by("order")))
        .order_by("item__implementation_code")
    )


def current_version(
    implementation_code: str, *, today: dt.date | None = None, with_materials: bool = False
) -> ServiceItemVersion | None:
    """The version of an item in force on ``today``; ``None`` for unknown codes and unpublished items.

    The version returned carries ``in_force_on`` (the day it was found in force for), so that a caller
    that hands it on (the submission service) need not ask again; ``with_materials`` prefetches its
    material requirements (``version.materials.all()``)."""
    day = _today(today)
    queryset = (
        ServiceItemVersion.objects.filter(in_force_q(day), item__implementation_code=implementation_code)
        .select_related("item", "item__implementing_body", "item__region", "item__parent")
        .order_by("-number")
    )
    if with_materials:
        queryset = queryset.prefetch_related("materials")
    version = queryset.first()
    if version is not None:
        version.in_force_on = day  # type: ignore[attr-defined]
    return version


_versions_in_force: LocalCache[ServiceItemVersion | None] = LocalCache(
    "catalog-versions-in-force", models=(ServiceItem, ServiceItemVersion, MaterialRequirement)
)


def version_for_submission(
    implementation_code: str, *, today: dt.date | None = None
) -> ServiceItemVersion | None:
    """:func:`current_version` with its material requirements, kept per process for a moment
    (:mod:`haoban.core.localcache`): every submission of an item needs the same version, and a published
    version does not change. Treat the object as read-only: it is shared between requests."""
    day = _today(today)
    return _versions_in_force.get(
        (implementation_code, day),
        lambda: current_version(implementation_code, today=day, with_materials=True),
    )


def published_version(implementation_code: str, number: int) -> ServiceItemVersion | None:
    """One published version (past, current or scheduled) of an item; never a draft."""
    return (
        ServiceItemVersion.objects.filter(
            item__implementation_code=implementation_code, number=number, status=PUBLISHED
        )
        .select_related("item", "item__implementing_body", "item__region", "item__parent")
        .first()
    )


def version_history(item: ServiceItem) -> QuerySet[ServiceItemVersion]:
    """The published versions of an item, newest first."""
    return item.versions.filter(status=PUBLISHED).order_by("-number")


def tag_counts(*, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The 16 特色服务清单 in the order of seed Art. 10 with the number of current published items."""
    day = _today(today)
    counts = dict(
        ServiceTag.objects.filter(in_force_q(day, "versions__"))
        .values("code")
        .annotate(n=Count("versions", distinct=True))
        .values_list("code", "n")
    )
    return [
        {"code": tag.value, "name": str(tag.label), "count": counts.get(tag.value, 0)}
        for tag in ServiceTagCode
    ]


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """Options of the catalog filters: departments and regions that have items, types, levels, tags."""
    departments = (
        Department.objects.filter(service_items__isnull=False).distinct().order_by("region__code", "name")
    )
    regions = (
        Region.objects.filter(Q(service_items__isnull=False) | Q(children__isnull=False))
        .distinct()
        .order_by("code")
    )
    return {
        "department": [(d.uscc, d.name) for d in departments],
        "item_type": [(str(v), str(label)) for v, label in ItemType.choices],
        "level": [(str(v), str(label)) for v, label in Level.choices],
        "tag": [(str(v), str(label)) for v, label in ServiceTagCode.choices],
        "region": [(r.code, r.name) for r in regions],
    }


# --- guide content -------------------------------------------------------------------------------------


def _choice(enum: Any, value: Any) -> dict[str, Any] | None:
    if value in (None, ""):
        return None
    try:
        label = str(enum(value).label)
    except ValueError:
        label = str(value)
    return {"code": value, "label": label}


def limit_text(amount: int, unit: str) -> str:
    """``20 个工作日`` / ``30 个自然日``; 0 is 即时办结."""
    if amount == 0:
        return "即时办结"
    return f"{amount} 个{TimeUnitChoice(unit).label}"


def _limit(amount: int, unit: str) -> dict[str, Any]:
    return {
        "amount": amount,
        "unit": unit,
        "unit_label": str(TimeUnitChoice(unit).label),
        "text": limit_text(amount, unit),
    }


def _visits_text(visits: int) -> str:
    return "0 次（零跑腿）" if visits == 0 else f"{visits} 次"


def _file_url(field: Any) -> str:
    return field.url if field else ""


_EXEMPT_VIA = {
    MaterialRequirement.Source.E_LICENSE: "电子证照",
    MaterialRequirement.Source.SHARED_DATA: "数据共享",
}


def _material(row: MaterialRequirement) -> dict[str, Any]:
    exempt = row.source != MaterialRequirement.Source.APPLICANT
    exempt_text = ""
    if exempt:
        via = _EXEMPT_VIA.get(row.source, "")
        exempt_text = (
            f"免提交（{via}：{row.source_reference}）" if row.source_reference else f"免提交（{via}）"
        )
    return {
        "order": row.order + 1,
        "name": row.name,
        "required": row.required,
        "required_text": "必要" if row.required else "非必要（容缺）",
        "originals": row.originals,
        "copies": row.copies,
        "format": _choice(MaterialRequirement.Format, row.format),
        "source": _choice(MaterialRequirement.Source, row.source),
        "source_reference": row.source_reference,
        "exempt": exempt,
        "exempt_text": exempt_text,
        "blank_form_url": _file_url(row.blank_form),
        "sample_url": _file_url(row.sample),
        "notes": row.notes,
    }


def _step(row: ProcessStep) -> dict[str, Any]:
    return {
        "order": row.order + 1,
        "name": row.name,
        "role": _choice(ProcessStep.Role, row.role),
        "time_limit": _limit(row.time_amount, row.time_unit),
        "description": row.description,
    }


_JSON_TYPE_LABELS = {
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "是/否",
    "array": "列表",
    "object": "对象",
    "null": "空",
}
_JSON_FORMAT_LABELS = {"date": "日期", "date-time": "日期时间", "email": "电子邮箱", "uri": "网址"}


def _ordered_keys(schema: Mapping[str, Any], properties: Mapping[str, Any]) -> list[str]:
    # PostgreSQL stores JSONField as jsonb, which does not keep the key order of "properties"; the order
    # must therefore be stated: an "x-order" list on the object, or a numeric "propertyOrder" on each
    # property. Keys without either come last, alphabetically, so both databases give the same order.
    explicit = [k for k in schema.get("x-order") or [] if k in properties]

    def rank(key: str) -> tuple[int, float, str]:
        spec = properties[key]
        position = spec.get("propertyOrder") if isinstance(spec, Mapping) else None
        if isinstance(position, int | float) and not isinstance(position, bool):
            return (0, float(position), key)
        return (1, 0.0, key)

    return explicit + sorted((k for k in properties if k not in explicit), key=rank)


def form_fields(schema: Mapping[str, Any], prefix: str = "", title_prefix: str = "") -> list[dict[str, Any]]:
    """A flat summary of a JSON Schema form: one row per field, nested objects flattened (``a.b``).

    Field order: the object's ``x-order`` list, then properties by ``propertyOrder``, then by name.
    """
    if not isinstance(schema, Mapping):
        return []
    properties = schema.get("properties") or {}
    if not isinstance(properties, Mapping):
        return []
    required = set(schema.get("required") or [])
    rows: list[dict[str, Any]] = []
    for key in _ordered_keys(schema, properties):
        spec = properties[key]
        spec = spec if isinstance(spec, Mapping) else {}
        name = f"{prefix}{key}"
        title = f"{title_prefix}{spec.get('title') or key}"
        json_type = spec.get("type", "")
        if isinstance(json_type, list):
            json_type = next((t for t in json_type if t != "null"), "")
        if json_type == "object" and spec.get("properties"):
            rows.extend(form_fields(spec, prefix=f"{name}.", title_prefix=f"{title} / "))
            continue
        type_label = _JSON_FORMAT_LABELS.get(spec.get("format", ""), _JSON_TYPE_LABELS.get(json_type, "文本"))
        enum = spec.get("enum") or []
        if enum:
            type_label = "选项"
        rows.append(
            {
                "name": name,
                "title": title,
                "type": json_type or "string",
                "type_label": type_label,
                "required": key in required,
                "description": str(spec.get("description", "")),
                "options": [str(v) for v in enum],
            }
        )
    return rows


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _sub_items(item: ServiceItem, today: dt.date) -> list[dict[str, Any]]:
    rows = (
        ServiceItemVersion.objects.filter(in_force_q(today), item__parent=item)
        .select_related("item")
        .order_by("item__implementation_code")
    )
    return [{"implementation_code": v.item.implementation_code, "name": v.name} for v in rows]


def guide_data(version: ServiceItemVersion, *, today: dt.date | None = None) -> dict[str, Any]:
    """Every element of a 办事指南 (seed Art. 7–10) as plain JSON-serialisable values.

    Codes come with Chinese labels (``{"code": "01", "label": "行政许可"}``); time limits with their unit
    and a text (``"5 个工作日"``); dates as ISO strings. ``today`` decides which sub-items and parent are
    current (default today).
    """
    day = _today(today)
    item = version.item
    body = item.implementing_body
    region = item.region
    parent: dict[str, Any] | None = None
    if item.parent_id:
        parent_version = current_version(item.parent.implementation_code, today=day)
        parent = {
            "implementation_code": item.parent.implementation_code,
            "name": parent_version.name if parent_version else "",
        }
    fees = list(version.fees.all())
    tags = sorted(version.service_tags.all(), key=lambda t: t.order)
    return {
        "name": version.name,
        "item_type": _choice(ItemType, version.item_type),
        "public_service_domain": _choice(PublicServiceDomain, version.public_service_domain),
        "codes": {
            "basic_code": item.basic_code,
            "implementation_code": item.implementation_code,
            "handling_items": [{"code": h.code, "name": h.name} for h in version.handling_items.all()],
        },
        "level": _choice(Level, item.level),
        "implementing_body": {
            "name": body.name,
            "short_name": body.short_name,
            "uscc": body.uscc,
            "phone": body.phone,
            "address": body.address,
        },
        "region": {"code": region.code, "name": region.name},
        "parent": parent,
        "sub_items": _sub_items(item, day),
        "applicant_kinds": [_choice(ApplicantKind, k) for k in version.applicant_kinds],
        "conditions": version.conditions,
        "legal_bases": [
            {"order": b.order + 1, "law": b.law, "article": b.article, "text": b.text}
            for b in version.legal_bases.all()
        ],
        "materials": [_material(m) for m in version.materials.all()],
        "steps": [_step(s) for s in version.steps.all()],
        "legal_limit": _limit(version.legal_limit_amount, version.legal_limit_unit),
        "promised_limit": _limit(version.promised_limit_amount, version.promised_limit_unit),
        "extension": {"amount": version.extension_amount, "max_extensions": version.max_extensions},
        "fees": {
            "charges_fee": version.charges_fee,
            "text": "收费" if version.charges_fee else "不收费",
            "items": [
                {
                    "name": f.name,
                    "basis": f.basis,
                    "standard": f.standard,
                    "amount": None if f.amount is None else f"{f.amount:.2f}",
                }
                for f in fees
            ],
        },
        "review_points": version.review_points,
        "result": {
            "name": version.result_name,
            "type": _choice(ResultType, version.result_type),
            "license_type": version.license_type,
            "license_type_code": version.license_type_code,
        },
        "handling_type": _choice(HandlingType, version.handling_type),
        "visits_required": version.visits_required,
        "visits_text": _visits_text(version.visits_required),
        "online_depth": _choice(OnlineDepth, version.online_depth),
        "channels": [_choice(Channel, c) for c in version.channels],
        "service_tags": [{"code": t.code, "name": t.name} for t in tags],
        "center": {
            "excluded_from_center": version.excluded_from_center,
            "text": "纳入进驻负面清单，在分中心办理" if version.excluded_from_center else "进驻政务服务中心",
            "sub_center": version.sub_center,
        },
        "handling_location": version.handling_location,
        "office_hours": version.office_hours,
        "consultation_phone": version.consultation_phone,
        "complaint_phone": version.complaint_phone,
        "form_fields": form_fields(version.form_schema or {}),
        "version": {
            "number": version.number,
            "status": _choice(ServiceItemVersion.Status, version.status),
            "valid_from": _iso(version.valid_from),
            "valid_to": _iso(version.valid_to),
            "published_at": _iso(version.published_at),
            "change_note": version.change_note,
        },
    }


def guides(versions: Iterable[ServiceItemVersion], *, today: dt.date | None = None) -> list[dict[str, Any]]:
    return [guide_data(v, today=today) for v in versions]
