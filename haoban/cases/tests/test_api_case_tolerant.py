"""POST /api/v1/cases/{number}/supplement/ (multipart) for the 容缺 materials of a case in review."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from haoban.cases.models import CaseEvent, CaseMaterial
from haoban.cases.services import case_accept
from haoban.cases.tests.factories import (
    PDF_BYTES,
    at,
    make_applicant,
    make_case_version,
    make_staff,
    requirement,
    submit_case,
)

pytestmark = pytest.mark.django_db

RULES = "食品安全管理制度文本"


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 9, 28, 9), tick=False)


@pytest.fixture
def case() -> Any:
    version = make_case_version(tags=["tolerant_acceptance"])
    submitted = submit_case(version=version, at=at(2026, 9, 28, 8))
    return case_accept(
        case=submitted,
        actor=make_staff("window_clerk", submitted.department),
        deficient_materials=[requirement(version, RULES)],
        tolerant_due_date=dt.date(2026, 10, 9),
    )


def _post(user: Any, case: Any, content: bytes = PDF_BYTES) -> Any:
    client = APIClient()
    client.force_authenticate(user)
    pk = requirement(case.item_version, RULES).pk
    return client.post(
        f"/api/v1/cases/{case.number}/supplement/",
        {f"material_{pk}": SimpleUploadedFile("制度.pdf", content)},
        format="multipart",
    )


def test_the_applicant_uploads_the_tolerant_material(case: Any) -> None:
    response = _post(case.applicant.user, case)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["tolerant_due_date"]) == ("in_review", None)
    assert [(m["name"], m["review"]) for m in body["materials"] if m["name"] == RULES] == [(RULES, "pending")]
    assert CaseEvent.objects.get(case=case, sequence=3).data["tolerant_completed"] is True


def test_an_outsider_gets_404_and_nothing_is_written(case: Any) -> None:
    response = _post(make_applicant("李四").user, case)

    assert response.status_code == 404
    assert CaseEvent.objects.filter(case=case).count() == 2
    assert CaseMaterial.objects.filter(case=case, requirement__name=RULES).count() == 0


def test_a_wrong_file_type_is_400_naming_the_material(case: Any) -> None:
    response = _post(case.applicant.user, case, content=b"MZ\x90\x00 binary")

    pk = requirement(case.item_version, RULES).pk
    assert response.status_code == 400
    assert response.json()["fields"] == {
        f"materials[{pk}]": [
            f"材料“{RULES}”的文件类型不受支持，请上传 PDF、OFD、JPG、PNG、DOCX、XLSX 格式的文件"
        ]
    }
    assert CaseEvent.objects.filter(case=case).count() == 2


def test_a_second_delivery_is_409(case: Any) -> None:
    _post(case.applicant.user, case)

    response = _post(case.applicant.user, case)

    assert response.status_code == 409
    assert response.json()["message"] == "该办件没有待补交的容缺材料"
    assert CaseEvent.objects.filter(case=case).count() == 3


def _review(user: Any, case: Any, body: dict[str, Any]) -> Any:
    client = APIClient()
    client.force_authenticate(user)
    return client.post(f"/api/v1/cases/{case.number}/material-review/", body, format="json")


def test_a_reviewer_marks_the_delivered_material_deficient(case: Any) -> None:
    _post(case.applicant.user, case)
    material = CaseMaterial.objects.get(case=case, requirement__name=RULES)

    response = _review(
        make_staff("reviewer", case.department),
        case,
        {"material": str(material.uuid), "review": "deficient", "note": "未加盖公章"},
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    row = next(m for m in body["materials"] if m["id"] == str(material.uuid))
    assert (row["review"], row["review_note"]) == ("deficient", "未加盖公章")
    assert body["tolerant_due_date"] == "2026-10-09"
    assert CaseEvent.objects.filter(case=case).count() == 3


@pytest.mark.parametrize(
    ("who", "body", "status", "answer"),
    [
        ("applicant", {"review": "accepted"}, 403, {"code": "permission_denied"}),
        ("outsider", {"review": "accepted"}, 404, {"code": "not_found"}),
        (
            "reviewer",
            {"review": "great"},
            400,
            {"fields": {"review": ["审核结果只能是 accepted（合格）或 deficient（需补正）"]}},
        ),
        (
            "reviewer",
            {"review": "accepted", "material": "00000000-0000-0000-0000-000000000000"},
            400,
            {"fields": {"material": ["该办件没有这份材料"]}},
        ),
    ],
    ids=["applicant", "outsider", "bad-review", "unknown-material"],
)
def test_material_review_refusals_write_nothing(
    case: Any, who: str, body: dict[str, Any], status: int, answer: dict[str, Any]
) -> None:
    from haoban.catalog.tests.factories import make_department

    _post(case.applicant.user, case)
    material = CaseMaterial.objects.get(case=case, requirement__name=RULES)
    users = {
        "applicant": lambda: case.applicant.user,
        "outsider": lambda: make_staff(
            "reviewer", make_department(name="仙游县市场监督管理局"), username="x"
        ),
        "reviewer": lambda: make_staff("reviewer", case.department),
    }

    response = _review(users[who](), case, {"material": str(material.uuid), **body})

    assert response.status_code == status
    assert {k: response.json()[k] for k in answer} == answer
    material.refresh_from_db()
    assert (material.review, material.review_note) == ("pending", "")
