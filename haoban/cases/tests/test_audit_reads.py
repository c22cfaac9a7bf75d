"""Every staff read of a case's full record is audit-logged (workbench, API, admin); the applicant's own
reads are not, and a refused read writes nothing."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from haoban.cases.models import DeliverySignature
from haoban.cases.services import case_deliver
from haoban.cases.signatures import signature_from_base64
from haoban.cases.tests.factories import (
    at,
    case_in_status,
    make_case_version,
    make_staff,
    signature_png,
    submit_case,
)
from haoban.catalog.tests.factories import make_department
from haoban.core.audit import audit_verify
from haoban.core.models import AuditEntry
from haoban.core.outbox import process_outbox

pytestmark = pytest.mark.django_db

NOW = at(2026, 9, 21, 10)
FIELDS = (
    "sequence",
    "actor_id",
    "actor_username",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "details",
)


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path, settings: Any) -> Path:
    settings.HAOBAN_PRIVATE_DIR = tmp_path / "private"
    return Path(settings.HAOBAN_PRIVATE_DIR)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case() -> Any:
    case = case_in_status("in_review", version=make_case_version(), at=NOW)
    process_outbox()  # renders the 受理通知书
    return case


def _client(user: Any) -> Client:
    client = Client(REMOTE_ADDR="10.20.30.40")
    client.force_login(user)
    return client


def _entries() -> list[tuple[Any, ...]]:
    return list(AuditEntry.objects.order_by("sequence").values_list(*FIELDS))


def test_workbench_case_page_is_logged(case: Any) -> None:
    # given
    clerk = make_staff("window_clerk", case.department, username="clerk_a")
    # when
    response = _client(clerk).get(f"/workbench/cases/{case.number}/", HTTP_X_REQUEST_ID="req-1")
    # then
    assert response.status_code == 200
    assert _entries() == [
        (1, clerk.pk, "clerk_a", "window_clerk", "case.read", "cases.Case", case.number, {})
    ]
    entry = AuditEntry.objects.get()
    assert (entry.request_id, entry.ip_address) == ("req-1", "10.20.30.0/24")
    assert audit_verify().ok


def test_workbench_notice_and_material_downloads_are_logged(case: Any) -> None:
    clerk = make_staff("window_clerk", case.department, username="clerk_a")
    notice = case.notices.get()
    material = case.materials.exclude(storage_path="").order_by("pk").first()
    client = _client(clerk)
    assert client.get(f"/workbench/cases/{case.number}/notices/{notice.uuid}/").status_code == 200
    assert client.get(f"/workbench/cases/{case.number}/materials/{material.uuid}/").status_code == 200
    assert _entries() == [
        (
            1,
            clerk.pk,
            "clerk_a",
            "window_clerk",
            "notice.download",
            "cases.Notice",
            str(notice.uuid),
            {"case": case.number, "kind": "acceptance"},
        ),
        (
            2,
            clerk.pk,
            "clerk_a",
            "window_clerk",
            "material.download",
            "cases.CaseMaterial",
            str(material.uuid),
            {"case": case.number, "requirement_id": material.requirement_id},
        ),
    ]


def test_workbench_refused_reads_write_nothing(case: Any) -> None:
    outsider = make_staff("window_clerk", make_department(), username="clerk_x")
    client = _client(outsider)
    notice = case.notices.get()
    assert client.get(f"/workbench/cases/{case.number}/").status_code == 404
    assert client.get(f"/workbench/cases/{case.number}/notices/{notice.uuid}/").status_code == 404
    assert _client(case.applicant.user).get(f"/workbench/cases/{case.number}/").status_code == 403
    assert AuditEntry.objects.count() == 0


def test_api_detail_by_staff_is_logged_with_the_covering_roles(case: Any) -> None:
    reviewer = make_staff("reviewer", case.department, username="rev_a")
    from haoban.accounts.services import staff_assign

    staff_assign(user=reviewer, role="window_clerk", departments=[case.department])
    response = _client(reviewer).get(f"/api/v1/cases/{case.number}/")
    assert response.status_code == 200
    assert _entries() == [
        (1, reviewer.pk, "rev_a", "reviewer,window_clerk", "case.read", "cases.Case", case.number, {})
    ]


def test_api_detail_and_notice_by_the_applicant_are_not_logged(case: Any) -> None:
    client = _client(case.applicant.user)
    notice = case.notices.get()
    assert client.get(f"/api/v1/cases/{case.number}/").status_code == 200
    assert client.get(f"/api/v1/cases/{case.number}/notices/{notice.uuid}/pdf").status_code == 200
    assert AuditEntry.objects.count() == 0


def test_api_notice_by_staff_is_logged(case: Any) -> None:
    head = make_staff("department_head", case.department, username="head_a")
    notice = case.notices.get()
    assert _client(head).get(f"/api/v1/cases/{case.number}/notices/{notice.uuid}/pdf").status_code == 200
    assert _entries() == [
        (
            1,
            head.pk,
            "head_a",
            "department_head",
            "notice.download",
            "cases.Notice",
            str(notice.uuid),
            {"case": case.number, "kind": "acceptance"},
        )
    ]


def test_api_detail_out_of_scope_is_404_and_not_logged(case: Any) -> None:
    outsider = make_staff("reviewer", make_department(), username="rev_x")
    assert _client(outsider).get(f"/api/v1/cases/{case.number}/").status_code == 404
    assert AuditEntry.objects.count() == 0


def test_admin_change_pages_are_logged(case: Any, admin_user: Any) -> None:
    client = _client(admin_user)
    profile = case.applicant
    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 200
    assert client.get(reverse("admin:accounts_applicantprofile_change", args=[profile.pk])).status_code == 200
    assert client.get(reverse("admin:accounts_user_change", args=[profile.user_id])).status_code == 200
    assert client.get(reverse("admin:accounts_applicantprofile_changelist")).status_code == 200
    assert _entries() == [
        (1, admin_user.pk, "admin", "superuser", "case.read", "cases.Case", case.number, {}),
        (
            2,
            admin_user.pk,
            "admin",
            "superuser",
            "profile.read",
            "accounts.ApplicantProfile",
            str(profile.pk),
            {},
        ),
        (3, admin_user.pk, "admin", "superuser", "user.read", "accounts.User", str(profile.user_id), {}),
    ]
    assert audit_verify().count == 3


def test_workbench_signature_download_is_logged() -> None:
    # given: a window pickup with the recipient's signature
    issued = case_in_status("issued", version=make_case_version(), at=NOW)
    clerk = make_staff("window_clerk", issued.department, username="clerk_a")
    drawn = signature_from_base64(base64.b64encode(signature_png()).decode())
    case_deliver(case=issued, actor=clerk, method="window", recipient="林晓梅", signature=drawn)
    signature = DeliverySignature.objects.get(case=issued)
    # when
    response = _client(clerk).get(f"/workbench/cases/{issued.number}/signatures/{signature.uuid}/")
    # then
    assert response.status_code == 200
    assert _entries() == [
        (
            1,
            clerk.pk,
            "clerk_a",
            "window_clerk",
            "signature.download",
            "cases.DeliverySignature",
            str(signature.uuid),
            {"case": issued.number},
        )
    ]


def test_a_clerk_reading_in_my_cases_a_case_submitted_for_a_walk_in_is_logged() -> None:
    # given: a window clerk submitted the case for a walk-in applicant
    version = make_case_version()
    clerk = make_staff("window_clerk", version.item.implementing_body, username="clerk_w")
    case = submit_case(version=version, submitted_by=clerk, channel="window", at=NOW)
    material = case.materials.exclude(storage_path="").order_by("pk").first()
    # when: the applicant, then the clerk, open it in the portal
    assert _client(case.applicant.user).get(f"/my/cases/{case.number}/").status_code == 200
    assert AuditEntry.objects.count() == 0
    clerk_client = _client(clerk)
    assert clerk_client.get(f"/my/cases/{case.number}/").status_code == 200
    assert clerk_client.get(f"/my/cases/{case.number}/materials/{material.uuid}/").status_code == 200
    # then
    assert _entries() == [
        (1, clerk.pk, "clerk_w", "submitter", "case.read", "cases.Case", case.number, {}),
        (
            2,
            clerk.pk,
            "clerk_w",
            "submitter",
            "material.download",
            "cases.CaseMaterial",
            str(material.uuid),
            {"case": case.number, "requirement_id": material.requirement_id},
        ),
    ]
