"""审核容缺材料 on the workbench: 合格 or 需补正 for a 容缺 material handed in during the review; a deficient
one is outstanding again for the applicant and the tick."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from haoban.cases import ticks
from haoban.cases.materials import MaterialUpload
from haoban.cases.models import CaseEvent, CaseMaterial
from haoban.cases.services import CaseConflict, case_accept, case_material_review, case_supplement
from haoban.cases.tests.factories import at, make_case_version, make_staff, pdf, requirement, submit_case
from haoban.cases.tolerant import tolerant_materials
from haoban.catalog.tests.factories import make_department
from haoban.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NOW = at(2026, 9, 21, 10)
RULES = "食品安全管理制度文本"


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path, settings: Any) -> Path:
    settings.HAOBAN_PRIVATE_DIR = tmp_path / "private"
    return Path(settings.HAOBAN_PRIVATE_DIR)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def delivered() -> Any:
    version = make_case_version(tags=["tolerant_acceptance"])
    case = submit_case(version=version, at=NOW)
    case = case_accept(
        case=case,
        actor=make_staff("window_clerk", case.department),
        deficient_materials=[requirement(version, RULES)],
        tolerant_due_date=dt.date(2026, 9, 25),
    )
    case = case_supplement(
        case=case, actor=case.applicant.user, uploads=[MaterialUpload(requirement(version, RULES), pdf())]
    )
    return case, CaseMaterial.objects.get(case=case, requirement__name=RULES, superseded_by=None)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_reviewer_marks_the_material_deficient_and_it_is_outstanding_again(delivered: Any) -> None:
    case, material = delivered
    reviewer = make_staff("reviewer", case.department)
    client = _client(reviewer)
    url = f"/workbench/cases/{case.number}/materials/{material.uuid}/review/"
    assert f'action="{url}"' in client.get(f"/workbench/cases/{case.number}/").content.decode()

    response = client.post(url, {"review": "deficient", "note": "未加盖公章"})

    assert response.status_code == 302
    material.refresh_from_db()
    case.refresh_from_db()
    assert (material.review, material.review_note) == ("deficient", "未加盖公章")
    assert (case.status, case.tolerant_due_date, case.tolerant_alerted_on) == (
        "in_review",
        dt.date(2026, 9, 25),
        None,
    )
    assert [m.name for m in tolerant_materials(case).outstanding] == [RULES]
    assert CaseEvent.objects.filter(case=case).count() == 3  # no event: not a transition
    entry = AuditEntry.objects.filter(action="material.review").get()
    assert (entry.actor, entry.object_id, entry.details) == (
        reviewer,
        str(material.uuid),
        {"case": case.number, "requirement": RULES, "review": "deficient"},
    )
    # the applicant can hand it in again, and the promised date is alerted once it passes
    applicant_page = _client(case.applicant.user).get(f"/my/cases/{case.number}/").content.decode()
    assert f'action="/my/cases/{case.number}/tolerant/"' in applicant_page
    assert "<strong>部门审核意见（需补正）：</strong>未加盖公章" in applicant_page
    with time_machine.travel(at(2026, 9, 26, 0, 1), tick=False):
        assert ticks.tolerant_overdue(at(2026, 9, 26, 0, 1)) == "容缺逾期提醒 1 件"


def test_accepted_keeps_the_tolerance_complete(delivered: Any) -> None:
    case, material = delivered

    case = case_material_review(
        case=case, material=material, actor=make_staff("window_clerk", case.department), review="accepted"
    )

    material.refresh_from_db()
    assert (material.review, case.tolerant_due_date) == ("accepted", None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"review": "deficient", "note": " "}, "请写明需要补正的内容（申请人将看到）"),
        ({"review": "great"}, "审核结果只能是 accepted（合格）或 deficient（需补正）"),
    ],
)
def test_bad_input_rerenders_the_page_and_writes_nothing(
    delivered: Any, data: dict[str, str], message: str
) -> None:
    case, material = delivered
    client = _client(make_staff("reviewer", case.department))

    response = client.post(f"/workbench/cases/{case.number}/materials/{material.uuid}/review/", data)

    assert response.status_code == 400
    page = response.content.decode()
    assert f'<li><a href="#review-{material.uuid}-note">{message}</a></li>' in page
    material.refresh_from_db()
    assert (material.review, material.review_note) == ("pending", "")
    assert AuditEntry.objects.filter(action="material.review").count() == 0


def test_staff_out_of_scope_get_404_and_viewers_without_the_role_403(delivered: Any) -> None:
    case, material = delivered
    url = f"/workbench/cases/{case.number}/materials/{material.uuid}/review/"
    outsider = make_staff("reviewer", make_department(name="仙游县市场监督管理局"), username="outsider")
    supervisor = make_staff("efficiency_supervisor", case.department)

    assert _client(outsider).post(url, {"review": "accepted"}).status_code == 404
    assert _client(supervisor).post(url, {"review": "accepted"}).status_code == 403
    material.refresh_from_db()
    assert material.review == "pending"


def test_only_materials_handed_in_after_acceptance_can_be_reviewed(delivered: Any) -> None:
    case, _ = delivered
    submitted = CaseMaterial.objects.filter(case=case, requirement__name="食品经营许可申请书").get()

    with pytest.raises(ValidationError) as raised:
        case_material_review(
            case=case, material=submitted, actor=make_staff("reviewer", case.department), review="accepted"
        )

    assert raised.value.message_dict == {"material": ["只能审核本办件容缺受理后补交的现行容缺材料"]}


def test_no_review_after_the_decision(delivered: Any) -> None:
    from haoban.cases.services import case_approve

    case, material = delivered
    reviewer = make_staff("reviewer", case.department)
    case = case_approve(case=case, actor=make_staff("department_head", case.department))

    with pytest.raises(CaseConflict) as raised:
        case_material_review(case=case, material=material, actor=reviewer, review="accepted")

    assert raised.value.message == "办件状态为“准予”，不能审核容缺材料"
