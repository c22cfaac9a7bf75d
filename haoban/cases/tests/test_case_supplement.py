"""case_supplement (补正): a case waiting for materials is received again; 容缺 materials complete."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.cases.materials import MaterialUpload
from haoban.cases.services import (
    CaseConflict,
    SupplementItem,
    case_accept,
    case_request_supplement,
    case_supplement,
)
from haoban.cases.tests.factories import (
    at,
    make_case_version,
    make_staff,
    outbox_mark,
    outbox_since,
    pdf,
    requirement,
    snapshot,
    submit_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 10, 12, 9), tick=False)


def _pending(**kwargs: Any) -> Any:
    case = submit_case(at=at(2026, 9, 28, 9), **kwargs)
    form = requirement(case.item_version, "食品经营许可申请书")
    return case_request_supplement(
        case=case,
        actor=make_staff("window_clerk", case.department),
        at=at(2026, 9, 29, 10),
        items=[SupplementItem(form.pk, "未签字")],
    ), form


def test_supplement_restarts_the_acceptance_window_from_the_new_receipt() -> None:
    # given
    case, form = _pending()
    mark = outbox_mark()

    # when
    case = case_supplement(
        case=case,
        actor=case.applicant.user,
        at=at(2026, 9, 30, 16),
        uploads=[MaterialUpload(form, pdf("新.pdf"))],
    )

    # then
    assert case.status == "submitted"
    assert case.received_on == dt.date(2026, 9, 30)
    assert case.acceptance_due_date == dt.date(2026, 10, 13)
    event = case.events.get(sequence=3)
    new = case.materials.get(original_name="新.pdf")
    assert (event.action, event.actor_role, event.data) == (
        "supplement",
        "applicant",
        {"materials": [new.pk]},
    )
    old = case.materials.exclude(pk=new.pk).get(requirement=form)
    assert old.superseded_by == new
    assert outbox_since(mark) == [("cases.notify", {"event_id": event.pk})]


def test_supplement_without_materials_is_refused() -> None:
    case, _ = _pending()
    before = snapshot(case)

    with pytest.raises(ValidationError) as raised:
        case_supplement(case=case, actor=case.applicant.user)

    assert raised.value.message_dict == {"uploads": ["请上传需要补正的材料"]}
    assert snapshot(case) == before


def test_supplement_of_a_submitted_case_is_a_conflict() -> None:
    case = submit_case(at=at(2026, 10, 9, 9))
    before = snapshot(case)

    with pytest.raises(CaseConflict) as raised:
        case_supplement(case=case, actor=case.applicant.user)

    assert raised.value.message == "办件状态为“已申请待受理”，不能执行“补正”"
    assert snapshot(case) == before


def test_tolerant_materials_arrive_during_review_and_end_the_tolerance() -> None:
    # given
    version = make_case_version(tags=["tolerant_acceptance"])
    case = submit_case(version=version, at=at(2026, 9, 28, 9))
    rules = requirement(version, "食品安全管理制度文本")
    case = case_accept(
        case=case,
        actor=make_staff("window_clerk", case.department),
        at=at(2026, 9, 28, 10),
        deficient_materials=[rules],
        tolerant_due_date=dt.date(2026, 10, 16),
    )
    legal_due = case.legal_due_date

    # when
    case = case_supplement(
        case=case, actor=case.applicant.user, at=at(2026, 10, 9, 9), uploads=[MaterialUpload(rules, pdf())]
    )

    # then
    assert (case.status, case.tolerant_due_date, case.legal_due_date) == ("in_review", None, legal_due)
    assert case.events.get(sequence=3).data["tolerant_completed"] is True
