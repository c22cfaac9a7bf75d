"""The CJK font is embedded in generated PDFs and Chinese text survives a round trip."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
import pytest
import segno
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
