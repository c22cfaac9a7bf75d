"""Identifiers (legal-rules.md §2): the real examples, and every refusal with its exact message."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError

from haoban.domain import codes
from haoban.domain.codes import (
    BasicCode,
    CodeError,
    ImplementationCode,
    build_implementation_code,
    build_license_identifier,
    is_valid_uscc,
    mod37_36_check_char,
    parse_basic_code,
    parse_implementation_code,
    uscc_check_char,
    validate_basic_code,
    validate_handling_code,
    validate_implementation_code,
    validate_license_identifier,
    validate_region_code,
    validate_resident_id,
    validate_uscc,
)

IMPLEMENTATION_EXAMPLE = "11370800MB285591843370117002011"
LICENSE_EXAMPLE = "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F"


def _raises(call: object, message: str) -> None:
    with pytest.raises(CodeError) as excinfo:
        call()  # type: ignore[operator]
    assert str(excinfo.value) == message


# --- the real examples -----------------------------------------------------------------------------


def test_real_implementation_code() -> None:
    parsed = parse_implementation_code(IMPLEMENTATION_EXAMPLE)
    assert parsed == ImplementationCode("11370800MB28559184", 3, BasicCode("37", "01", "17002", "011"))
    assert str(parsed) == IMPLEMENTATION_EXAMPLE
    assert parsed.basic.is_sub_item and not parsed.basic.has_sub_items
    assert validate_implementation_code(" " + IMPLEMENTATION_EXAMPLE.lower() + " ") == IMPLEMENTATION_EXAMPLE
    assert build_implementation_code("11370800MB28559184", 3, "370117002011") == IMPLEMENTATION_EXAMPLE


def test_real_license_identifier() -> None:
    assert validate_license_identifier(LICENSE_EXAMPLE) == LICENSE_EXAMPLE
    assert validate_license_identifier(LICENSE_EXAMPLE.lower()) == LICENSE_EXAMPLE
    assert (
        build_license_identifier("11100000000013338W032", "11220000013544541J", "2430599", 1)
        == LICENSE_EXAMPLE
    )
    assert mod37_36_check_char("11100000000013338W03211220000013544541J2430599001") == "F"


@pytest.mark.parametrize("code", ["11370800MB28559184", "11100000000013338W", "11220000013544541J"])
def test_real_usccs(code: str) -> None:
    assert validate_uscc(code) == code
    assert is_valid_uscc(code)


# --- USCC ---------------------------------------------------------------------------------------------


def _independent_check_char(first17: str) -> str:
    """GB 32100-2015 §5.3 written out again, independent of the module under test."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [3**i % 31 for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
    c18 = 31 - sum(alphabet.index(c) * w for c, w in zip(first17, weights, strict=True)) % 31
    return alphabet[0 if c18 == 31 else c18]


@pytest.mark.parametrize("first17", ["N2350303MF1234567", "Y1350302MA2YCDE8H", "N1110108MC1234567"])
def test_usccs_with_letters_in_the_first_eight_chars_are_valid_here(first17: str) -> None:
    # given: a USCC of a 农业/其他 registration authority (first char N or Y), with its correct check char
    code = first17 + _independent_check_char(first17)
    # python-stdnum refuses it on format alone
    with pytest.raises(ValidationError):
        stdnum_uscc.validate(code)
    # then
    assert validate_uscc(code) == code
    assert uscc_check_char(first17) == code[-1]


def test_uscc_weights_are_the_standard_ones() -> None:
    assert codes.USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_uscc_normalises_case_and_spaces() -> None:
    assert validate_uscc(" 11370800mb28559184 ") == "11370800MB28559184"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11370800MB2855918", "统一社会信用代码应为 18 位，实际为 17 位"),
        ("11370800MB285591844", "统一社会信用代码应为 18 位，实际为 19 位"),
        ("11370800MI28559184", "统一社会信用代码只能使用数字和大写字母（不含 I、O、Z、S、V）"),
        ("１1370800MB28559184", "统一社会信用代码只能使用数字和大写字母（不含 I、O、Z、S、V）"),
        ("11370800MB28559185", "统一社会信用代码校验位不正确"),
    ],
)
def test_uscc_refusals(value: str, message: str) -> None:
    _raises(lambda: validate_uscc(value), message)
    assert is_valid_uscc(value) is False


@pytest.mark.parametrize("first17", ["11370800MB285591", "11370800MB28559184", "11370800OB2855918"])
def test_uscc_check_char_refuses_bad_input(first17: str) -> None:
    _raises(
        lambda: uscc_check_char(first17),
        "统一社会信用代码前 17 位只能使用数字和大写字母（不含 I、O、Z、S、V）",
    )


# --- resident ID -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["11010519491231002X", "440524188001010014"])  # GB 11643 examples
def test_resident_id_examples(code: str) -> None:
    assert validate_resident_id(code.lower()) == code


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010519491231002", "公民身份号码应为 18 位：17 位数字加 1 位数字或 X"),
        ("11010519491231002Y", "公民身份号码应为 18 位：17 位数字加 1 位数字或 X"),
        ("１1010519491231002X", "公民身份号码应为 18 位：17 位数字加 1 位数字或 X"),  # full-width digit
        ("110105194902300015", "公民身份号码中的出生日期无效"),  # 30 February
        ("110105194912310021", "公民身份号码校验位不正确"),
    ],
)
def test_resident_id_refusals(value: str, message: str) -> None:
    _raises(lambda: validate_resident_id(value), message)


# --- region codes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["350300", "350302", "350303", "350304", "350305", "350322", "350302001", "350302001001"]
)
def test_region_codes(code: str) -> None:
    assert validate_region_code(f" {code} ") == code


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("35030", "行政区划代码应为 6 位（县级及以上）、9 位（乡镇街道）或 12 位（村社区）数字"),
        ("3503001", "行政区划代码应为 6 位（县级及以上）、9 位（乡镇街道）或 12 位（村社区）数字"),
        ("35030A", "行政区划代码应为 6 位（县级及以上）、9 位（乡镇街道）或 12 位（村社区）数字"),
        ("３５０３００", "行政区划代码应为 6 位（县级及以上）、9 位（乡镇街道）或 12 位（村社区）数字"),
        ("003000", "行政区划代码的省级部分不能为 00"),
    ],
)
def test_region_code_refusals(value: str, message: str) -> None:
    _raises(lambda: validate_region_code(value), message)


# --- item codes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "parsed", "has_sub_items", "is_sub_item"),
    [
        ("370117002011", BasicCode("37", "01", "17002", "011"), False, True),
        ("35011700200Y", BasicCode("35", "01", "17002", "00Y"), True, False),
        ("350117002000", BasicCode("35", "01", "17002", "000"), False, False),
        ("3520110A1000", BasicCode("35", "20", "110A1", "000"), False, False),  # letters when digits run out
    ],
)
def test_basic_codes(value: str, parsed: BasicCode, has_sub_items: bool, is_sub_item: bool) -> None:
    assert parse_basic_code(value.lower()) == parsed
    assert (parsed.has_sub_items, parsed.is_sub_item) == (has_sub_items, is_sub_item)
    assert validate_basic_code(value) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("37011700201", "基本编码应为 12 位，实际为 11 位"),
        ("3A0117002011", "基本编码第 1–2 位（区划）应为数字"),
        ("3²0117002011", "基本编码第 1–2 位（区划）应为数字"),
        ("371117002011", "基本编码第 3–4 位（事项类型）“11”不是 GB/T 39046 规定的事项类型代码"),
        ("3701A7002011", "基本编码第 5–6 位（主项指导部门代码）应为数字"),
        ("370117I02011", "基本编码第 7–9 位（主项顺序号）只能是数字或字母（不含 I、O、Z、S、V）"),
        ("37011700S011", "基本编码第 7–9 位（主项顺序号）只能是数字或字母（不含 I、O、Z、S、V）"),
        ("3701170020Y1", "基本编码第 10–12 位（子项）应为 000（无子项）、00Y（有子项的主项）或 001–999"),
        ("37011700201A", "基本编码第 10–12 位（子项）应为 000（无子项）、00Y（有子项的主项）或 001–999"),
        ("3701170020１1", "基本编码第 10–12 位（子项）应为 000（无子项）、00Y（有子项的主项）或 001–999"),
    ],
)
def test_basic_code_refusals(value: str, message: str) -> None:
    _raises(lambda: parse_basic_code(value), message)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (IMPLEMENTATION_EXAMPLE[:-1], "实施编码应为 31 位，实际为 30 位"),
        ("11370800MB28559185" + IMPLEMENTATION_EXAMPLE[18:], "统一社会信用代码校验位不正确"),
        ("11370800MB28559184" + "8" + IMPLEMENTATION_EXAMPLE[19:], "实施编码第 19 位（行使层级）应为 1–7"),
        ("11370800MB28559184" + "0" + IMPLEMENTATION_EXAMPLE[19:], "实施编码第 19 位（行使层级）应为 1–7"),
        ("11370800MB28559184" + "A" + IMPLEMENTATION_EXAMPLE[19:], "实施编码第 19 位（行使层级）应为 1–7"),
        # "²".isdigit() is true but int("²") raises: must be refused in Chinese, not crash.
        ("11370800MB28559184" + "²" + IMPLEMENTATION_EXAMPLE[19:], "实施编码第 19 位（行使层级）应为 1–7"),
        (
            IMPLEMENTATION_EXAMPLE[:21] + "99" + IMPLEMENTATION_EXAMPLE[23:],
            "基本编码第 3–4 位（事项类型）“99”不是 GB/T 39046 规定的事项类型代码",
        ),
    ],
)
def test_implementation_code_refusals(value: str, message: str) -> None:
    _raises(lambda: parse_implementation_code(value), message)


def test_build_implementation_code_refuses_an_unknown_level() -> None:
    _raises(lambda: build_implementation_code("11370800MB28559184", 8, "370117002011"), "行使层级应为 1–7")


def test_handling_code() -> None:
    assert validate_handling_code(IMPLEMENTATION_EXAMPLE + "01") == IMPLEMENTATION_EXAMPLE + "01"
    assert validate_handling_code(IMPLEMENTATION_EXAMPLE.lower() + "99") == IMPLEMENTATION_EXAMPLE + "99"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (IMPLEMENTATION_EXAMPLE + "1", "业务办理项编码应为 33 位，实际为 32 位"),
        (IMPLEMENTATION_EXAMPLE + "00", "业务办理项编码最后 2 位应为 01–99 的顺序号"),
        (IMPLEMENTATION_EXAMPLE + "0A", "业务办理项编码最后 2 位应为 01–99 的顺序号"),
        (IMPLEMENTATION_EXAMPLE + "０1", "业务办理项编码最后 2 位应为 01–99 的顺序号"),
        (
            "11370800MB28559184" + "9" + IMPLEMENTATION_EXAMPLE[19:] + "01",
            "实施编码第 19 位（行使层级）应为 1–7",
        ),
    ],
)
def test_handling_code_refusals(value: str, message: str) -> None:
    _raises(lambda: validate_handling_code(value), message)


# --- licence identifiers ---------------------------------------------------------------------------------


def test_mod37_36_refuses_characters_outside_its_alphabet() -> None:
    _raises(lambda: mod37_36_check_char("AB-12"), "证照标识中含有非法字符“-”")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("11100000000013338W03", "11220000013544541J", "2430599", 1),
            "证照类型代码应为 18 位统一社会信用代码加 3 位顺序号",
        ),
        (
            ("11100000000013338W0３2", "11220000013544541J", "2430599", 1),
            "证照类型代码应为 18 位统一社会信用代码加 3 位顺序号",
        ),
        (("11100000000013338X032", "11220000013544541J", "2430599", 1), "统一社会信用代码校验位不正确"),
        (("11100000000013338W032", "11220000013544541K", "2430599", 1), "统一社会信用代码校验位不正确"),
        (
            ("11100000000013338W032", "11220000013544541J", "2430-599", 1),
            "证照流水号只能由数字和大写字母组成",
        ),
        (("11100000000013338W032", "11220000013544541J", "", 1), "证照流水号只能由数字和大写字母组成"),
        (("11100000000013338W032", "11220000013544541J", "2430599", 0), "证照版本号应为 001–999"),
        (("11100000000013338W032", "11220000013544541J", "2430599", 1000), "证照版本号应为 001–999"),
    ],
)
def test_build_license_identifier_refusals(args: tuple[str, str, str, int], message: str) -> None:
    _raises(lambda: build_license_identifier(*args), message)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "1.2.156.3005.3.11100000000013338W032.11220000013544541J.2430599.001.F",
            "证照标识应以 1.2.156.3005.2 开头",
        ),
        (
            "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001",
            "证照标识应由类型代码、颁发机构代码、流水号、版本号和校验位五段组成",
        ),
        (
            "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F.1",
            "证照标识应由类型代码、颁发机构代码、流水号、版本号和校验位五段组成",
        ),
        (
            "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.01.F",
            "证照标识版本号应为 3 位数字",
        ),
        (
            "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.００1.F",
            "证照标识版本号应为 3 位数字",
        ),
        ("1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.000.F", "证照版本号应为 001–999"),
        ("1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.G", "证照标识校验位不正确"),
        ("1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.002.F", "证照标识校验位不正确"),
        ("1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430598.001.F", "证照标识校验位不正确"),
    ],
)
def test_license_identifier_refusals(value: str, message: str) -> None:
    _raises(lambda: validate_license_identifier(value), message)
