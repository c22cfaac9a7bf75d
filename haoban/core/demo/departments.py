"""政务服务职能部门 of the demo, each with a valid 统一社会信用代码 (GB 32100).

A government body's USCC is ``1`` (registration authority: 机构编制) + ``1`` (机关; ``3`` for 群团组织 such as
the 残联) + the 6-digit region code + a 9-character organisation code (GB 11714: 8 characters + its own
check character) + the GB 32100 check character. Both check characters are computed here, so every code is
valid; the codes are not the departments' real ones (demo only).

``guiding_code`` is the 2-digit guiding-department code used in positions 5–6 of the 基本编码 of the items
this department guides (GB/T 39554.1); county bodies share the code of their city counterpart.
"""

from __future__ import annotations

from typing import NamedTuple

from haoban.domain.codes import USCC_ALPHABET, uscc_check_char

from .regions import CHENGXIANG, CITY, HANJIANG, LICHENG, PROVINCE, XIANYOU

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code(body: str) -> str:
    """GB 11714 organisation code: 8 characters + check character (MOD 11; 10 → X, 11 → 0)."""
    if len(body) != 8 or any(c not in USCC_ALPHABET for c in body):
        raise ValueError(f"组织机构代码本体应为 8 位数字或大写字母：{body}")
    # Digits count as themselves, letters A–Z as 10–35.
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def government_uscc(region_code: str, org_body: str, category: str = "1") -> str:
    """USCC of a body registered by 机构编制 (``1``): ``category`` 1 机关, 3 群团组织."""
    first17 = f"1{category}{region_code}{org_code(org_body)}"
    return first17 + uscc_check_char(first17)


class DepartmentSpec(NamedTuple):
    key: str
    name: str
    short_name: str
    region: str
    uscc: str
    guiding_code: str
    phone: str
    address: str


_CENTER = "莆田市行政服务中心"


def _city(
    key: str, name: str, short: str, body: str, guiding: str, phone: str, category: str = "1"
) -> DepartmentSpec:
    return DepartmentSpec(
        key,
        name,
        short,
        CITY,
        government_uscc(CITY, body, category),
        guiding,
        phone,
        f"{_CENTER}（部门进驻窗口）",
    )


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    _city("market", "莆田市市场监督管理局", "市市场监管局", "MB158710", "26", "0594-2687001"),
    _city("natural_resources", "莆田市自然资源局", "市自然资源局", "MB158722", "12", "0594-2687002"),
    _city("health", "莆田市卫生健康委员会", "市卫健委", "MB158735", "21", "0594-2687003"),
    _city("hrss", "莆田市人力资源和社会保障局", "市人社局", "00366120", "11", "0594-2687004"),
    _city("housing", "莆田市住房和城乡建设局", "市住建局", "MB158748", "14", "0594-2687005"),
    _city("police", "莆田市公安局", "市公安局", "00366103", "05", "0594-2687006"),
    _city("civil_affairs", "莆田市民政局", "市民政局", "00366111", "07", "0594-2687007"),
    _city("transport", "莆田市交通运输局", "市交通运输局", "00366146", "15", "0594-2687008"),
    _city("ecology", "莆田市生态环境局", "市生态环境局", "MB158751", "13", "0594-2687009"),
    _city("education", "莆田市教育局", "市教育局", "00366095", "04", "0594-2687010"),
    _city("medical_insurance", "莆田市医疗保障局", "市医保局", "MB158769", "31", "0594-2687011"),
    # 群团组织: registration category 3.
    _city("disabled_persons", "莆田市残疾人联合会", "市残联", "50366201", "45", "0594-2687012", category="3"),
    DepartmentSpec(
        "province_housing",
        "福建省住房和城乡建设厅",
        "省住建厅",
        PROVINCE,
        government_uscc(PROVINCE, "00360315"),
        "14",
        "0591-87077001",
        "福州市鼓楼区北大路 242 号",
    ),
    DepartmentSpec(
        "chengxiang_market",
        "城厢区市场监督管理局",
        "城厢区市场监管局",
        CHENGXIANG,
        government_uscc(CHENGXIANG, "MB158801"),
        "26",
        "0594-2610026",
        "城厢区政务服务中心（部门进驻窗口）",
    ),
    DepartmentSpec(
        "licheng_market",
        "荔城区市场监督管理局",
        "荔城区市场监管局",
        LICHENG,
        government_uscc(LICHENG, "MB158812"),
        "26",
        "0594-2510026",
        "荔城区政务服务中心（部门进驻窗口）",
    ),
    DepartmentSpec(
        "xianyou_market",
        "仙游县市场监督管理局",
        "仙游县市场监管局",
        XIANYOU,
        government_uscc(XIANYOU, "MB158825"),
        "26",
        "0594-8210026",
        "仙游县政务服务中心（部门进驻窗口）",
    ),
    DepartmentSpec(
        "licheng_health",
        "荔城区卫生健康局",
        "荔城区卫健局",
        LICHENG,
        government_uscc(LICHENG, "MB158838"),
        "21",
        "0594-2510021",
        "荔城区政务服务中心（部门进驻窗口）",
    ),
    DepartmentSpec(
        "xianyou_civil_affairs",
        "仙游县民政局",
        "仙游县民政局",
        XIANYOU,
        government_uscc(XIANYOU, "00366507"),
        "07",
        "0594-8210007",
        "仙游县政务服务中心（部门进驻窗口）",
    ),
    DepartmentSpec(
        "hanjiang_hrss",
        "涵江区人力资源和社会保障局",
        "涵江区人社局",
        HANJIANG,
        government_uscc(HANJIANG, "00366402"),
        "11",
        "0594-3310011",
        "涵江区政务服务中心（部门进驻窗口）",
    ),
)

BY_KEY: dict[str, DepartmentSpec] = {d.key: d for d in DEPARTMENTS}


def uscc(key: str) -> str:
    return BY_KEY[key].uscc


def license_type_code(key: str, sequence: int) -> str:
    """GB/T 36904 licence type code: the defining department's USCC + a 3-digit sequence."""
    return f"{uscc(key)}{sequence:03d}"
