"""Demo applicants, an agent and scoped staff (issue 3, people and access).

Identifiers are valid but invented: resident IDs carry the GB 11643 check digit computed here (birth place
城厢区 350302 / 仙游县 350322), the enterprise's USCC the GB 32100 check character. Everything is written
through ``haoban.accounts.services`` (``applicant_register``, ``agent_authorize``, ``staff_assign``).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from haoban.domain.codes import uscc_check_char

from .departments import org_code
from .regions import CHENGXIANG, CITY, XIANYOU

_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RIC_CHECK = "10X98765432"


def resident_id(first17: str) -> str:
    """公民身份号码 with its GB 11643 (ISO 7064 MOD 11-2) check digit."""
    total = sum(int(c) * w for c, w in zip(first17, _RIC_WEIGHTS, strict=True))
    return first17 + _RIC_CHECK[total % 11]


def enterprise_uscc(region_code: str, org_body: str) -> str:
    """USCC of an enterprise registered by 市场监管 (``9``) as 企业 (``1``)."""
    first17 = f"91{region_code}{org_code(org_body)}"
    return first17 + uscc_check_char(first17)


class ApplicantSpec(NamedTuple):
    username: str
    kind: str  # ApplicantProfile.Kind value
    name: str
    phone: str
    resident_id: str = ""
    uscc: str = ""
    legal_representative: str = ""
    real_name_level: int = 2  # 可信实名: verified at a window for the demo
    role_name: str = ""
    can_do: str = ""


class StaffSpec(NamedTuple):
    username: str
    display_name: str
    role: str  # StaffRole value
    departments: tuple[str, ...] = ()  # DepartmentSpec keys
    centers: tuple[str, ...] = ()  # ServiceCenter names
    region: str | None = None  # region code (with its subtree)
    can_do: str = ""


class AgentSpec(NamedTuple):
    agent: str  # username
    principal: str  # username of the principal's account
    valid_from: dt.date
    valid_to: dt.date | None
    scope: str
    notes: str


CITY_CENTER = "莆田市行政服务中心"

APPLICANTS: tuple[ApplicantSpec, ...] = (
    ApplicantSpec(
        "zhangsan",
        "natural_person",
        "张三",
        "13800000001",
        resident_id=resident_id(f"{CHENGXIANG}19900307123"),
        role_name="申请人（自然人）",
        can_do="以本人名义申请办事、查看本人办件（/accounts/me/）。",
    ),
    ApplicantSpec(
        "putian-food",
        "enterprise",
        "莆田市好味食品有限公司",
        "13800000002",
        uscc=enterprise_uscc(CITY, "MA34FD0K"),
        legal_representative="李明",
        role_name="申请人（企业法人）",
        can_do="以企业名义申请办事（如食品经营许可）、查看本企业办件。",
    ),
    ApplicantSpec(
        "daiban",
        "natural_person",
        "王芳",
        "13800000003",
        resident_id=resident_id(f"{XIANYOU}19850515246"),
        role_name="代办人（自然人）",
        can_do="以本人名义办事；在授权期限内代张三办事、查看张三的办件。",
    ),
)

AGENTS: tuple[AgentSpec, ...] = (
    AgentSpec(
        "daiban",
        "zhangsan",
        dt.date(2026, 1, 1),
        dt.date(2028, 12, 31),
        "",
        "演示：授权委托书已在莆田市行政服务中心窗口核验。",
    ),
)

STAFF: tuple[StaffSpec, ...] = (
    StaffSpec(
        "admin",
        "",
        "system_admin",
        can_do="拥有全部权限：管理账号和角色，维护区划、部门、服务中心、事项和节假日安排（/admin/）。",
    ),
    StaffSpec(
        "catalog",
        "",
        "catalog_manager",
        region=CITY,
        can_do="维护政务服务事项：新增事项、编辑草稿、发布新版本、认领（/admin/ 与接口）；查看区划、部门和服务中心。",
    ),
    StaffSpec(
        "clerk",
        "林晓",
        "window_clerk",
        departments=("market",),
        centers=(CITY_CENTER,),
        can_do="在莆田市行政服务中心窗口受理市市场监管局的办件。",
    ),
    StaffSpec("reviewer", "陈静", "reviewer", departments=("market",), can_do="审查市市场监管局的办件。"),
    StaffSpec(
        "head", "黄建国", "department_head", departments=("market",), can_do="对市市场监管局的办件作出决定。"
    ),
    StaffSpec(
        "supervisor",
        "郑华",
        "efficiency_supervisor",
        region=CITY,
        can_do="监督莆田市及下辖区县、乡镇、村（社区）全部办件的时效（红黄牌）。",
    ),
    # 不动产登记 (市自然资源局) charges fees and releases the certificate only once they are paid (先缴费后领证,
    # docs/payments.md): these three handle it end to end.
    StaffSpec(
        "bdc-clerk",
        "蔡明",
        "window_clerk",
        departments=("natural_resources",),
        can_do="受理市自然资源局（不动产登记）的办件，登记窗口缴费，送达证书。",
    ),
    StaffSpec(
        "bdc-reviewer",
        "许婷",
        "reviewer",
        departments=("natural_resources",),
        can_do="审查不动产登记办件并制证。",
    ),
    StaffSpec(
        "bdc-head",
        "方志强",
        "department_head",
        departments=("natural_resources",),
        can_do="对不动产登记办件作出决定（选定本件收费项目），批准退费。",
    ),
    StaffSpec(
        "xianyou-clerk",
        "吴丽",
        "window_clerk",
        region=XIANYOU,
        can_do="受理仙游县（含乡镇、村）范围内的办件。",
    ),
)
