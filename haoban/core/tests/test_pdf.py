"""The CJK font is embedded in generated PDFs and Chinese text survives a round trip."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
import pytest
import segno
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from haoban.core import pdf

TEXT = "一网好办：办事只进一扇门、只跑一趟"
RARE = "莆田市涵江区（鼎）"


def _build(story: list[Any]) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="测试").build(story)
    return buffer.getvalue()


def _embedded_font_files(reader: pypdf.PdfReader) -> list[str]:
    found = []
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            candidates = [d.get_object() for d in descendants] if descendants else [font]
            for candidate in candidates:
                descriptor = candidate.get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                found.extend(key for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor)
    return found


def test_register_is_idempotent_and_uses_packaged_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HAOBAN_PDF_FONT", raising=False)
    assert pdf.DEFAULT_FONT_PATH.is_file()
    assert (pdf.FONT_DIR / "wqy-microhei.COPYRIGHT").is_file()
    assert pdf.register_cjk_font() == pdf.register_cjk_font() == pdf.DEFAULT_FONT_NAME


def test_chinese_text_is_embedded_and_extracts_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HAOBAN_PDF_FONT", raising=False)
    style = pdf.cjk_paragraph_style(font_size=14)
    data = _build([Paragraph(TEXT, style), Paragraph(RARE, style)])

    reader = pypdf.PdfReader(io.BytesIO(data))
    assert "/FontFile2" in _embedded_font_files(reader)
    lines = [line.strip() for line in reader.pages[0].extract_text().splitlines()]
    assert TEXT in lines
    assert RARE in lines


def test_font_override_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    copy = tmp_path / "other.ttc"
    copy.write_bytes(pdf.DEFAULT_FONT_PATH.read_bytes())
    monkeypatch.setenv("HAOBAN_PDF_FONT", str(copy))
    name = pdf.register_cjk_font()
    assert name != pdf.DEFAULT_FONT_NAME
    assert pdf.register_cjk_font() == name

    monkeypatch.setenv("HAOBAN_PDF_FONT", str(tmp_path / "missing.ttf"))
    with pytest.raises(FileNotFoundError, match="HAOBAN_PDF_FONT"):
        pdf.register_cjk_font()


def test_qr_png_bytes_is_a_png() -> None:
    png = pdf.qr_png_bytes("http://127.0.0.1:8000/items/11350300MB0000000X/")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_qr_drawing_matches_segno_matrix_and_renders_in_pdf() -> None:
    url = "http://127.0.0.1:8000/cases/2025000001/"
    drawing = pdf.qr_drawing(url, 30 * mm, border=2)
    assert drawing.width == drawing.height == pytest.approx(30 * mm)
    qr = segno.make_qr(url, error="m", boost_error=False)
    dark_modules = sum(sum(1 for cell in row if cell) for row in qr.matrix)
    covered = sum(
        round(rect.width / (30 * mm / (qr.symbol_size(scale=1, border=2)[0]))) for rect in drawing.contents
    )
    assert covered == dark_modules

    data = _build([drawing])
    assert pypdf.PdfReader(io.BytesIO(data)).pages[0] is not None


# --- 避头尾 (GB/T 15834): no closing punctuation at a line start, no opening bracket at a line end --------


def test_closing_punctuation_hangs_instead_of_starting_a_line() -> None:
    assert pdf.cjk_dumb_split("一二三四五六七八九十：十一", [10] * 13, 100) == [
        [-10, "一二三四五六七八九十："],
        [80, "十一"],
    ]


def test_opening_bracket_moves_down_with_what_it_opens() -> None:
    assert pdf.cjk_dumb_split("一二三四五六七八九《十一》", [10] * 13, [100, 100]) == [
        [10, "一二三四五六七八九"],
        [60, "《十一》"],
    ]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="一二三四五 abcXYZ", min_size=1, max_size=60),
    width=st.integers(min_value=5, max_value=14),
    max_widths=st.lists(st.integers(min_value=15, max_value=120), min_size=1, max_size=3),
)
def test_without_such_punctuation_lines_break_exactly_as_reportlab_does(
    text: str, width: int, max_widths: list[int]
) -> None:
    widths = [width] * len(text)
    assert pdf.cjk_dumb_split(text, widths, max_widths) == pdf.UPSTREAM_DUMB_SPLIT(text, widths, max_widths)


@pytest.mark.parametrize("markup", [False, True])
def test_paragraphs_in_a_pdf_follow_the_rule(markup: bool) -> None:
    # given: a narrow column where reportlab alone would start lines with "，" or "：" and end them with "《"
    style = pdf.cjk_paragraph_style(font_size=10)
    text = (
        "根据《中华人民共和国行政许可法》第三十二条，申请材料不齐全或者不符合法定形式的，应当当场或者在五日内一次告知申请人需要补正的全部内容：逾期不告知的，自收到申请材料之日起即为受理。"
        * 2
    )
    if markup:  # several fragments take reportlab's other line-breaking path
        text = text.replace("第三十二条", '<font color="red">第三十二条</font>')
    buffer = io.BytesIO()

    # when: every column width from 9 to 16 characters
    for chars in range(9, 17):
        buffer.seek(0)
        buffer.truncate()
        doc = SimpleDocTemplate(
            buffer, pagesize=(chars * 10 + 2 * 5 * mm + 1, 400 * mm), leftMargin=5 * mm, rightMargin=5 * mm
        )
        doc.build([Paragraph(text, style)])
        lines = [
            line.strip()
            for line in pypdf.PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text().splitlines()
        ]

        # then
        assert "".join(lines) == text.replace('<font color="red">', "").replace("</font>", "")
        assert len(lines) > 1
        for line in lines:
            assert line[0] not in pdf.NO_LINE_START, (chars, line)
            assert line[-1] not in pdf.NO_LINE_END, (chars, line)
