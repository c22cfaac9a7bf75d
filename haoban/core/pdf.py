"""PDF building blocks: an embedded Chinese font and QR codes.

Printed documents (办事指南, 受理通知书, 证照) must render on any machine, including intranet PCs without
Chinese fonts, so the font is embedded in every PDF. The default font, WenQuanYi Micro Hei
(``fonts/wqy-microhei.ttc``, Apache-2.0 or GPL-3+ with font exception, see ``fonts/wqy-microhei.COPYRIGHT``),
ships inside this package: nothing is fetched at run time. ``HAOBAN_PDF_FONT`` may point to another
TrueType file (``.ttf``) or collection (``.ttc``, first face used).

QR codes are drawn with ``segno``: ``qr_png_bytes`` for web pages and e-mail, ``qr_drawing`` for a vector
QR code inside a reportlab story or on a canvas.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from pathlib import Path
from typing import Any

import segno
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
DEFAULT_FONT_PATH = FONT_DIR / "wqy-microhei.ttc"
DEFAULT_FONT_NAME = "HaobanCJK"

_lock = threading.Lock()


def cjk_font_path() -> Path:
    """The font file to embed: ``HAOBAN_PDF_FONT`` when set, else the packaged WenQuanYi Micro Hei."""
    override = os.environ.get("HAOBAN_PDF_FONT", "").strip()
    return Path(override).expanduser().resolve() if override else DEFAULT_FONT_PATH


def register_cjk_font() -> str:
    """Register the CJK font with reportlab (once per process and path) and return its font name.

    The name is also registered as a font family, so ``<b>``/``<i>`` markup in a ``Paragraph`` falls back
    to the same face instead of failing.
    """
    path = cjk_font_path()
    if path == DEFAULT_FONT_PATH:
        name = DEFAULT_FONT_NAME
    else:
        name = f"{DEFAULT_FONT_NAME}-{hashlib.sha1(str(path).encode()).hexdigest()[:8]}"
    with _lock:
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        if not path.is_file():
            raise FileNotFoundError(f"未找到 PDF 中文字体文件：{path}（请检查 HAOBAN_PDF_FONT）")
        # subfontIndex selects the first face of a .ttc collection; it is ignored for a plain .ttf.
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
        pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    return name


def cjk_paragraph_style(name: str = "HaobanBody", *, font_size: float = 11, **kwargs: Any) -> ParagraphStyle:
    """A ``ParagraphStyle`` using the CJK font, with CJK line breaking (a line may break between any two
    Chinese characters)."""
    kwargs.setdefault("leading", font_size * 1.5)
    return ParagraphStyle(name, fontName=register_cjk_font(), fontSize=font_size, wordWrap="CJK", **kwargs)


def _qr(data: str) -> segno.QRCode:
    # Error level M (15 %) survives a smudged printout; never boost beyond what the caller asked for.
    return segno.make_qr(data, error="m", boost_error=False)


def qr_png_bytes(url: str, *, scale: int = 4, border: int = 4) -> bytes:
    """A QR code for ``url`` as PNG bytes (``scale`` pixels per module, quiet zone of ``border`` modules)."""
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()


def qr_drawing(url: str, size: float, *, border: int = 2) -> Drawing:
    """A vector QR code for ``url``, ``size`` points square (e.g. ``30 * mm``), as a reportlab ``Drawing``.

    A ``Drawing`` is a flowable (put it in a story) and can be drawn on a canvas with
    ``reportlab.graphics.renderPDF.draw(drawing, canvas, x, y)``.
    """
    rows = [list(row) for row in _qr(url).matrix_iter(scale=1, border=border)]
    count = len(rows)
    module = size / count
    drawing = Drawing(size, size)
    for r, row in enumerate(rows):
        y = size - (r + 1) * module
        c = 0
        while c < count:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < count and row[c]:
                c += 1
            # One rectangle per horizontal run of dark modules keeps the PDF small.
            drawing.add(
                Rect(
                    start * module,
                    y,
                    (c - start) * module,
                    module,
                    fillColor=colors.black,
                    strokeColor=None,
                    strokeWidth=0,
                )
            )
    return drawing
