"""Every write to cases (architecture.md "One write path"): keyword-only, typed, one transaction each.

API views, pages, admin actions, the CLI and the integration API call these functions and nothing else.
Bad input raises ``django.core.exceptions.ValidationError`` (Chinese messages keyed by field, HTTP 400);
an action the case's state does not allow raises :class:`CaseConflict` (HTTP 409). In both cases nothing
is written.
"""

from .base import NOTICE_TOPIC, NOTIFY_TOPIC, CaseConflict, CaseServiceError, recorded_by_integration
from .clock import case_recompute_clock
from .review import MATERIAL_REVIEWS, case_material_review
from .steps import case_forward
from .submission import case_number, case_submit, form_errors
from .transitions import (
    APPROVAL_BASES,
    DELIVERY_METHODS,
    SupplementItem,
    case_accept,
    case_approve,
    case_complete,
    case_deem_accepted,
    case_deliver,
    case_deny,
    case_extend,
    case_issue,
    case_pay,
    case_refuse,
    case_request_supplement,
    case_resume,
    case_supplement,
    case_suspend,
    case_withdraw,
)

__all__ = [
    "APPROVAL_BASES",
    "DELIVERY_METHODS",
    "MATERIAL_REVIEWS",
    "NOTICE_TOPIC",
    "NOTIFY_TOPIC",
    "CaseConflict",
    "CaseServiceError",
    "SupplementItem",
    "case_accept",
    "case_approve",
    "case_complete",
    "case_deem_accepted",
    "case_deliver",
    "case_deny",
    "case_extend",
    "case_forward",
    "case_issue",
    "case_material_review",
    "case_number",
    "case_pay",
    "case_recompute_clock",
    "case_refuse",
    "case_request_supplement",
    "case_resume",
    "case_submit",
    "case_supplement",
    "case_suspend",
    "case_withdraw",
    "form_errors",
    "recorded_by_integration",
]
