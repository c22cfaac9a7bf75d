"""Case statuses and the one transition table (glossary.md "Cases", legal-rules.md §1).

``next_status(status, action)`` is the only place that decides whether an action is legal in a status;
services call it inside their transaction before writing anything (architecture.md "One write path").
A case that does not exist yet has the status ``None``; its only action is ``submit``.

Decisions (docs/workflow.md explains them with the articles of 《行政许可法》):

- ``supplement`` takes a case waiting for materials back to ``submitted``; ``accept`` is only possible
  from ``submitted``. The 5-working-day acceptance window restarts from the supplement date (case_clock).
- ``issue`` (制证) is mandatory before ``deliver``: every approval yields a written result (Art. 38, 39),
  licence or not, and ``issue`` is the step that produces it. One path, no flag.
- ``refused`` and ``denied`` are decisions, not the end of the case: ``complete`` (办结) closes them once the
  decision document (不予受理决定书 / 不予许可决定书) has been served, so that every case, whatever its
  outcome, gets a 办结 date for the efficiency indicators (legal-rules.md §8).
- Rules that depend on the history rather than the status (one supplement notice, Art. 32; at most one
  extension, Art. 42; no acceptance step after the acceptance window) are the services' business.
"""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    SUBMITTED = "submitted"
    PENDING_SUPPLEMENT = "pending_supplement"
    REFUSED = "refused"
    IN_REVIEW = "in_review"
    SUSPENDED = "suspended"
    APPROVED = "approved"
    DENIED = "denied"
    ISSUED = "issued"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS: dict[CaseStatus, str] = {
    CaseStatus.SUBMITTED: "已申请待受理",
    CaseStatus.PENDING_SUPPLEMENT: "待补正",
    CaseStatus.REFUSED: "不予受理",
    CaseStatus.IN_REVIEW: "审查中",
    CaseStatus.SUSPENDED: "特别程序中",
    CaseStatus.APPROVED: "准予",
    CaseStatus.DENIED: "不予许可",
    CaseStatus.ISSUED: "已制证",
    CaseStatus.DELIVERED: "已送达",
    CaseStatus.COMPLETED: "办结",
    CaseStatus.WITHDRAWN: "撤回",
}


class CaseAction(StrEnum):
    """The API verbs (``POST /cases/{number}/<verb>``); the services are ``case_<verb>``."""

    SUBMIT = "submit"
    ACCEPT = "accept"
    REFUSE = "refuse"
    REQUEST_SUPPLEMENT = "request-supplement"
    SUPPLEMENT = "supplement"
    EXTEND = "extend"
    SUSPEND = "suspend"
    RESUME = "resume"
    APPROVE = "approve"
    DENY = "deny"
    ISSUE = "issue"
    PAY = "pay"
    DELIVER = "deliver"
    COMPLETE = "complete"
    WITHDRAW = "withdraw"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS: dict[CaseAction, str] = {
    CaseAction.SUBMIT: "提交申请",
    CaseAction.ACCEPT: "受理",
    CaseAction.REFUSE: "不予受理",
    CaseAction.REQUEST_SUPPLEMENT: "一次性告知补正",
    CaseAction.SUPPLEMENT: "补正",
    CaseAction.EXTEND: "延期",
    CaseAction.SUSPEND: "特别程序开始",
    CaseAction.RESUME: "特别程序结束",
    CaseAction.APPROVE: "准予",
    CaseAction.DENY: "不予许可",
    CaseAction.ISSUE: "制证",
    CaseAction.PAY: "缴费",
    CaseAction.DELIVER: "送达",
    CaseAction.COMPLETE: "办结",
    CaseAction.WITHDRAW: "撤回",
}


class TransitionNotAllowed(ValueError):
    """The action is not allowed in the case's status (message in Chinese, for the person who tried)."""

    def __init__(self, status: CaseStatus | None, action: CaseAction) -> None:
        self.status = status
        self.action = action
        if status is None:
            message = f"办件尚未提交申请，不能执行“{action.label}”"
        else:
            message = f"办件状态为“{status.label}”，不能执行“{action.label}”"
        super().__init__(message)


S = CaseStatus
A = CaseAction

# (from status, action, to status). Every pair not listed here is forbidden. Read it top to bottom as the
# life of a case; 即办件 (decided on the spot) run through the same rows on one day.
TRANSITION_ROWS: tuple[tuple[CaseStatus | None, CaseAction, CaseStatus], ...] = (
    # Application (Art. 29): the case exists from the moment the materials are received.
    (None, A.SUBMIT, S.SUBMITTED),
    # Acceptance step (Art. 32): accept, refuse (not this office's matter / not a licensing matter), or
    # tell the applicant everything to supplement in one notice. Left undone for 5 working days, the case
    # is deemed accepted: the service records a deemed acceptance with the same ACCEPT transition.
    (S.SUBMITTED, A.ACCEPT, S.IN_REVIEW),
    (S.SUBMITTED, A.REFUSE, S.REFUSED),
    (S.SUBMITTED, A.REQUEST_SUPPLEMENT, S.PENDING_SUPPLEMENT),
    # The supplemented materials are examined again like a new receipt (Art. 32: the acceptance window
    # counts from the day the materials are complete).
    (S.PENDING_SUPPLEMENT, A.SUPPLEMENT, S.SUBMITTED),
    # 容缺受理: accepted with deficient materials, which are supplied later during the review.
    (S.IN_REVIEW, A.SUPPLEMENT, S.IN_REVIEW),
    # Review (Art. 34-42). An extension (Art. 42) moves the legal due date, not the status.
    (S.IN_REVIEW, A.EXTEND, S.IN_REVIEW),
    # Special procedures whose time is not counted (Art. 45): 听证、检验、检测、检疫、鉴定、专家评审 ...
    (S.IN_REVIEW, A.SUSPEND, S.SUSPENDED),
    (S.SUSPENDED, A.RESUME, S.IN_REVIEW),
    # 容缺 materials may also arrive during a special procedure; the procedure goes on.
    (S.SUSPENDED, A.SUPPLEMENT, S.SUSPENDED),
    # Decision (Art. 38): a written approval, or a written denial with reasons and the remedies. Only from
    # in_review: a special procedure must end (resume) before the decision.
    (S.IN_REVIEW, A.APPROVE, S.APPROVED),
    (S.IN_REVIEW, A.DENY, S.DENIED),
    # Result (Art. 39, 44): produce the licence or approval document, then serve it within 10 working days
    # of the decision.
    (S.APPROVED, A.ISSUE, S.ISSUED),
    (S.ISSUED, A.DELIVER, S.DELIVERED),
    # 办结. A refusal or a denial is closed once its decision document has been served.
    (S.DELIVERED, A.COMPLETE, S.COMPLETED),
    (S.REFUSED, A.COMPLETE, S.COMPLETED),
    (S.DENIED, A.COMPLETE, S.COMPLETED),
    # Fees (Art. 58-59: only where a law or regulation provides for them) do not change the status; they are
    # paid at the application, during the review, when the result is issued, or — for items that do not
    # hold the result until paid (先缴费后领证, docs/payments.md) — after it was delivered, before 办结.
    # A refund is recorded as a pay event too.
    (S.SUBMITTED, A.PAY, S.SUBMITTED),
    (S.IN_REVIEW, A.PAY, S.IN_REVIEW),
    (S.APPROVED, A.PAY, S.APPROVED),
    (S.ISSUED, A.PAY, S.ISSUED),
    (S.DELIVERED, A.PAY, S.DELIVERED),
    # The applicant may withdraw the application until the office has decided.
    (S.SUBMITTED, A.WITHDRAW, S.WITHDRAWN),
    (S.PENDING_SUPPLEMENT, A.WITHDRAW, S.WITHDRAWN),
    (S.IN_REVIEW, A.WITHDRAW, S.WITHDRAWN),
    (S.SUSPENDED, A.WITHDRAW, S.WITHDRAWN),
)

del S, A


# Each (status, action) pair appears once in the rows (a test checks it), so the lookup is unambiguous.
TRANSITIONS: dict[tuple[CaseStatus | None, CaseAction], CaseStatus] = {
    (status, action): target for status, action, target in TRANSITION_ROWS
}

FINAL_STATUSES: frozenset[CaseStatus] = frozenset({CaseStatus.COMPLETED, CaseStatus.WITHDRAWN})


def next_status(status: CaseStatus | None, action: CaseAction) -> CaseStatus:
    """The status after ``action``; ``status`` is None for a case not submitted yet."""
    try:
        return TRANSITIONS[status, action]
    except KeyError:
        raise TransitionNotAllowed(status, action) from None


def allowed_actions(status: CaseStatus | None) -> list[CaseAction]:
    """The actions allowed in ``status``, in the order of :class:`CaseAction` (for buttons and the API)."""
    return [action for action in CaseAction if (status, action) in TRANSITIONS]


def is_final(status: CaseStatus) -> bool:
    """No action is possible any more (办结, 撤回)."""
    return status in FINAL_STATUSES


def clock_running(status: CaseStatus) -> bool:
    """Whether the decision clock (Art. 42) is counting working days in this status.

    It runs from acceptance to the decision, and not during a special procedure (Art. 45). The
    acceptance window before it (Art. 32) and the delivery period after it (Art. 44) are separate
    periods, reported by ``case_clock``.
    """
    return status is CaseStatus.IN_REVIEW
