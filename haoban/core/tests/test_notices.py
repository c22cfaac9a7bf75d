"""Notices (文书): every kind renders a real PDF that says what the law requires; content is validated;
the SM3 digest and SM2 seal detect any change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pypdf
import pytest
import zxingcpp
from PIL import Image

from haoban.core import crypto
from haoban.core.notices import (
    NOTICE_TITLES,
    REQUIRED_FIELDS,
    MaterialDefect,
    NoticeContent,
    NoticeKind,
    new_verification_token,
    notice_digest,
    render_notice_pdf,
    sign_notice,
    verify_notice,
)
from haoban.core.pdf import qr_png_bytes

D = dt.date
URL = "https://zwfw.putian.gov.cn/v/q3Xn8V0bS2d9kLr4TzW1pA/"
COMMON: dict[str, Any] = {
    "case_number": "350304202503050001",
    "item_name": "食品经营许可（新办）",
    "applicant_name": "莆田市荔城区好味道餐饮有限公司",
    "department_name": "莆田市荔城区行政审批局",
    "received_date": D(2025, 3, 3),
    "verification_url": URL,
}
MATERIALS = (
    MaterialDefect("食品经营许可申请书", "第3页“经营项目”栏未填写，法定代表人未签字"),
    MaterialDefect("营业执照复印件", "复印件不清晰，统一社会信用代码无法辨认"),
    MaterialDefect("经营场所平面布局图", "未标明食品处理区、仓储区的面积和位置。"),
)
PER_KIND: dict[str, dict[str, Any]] = {
    "acceptance": {
        "document_number": "荔审批受〔2025〕15号",
        "issue_date": D(2025, 3, 5),
        "accepted_date": D(2025, 3, 5),
        "legal_due_date": D(2025, 4, 2),
        "promised_due_date": D(2025, 3, 12),
    },
    "refusal": {
        "document_number": "荔审批不受〔2025〕3号",
        "issue_date": D(2025, 3, 3),
        "refusal_reason": "该申请事项依法不属于本机关职权范围。",
        "competent_office": "莆田市市场监督管理局",
        "review_body": "莆田市荔城区人民政府",
        "court": "莆田市荔城区人民法院",
    },
    "supplement": {
        "document_number": "荔审批补〔2025〕8号",
        "issue_date": D(2025, 3, 4),
        "materials": MATERIALS,
        "supplement_deadline": D(2025, 3, 14),
    },
    "extension": {
        "document_number": "荔审批延〔2025〕2号",
        "issue_date": D(2025, 3, 28),
        "extension_reason": "经营场所现场核查发现的问题需要申请人整改后复查",
        "extension_days": 10,
        "new_due_date": D(2025, 4, 17),
    },
    "special_procedure": {
        "document_number": "荔审批特〔2025〕1号",
        "issue_date": D(2025, 3, 10),
        "procedure_kind": "expert_review",
        "expected_days": 15,
    },
    "approval": {
        "document_number": "荔审批准〔2025〕21号",
        "issue_date": D(2025, 3, 12),
        "decision": "准予行政许可",
        "result_name": "食品经营许可证",
        "result_number": "JY13503040012345",
    },
    "denial": {
        "document_number": "荔审批不许〔2025〕4号",
        "issue_date": D(2025, 3, 12),
        "denial_reasons": [
            "经营场所与有毒、有害场所的距离不足25米",
            "未配备与经营规模相适应的冷藏设施。",
        ],
    },
}
APPLICATION = "你（单位）于2025年3月3日提出的食品经营许可（新办）申请（办件编号：350304202503050001）"
REMEDIES_NAMED = (
    "如不服本决定，可以自收到本决定书之日起六十日内向莆田市荔城区人民政府申请行政复议，"
    "也可以自收到本决定书之日起六个月内向莆田市荔城区人民法院提起行政诉讼。"
)
REMEDIES_GENERIC = (
    "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，"
    "也可以自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
)
EXPECTED_TEXT: dict[str, list[str]] = {
    "acceptance": [
        f"{APPLICATION}，申请材料齐全、符合法定形式。根据《中华人民共和国行政许可法》第三十二条第一款第（五）项"
        "的规定，本机关决定予以受理，受理日期为2025年3月5日。",
        "本机关承诺于2025年3月12日前办结；依法作出决定的期限为2025年4月2日前（法定期限）。",
        "所需时间不计算在上述期限内，本机关将另行书面告知。",
        "特此通知。",
    ],
    "refusal": [
        f"{APPLICATION}，经审查，不符合受理条件。根据《中华人民共和国行政许可法》第三十二条第一款的规定，"
        "本机关决定不予受理。",
        "不予受理的理由：该申请事项依法不属于本机关职权范围。",
        "该申请事项请向莆田市市场监督管理局提出申请。",
        REMEDIES_NAMED,
    ],
    "supplement": [
        "你（单位）于2025年3月3日提交的食品经营许可（新办）申请（办件编号：350304202503050001），"
        "申请材料不齐全或者不符合法定形式。根据《中华人民共和国行政许可法》第三十二条第一款第（四）项的规定，"
        "现将需要补正的全部内容一次性告知如下：",
        "1食品经营许可申请书第3页“经营项目”栏未填写，法定代表人未签字。",
        "2营业执照复印件复印件不清晰，统一社会信用代码无法辨认。",
        "3经营场所平面布局图未标明食品处理区、仓储区的面积和位置。",
        "以上共3项，为需要补正的全部内容。请于2025年3月14日前一并提交补正材料。",
        "特此告知。",
    ],
    "extension": [
        f"{APPLICATION}，本机关不能在法定期限内作出决定，理由如下：经营场所现场核查发现的问题需要申请人整改后复查。",
        "根据《中华人民共和国行政许可法》第四十二条第一款的规定，经本机关负责人批准，办理期限延长10个工作日，"
        "延长至2025年4月17日。",
        "特此通知。",
    ],
    "special_procedure": [
        f"{APPLICATION}，依法需要进行专家评审。专家评审预计需要15个工作日。",
        "根据《中华人民共和国行政许可法》第四十五条的规定，专家评审所需时间不计算在办理期限内。",
        "办理期限自专家评审开始之日起暂停计算，专家评审结束后继续计算",
        "特此告知。",
    ],
    "approval": [
        f"{APPLICATION}，经审查，符合法定条件、标准。根据《中华人民共和国行政许可法》第三十八条第一款的规定，"
        "本机关决定：准予行政许可。",
        "本机关将自作出本决定之日起十日内向你（单位）颁发、送达食品经营许可证（编号：JY13503040012345）。",
    ],
    "denial": [
        f"{APPLICATION}，经审查，不符合法定条件、标准。根据《中华人民共和国行政许可法》第三十八条第二款的规定，"
        "本机关决定不予行政许可。",
        "不予许可的理由如下：1. 经营场所与有毒、有害场所的距离不足25米。2. 未配备与经营规模相适应的冷藏设施。",
        REMEDIES_GENERIC,
    ],
}


def make(kind: str, **overrides: Any) -> NoticeContent:
    fields = {**COMMON, **PER_KIND[kind], **overrides}
    return NoticeContent(kind=kind, **fields)


def _reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def _flat_text(reader: pypdf.PdfReader) -> str:
    """All text with line breaks removed, so sentences that wrap compare whole."""
    return "".join(line.strip() for page in reader.pages for line in page.extract_text().splitlines())


def _embedded_fonts(reader: pypdf.PdfReader) -> set[str]:
    found = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            for candidate in [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]:
                descriptor = candidate.get("/FontDescriptor")
                if descriptor is not None and "/FontFile2" in descriptor.get_object():
                    found.add(str(font["/BaseFont"]))
    return found


# --- rendering ---------------------------------------------------------------------------------------------


def test_every_kind_has_a_sample_and_expected_text() -> None:
    assert set(PER_KIND) == set(EXPECTED_TEXT) == set(NOTICE_TITLES) == {k.value for k in NoticeKind}


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_each_kind_renders_a_real_pdf_with_its_required_content(kind: NoticeKind) -> None:
    # given
    content = make(kind)

    # when
    data = render_notice_pdf(content)

    # then
    assert data.startswith(b"%PDF-")
    reader = _reader(data)
    assert len(reader.pages) == 1
    assert reader.metadata is not None
    assert reader.metadata.title == f"{kind.label}（{PER_KIND[kind]['document_number']}）"
    assert reader.metadata.author == "莆田市荔城区行政审批局"
    lines = [line.strip() for line in reader.pages[0].extract_text().splitlines()]
    assert lines[:3] == ["莆田市荔城区行政审批局", kind.label, PER_KIND[kind]["document_number"]]
    assert lines[3] == "莆田市荔城区好味道餐饮有限公司："
    text = _flat_text(reader)
    for expected in EXPECTED_TEXT[kind]:
        assert expected in text
    issue_date = PER_KIND[kind]["issue_date"]
    assert (
        f"莆田市荔城区行政审批局（电子印章）{issue_date.year}年{issue_date.month}月{issue_date.day}日" in text
    )
    assert "办件编号：350304202503050001" in text
    assert URL in text
    assert "第 1 页 / 共 1 页" in text
    assert any("WenQuanYi" in name for name in _embedded_fonts(reader))


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_the_qr_code_is_the_verification_url_and_decodes(kind: NoticeKind) -> None:
    reader = _reader(render_notice_pdf(make(kind)))

    images = reader.pages[0].images
    assert len(images) == 1
    image = images[0].image
    assert image is not None
    expected = Image.open(io.BytesIO(qr_png_bytes(URL, scale=4, border=2))).convert("L")
    assert image.convert("L").tobytes() == expected.tobytes()
    decoded = zxingcpp.read_barcodes(image.convert("L"))
    assert [barcode.text for barcode in decoded] == [URL]


def test_only_the_kind_specific_text_appears() -> None:
    refusal = _flat_text(_reader(render_notice_pdf(make("refusal"))))
    acceptance = _flat_text(_reader(render_notice_pdf(make("acceptance"))))

    assert "行政复议" in refusal
    assert "行政复议" not in acceptance
    assert "不予受理" not in acceptance


def test_refusal_without_competent_office_or_named_remedy_bodies() -> None:
    content = make(
        "refusal",
        competent_office="",
        review_body="",
        court="",
        refusal_reason="申请事项依法不需要取得行政许可",
    )

    text = _flat_text(_reader(render_notice_pdf(content)))

    assert "不予受理的理由：申请事项依法不需要取得行政许可。" in text
    assert "请向" not in text
    assert REMEDIES_GENERIC in text


def test_denial_names_review_body_and_court_when_given() -> None:
    content = make("denial", review_body="莆田市荔城区人民政府", court="莆田市荔城区人民法院")

    assert REMEDIES_NAMED in _flat_text(_reader(render_notice_pdf(content)))


def test_acceptance_with_deficient_materials_is_tolerant_acceptance() -> None:
    content = make("acceptance", materials=MATERIALS[:1], supplement_deadline=D(2025, 3, 10))

    text = _flat_text(_reader(render_notice_pdf(content)))

    assert (
        f"{APPLICATION}，主要申请材料齐全、符合法定形式，下列材料尚需补正。根据《中华人民共和国行政许可法》"
        "第三十二条和容缺受理的有关规定，本机关决定予以容缺受理，受理日期为2025年3月5日。"
    ) in text
    assert "1食品经营许可申请书第3页“经营项目”栏未填写，法定代表人未签字。" in text
    assert "请于2025年3月10日前补齐上述材料。" in text
    assert "申请材料齐全、符合法定形式。根据" not in text


def test_special_procedure_with_basis_and_natural_days() -> None:
    content = make(
        "special_procedure",
        procedure_kind="testing",
        expected_days=30,
        expected_days_unit="natural_day",
        procedure_basis="《食品经营许可审查通则》第十二条。",
    )

    text = _flat_text(_reader(render_notice_pdf(content)))

    assert (
        f"{APPLICATION}，根据《食品经营许可审查通则》第十二条的规定，需要进行检测。检测预计需要30日。" in text
    )
    assert "检测所需时间不计算在办理期限内" in text


def test_approval_without_result_number() -> None:
    text = _flat_text(_reader(render_notice_pdf(make("approval", result_number=""))))

    assert "颁发、送达食品经营许可证。" in text
    assert "编号：JY" not in text


def test_a_long_supplement_list_stays_one_notice_over_several_pages() -> None:
    # given: Art. 32 — every defect in ONE notice, however many there are
    materials = [
        MaterialDefect(f"材料{i:02d}", f"第{i}项问题：复印件缺页，请补齐全部页面并逐页签字")
        for i in range(1, 41)
    ]
    content = make("supplement", materials=materials)

    # when
    reader = _reader(render_notice_pdf(content))

    # then
    pages = len(reader.pages)
    assert pages >= 2
    text = _flat_text(reader)
    for i in range(1, 41):
        assert f"{i}材料{i:02d}第{i}项问题：复印件缺页，请补齐全部页面并逐页签字。" in text
    assert "以上共40项，为需要补正的全部内容。" in text
    assert f"第 {pages} 页 / 共 {pages} 页" in text
    last = "".join(line.strip() for line in reader.pages[-1].extract_text().splitlines())
    assert "莆田市荔城区行政审批局（电子印章）2025年3月4日" in last
    # the sign-off never stands alone on a page: the closing paragraph goes with it
    assert "以上共40项，为需要补正的全部内容。" in last
    assert len(reader.pages[-1].images) == 1
    assert all(len(page.images) == 0 for page in reader.pages[:-1])


def test_user_text_is_escaped_not_interpreted_as_markup() -> None:
    content = make("refusal", refusal_reason="材料<b>不符</b> & 其他")

    assert "不予受理的理由：材料<b>不符</b> & 其他。" in _flat_text(_reader(render_notice_pdf(content)))


# --- validation --------------------------------------------------------------------------------------------

LABELS = {
    "accepted_date": "受理日期",
    "legal_due_date": "法定办结期限",
    "promised_due_date": "承诺办结期限",
    "refusal_reason": "不予受理的理由",
    "materials": "需要补正的材料",
    "supplement_deadline": "补正期限",
    "extension_reason": "延期理由",
    "extension_days": "延长的工作日数",
    "new_due_date": "延长后的办结期限",
    "procedure_kind": "特别程序种类",
    "expected_days": "特别程序预计所需时间",
    "decision": "决定内容",
    "result_name": "审批结果名称",
    "denial_reasons": "不予许可的理由",
}
BLANK = {"materials": (), "denial_reasons": (), "extension_days": None, "expected_days": None}


@pytest.mark.parametrize(
    ("kind", "field"), [(kind, field) for kind, fields in REQUIRED_FIELDS.items() for field in fields]
)
def test_missing_kind_specific_field_is_a_chinese_error(kind: str, field: str) -> None:
    blank = BLANK.get(field, None if field.endswith(("_date", "_deadline")) else "  ")

    with pytest.raises(ValueError) as excinfo:
        make(kind, **{field: blank})

    assert str(excinfo.value) == f"{NOTICE_TITLES[kind]}内容有误：缺少{LABELS[field]}"


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("document_number", "文号"),
        ("case_number", "办件编号"),
        ("item_name", "事项名称"),
        ("applicant_name", "申请人名称"),
        ("department_name", "发文机关"),
        ("issue_date", "发文日期"),
        ("received_date", "收到申请日期"),
        ("verification_url", "核验地址"),
    ],
)
def test_missing_common_field_is_a_chinese_error(field: str, label: str) -> None:
    with pytest.raises(ValueError, match=f"^受理通知书内容有误：缺少{label}$"):
        make("acceptance", **{field: None if field.endswith("date") else ""})


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValueError) as excinfo:
        make("extension", extension_reason="", new_due_date=None, case_number="", extension_days=0)

    assert str(excinfo.value) == (
        "延期通知书内容有误：缺少办件编号、延期理由、延长后的办结期限；延长的工作日数必须大于0"
    )


@pytest.mark.parametrize(
    ("kind", "overrides", "message"),
    [
        ("acceptance", {"promised_due_date": D(2025, 4, 3)}, "承诺办结期限不得晚于法定办结期限"),
        (
            "acceptance",
            {"accepted_date": D(2025, 3, 2), "issue_date": D(2025, 3, 5)},
            "受理日期早于收到申请日期",
        ),
        (
            "acceptance",
            {"legal_due_date": D(2025, 3, 5), "promised_due_date": D(2025, 3, 5)},
            "法定办结期限应晚于受理日期",
        ),
        ("acceptance", {"promised_due_date": D(2025, 3, 4)}, "承诺办结期限早于受理日期"),
        ("acceptance", {"materials": MATERIALS[:1]}, "容缺受理缺少补正期限"),
        ("refusal", {"issue_date": D(2025, 3, 2)}, "发文日期早于收到申请日期"),
        (
            "supplement",
            {"materials": [MaterialDefect("申请书", "")]},
            "第1项材料缺少材料名称或需要补正的内容",
        ),
        (
            "supplement",
            {"materials": [*MATERIALS, MaterialDefect(" ", "缺页")]},
            "第4项材料缺少材料名称或需要补正的内容",
        ),
        ("supplement", {"supplement_deadline": D(2025, 3, 3)}, "补正期限早于发文日期"),
        ("extension", {"extension_days": -1}, "延长的工作日数必须大于0"),
        ("extension", {"new_due_date": D(2025, 3, 27)}, "延长后的办结期限早于发文日期"),
        (
            "special_procedure",
            {"procedure_kind": "site_visit"},
            "特别程序种类“site_visit”不在《行政许可法》第四十五条所列范围内",
        ),
        ("special_procedure", {"expected_days": 0}, "特别程序预计所需时间必须大于0"),
        ("special_procedure", {"expected_days_unit": "month"}, "特别程序时间单位只能是工作日或自然日"),
        ("denial", {"denial_reasons": ["场所不符", " "]}, "不予许可的理由不能为空"),
    ],
)
def test_contradictory_content_is_a_chinese_error(kind: str, overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        make(kind, **overrides)

    assert str(excinfo.value).startswith(f"{NOTICE_TITLES[kind]}内容有误：")
    assert message in str(excinfo.value)


def test_dates_must_be_dates() -> None:
    with pytest.raises(ValueError, match=r"^补正材料一次性告知书内容有误：补正期限必须是日期$"):
        make("supplement", supplement_deadline="2025-03-14")


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match=r"^文书内容有误：未知的文书种类“licence”$"):
        NoticeContent(kind="licence", issue_date=D(2025, 3, 5), document_number="x", **COMMON)


@pytest.mark.parametrize(
    "url",
    [
        "https://zwfw.putian.gov.cn/v/350304202503050001/",
        "https://zwfw.putian.gov.cn/v/?case=350304202503050001",
        "https://zwfw.putian.gov.cn/v/莆田市荔城区好味道餐饮有限公司",
        "https://zwfw.putian.gov.cn/v/%E8%8E%86%E7%94%B0%E5%B8%82%E8%8D%94%E5%9F%8E%E5%8C%BA%E5%A5%BD%E5%91%B3%E9%81%93%E9%A4%90%E9%A5%AE%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8",
        "https://zwfw.putian.gov.cn/v/荔审批受〔2025〕15号",
    ],
)
def test_verification_url_must_not_carry_personal_data(url: str) -> None:
    with pytest.raises(ValueError, match="核验地址不得包含申请人名称、办件编号或文号，只能使用随机令牌"):
        make("acceptance", verification_url=url)


@pytest.mark.parametrize(
    "url", ["zwfw.putian.gov.cn/v/abc", "javascript:alert(1)", "ftp://zwfw.putian.gov.cn/v/abc"]
)
def test_verification_url_must_be_a_web_address(url: str) -> None:
    with pytest.raises(ValueError, match="核验地址必须是 http\\(s\\) 网址"):
        make("acceptance", verification_url=url)


def test_verification_tokens_are_random_and_url_safe() -> None:
    tokens = {new_verification_token() for _ in range(100)}

    assert len(tokens) == 100
    assert all(len(t) == 22 and t.replace("-", "").replace("_", "").isalnum() for t in tokens)


def test_content_is_immutable_and_sequences_are_frozen() -> None:
    materials = list(MATERIALS)
    content = make("supplement", materials=materials)
    materials.clear()

    assert content.materials == MATERIALS
    with pytest.raises(dataclasses.FrozenInstanceError):
        content.case_number = "x"  # type: ignore[misc]


# --- digest and seal ---------------------------------------------------------------------------------------


def test_digest_and_seal_verify_and_any_changed_byte_fails() -> None:
    # given
    key = crypto.sm2_generate_private_key()
    pdf = render_notice_pdf(make("denial"))

    # when
    seal = sign_notice(pdf, private_key=key)

    # then
    assert seal.digest == notice_digest(pdf) == crypto.sm3_hex(pdf)
    assert len(seal.digest) == 64
    assert seal.algorithm == "SM2WithSM3"
    assert seal.algorithm_oid == "1.2.156.10197.1.501"
    assert seal.signer_key_id == crypto.sm2_key_id(key.public_key())
    assert crypto.sm2_verify(key.public_key(), pdf, seal.signature)
    assert verify_notice(pdf, seal, public_key=key.public_key())
    for position in (0, len(pdf) // 2, len(pdf) - 1):
        changed = bytearray(pdf)
        changed[position] ^= 0x01
        assert not verify_notice(bytes(changed), seal, public_key=key.public_key())
    assert not verify_notice(pdf + b"\n", seal, public_key=key.public_key())


def test_seal_fails_with_another_key_or_a_forged_record() -> None:
    key = crypto.sm2_generate_private_key()
    other = crypto.sm2_generate_private_key()
    pdf = render_notice_pdf(make("approval"))
    seal = sign_notice(pdf, private_key=key)

    assert not verify_notice(pdf, seal, public_key=other.public_key())
    # a record claiming the other key: the signature does not match it
    forged_key_id = dataclasses.replace(seal, signer_key_id=crypto.sm2_key_id(other.public_key()))
    assert not verify_notice(pdf, forged_key_id, public_key=other.public_key())
    # the digest must match too, even when the signature does
    assert not verify_notice(pdf, dataclasses.replace(seal, digest="0" * 64), public_key=key.public_key())
    assert not verify_notice(
        pdf, dataclasses.replace(seal, algorithm_oid="1.2.840.10045.4.3.2"), public_key=key.public_key()
    )


def test_sign_with_the_platform_key_from_var(
    settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("HAOBAN_SM2_KEY_FILE", raising=False)
    monkeypatch.delenv("HAOBAN_SM2_KEY_PASSWORD", raising=False)
    settings.VAR_DIR = tmp_path
    pdf = render_notice_pdf(make("acceptance"))

    seal = sign_notice(pdf)

    assert (tmp_path / "sm2_signing_key.pem").is_file()
    assert verify_notice(pdf, seal)
    assert seal.signer_key_id == crypto.sm2_key_id(crypto.signing_public_key())
