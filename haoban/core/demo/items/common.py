"""Builders shared by the demo item modules: the item spec, content defaults and small constructors.

A spec's ``content`` is exactly the mapping ``haoban.catalog.services.item_create`` accepts (CONTENT_FIELDS,
the child lists and the ``service_tags`` codes), so the demo data goes through the same validation as the API,
the admin and the Excel import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..regions import OFFICE_HOURS

# Versions of the demo take effect on the day the Putian 工作规范 was issued (2025-05-06).
DEMO_VALID_FROM = dt.date(2025, 5, 6)
COMPLAINT_PHONE = "12345"

Content = dict[str, Any]


@dataclass(frozen=True)
class Revision:
    """A later version: the content keys that change, published on ``valid_from`` (or left as a draft).

    ``change_note`` is recorded when the version is published; for a draft it only documents the intent
    (the services set a version's note at publication).
    """

    changes: Content
    change_note: str
    valid_from: dt.date | None = None  # None: stays an unpublished draft


@dataclass(frozen=True)
class ItemSpec:
    key: str  # stable demo key, used by tests and by ``parent``
    department: str  # DepartmentSpec.key
    level: int  # 行使层级: 2 province, 3 city, 4 county
    basic_code: str
    content: Content
    region: str | None = None  # region code; default the department's region
    parent: str | None = None  # key of the main item (基本编码 …00Y)
    publish: bool = True  # False: the item stays a draft (never public)
    claim: bool = True  # False: left 待认领 to show the claiming workflow
    revisions: tuple[Revision, ...] = field(default_factory=tuple)


def step(name: str, role: str, amount: int, description: str = "", unit: str = "workday") -> Content:
    return {"name": name, "role": role, "time_amount": amount, "time_unit": unit, "description": description}


def accept(amount: int = 1, unit: str = "workday") -> Content:
    return step(
        "受理",
        "window_clerk",
        amount,
        "窗口核对申请材料，材料齐全、符合法定形式的予以受理并出具受理通知书。",
        unit,
    )


def review(
    amount: int, description: str = "审查申请材料，必要时进行现场核查。", unit: str = "workday"
) -> Content:
    return step("审查", "reviewer", amount, description, unit)


def decide(amount: int = 1, unit: str = "workday") -> Content:
    return step(
        "决定", "department_head", amount, "作出准予或者不予的书面决定；不予的说明理由并告知救济途径。", unit
    )


def issue(amount: int = 1, unit: str = "workday") -> Content:
    return step("制证", "window_clerk", amount, "制作证照或者决定文书，加盖电子印章。", unit)


def deliver(amount: int = 1, unit: str = "workday") -> Content:
    return step("送达", "window_clerk", amount, "窗口领取、免费邮寄或者电子证照推送。", unit)


def immediate_steps() -> list[Content]:
    """即办件: accepted, checked and decided on the spot."""
    return [
        step("受理", "window_clerk", 0, "窗口或系统即时受理。"),
        step("审查", "window_clerk", 0, "当场审查，材料齐全、符合法定形式的当场办结。"),
        step("决定", "window_clerk", 0, "当场作出决定并出具结果。"),
    ]


def basis(law: str, article: str = "", text: str = "") -> Content:
    return {"law": law, "article": article, "text": text}


def material(
    name: str,
    *,
    originals: int = 1,
    copies: int = 0,
    fmt: str = "both",
    required: bool = True,
    notes: str = "",
) -> Content:
    return {
        "name": name,
        "required": required,
        "originals": originals,
        "copies": copies,
        "format": fmt,
        "source": "applicant",
        "source_reference": "",
        "notes": notes,
    }


def e_license(name: str, reference: str, notes: str = "") -> Content:
    """免提交: the material is the holder's 电子证照, fetched by the system."""
    return {
        "name": name,
        "required": True,
        "originals": 0,
        "copies": 0,
        "format": "electronic",
        "source": "e_license",
        "source_reference": reference,
        "notes": notes or "通过电子证照库调用，申请人无需提交。",
    }


def shared_data(name: str, reference: str, notes: str = "") -> Content:
    """免提交: the material comes from government data sharing."""
    return {
        "name": name,
        "required": True,
        "originals": 0,
        "copies": 0,
        "format": "electronic",
        "source": "shared_data",
        "source_reference": reference,
        "notes": notes or "通过政务数据共享获取，申请人无需提交。",
    }


def fee(name: str, basis_text: str, standard: str, amount: str | None) -> Content:
    return {"name": name, "basis": basis_text, "standard": standard, "amount": amount}


# --- application forms (JSON Schema draft 2020-12) ---------------------------------------------------

Field = tuple[str, Content]

PERSON_NAME: Field = (
    "applicant_name",
    {"type": "string", "title": "申请人姓名", "minLength": 2, "maxLength": 50},
)
ID_NUMBER: Field = (
    "id_number",
    {"type": "string", "title": "公民身份号码", "pattern": "^[0-9]{17}[0-9X]$"},
)
PHONE: Field = ("phone", {"type": "string", "title": "联系电话", "pattern": "^[0-9-]{7,20}$"})
ENTITY_NAME: Field = (
    "entity_name",
    {"type": "string", "title": "单位名称", "minLength": 2, "maxLength": 100},
)
USCC: Field = (
    "uscc",
    {
        "type": "string",
        "title": "统一社会信用代码",
        "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$",
    },
)
LEGAL_REPRESENTATIVE: Field = ("legal_representative", {"type": "string", "title": "法定代表人（负责人）"})
ADDRESS: Field = ("address", {"type": "string", "title": "地址", "maxLength": 200})
PROJECT_NAME: Field = ("project_name", {"type": "string", "title": "项目名称", "maxLength": 200})


def text(key: str, title: str, **extra: Any) -> Field:
    return (key, {"type": "string", "title": title, **extra})


def choice(key: str, title: str, options: list[str]) -> Field:
    return (key, {"type": "string", "title": title, "enum": options})


def number(key: str, title: str, minimum: float = 0, **extra: Any) -> Field:
    bound = {} if "exclusiveMinimum" in extra else {"minimum": minimum}
    return (key, {"type": "number", "title": title, **bound, **extra})


def integer(key: str, title: str, minimum: int = 1) -> Field:
    return (key, {"type": "integer", "title": title, "minimum": minimum})


def date(key: str, title: str) -> Field:
    return (key, {"type": "string", "title": title, "format": "date"})


def form(title: str, required: list[Field], optional: list[Field] | None = None) -> Content:
    """A small application form: an object whose ``required`` fields are listed, with Chinese titles.

    ``x-order`` keeps the fields in the order written here: PostgreSQL's jsonb does not keep key order.
    """
    fields = [*required, *(optional or [])]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "type": "object",
        "properties": dict(fields),
        "x-order": [key for key, _ in fields],
        "required": [key for key, _ in required],
        "additionalProperties": False,
    }


def person_form(title: str, *extra: Field, optional: list[Field] | None = None) -> Content:
    return form(title, [PERSON_NAME, ID_NUMBER, PHONE, *extra], optional)


def entity_form(title: str, *extra: Field, optional: list[Field] | None = None) -> Content:
    return form(title, [ENTITY_NAME, USCC, LEGAL_REPRESENTATIVE, PHONE, *extra], optional)


# --- content defaults ----------------------------------------------------------------------------------


def content(
    *,
    name: str,
    item_type: str,
    location: str,
    phone: str,
    **fields: Any,
) -> Content:
    """Content with the defaults of a promised licence-style item; ``fields`` override any key."""
    base: Content = {
        "name": name,
        "item_type": item_type,
        "public_service_domain": "",
        "applicant_kinds": ["2"],
        "conditions": "",
        "review_points": "",
        "legal_limit_amount": 20,
        "legal_limit_unit": "workday",
        "promised_limit_amount": 10,
        "promised_limit_unit": "workday",
        "extension_amount": 10,
        "max_extensions": 1,
        "handling_type": "promised",
        "visits_required": 1,
        "online_depth": 3,
        "channels": ["pc", "mobile", "window"],
        "excluded_from_center": False,
        "sub_center": "",
        "handling_location": location,
        "office_hours": OFFICE_HOURS,
        "consultation_phone": phone,
        "complaint_phone": COMPLAINT_PHONE,
        "charges_fee": False,
        "pay_before_release": False,
        "result_name": "",
        "result_type": "other",
        "license_type": "",
        "license_type_code": "",
        "form_schema": {},
        "legal_bases": [],
        "materials": [],
        "steps": [],
        "fees": [],
        "handling_items": [],
        "service_tags": [],
    }
    unknown = set(fields) - set(base)
    if unknown:
        raise KeyError(f"unknown content keys: {sorted(unknown)}")
    base.update(fields)
    return base


# Window locations (办理地点) of the demo.
CITY_CENTER = "莆田市行政服务中心"


def city_window(window: str) -> str:
    return f"{CITY_CENTER} {window}"


def handling(department: str, level: int, basic_code: str, sequence: int, name: str) -> Content:
    """业务办理项: the item's 实施编码 + a 2-digit sequence."""
    from haoban.domain.codes import build_implementation_code

    from ..departments import uscc

    code = build_implementation_code(uscc(department), level, basic_code) + f"{sequence:02d}"
    return {"code": code, "name": name}
