"""What a notice says: its kind, the fields each kind requires, and their validation (Chinese messages)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import secrets
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, unquote, urlsplit


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
