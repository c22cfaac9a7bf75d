"""容缺受理: the promised materials handed in during the review (or a special procedure) with
``case_supplement``; the tolerance ends, and the overdue alert stops, when all of them have arrived."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from haoban.cases import ticks
from haoban.cases.materials import MaterialUpload
from haoban.cases.models import CaseMaterial
from haoban.cases.services import CaseConflict, case_accept, case_supplement, case_suspend
from haoban.cases.tests.factories import (
    MATERIALS,
    at,
    case_in_status,
    make_case_version,
    make_staff,
    outbox_mark,
    outbox_since,
    pdf,
    requirement,
    snapshot,
    submit_case,
)
from haoban.cases.tolerant import tolerant_materials

pytestmark = pytest.mark.django_db

FLOOR_PLAN = {"name": "经营场所平面图", "required": False, "originals": 1, "copies": 0, "format": "both"}
RULES = "食品安全管理制度文本"
PLAN = "经营场所平面图"


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 9, 28, 9), tick=False)


def _tolerant_case(*names: str) -> Any:
    version = make_case_version(tags=["tolerant_acceptance"], materials=[*MATERIALS, FLOOR_PLAN])
    case = submit_case(version=version, at=at(2026, 9, 28, 8))
    return case_accept(
        case=case,
        actor=make_staff("window_clerk", case.department),
        deficient_materials=[requirement(version, n) for n in names],
        tolerant_due_date=dt.date(2026, 10, 9),
    )


def _upload(case: Any, name: str, file: Any = None) -> MaterialUpload:
    return MaterialUpload(requirement(case.item_version, name), file or pdf(f"{name}.pdf"))


def test_one_of_two_materials_keeps_the_tolerance_open_and_the_second_ends_it(time_machine: Any) -> None:
    # given
    case = _tolerant_case(RULES, PLAN)
    applicant = case.applicant.user

    # when: the first material arrives
    time_machine.move_to(at(2026, 9, 30, 9), tick=False)
    case = case_supplement(case=case, actor=applicant, uploads=[_upload(case, RULES)])

    # then: still in review, one outstanding, the promised date stands
    assert (case.status, case.tolerant_due_date) == ("in_review", dt.date(2026, 10, 9))
    first = case.events.get(sequence=3)
    assert (first.action, first.from_status, first.to_status, first.actor_role) == (
        "supplement",
        "in_review",
        "in_review",
        "applicant",
    )
    assert "tolerant_completed" not in first.data
    state = tolerant_materials(case)
    assert [(m.name, m.delivered) for m in state.materials] == [(RULES, True), (PLAN, False)]
    assert state.completed is False

    # when: the second one
    case = case_supplement(case=case, actor=applicant, uploads=[_upload(case, PLAN)])

    # then
    assert (case.status, case.tolerant_due_date) == ("in_review", None)
    second = case.events.get(sequence=4)
    assert second.data == {
        "materials": [CaseMaterial.objects.get(case=case, requirement__name=PLAN).pk],
        "tolerant_completed": True,
    }
    assert tolerant_materials(case).completed is True


def test_materials_can_arrive_during_a_special_procedure() -> None:
    case = _tolerant_case(RULES)
    case = case_suspend(
        case=case,
        actor=make_staff("reviewer", case.department),
        procedure="inspection",
        reason="现场核查",
        expected_days=5,
    )
    legal_due, promised_due = case.legal_due_date, case.promised_due_date

    case = case_supplement(case=case, actor=case.applicant.user, uploads=[_upload(case, RULES)])

    assert (case.status, case.clock_paused, case.tolerant_due_date) == ("suspended", True, None)
    assert (case.legal_due_date, case.promised_due_date) == (legal_due, promised_due)
    assert case.events.get(sequence=4).data["tolerant_completed"] is True


def test_after_all_materials_arrived_the_tick_does_not_alert(time_machine: Any) -> None:
    case = _tolerant_case(RULES)
    case_supplement(case=case, actor=case.applicant.user, uploads=[_upload(case, RULES)])
    mark = outbox_mark()

    time_machine.move_to(at(2026, 10, 12, 0, 1), tick=False)
    summary = ticks.tolerant_overdue(at(2026, 10, 12, 0, 1))

    assert summary == "容缺逾期提醒 0 件"
    case.refresh_from_db()
    assert case.tolerant_alerted_on is None
    assert outbox_since(mark) == []


def test_a_partial_delivery_is_still_alerted_when_overdue(time_machine: Any) -> None:
    case = _tolerant_case(RULES, PLAN)
    case_supplement(case=case, actor=case.applicant.user, uploads=[_upload(case, RULES)])

    time_machine.move_to(at(2026, 10, 12, 0, 1), tick=False)

    assert ticks.tolerant_overdue(at(2026, 10, 12, 0, 1)) == "容缺逾期提醒 1 件"


def test_a_material_found_deficient_is_outstanding_again() -> None:
    case = _tolerant_case(RULES)
    case = case_supplement(case=case, actor=case.applicant.user, uploads=[_upload(case, RULES)])
    CaseMaterial.objects.filter(case=case, requirement__name=RULES, superseded_by=None).update(
        review=CaseMaterial.Review.DEFICIENT
    )

    assert [m.name for m in tolerant_materials(case).outstanding] == [RULES]


@pytest.mark.parametrize(
    ("uploads", "errors"),
    [
        ([], lambda case: {"uploads": ["请上传容缺材料"]}),
        (
            ["食品经营许可申请书"],
            lambda case: {
                f"materials[{requirement(case.item_version, '食品经营许可申请书').pk}]": [
                    "“食品经营许可申请书”不是待补交的容缺材料"
                ]
            },
        ),
    ],
    ids=["nothing", "not-a-tolerant-material"],
)
def test_only_the_outstanding_materials_are_taken(uploads: list[str], errors: Any) -> None:
    case = _tolerant_case(RULES)
    before = snapshot(case)

    with pytest.raises(ValidationError) as raised:
        case_supplement(case=case, actor=case.applicant.user, uploads=[_upload(case, n) for n in uploads])

    assert raised.value.message_dict == errors(case)
    assert snapshot(case) == before


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_written() -> None:
    case = _tolerant_case(RULES)
    before = snapshot(case)
    exe = SimpleUploadedFile("制度.pdf", b"MZ\x90\x00 not a document")

    with pytest.raises(ValidationError) as raised:
        case_supplement(case=case, actor=case.applicant.user, uploads=[_upload(case, RULES, exe)])

    key = f"materials[{requirement(case.item_version, RULES).pk}]"
    assert raised.value.message_dict == {
        key: [f"材料“{RULES}”的文件类型不受支持，请上传 PDF、OFD、JPG、PNG、DOCX、XLSX 格式的文件"]
    }
    assert snapshot(case) == before


@pytest.mark.parametrize("deliver_twice", [False, True], ids=["never-tolerant", "already-complete"])
def test_nothing_to_hand_in_is_a_conflict(deliver_twice: bool) -> None:
    if deliver_twice:
        case = _tolerant_case(RULES)
        case = case_supplement(case=case, actor=case.applicant.user, uploads=[_upload(case, RULES)])
    else:
        case = case_in_status("in_review", version=make_case_version(tags=["tolerant_acceptance"]))
    before = snapshot(case)

    with pytest.raises(CaseConflict) as raised:
        case_supplement(case=case, actor=case.applicant.user, uploads=[_upload(case, RULES)])

    assert raised.value.message == "该办件没有待补交的容缺材料"
    assert snapshot(case) == before
