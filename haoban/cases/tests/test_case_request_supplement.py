"""case_request_supplement (一次性告知, Art. 32): one notice with every material; a second only for
materials provided again since the first."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.cases.materials import MaterialUpload
from haoban.cases.services import CaseConflict, SupplementItem, case_request_supplement, case_supplement
from haoban.cases.tests.factories import (
    at,
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
    time_machine.move_to(at(2026, 10, 9, 17), tick=False)


def test_one_notice_lists_every_material() -> None:
    # given
    case = submit_case(at=at(2026, 9, 28, 9))
    form = requirement(case.item_version, "食品经营许可申请书")
    rules = requirement(case.item_version, "食品安全管理制度文本")
    clerk = make_staff("window_clerk", case.department)
    mark = outbox_mark()

    # when
    case = case_request_supplement(
        case=case,
        actor=clerk,
        at=at(2026, 9, 29, 10),
        items=[SupplementItem(form.pk, "申请书未签字"), SupplementItem(rules.pk, " 缺少食品安全管理制度 ")],
    )

    # then
    assert case.status == "pending_supplement"
    assert case.acceptance_due_date is None  # the notice was given in time: no window runs
    event = case.events.get(sequence=2)
    assert event.data == {
        "items": [
            {"material_requirement_id": form.pk, "name": "食品经营许可申请书", "problem": "申请书未签字"},
            {
                "material_requirement_id": rules.pk,
                "name": "食品安全管理制度文本",
                "problem": "缺少食品安全管理制度",
            },
        ],
        "round": 1,
    }
    assert case.materials.get(requirement=form).review == "deficient"
    assert outbox_since(mark) == [
        ("cases.notice", {"event_id": event.pk, "kind": "supplement"}),
        ("cases.notify", {"event_id": event.pk}),
    ]


def test_items_are_validated_and_nothing_is_written() -> None:
    case = submit_case(at=at(2026, 9, 28, 9))
    form = requirement(case.item_version, "食品经营许可申请书")
    before = snapshot(case)
    clerk = make_staff("window_clerk", case.department)

    with pytest.raises(ValidationError) as empty:
        case_request_supplement(case=case, actor=clerk, items=[])
    with pytest.raises(ValidationError) as bad:
        case_request_supplement(
            case=case,
            actor=clerk,
            items=[
                SupplementItem(form.pk, "未签字"),
                SupplementItem(form.pk, ""),
                SupplementItem(999999, "x"),
            ],
        )

    assert empty.value.message_dict == {"items": ["请列出需要补正的全部材料"]}
    assert bad.value.message_dict == {
        "items[1]": ["“食品经营许可申请书”重复列出", "请说明“食品经营许可申请书”需要补正的内容"],
        "items[2]": ["材料 999999 不属于本事项的申报材料"],
    }
    assert snapshot(case) == before


def test_a_second_notice_may_name_only_materials_provided_again() -> None:
    # given: a first notice naming the form and the rules; the applicant sends only a new form
    case = submit_case(at=at(2026, 9, 28, 9))
    form = requirement(case.item_version, "食品经营许可申请书")
    rules = requirement(case.item_version, "食品安全管理制度文本")
    licence = requirement(case.item_version, "营业执照")
    clerk = make_staff("window_clerk", case.department)
    case = case_request_supplement(
        case=case,
        actor=clerk,
        at=at(2026, 9, 29, 10),
        items=[SupplementItem(form.pk, "未签字"), SupplementItem(rules.pk, "缺少")],
    )
    case = case_supplement(
        case=case, actor=case.applicant.user, at=at(2026, 9, 30, 10), uploads=[MaterialUpload(form, pdf())]
    )
    before = snapshot(case)

    # when: the second notice names the licence, which was not provided again
    with pytest.raises(ValidationError) as raised:
        case_request_supplement(
            case=case,
            actor=clerk,
            items=[SupplementItem(form.pk, "签字不清"), SupplementItem(licence.pk, "证照过期")],
        )

    # then
    assert raised.value.message_dict == {
        "items[1]": [
            "“营业执照”在上次补正告知后未重新提交；补正材料应一次性告知，再次告知只能针对重新提交的材料"
        ]
    }
    assert snapshot(case) == before

    # and a second notice about the new form alone is allowed
    case = case_request_supplement(case=case, actor=clerk, items=[SupplementItem(form.pk, "签字不清")])
    assert case.status == "pending_supplement"
    assert case.events.get(sequence=4).data["round"] == 2


def test_no_supplement_request_after_the_acceptance_window() -> None:
    case = submit_case(at=at(2026, 9, 18, 9))  # window ended Thu 24 Sep
    form = requirement(case.item_version, "食品经营许可申请书")
    before = snapshot(case)

    with pytest.raises(CaseConflict) as raised:
        case_request_supplement(
            case=case, actor=make_staff("window_clerk", case.department), items=[SupplementItem(form.pk, "x")]
        )

    assert raised.value.message == "受理期限已于 2026-09-24 届满，依法视为受理，不能再要求补正"
    assert snapshot(case) == before
    assert case.acceptance_due_date == dt.date(2026, 9, 24)
