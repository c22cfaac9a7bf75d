"""Written notices of a case (文书, ``Notice.kind``): their content, the PDF, its SM3 digest and SM2 seal.

Rendering only; the ``Notice`` model and the case services that issue notices come with case handling.
What each notice must say follows 《中华人民共和国行政许可法》 (legal-rules.md §1):

- ``acceptance`` 受理通知书 and ``refusal`` 不予受理决定书: Art. 32 — written, dated, sealed; a refusal because
  the matter lies outside the office's powers names the competent office.
- ``supplement`` 补正材料一次性告知书: Art. 32 (4) — **everything** that must be supplemented, in **one** notice.
- ``extension`` 延期通知书: Art. 42 — extended with the head's approval, and the applicant is told why.
- ``special_procedure`` 特别程序告知书: Art. 45 — 听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审 time is not
  counted, and the applicant is told in writing.
- ``approval`` 准予决定书: Art. 38 (1), delivery of the result within 10 days (Art. 44).
- ``denial`` 不予许可决定书: Art. 38 (2) — reasons, and the right to 行政复议 within 60 days (《行政复议法》
  第二十条) or 行政诉讼 within 6 months (《行政诉讼法》第四十六条). A refusal tells the same.

The applicant's name is printed in full on the notice itself (it is addressed to them); the QR code carries
only the verification URL, a random token (:func:`new_verification_token`) and no personal data.

The electronic seal is a detached SM2withSM3 signature over the exact PDF bytes (:func:`sign_notice`), stored
next to the PDF together with its SM3 digest; the "（电子印章）" block on the page only shows where it
applies. Embedding the signature in the PDF (PAdES-style) is left for later.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import io
import secrets
from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import quote, unquote, urlsplit

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

from haoban.core import crypto
from haoban.core.pdf import cjk_paragraph_style, qr_png_bytes, register_cjk_font

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 25 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
RED = colors.HexColor("#c8102e")
GREY = colors.HexColor("#505a5f")
GRID = colors.HexColor("#9aa5ab")
HEAD_BG = colors.HexColor("#eef1f3")

LICENSING_LAW = "《中华人民共和国行政许可法》"


class NoticeKind(enum.StrEnum):
    ACCEPTANCE = "acceptance"
    REFUSAL = "refusal"
    SUPPLEMENT = "supplement"
    EXTENSION = "extension"
    SPECIAL_PROCEDURE = "special_procedure"
    APPROVAL = "approval"
    DENIAL = "denial"

    @property
    def label(self) -> str:
        return NOTICE_TITLES[self]


NOTICE_TITLES: dict[str, str] = {
    NoticeKind.ACCEPTANCE: "受理通知书",
    NoticeKind.REFUSAL: "不予受理决定书",
    NoticeKind.SUPPLEMENT: "补正材料一次性告知书",
    NoticeKind.EXTENSION: "延期通知书",
    NoticeKind.SPECIAL_PROCEDURE: "特别程序告知书",
    NoticeKind.APPROVAL: "准予决定书",
    NoticeKind.DENIAL: "不予许可决定书",
}

# 《行政许可法》第四十五条, in the order of the law.
SPECIAL_PROCEDURES: dict[str, str] = {
    "hearing": "听证",
    "tender": "招标",
    "auction": "拍卖",
    "inspection": "检验",
    "testing": "检测",
    "quarantine": "检疫",
    "appraisal": "鉴定",
    "expert_review": "专家评审",
}

DAY_UNITS: dict[str, str] = {"workday": "个工作日", "natural_day": "日"}


@dataclasses.dataclass(frozen=True)
class MaterialDefect:
    """One material to supplement: its name and what is missing or wrong with it."""

    name: str
    problem: str


# Chinese names of the fields, for error messages.
FIELD_LABELS: dict[str, str] = {
    "kind": "文书种类",
    "document_number": "文号",
    "case_number": "办件编号",
    "item_name": "事项名称",
    "applicant_name": "申请人名称",
    "department_name": "发文机关",
    "issue_date": "发文日期",
    "received_date": "收到申请日期",
    "verification_url": "核验地址",
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

COMMON_FIELDS = (
    "document_number",
    "case_number",
    "item_name",
    "applicant_name",
    "department_name",
    "issue_date",
    "received_date",
    "verification_url",
)
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    NoticeKind.ACCEPTANCE: ("accepted_date", "legal_due_date", "promised_due_date"),
    NoticeKind.REFUSAL: ("refusal_reason",),
    NoticeKind.SUPPLEMENT: ("materials", "supplement_deadline"),
    NoticeKind.EXTENSION: ("extension_reason", "extension_days", "new_due_date"),
    NoticeKind.SPECIAL_PROCEDURE: ("procedure_kind", "expected_days"),
    NoticeKind.APPROVAL: ("decision", "result_name"),
    NoticeKind.DENIAL: ("denial_reasons",),
}


@dataclasses.dataclass(frozen=True, kw_only=True)
class NoticeContent:
    """Everything printed on one notice. Fields not used by ``kind`` are ignored.

    Common: ``document_number`` 文号 (e.g. ``莆审批受〔2025〕15号``), ``case_number``, ``item_name``,
    ``applicant_name`` (in full), ``department_name`` (the issuing office, which seals), ``issue_date``,
    ``received_date`` (when the application reached the office), ``verification_url`` (no personal data).

    Per kind (required unless marked optional):
    - acceptance: ``accepted_date``, ``legal_due_date``, ``promised_due_date``; optional ``materials`` and
      ``supplement_deadline`` for 容缺受理 (accepted while minor materials are still to come).
    - refusal: ``refusal_reason``; optional ``competent_office`` (required by Art. 32 when the matter is
      outside this office's powers), ``review_body`` 复议机关, ``court``.
    - supplement: ``materials`` (every one, in this one notice), ``supplement_deadline``.
    - extension: ``extension_reason``, ``extension_days`` (working days), ``new_due_date``.
    - special_procedure: ``procedure_kind`` (a key of :data:`SPECIAL_PROCEDURES`), ``expected_days`` and
      ``expected_days_unit`` (``workday`` or ``natural_day``); optional ``procedure_basis``.
    - approval: ``decision``, ``result_name``; optional ``result_number``.
    - denial: ``denial_reasons``; optional ``review_body``, ``court``.

    Raises ``ValueError`` (Chinese message naming every problem) when a required field is missing or the
    dates contradict each other.
    """

    kind: str
    document_number: str
    case_number: str
    item_name: str
    applicant_name: str
    department_name: str
    issue_date: dt.date | None
    received_date: dt.date | None
    verification_url: str
    # acceptance
    accepted_date: dt.date | None = None
    legal_due_date: dt.date | None = None
    promised_due_date: dt.date | None = None
    # refusal
    refusal_reason: str = ""
    competent_office: str = ""
    # refusal, denial
    review_body: str = ""
    court: str = ""
    # supplement (and 容缺受理)
    materials: Sequence[MaterialDefect] = ()
    supplement_deadline: dt.date | None = None
    # extension
    extension_reason: str = ""
    extension_days: int | None = None
    new_due_date: dt.date | None = None
    # special_procedure
    procedure_kind: str = ""
    expected_days: int | None = None
    expected_days_unit: str = "workday"
    procedure_basis: str = ""
    # approval
    decision: str = ""
    result_name: str = ""
    result_number: str = ""
    # denial
    denial_reasons: Sequence[str] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "materials", tuple(self.materials))
        object.__setattr__(self, "denial_reasons", tuple(self.denial_reasons))
        problems = self._problems()
        if problems:
            raise ValueError(f"{self._title_for_errors()}内容有误：" + "；".join(problems))

    @property
    def title(self) -> str:
        return NOTICE_TITLES[self.kind]

    def _title_for_errors(self) -> str:
        return NOTICE_TITLES.get(self.kind, "文书")

    def _problems(self) -> list[str]:
        if self.kind not in NOTICE_TITLES:
            return [f"未知的文书种类“{self.kind}”"]
        missing = [
            FIELD_LABELS[name]
            for name in COMMON_FIELDS + REQUIRED_FIELDS[self.kind]
            if _blank(getattr(self, name))
        ]
        problems = [f"缺少{'、'.join(missing)}"] if missing else []
        problems += self._consistency_problems()
        return problems

    def _consistency_problems(self) -> list[str]:
        wrong_type = [
            FIELD_LABELS[f.name]
            for f in dataclasses.fields(self)
            if (f.name.endswith(("_date", "_deadline")) and getattr(self, f.name) is not None)
            and not isinstance(getattr(self, f.name), dt.date)
        ]
        if wrong_type:  # comparing them would fail; nothing else can be checked meaningfully
            return [f"{'、'.join(wrong_type)}必须是日期"]
        out: list[str] = []
        received, issued = self.received_date, self.issue_date
        if received and issued and issued < received:
            out.append("发文日期早于收到申请日期")
        if self.verification_url and not _blank(self.verification_url):
            out += _url_problems(self)
        kind = self.kind
        needs_materials = kind == NoticeKind.SUPPLEMENT or (kind == NoticeKind.ACCEPTANCE and self.materials)
        if needs_materials:
            for index, material in enumerate(self.materials, start=1):
                if _blank(material.name) or _blank(material.problem):
                    out.append(f"第{index}项材料缺少材料名称或需要补正的内容")
            if kind == NoticeKind.ACCEPTANCE and self.supplement_deadline is None:
                out.append("容缺受理缺少补正期限")
            if self.supplement_deadline and issued and self.supplement_deadline < issued:
                out.append("补正期限早于发文日期")
        if kind == NoticeKind.ACCEPTANCE:
            accepted, legal, promised = self.accepted_date, self.legal_due_date, self.promised_due_date
            if accepted and received and accepted < received:
                out.append("受理日期早于收到申请日期")
            if accepted and legal and legal <= accepted:
                out.append("法定办结期限应晚于受理日期")
            if accepted and promised and promised < accepted:
                out.append("承诺办结期限早于受理日期")
            if legal and promised and promised > legal:
                out.append("承诺办结期限不得晚于法定办结期限")
        if kind == NoticeKind.EXTENSION:
            if self.extension_days is not None and self.extension_days <= 0:
                out.append("延长的工作日数必须大于0")
            if self.new_due_date and issued and self.new_due_date < issued:
                out.append("延长后的办结期限早于发文日期")
        if kind == NoticeKind.SPECIAL_PROCEDURE:
            if not _blank(self.procedure_kind) and self.procedure_kind not in SPECIAL_PROCEDURES:
                out.append(
                    f"特别程序种类“{self.procedure_kind}”不在《行政许可法》第四十五条所列范围内"
                    "（听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审）"
                )
            if self.expected_days is not None and self.expected_days <= 0:
                out.append("特别程序预计所需时间必须大于0")
            if self.expected_days_unit not in DAY_UNITS:
                out.append("特别程序时间单位只能是工作日或自然日")
        if kind == NoticeKind.DENIAL and any(_blank(r) for r in self.denial_reasons):
            out.append("不予许可的理由不能为空")
        return out


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, tuple | list):
        return len(value) == 0
    return False


def _url_problems(content: NoticeContent) -> list[str]:
    """The QR code may carry only a random token: no name, case number or document number (seed: personal
    data is not shown on public pages; a printed notice is often photographed and shared)."""
    parts = urlsplit(content.verification_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ["核验地址必须是 http(s) 网址"]
    decoded = unquote(content.verification_url)
    personal = (content.applicant_name, content.case_number, content.document_number)
    leaked = [
        value
        for value in personal
        if value.strip() and (value.strip() in decoded or quote(value.strip()) in content.verification_url)
    ]
    return ["核验地址不得包含申请人名称、办件编号或文号，只能使用随机令牌"] if leaked else []


def new_verification_token() -> str:
    """A random, unguessable token (128 bits) for a notice's verification URL."""
    return secrets.token_urlsafe(16)


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
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), register_cjk_font()),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
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


# --- digest and seal ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class NoticeSignature:
    """A detached electronic seal over the exact PDF bytes, stored next to the PDF.

    ``digest`` is the SM3 of the PDF (fixity, archives); ``signature`` the DER SM2withSM3 signature of the PDF
    (user ID 1234567812345678); ``signer_key_id`` the SM3 of the signing public key, so that a verifier
    picks the right key after a rotation.
    """

    digest: str
    signature: bytes
    signer_key_id: str
    algorithm: str = crypto.SM2_WITH_SM3
    algorithm_oid: str = crypto.SM2_WITH_SM3_OID


def notice_digest(pdf_bytes: bytes) -> str:
    """SM3 of the PDF, hex."""
    return crypto.sm3_hex(pdf_bytes)


def sign_notice(pdf_bytes: bytes, *, private_key: crypto.SM2PrivateKey | None = None) -> NoticeSignature:
    """Seal a rendered notice with the platform's SM2 key (``HAOBAN_SM2_KEY_FILE``) or ``private_key``."""
    key = private_key if private_key is not None else crypto.signing_key()
    return NoticeSignature(
        digest=notice_digest(pdf_bytes),
        signature=crypto.sm2_sign(key, pdf_bytes),
        signer_key_id=crypto.sm2_key_id(key.public_key()),
    )


def verify_notice(
    pdf_bytes: bytes, seal: NoticeSignature, *, public_key: crypto.SM2PublicKey | None = None
) -> bool:
    """True when ``pdf_bytes`` is exactly what was sealed: the digest matches, the key is the one named by
    ``seal.signer_key_id``, and the signature verifies. ``public_key`` defaults to the platform's key."""
    key = public_key if public_key is not None else crypto.signing_public_key()
    return (
        seal.algorithm_oid == crypto.SM2_WITH_SM3_OID
        and notice_digest(pdf_bytes) == seal.digest
        and crypto.sm2_key_id(key) == seal.signer_key_id
        and crypto.sm2_verify(key, pdf_bytes, seal.signature)
    )
