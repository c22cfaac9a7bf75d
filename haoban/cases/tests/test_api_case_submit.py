"""POST /api/v1/cases/: the applicant, an agent in force, a window clerk on behalf; who may not; 400 naming
the field with nothing written; ``occurred_at`` only from trusted callers; idempotent retries."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from haoban.accounts.models import ApplicantProfile, User
from haoban.accounts.services import agent_authorize, staff_assign
from haoban.accounts.tests.helpers import make_center, make_person, make_user
from haoban.cases.models import Case, CaseEvent, CaseMaterial
from haoban.cases.tests.factories import FORM_DATA, at, make_case_version, make_department, pdf, requirement
from haoban.catalog.models import ServiceItemVersion
from haoban.catalog.tests.factories import make_region
from haoban.core.models import IdempotencyRecord

from .world import client_for

pytestmark = pytest.mark.django_db

NOW = at(2026, 11, 24, 15)


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def version() -> ServiceItemVersion:
    city = make_region("350300", "莆田市")
    department = make_department(region=city, name="莆田市市场监督管理局")
    # the 营业执照 is 免提交 (e-licence); the 申请书 is required, so JSON submissions need an item without it
    return make_case_version(
        department=department,
        materials=[
            {
                "name": "营业执照",
                "required": True,
                "format": "electronic",
                "source": "e_license",
                "source_reference": "营业执照电子证照",
            }
        ],
    )


@pytest.fixture
def applicant() -> ApplicantProfile:
    return make_person("applicant", name="林晓梅")


def _body(version: ServiceItemVersion, **overrides: Any) -> dict[str, Any]:
    body = {
        "item": version.item.implementation_code,
        "channel": "pc",
        "form_data": dict(FORM_DATA),
        "materials": [
            {"requirement": requirement(version, "营业执照").pk, "reference": "1.2.156.3005.2.11350300.001.X"}
        ],
    }
    body.update(overrides)
    return body


def _submit(user: User | None, body: dict[str, Any], **headers: str) -> Any:
    return client_for(user).post("/api/v1/cases/", body, format="json", **headers)


def _counts() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "events": CaseEvent.objects.count(),
        "materials": CaseMaterial.objects.count(),
        "keys": IdempotencyRecord.objects.count(),
    }


def test_an_applicant_submits_for_themselves(
    version: ServiceItemVersion, applicant: ApplicantProfile
) -> None:
    # when
    response = _submit(applicant.user, _body(version))

    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    case = Case.objects.get()
    assert response["Location"] == f"/api/v1/cases/{case.number}/"
    assert body["number"] == case.number
    assert (body["status"], body["channel"]) == ("submitted", "pc")
    assert body["applicant"]["uuid"] == str(applicant.uuid)
    assert (case.applicant, case.submitted_by, case.agent) == (applicant, applicant.user, None)
    assert [(m["name"], m["reference"]) for m in body["materials"]] == [
        ("营业执照", "1.2.156.3005.2.11350300.001.X")
    ]
    assert body["allowed_actions"] == ["pay", "withdraw"]
    assert [e["action"] for e in body["events"]] == ["submit"]


def test_an_agent_in_force_submits_for_the_principal(
    version: ServiceItemVersion, applicant: ApplicantProfile
) -> None:
    agent = make_user("agent", display_name="王芳")
    agent_authorize(agent=agent, principal=applicant, valid_from=NOW.date() - dt.timedelta(days=1))

    response = _submit(agent, _body(version, applicant=str(applicant.uuid)))

    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    assert (case.applicant, case.submitted_by, case.agent) == (applicant, agent, agent)


def test_who_may_not_submit_for_someone_else(
    version: ServiceItemVersion, applicant: ApplicantProfile
) -> None:
    expired = make_user("expired")
    agent_authorize(
        agent=expired,
        principal=applicant,
        valid_from=NOW.date() - dt.timedelta(days=9),
        valid_to=NOW.date() - dt.timedelta(days=1),
    )
    stranger = make_person("stranger", name="李四").user
    reviewer = make_user("reviewer")
    staff_assign(user=reviewer, role="reviewer", departments=[version.item.implementing_body])
    body = _body(version, applicant=str(applicant.uuid))

    codes = {
        name: _submit(user, body).status_code
        for name, user in [("expired", expired), ("stranger", stranger), ("reviewer", reviewer)]
    }

    assert codes == {"expired": 403, "stranger": 403, "reviewer": 403}
    assert _submit(stranger, body).json()["message"] == "您不能以该申请人的名义提交该事项的申请。"
    assert _submit(None, body).json()["code"] == "not_authenticated"
    assert _counts() == {"cases": 0, "events": 0, "materials": 0, "keys": 0}


def test_a_window_clerk_submits_on_behalf_at_their_center(
    version: ServiceItemVersion, applicant: ApplicantProfile
) -> None:
    center = make_center(version.item.region, "莆田市行政服务中心")
    clerk = make_user("clerk", display_name="窗口小陈")
    staff_assign(
        user=clerk,
        role="window_clerk",
        departments=[version.item.implementing_body],
        service_centers=[center],
    )

    online = _submit(clerk, _body(version, applicant=str(applicant.uuid)))
    window = _submit(clerk, _body(version, applicant=str(applicant.uuid), channel="window"))

    assert online.status_code == 400
    assert list(online.json()["fields"]) == ["submitted_by"]
    assert window.status_code == 201, window.json()
    case = Case.objects.get()
    assert (case.submitted_by, case.agent, case.service_center) == (clerk, None, center)
    assert window.json()["allowed_actions"] == ["accept", "refuse", "request-supplement", "pay"]


def test_bad_input_names_the_field_and_writes_nothing(
    version: ServiceItemVersion, applicant: ApplicantProfile
) -> None:
    user = applicant.user
    cases = {
        "unknown item": (
            _body(version, item="X" * 31),
            {"item": ["未找到实施编码为 XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX 的现行事项"]},
        ),
        "missing channel": (
            {k: v for k, v in _body(version).items() if k != "channel"},
            {"channel": ["该字段是必填项。"]},
        ),
        "unknown applicant": (
            _body(version, applicant="00000000-0000-0000-0000-000000000000"),
            {"applicant": ["未找到该申请人"]},
        ),
        "unknown material": (
            _body(version, materials=[{"requirement": 999999, "reference": "X"}]),
            {"materials[0].requirement": ["材料 999999 不属于该事项的申报材料"]},
        ),
        "bad form": (_body(version, form_data={"name": "小吃店"}), {"form_data.address": ["必填"]}),
        "occurred_at": (
            _body(version, occurred_at=at(2026, 11, 24, 9).isoformat()),
            {"occurred_at": ["occurred_at 仅限部门系统回流办件时使用"]},
        ),
    }

    for name, (body, fields) in cases.items():
        response = _submit(user, body, HTTP_IDEMPOTENCY_KEY=f"key-{name.replace(' ', '-')}")
        assert (name, response.status_code, response.json()["fields"]) == (name, 400, fields)

    assert _counts() == {"cases": 0, "events": 0, "materials": 0, "keys": 0}


def test_a_user_without_an_applicant_profile_must_name_one(version: ServiceItemVersion) -> None:
    response = _submit(make_user("nobody"), _body(version))

    assert response.status_code == 400
    assert response.json()["fields"] == {"applicant": ["您还没有申请人信息：请先登记申请人，或指定申请人"]}


def test_the_same_idempotency_key_twice_creates_one_case(
    version: ServiceItemVersion, applicant: ApplicantProfile
) -> None:
    key = {"HTTP_IDEMPOTENCY_KEY": "7b0c6a0e-3f1e-4c55-9a43-2f7d1c0e9b11"}

    first = _submit(applicant.user, _body(version), **key)
    second = _submit(applicant.user, _body(version), **key)
    other = _submit(applicant.user, _body(version, channel="mobile"), **key)

    assert (first.status_code, second.status_code) == (201, 201)
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


def test_a_trusted_caller_records_when_the_application_was_received(
    version: ServiceItemVersion, applicant: ApplicantProfile
) -> None:
    # given: a superuser (holds every role, including 系统管理员 and 窗口受理人员)
    root = User.objects.create_superuser("root", password=None)

    response = _submit(
        root,
        _body(
            version,
            applicant=str(applicant.uuid),
            channel="window",
            occurred_at=at(2026, 11, 23, 9).isoformat(),
        ),
    )

    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    assert case.submitted_at == at(2026, 11, 23, 9)
    assert case.number.startswith("35030020261123")


def test_multipart_submits_files_named_after_their_material(
    applicant: ApplicantProfile, private_dir: Any
) -> None:
    # given: the default item, whose 申请书 must be uploaded and whose 营业执照 is an e-licence
    version = make_case_version()
    form = requirement(version, "食品经营许可申请书")
    licence = requirement(version, "营业执照")
    body = {
        "item": version.item.implementation_code,
        "channel": "pc",
        "form_data": json.dumps(FORM_DATA),
        "materials": json.dumps([{"requirement": licence.pk, "reference": "1.2.156.3005.2.X.1.001.Y"}]),
        f"material_{form.pk}": pdf("申请书.pdf"),
    }

    # when
    response = client_for(applicant.user).post("/api/v1/cases/", body, format="multipart")

    # then
    assert response.status_code == 201, response.json()
    stored = CaseMaterial.objects.get(requirement=form)
    assert (stored.original_name, stored.content_type) == ("申请书.pdf", "application/pdf")
    assert stored.storage_path
    assert sorted(m["name"] for m in response.json()["materials"]) == ["营业执照", "食品经营许可申请书"]


def test_multipart_errors_name_the_part(applicant: ApplicantProfile) -> None:
    version = make_case_version()
    client = client_for(applicant.user)
    base = {"item": version.item.implementation_code, "channel": "pc"}

    bad_json = client.post("/api/v1/cases/", {**base, "form_data": "{not json"}, format="multipart")
    bad_file = client.post(
        "/api/v1/cases/",
        {**base, "form_data": json.dumps(FORM_DATA), "material_999999": pdf()},
        format="multipart",
    )
    missing = client.post("/api/v1/cases/", {**base, "form_data": json.dumps(FORM_DATA)}, format="multipart")

    assert (bad_json.status_code, bad_json.json()["fields"]) == (400, {"form_data": ["应为 JSON 文本"]})
    assert (bad_file.status_code, bad_file.json()["fields"]) == (
        400,
        {"material_999999": ["文件字段 material_999999 不对应该事项的任何申报材料"]},
    )
    assert missing.status_code == 400
    assert set(missing.json()["fields"]) == {
        f"materials[{requirement(version, '食品经营许可申请书').pk}]",
        f"materials[{requirement(version, '营业执照').pk}]",
    }
    assert _counts() == {"cases": 0, "events": 0, "materials": 0, "keys": 0}
