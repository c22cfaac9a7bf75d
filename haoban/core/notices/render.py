"""The wording of each kind of notice and its A4 layout (embedded Chinese font, sealed sign-off, QR code)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Sequence
from html import escape
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from haoban.core.notices.content import (
    DAY_UNITS,
    SPECIAL_PROCEDURES,
    MaterialDefect,
    NoticeContent,
    NoticeKind,
)
from haoban.core.pdf import TABLE_GRID, cjk_paragraph_style, cjk_table_style, qr_png_bytes, register_cjk_font

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 25 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
RED = colors.HexColor("#c8102e")
GREY = colors.HexColor("#505a5f")
GRID = TABLE_GRID

LICENSING_LAW = "《中华人民共和国行政许可法》"


# --- wording -----------------------------------------------------------------------------------------------


def cn_date(value: dt.date) -> str:
    """``2025年3月5日`` (GB/T 9704: Arabic numerals, no leading zeros)."""
    return f"{value.year}年{value.month}月{value.day}日"


def _sentence(text: str) -> str:
    """Text without trailing punctuation, so the template adds exactly one 。."""
    return text.strip().rstrip("。；;.，,")


def _application(c: NoticeContent, verb: str = "提出的") -> str:
    assert c.received_date is not None
    return f"你（单位）于{cn_date(c.received_date)}{verb}{c.item_name}申请（办件编号：{c.case_number}）"


def remedies_text(review_body: str = "", court: str = "") -> str:
    """The right to 行政复议 (60 days, 《行政复议法》第二十条) or 行政诉讼 (6 months, 《行政诉讼法》第四十六条)."""
    review = f"向{review_body.strip()}申请行政复议" if review_body.strip() else "依法申请行政复议"
    lawsuit = f"向{court.strip()}提起行政诉讼" if court.strip() else "依法向人民法院提起行政诉讼"
    return (
        f"如不服本决定，可以自收到本决定书之日起六十日内{review}，"
        f"也可以自收到本决定书之日起六个月内{lawsuit}。"
    )


@dataclasses.dataclass
class _Body:
    paragraphs: list[Any]
    closing: str = ""


class _Styles:
    def __init__(self) -> None:
        self.department = cjk_paragraph_style(
            "NoticeDept", font_size=17, leading=24, alignment=TA_CENTER, textColor=RED
        )
        self.title = cjk_paragraph_style("NoticeTitle", font_size=22, leading=30, alignment=TA_CENTER)
        self.number = cjk_paragraph_style("NoticeNumber", font_size=11.5, leading=16, alignment=TA_CENTER)
        self.salutation = cjk_paragraph_style("NoticeTo", font_size=13, leading=23, spaceBefore=6)
        self.body = cjk_paragraph_style("NoticeBody", font_size=13, leading=23, firstLineIndent=26)
        self.item = cjk_paragraph_style("NoticeItem", font_size=13, leading=23, leftIndent=26)
        self.cell = cjk_paragraph_style("NoticeCell", font_size=11, leading=16)
        self.head = cjk_paragraph_style("NoticeHead", font_size=11, leading=16, textColor=colors.black)
        self.small = cjk_paragraph_style("NoticeSmall", font_size=9, leading=13.5, textColor=GREY)
        self.url = cjk_paragraph_style("NoticeUrl", font_size=9, leading=13.5, alignment=TA_LEFT)


def _p(text: str, style: Any) -> Paragraph:
    return Paragraph(escape(text), style)


def _materials_table(materials: Sequence[MaterialDefect], s: _Styles) -> Table:
    rows = [[_p("序号", s.head), _p("材料名称", s.head), _p("需要补正的内容", s.head)]]
    rows += [
        [_p(str(i), s.cell), _p(m.name.strip(), s.cell), _p(_sentence(m.problem) + "。", s.cell)]
        for i, m in enumerate(materials, start=1)
    ]
    table = Table(rows, colWidths=[13 * mm, 50 * mm, CONTENT_WIDTH - 63 * mm], repeatRows=1)
    table.setStyle(cjk_table_style(grid_width=0.6, padding=4))
    return table


def _acceptance(c: NoticeContent, s: _Styles) -> _Body:
    assert c.accepted_date and c.legal_due_date and c.promised_due_date
    dates = (
        f"本机关承诺于{cn_date(c.promised_due_date)}前办结；依法作出决定的期限为"
        f"{cn_date(c.legal_due_date)}前（法定期限）。依法需要听证、招标、拍卖、检验、检测、检疫、鉴定或者"
        "专家评审的，所需时间不计算在上述期限内，本机关将另行书面告知。"
    )
    if not c.materials:
        return _Body(
            [
                _p(
                    f"{_application(c)}，申请材料齐全、符合法定形式。根据{LICENSING_LAW}第三十二条第一款"
                    f"第（五）项的规定，本机关决定予以受理，受理日期为{cn_date(c.accepted_date)}。",
                    s.body,
                ),
                _p(dates, s.body),
            ],
            "特此通知。",
        )
    assert c.supplement_deadline is not None
    return _Body(
        [
            _p(
                f"{_application(c)}，主要申请材料齐全、符合法定形式，下列材料尚需补正。根据{LICENSING_LAW}"
                f"第三十二条和容缺受理的有关规定，本机关决定予以容缺受理，受理日期为{cn_date(c.accepted_date)}。",
                s.body,
            ),
            _materials_table(c.materials, s),
            Spacer(1, 2 * mm),
            _p(f"请于{cn_date(c.supplement_deadline)}前补齐上述材料。", s.body),
            _p(dates, s.body),
        ],
        "特此通知。",
    )


def _refusal(c: NoticeContent, s: _Styles) -> _Body:
    paragraphs = [
        _p(
            f"{_application(c)}，经审查，不符合受理条件。根据{LICENSING_LAW}第三十二条第一款的规定，"
            "本机关决定不予受理。",
            s.body,
        ),
        _p(f"不予受理的理由：{_sentence(c.refusal_reason)}。", s.body),
    ]
    if c.competent_office.strip():
        paragraphs.append(_p(f"该申请事项请向{c.competent_office.strip()}提出申请。", s.body))
    paragraphs.append(_p(remedies_text(c.review_body, c.court), s.body))
    return _Body(paragraphs)


def _supplement(c: NoticeContent, s: _Styles) -> _Body:
    assert c.supplement_deadline is not None
    return _Body(
        [
            _p(
                f"{_application(c, '提交的')}，申请材料不齐全或者不符合法定形式。根据{LICENSING_LAW}"
                "第三十二条第一款第（四）项的规定，现将需要补正的全部内容一次性告知如下：",
                s.body,
            ),
            _materials_table(c.materials, s),
            Spacer(1, 2 * mm),
            _p(
                f"以上共{len(c.materials)}项，为需要补正的全部内容。请于{cn_date(c.supplement_deadline)}前"
                "一并提交补正材料。补正材料齐全、符合法定形式的，本机关将依法予以受理。",
                s.body,
            ),
        ],
        "特此告知。",
    )


def _extension(c: NoticeContent, s: _Styles) -> _Body:
    assert c.new_due_date is not None
    return _Body(
        [
            _p(
                f"{_application(c)}，本机关不能在法定期限内作出决定，理由如下："
                f"{_sentence(c.extension_reason)}。",
                s.body,
            ),
            _p(
                f"根据{LICENSING_LAW}第四十二条第一款的规定，经本机关负责人批准，办理期限延长"
                f"{c.extension_days}个工作日，延长至{cn_date(c.new_due_date)}。",
                s.body,
            ),
        ],
        "特此通知。",
    )


def _special_procedure(c: NoticeContent, s: _Styles) -> _Body:
    name = SPECIAL_PROCEDURES[c.procedure_kind]
    basis = f"根据{_sentence(c.procedure_basis)}的规定，" if c.procedure_basis.strip() else "依法"
    return _Body(
        [
            _p(
                f"{_application(c)}，{basis}需要进行{name}。{name}预计需要"
                f"{c.expected_days}{DAY_UNITS[c.expected_days_unit]}。",
                s.body,
            ),
            _p(
                f"根据{LICENSING_LAW}第四十五条的规定，{name}所需时间不计算在办理期限内。办理期限自{name}"
                f"开始之日起暂停计算，{name}结束后继续计算；本机关将在{name}结束后继续办理，并依法作出决定。",
                s.body,
            ),
        ],
        "特此告知。",
    )


def _approval(c: NoticeContent, s: _Styles) -> _Body:
    result = c.result_name.strip() + (
        f"（编号：{c.result_number.strip()}）" if c.result_number.strip() else ""
    )
    return _Body(
        [
            _p(
                f"{_application(c)}，经审查，符合法定条件、标准。根据{LICENSING_LAW}第三十八条第一款的规定，"
                f"本机关决定：{_sentence(c.decision)}。",
                s.body,
            ),
            _p(f"本机关将自作出本决定之日起十日内向你（单位）颁发、送达{result}。", s.body),
        ]
    )


def _denial(c: NoticeContent, s: _Styles) -> _Body:
    items = [_p(f"{i}. {_sentence(r)}。", s.item) for i, r in enumerate(c.denial_reasons, start=1)]
    return _Body(
        [
            _p(
                f"{_application(c)}，经审查，不符合法定条件、标准。根据{LICENSING_LAW}第三十八条第二款的规定，"
                "本机关决定不予行政许可。",
                s.body,
            ),
            _p("不予许可的理由如下：", s.body),
            *items,
            _p(remedies_text(c.review_body, c.court), s.body),
        ]
    )


_BODIES = {
    NoticeKind.ACCEPTANCE: _acceptance,
    NoticeKind.REFUSAL: _refusal,
    NoticeKind.SUPPLEMENT: _supplement,
    NoticeKind.EXTENSION: _extension,
    NoticeKind.SPECIAL_PROCEDURE: _special_procedure,
    NoticeKind.APPROVAL: _approval,
    NoticeKind.DENIAL: _denial,
}


# --- layout ------------------------------------------------------------------------------------------------


class _SealedSignOff(Flowable):
    """落款: the issuing office and the date, right-aligned, inside a red seal-like block "（电子印章）".

    Only a marker of where the electronic seal (the detached SM2 signature) applies, not an image of a seal.
    """

    FONT_SIZE = 13
    SEAL_SIZE = 10
    HEIGHT = 30 * mm

    def __init__(self, department: str, date_text: str) -> None:
        super().__init__()
        self.department = department
        self.date_text = date_text
        self.font = register_cjk_font()

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.HEIGHT

    def draw(self) -> None:
        c = self.canv
        text_width = max(
            stringWidth(self.department, self.font, self.FONT_SIZE),
            stringWidth(self.date_text, self.font, self.FONT_SIZE),
            stringWidth("（电子印章）", self.font, self.SEAL_SIZE) + 8 * mm,
        )
        box_width = text_width + 10 * mm
        # GB/T 9704 puts the sign-off about four characters from the right margin; keep the box inside it.
        right = self.width - 2 * self.FONT_SIZE
        centre = right - box_width / 2
        c.saveState()
        c.setStrokeColor(RED)
        c.setLineWidth(1.4)
        c.roundRect(right - box_width, 2 * mm, box_width, self.HEIGHT - 4 * mm, 3 * mm, stroke=1, fill=0)
        c.setLineWidth(0.5)
        c.roundRect(
            right - box_width + 1.2 * mm, 3.2 * mm, box_width - 2.4 * mm, self.HEIGHT - 6.4 * mm, 2.2 * mm
        )
        c.setFillColor(colors.black)
        c.setFont(self.font, self.FONT_SIZE)
        c.drawCentredString(centre, self.HEIGHT - 11 * mm, self.department)
        c.setFillColor(RED)
        c.setFont(self.font, self.SEAL_SIZE)
        c.drawCentredString(centre, self.HEIGHT / 2 - 1.6 * mm, "（电子印章）")
        c.setFillColor(colors.black)
        c.setFont(self.font, self.FONT_SIZE)
        c.drawCentredString(centre, 7 * mm, self.date_text)
        c.restoreState()


def _verification_block(c: NoticeContent, s: _Styles) -> Table:
    qr = Image(io.BytesIO(qr_png_bytes(c.verification_url, scale=4, border=2)), width=24 * mm, height=24 * mm)
    text = [
        _p("文书核验", s.head),
        _p(
            "扫描二维码或访问下列网址，可核验本文书的真实性。核验页面不显示申请人的个人信息。",
            s.small,
        ),
        _p(c.verification_url, s.url),
        _p(
            f"办件编号：{c.case_number}　本文书使用电子印章（SM2 数字签名）。",
            s.small,
        ),
    ]
    table = Table([[qr, text]], colWidths=[28 * mm, CONTENT_WIDTH - 28 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("FONTNAME", (0, 0), (-1, -1), register_cjk_font()),
            ]
        )
    )
    return table


def notice_story(content: NoticeContent) -> list[Any]:
    """The flowables of a notice: office header, title, 文号, addressee, body, sealed sign-off, QR block."""
    s = _Styles()
    assert content.issue_date is not None
    body = _BODIES[NoticeKind(content.kind)](content, s)
    story: list[Any] = [
        _p(content.department_name, s.department),
        HRFlowable(width="100%", thickness=1.6, color=RED, spaceBefore=2 * mm, spaceAfter=6 * mm),
        _p(content.title, s.title),
        Spacer(1, 1 * mm),
        _p(content.document_number, s.number),
        Spacer(1, 5 * mm),
        _p(f"{content.applicant_name}：", s.salutation),
        *body.paragraphs[:-1],
    ]
    # GB/T 9704: the sign-off never stands on a page of its own; the last paragraph goes with it.
    tail = [body.paragraphs[-1]]
    if body.closing:
        tail.append(_p(body.closing, s.body))
    story.append(
        KeepTogether(
            [
                *tail,
                Spacer(1, 8 * mm),
                _SealedSignOff(content.department_name, cn_date(content.issue_date)),
                Spacer(1, 8 * mm),
                HRFlowable(width="100%", thickness=0.5, color=GRID, spaceAfter=3 * mm),
                _verification_block(content, s),
            ]
        )
    )
    return story


def _canvas_class(document_number: str) -> type[Canvas]:
    font = register_cjk_font()

    class NoticeCanvas(Canvas):
        """Footer "文号 · 第 x 页 / 共 y 页" once the total is known (pages are buffered until save)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("initialFontName", font)  # never reference a non-embedded Helvetica
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                self.setFont(font, 8.5)
                self.setFillColor(GREY)
                self.drawString(MARGIN_X, 12 * mm, document_number)
                self.drawRightString(
                    PAGE_WIDTH - MARGIN_X, 12 * mm, f"第 {self._pageNumber} 页 / 共 {total} 页"
                )
                self.restoreState()
                super().showPage()
            super().save()

    return NoticeCanvas


def render_notice_pdf(content: NoticeContent) -> bytes:
    """The notice as an A4 PDF with the Chinese font embedded."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=22 * mm,
        bottomMargin=22 * mm,
        title=f"{content.title}（{content.document_number}）",
        author=content.department_name,
        subject=content.title,
        creator="一网好办",
    )
    doc.build(notice_story(content), canvasmaker=_canvas_class(content.document_number))
    return buffer.getvalue()
