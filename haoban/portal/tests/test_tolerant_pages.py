"""容缺材料 on the applicant's case page: an upload form per outstanding material while the case is in
review or in a special procedure; the timeline, the workbench and the tick follow."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from haoban.accounts.services import agent_authorize
from haoban.accounts.tests.helpers import make_person
from haoban.cases import ticks
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

NOW = at(2026, 9, 21, 10)  # a Monday
RULES = "食品安全管理制度文本"


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path, settings: Any) -> Path:
    settings.HAOBAN_PRIVATE_DIR = tmp_path / "private"
    return Path(settings.HAOBAN_PRIVATE_DIR)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _text(response: Any) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", text)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case() -> Any:
    version = make_case_version(tags=["tolerant_acceptance"])
    submitted = submit_case(version=version, applicant=make_applicant("张三"), at=NOW)
    return case_accept(
        case=submitted,
        actor=make_staff("window_clerk", submitted.department),
        deficient_materials=[requirement(version, RULES)],
        tolerant_due_date=dt.date(2026, 9, 30),
    )


def _post(client: Client, case: Any, content: bytes = PDF_BYTES, name: str = "制度.pdf") -> Any:
    return client.post(
        f"/my/cases/{case.number}/tolerant/",
        {
            "requirement": str(requirement(case.item_version, RULES).pk),
            "material": SimpleUploadedFile(name, content),
        },
    )


def test_the_case_page_offers_an_upload_per_outstanding_material(case: Any) -> None:
    page = _client(case.applicant.user).get(f"/my/cases/{case.number}/")

    text = _text(page)
    assert page.status_code == 200
    assert "请在 2026年9月30日 前补交以下材料" in text
    assert f"{RULES}： 待补交" in text
    assert f'action="/my/cases/{case.number}/tolerant/"' in page.content.decode()
    assert f"提交“{RULES}”" in text


def test_the_applicant_hands_in_the_material_and_the_tolerance_ends(case: Any) -> None:
    client = _client(case.applicant.user)

    response = _post(client, case)

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.tolerant_due_date) == ("in_review", None)
    event = CaseEvent.objects.get(case=case, sequence=3)
    assert (event.action, event.actor, event.data["tolerant_completed"]) == (
        "supplement",
        case.applicant.user,
        True,
    )
    material = CaseMaterial.objects.get(case=case, requirement__name=RULES)
    assert (material.original_name, material.content_type, material.uploaded_by) == (
        "制度.pdf",
        "application/pdf",
        case.applicant.user,
    )
    text = _text(client.get(f"/my/cases/{case.number}/"))
    assert f"“{RULES}”已提交，容缺材料已补齐，部门继续审查。" in text
    assert "容缺材料已补齐。 部门继续审查，不再提醒。" in text
    assert f"容缺材料已提交 {RULES} 容缺材料已补齐" in text
    assert f'action="/my/cases/{case.number}/tolerant/"' not in text
    # the staff in scope see it on the workbench, and the overdue tick stays silent
    staff_page = _text(
        _client(make_staff("reviewer", case.department)).get(f"/workbench/cases/{case.number}/")
    )
    assert "容缺材料 容缺材料已补齐" in staff_page
    with time_machine.travel(at(2026, 10, 8, 0, 1), tick=False):
        assert ticks.tolerant_overdue(at(2026, 10, 8, 0, 1)) == "容缺逾期提醒 0 件"


def test_the_agent_hands_it_in_for_the_principal(case: Any) -> None:
    agent = make_person("daiban-tolerant", name="王芳")
    agent_authorize(agent=agent.user, principal=case.applicant, valid_from=dt.date(2026, 1, 1))

    response = _post(_client(agent.user), case)

    assert response.status_code == 302
    assert CaseEvent.objects.get(case=case, sequence=3).actor_role == "agent"


def test_an_outsider_gets_404_and_nothing_is_written(case: Any) -> None:
    stranger = make_applicant("李四")

    response = _post(_client(stranger.user), case)

    assert response.status_code == 404
    assert CaseEvent.objects.filter(case=case).count() == 2
    assert CaseMaterial.objects.filter(case=case, requirement__name=RULES).count() == 0


def test_a_wrong_file_type_rerenders_the_page_with_the_error(case: Any) -> None:
    response = _post(_client(case.applicant.user), case, content=b"MZ\x90\x00 binary", name="制度.exe")

    assert response.status_code == 400
    message = f"材料“{RULES}”的文件类型不受支持，请上传 PDF、OFD、JPG、PNG、DOCX、XLSX 格式的文件"
    page = response.content.decode()
    pk = requirement(case.item_version, RULES).pk
    assert f'<li><a href="#tolerant-material-{pk}">{message}</a></li>' in page
    assert f'<p class="field-error" id="tolerant-material-{pk}-error">{message}</p>' in page
    assert CaseEvent.objects.filter(case=case).count() == 2
    assert CaseMaterial.objects.filter(case=case, requirement__name=RULES).count() == 0


def test_without_a_file_the_field_is_named(case: Any) -> None:
    response = _client(case.applicant.user).post(
        f"/my/cases/{case.number}/tolerant/", {"requirement": str(requirement(case.item_version, RULES).pk)}
    )

    assert response.status_code == 400
    assert f"请选择“{RULES}”的文件" in _text(response)
    assert CaseEvent.objects.filter(case=case).count() == 2
