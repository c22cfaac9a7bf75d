"""PDF building blocks: an embedded Chinese font and QR codes.

Printed documents (办事指南, 受理通知书, 证照) must render on any machine, including intranet PCs without
Chinese fonts, so the font is embedded in every PDF. The default font, WenQuanYi Micro Hei
(``fonts/wqy-microhei.ttc``, Apache-2.0 or GPL-3+ with font exception, see ``fonts/wqy-microhei.COPYRIGHT``),
ships inside this package: nothing is fetched at run time. ``HAOBAN_PDF_FONT`` may point to another
TrueType file (``.ttf``) or collection (``.ttc``, first face used).

Chinese line breaking follows the 避头尾 rule of GB/T 15834: closing punctuation (，。：；）》” …) never starts a
line and opening brackets and quotes (（《“ …) never end one. reportlab's own CJK wrapping knows only part
of this (it lets "，" and "：" start a line and "《" end one), so importing this module installs
:func:`cjk_frag_split` in its place for every ``wordWrap="CJK"`` paragraph.

QR codes are drawn with ``segno``: ``qr_png_bytes`` for web pages and e-mail, ``qr_drawing`` for a vector
QR code inside a reportlab story or on a canvas.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import segno
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib import textsplit as _rl_textsplit
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import paragraph as _rl_paragraph
from reportlab.rl_config import _FUZZ

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


# GB/T 15834-2011 §5.1.6 (避头尾), plus ASCII equivalents for mixed text.
NO_LINE_START = "，。、；：？！）》」』】〕〉”’…—·％‰℃" + ",.;:?!)]}%"
NO_LINE_END = "（《「『【〔〈“‘" + "([{"


class _Line(NamedTuple):
    start: int
    end: int
    extra: float  # unused width
    used: float
    forced: bool  # ended by <br/>
    rest: bool  # the text left after the last break


def _cjk_lines(
    chars: Sequence[str],
    width: Callable[[int, float], float],
    max_widths: Sequence[float],
    forced_break: Callable[[int], bool] = lambda i: False,
) -> list[_Line]:
    """Where to break a run of CJK text into lines.

    As reportlab's ``dumbSplit``/``cjkFragSplit`` (BSD licence): break between any two CJK glyphs; inside a
    Latin run go back to a space or to the last CJK glyph; a character that may not start a line hangs in
    the right margin (one at most). Added: an opening bracket or quote that would end a line moves down to
    the next line with the character it opens.
    """
    lines: list[_Line] = []
    i = line_start = 0
    used = 0.0
    max_width = max_widths[0]
    while i < len(chars):
        c = chars[i]
        w = width(i, max_width)
        used += w
        i += 1
        forced = forced_break(i - 1)
        if not ((used > max_width + _FUZZ and used > 0) or forced):
            continue
        extra = max_width - used
        if not forced:
            if ord(c[:1] or " ") < 0x3000:  # inside a Latin run
                limit = (line_start + i) >> 1
                for j in range(i - 1, limit, -1):
                    cj = chars[j]
                    if (cj and unicodedata.category(cj) == "Zs") or ord(cj[:1] or " ") >= 0x3000:
                        k = j + 1
                        if k < i:
                            extra += sum(width(n, max_width) for n in range(k + 1, i))
                            w, c, i = width(k, max_width), chars[k], k + 1
                            break
            if c not in NO_LINE_START and i > line_start + 1:
                i -= 1
                extra += w
                while i > line_start + 1 and chars[i - 1] in NO_LINE_END:
                    i -= 1
                    extra += width(i, max_width)
        lines.append(_Line(line_start, i, extra, used, forced, rest=False))
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        line_start = i
        used = 0.0
    if used > 0:
        lines.append(_Line(line_start, len(chars), max_width - used, used, forced=False, rest=True))
    return lines


def _max_widths(max_widths: Any) -> list[float]:
    return list(max_widths) if isinstance(max_widths, list | tuple) else [max_widths]


def cjk_dumb_split(word: str, widths: Sequence[float], maxWidths: Any) -> list[list[Any]]:
    """Drop-in for ``reportlab.lib.textsplit.dumbSplit`` (a paragraph of a single style) with 避头尾."""
    lines = _cjk_lines(word, lambda i, _: widths[i], _max_widths(maxWidths))
    return [
        [ln.extra, word[ln.start : ln.end] if ln.rest else word[ln.start : ln.end].strip()] for ln in lines
    ]


def cjk_frag_split(frags: Any, maxWidths: Any, calcBounds: Any, encoding: str = "utf8") -> Any:
    """Drop-in for ``reportlab.platypus.paragraph.cjkFragSplit`` (mixed styles) with 避头尾."""
    P = _rl_paragraph
    U: list[Any] = []
    for f in frags:
        text = f.text.decode(encoding) if isinstance(f.text, bytes) else f.text
        if text:
            U.extend(P.cjkU(t, f, encoding) for t in text)
        else:
            U.append(P.cjkU(text, f, encoding))  # an image or a <br/>: one zero-length glyph

    def width(i: int, max_width: float) -> float:
        w = U[i].width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_width
            w = w.normalizedValue(max_width)
        return float(w)

    widths = _max_widths(maxWidths)
    lines = _cjk_lines(U, width, widths, lambda i: hasattr(U[i].frag, "lineBreak"))
    return P.ParaLines(
        kind=1,
        lines=[
            P.makeCJKParaLine(
                U[ln.start : ln.end],
                widths[min(n, len(widths) - 1)],
                ln.used,
                ln.extra,
                ln.forced,
                calcBounds,
            )
            for n, ln in enumerate(lines)
        ],
    )


UPSTREAM_CJK_FRAG_SPLIT = _rl_paragraph.cjkFragSplit
UPSTREAM_DUMB_SPLIT = _rl_textsplit.dumbSplit
_rl_paragraph.cjkFragSplit = cjk_frag_split
_rl_textsplit.dumbSplit = cjk_dumb_split


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


TABLE_GRID = colors.HexColor("#9aa5ab")
TABLE_HEAD_BG = colors.HexColor("#eef1f3")


def cjk_table_style(*, head: str = "row", grid_width: float = 0.5, padding: float = 3) -> Any:
    """The grid table style of Haoban's documents: thin grey grid, shaded header, CJK font, top-aligned.

    ``head`` is ``"row"`` (the first row is the header) or ``"column"`` (the first column holds the labels).
    """
    from reportlab.platypus import TableStyle

    head_cells = ((0, 0), (-1, 0)) if head == "row" else ((0, 0), (0, -1))
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), grid_width, TABLE_GRID),
            ("BACKGROUND", *head_cells, TABLE_HEAD_BG),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONTNAME", (0, 0), (-1, -1), register_cjk_font()),
            ("TOPPADDING", (0, 0), (-1, -1), padding),
            ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
        ]
    )
