"""Identifiers of the government-services domain, validated per legal-rules.md §2.

Every ``validate_*`` function returns the normalised value or raises :class:`CodeError` with a Chinese
message; every ``is_valid_*`` function answers yes or no.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# --- 统一社会信用代码 USCC (GB 32100-2015) ------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(f"^[{USCC_ALPHABET}]{{18}}$")


class CodeError(ValueError):
    """An identifier that does not follow its standard (message in Chinese)."""


def _is_digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit()`` and ``\\d`` also accept "１" (full width) and "²", which are
    not valid in any code of these standards (and ``int("²")`` even raises)."""
    return bool(re.fullmatch(r"[0-9]+", text))


def uscc_check_char(first17: str) -> str:
    """Check character of a USCC: 31 − (Σ value × weight mod 31), mapped back to the alphabet."""
    if len(first17) != 17 or any(c not in USCC_ALPHABET for c in first17):
        raise CodeError("统一社会信用代码前 17 位只能使用数字和大写字母（不含 I、O、Z、S、V）")
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 18:
        raise CodeError(f"统一社会信用代码应为 18 位，实际为 {len(code)} 位")
    if not _USCC_RE.match(code):
        raise CodeError("统一社会信用代码只能使用数字和大写字母（不含 I、O、Z、S、V）")
    if uscc_check_char(code[:17]) != code[17]:
        raise CodeError("统一社会信用代码校验位不正确")
    return code


def is_valid_uscc(value: str) -> bool:
    try:
        validate_uscc(value)
    except CodeError:
        return False
    return True


# --- 公民身份号码 (GB 11643-1999, ISO 7064 MOD 11-2) ------------------------------------------------

_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RIC_CHECK = "10X98765432"


def validate_resident_id(value: str) -> str:
    code = value.strip().upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", code):
        raise CodeError("公民身份号码应为 18 位：17 位数字加 1 位数字或 X")
    try:
        dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        raise CodeError("公民身份号码中的出生日期无效") from None
    total = sum(int(c) * w for c, w in zip(code[:17], _RIC_WEIGHTS, strict=True))
    if _RIC_CHECK[total % 11] != code[17]:
        raise CodeError("公民身份号码校验位不正确")
    return code


# --- 行政区划代码 (GB/T 2260) ------------------------------------------------------------------------


def validate_region_code(value: str) -> str:
    """A 6-digit county-or-above code, or a 9-digit town code, or a 12-digit village code."""
    code = value.strip()
    if not re.fullmatch(r"[0-9]{6}|[0-9]{9}|[0-9]{12}", code):
        raise CodeError("行政区划代码应为 6 位（县级及以上）、9 位（乡镇街道）或 12 位（村社区）数字")
    if code[:2] == "00":
        raise CodeError("行政区划代码的省级部分不能为 00")
    return code


# --- 事项编码 (GB/T 39554.1) -------------------------------------------------------------------------

ITEM_TYPE_CODES: dict[str, str] = {
    "01": "行政许可",
    "02": "行政处罚",
    "03": "行政强制",
    "04": "行政征收",
    "05": "行政给付",
    "06": "行政检查",
    "07": "行政确认",
    "08": "行政奖励",
    "09": "行政裁决",
    "10": "其他行政权力",
    "20": "公共服务",
}

LEVEL_CODES: dict[int, str] = {
    1: "国家级",
    2: "省级",
    3: "市级",
    4: "县级",
    5: "乡镇（街道）级",
    6: "村（社区）级",
    7: "分级管理",
}

# Letters allowed in the main-item sequence when digits run out: never I, O, Z, S, V.
_MAIN_ITEM_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class BasicCode:
    """基本编码: 2 region + 2 item type + 5 main item (2 guiding department + 3 sequence) + 3 sub-item."""

    region: str
    item_type: str
    main_item: str
    sub_item: str

    def __str__(self) -> str:
        return f"{self.region}{self.item_type}{self.main_item}{self.sub_item}"

    @property
    def has_sub_items(self) -> bool:
        return self.sub_item == "00Y"

    @property
    def is_sub_item(self) -> bool:
        return self.sub_item not in ("000", "00Y")


def parse_basic_code(value: str) -> BasicCode:
    code = value.strip().upper()
    if len(code) != 12:
        raise CodeError(f"基本编码应为 12 位，实际为 {len(code)} 位")
    region, item_type, main_item, sub_item = code[:2], code[2:4], code[4:9], code[9:12]
    if not _is_digits(region):
        raise CodeError("基本编码第 1–2 位（区划）应为数字")
    if item_type not in ITEM_TYPE_CODES:
        raise CodeError(f"基本编码第 3–4 位（事项类型）“{item_type}”不是 GB/T 39046 规定的事项类型代码")
    if not _is_digits(main_item[:2]):
        raise CodeError("基本编码第 5–6 位（主项指导部门代码）应为数字")
    if any(c not in _MAIN_ITEM_CHARS for c in main_item[2:]):
        raise CodeError("基本编码第 7–9 位（主项顺序号）只能是数字或字母（不含 I、O、Z、S、V）")
    if not (sub_item == "00Y" or _is_digits(sub_item)):
        raise CodeError("基本编码第 10–12 位（子项）应为 000（无子项）、00Y（有子项的主项）或 001–999")
    return BasicCode(region, item_type, main_item, sub_item)


def validate_basic_code(value: str) -> str:
    return str(parse_basic_code(value))


@dataclass(frozen=True)
class ImplementationCode:
    """实施编码: 18-char USCC of the implementing body + 1 level digit + 12-char basic code."""

    uscc: str
    level: int
    basic: BasicCode

    def __str__(self) -> str:
        return f"{self.uscc}{self.level}{self.basic}"


def parse_implementation_code(value: str) -> ImplementationCode:
    code = value.strip().upper()
    if len(code) != 31:
        raise CodeError(f"实施编码应为 31 位，实际为 {len(code)} 位")
    uscc = validate_uscc(code[:18])
    if not _is_digits(code[18]) or int(code[18]) not in LEVEL_CODES:
        raise CodeError("实施编码第 19 位（行使层级）应为 1–7")
    return ImplementationCode(uscc, int(code[18]), parse_basic_code(code[19:]))


def validate_implementation_code(value: str) -> str:
    return str(parse_implementation_code(value))


def build_implementation_code(uscc: str, level: int, basic_code: str) -> str:
    if level not in LEVEL_CODES:
        raise CodeError("行使层级应为 1–7")
    return str(ImplementationCode(validate_uscc(uscc), level, parse_basic_code(basic_code)))


def validate_handling_code(value: str) -> str:
    """业务办理项编码: the 31-char implementation code + a 2-digit sequence (01–99)."""
    code = value.strip().upper()
    if len(code) != 33:
        raise CodeError(f"业务办理项编码应为 33 位，实际为 {len(code)} 位")
    implementation = validate_implementation_code(code[:31])
    if not _is_digits(code[31:]) or code[31:] == "00":
        raise CodeError("业务办理项编码最后 2 位应为 01–99 的顺序号")
    return implementation + code[31:]


# --- 证照标识 (GB/T 36904) with ISO/IEC 7064 MOD 37,36 ----------------------------------------------

_MOD37_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def mod37_36_check_char(payload: str) -> str:
    """ISO/IEC 7064 MOD 37,36 (hybrid system) check character over digits and capital letters."""
    modulus = 36
    product = modulus
    for char in payload.upper():
        if char not in _MOD37_ALPHABET:
            raise CodeError(f"证照标识中含有非法字符“{char}”")
        total = (product + _MOD37_ALPHABET.index(char)) % modulus or modulus
        product = (total * 2) % (modulus + 1)
    return _MOD37_ALPHABET[(modulus + 1 - product) % modulus]


LICENSE_IDENTIFIER_PREFIX = "1.2.156.3005.2"


def build_license_identifier(type_code: str, issuer_code: str, serial: str, version: int = 1) -> str:
    if not re.fullmatch(r"[0-9A-Z]{18}[0-9]{3}", type_code):
        raise CodeError("证照类型代码应为 18 位统一社会信用代码加 3 位顺序号")
    validate_uscc(type_code[:18])
    validate_uscc(issuer_code)
    if not re.fullmatch(r"[0-9A-Z]+", serial):
        raise CodeError("证照流水号只能由数字和大写字母组成")
    if not 1 <= version <= 999:
        raise CodeError("证照版本号应为 001–999")
    ver = f"{version:03d}"
    check = mod37_36_check_char(f"{type_code}{issuer_code}{serial}{ver}")
    return f"{LICENSE_IDENTIFIER_PREFIX}.{type_code}.{issuer_code}.{serial}.{ver}.{check}"


def validate_license_identifier(value: str) -> str:
    code = value.strip().upper()
    prefix = LICENSE_IDENTIFIER_PREFIX + "."
    if not code.startswith(prefix):
        raise CodeError(f"证照标识应以 {LICENSE_IDENTIFIER_PREFIX} 开头")
    parts = code[len(prefix) :].split(".")
    if len(parts) != 5:
        raise CodeError("证照标识应由类型代码、颁发机构代码、流水号、版本号和校验位五段组成")
    type_code, issuer, serial, ver, check = parts
    if not re.fullmatch(r"[0-9]{3}", ver):
        raise CodeError("证照标识版本号应为 3 位数字")
    expected = build_license_identifier(type_code, issuer, serial, int(ver))
    if expected[-1] != check:
        raise CodeError("证照标识校验位不正确")
    return expected
