"""Minimal rows for the tests of materials, notices, notifications and verification.

Builds a case and its events directly with the models (not through ``haoban.cases.services``), so these
tests do not depend on the transition services; the clock fields are set by hand to plausible values.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

from django.utils import timezone

from haoban.accounts.models import ApplicantProfile, User
from haoban.accounts.tests.helpers import make_person
from haoban.cases.models import Case, CaseEvent
from haoban.catalog.models import ServiceItemVersion
from haoban.catalog.tests.factories import make_department, make_item, make_region

_sequence = itertools.count(1)

APPLICANT_NAME = "林晓梅"
TZ = dt.timezone(dt.timedelta(hours=8))


def make_version(**overrides: Any) -> ServiceItemVersion:
    department = make_department(name="莆田市市场监督管理局", short_name="市市场监管局")
    return make_item(department=department, **overrides)


def make_applicant() -> ApplicantProfile:
    """A natural person with a fresh, valid 公民身份号码 (``applicant.resident_id``)."""
    return make_person(name=APPLICANT_NAME)


def make_case(
    *,
    version: ServiceItemVersion | None = None,
    applicant: ApplicantProfile | None = None,
    status: str = "submitted",
    received_on: dt.date = dt.date(2026, 3, 2),
    **fields: Any,
) -> Case:
    version = version or make_version()
    applicant = applicant or make_applicant()
    number = f"350300{received_on:%Y%m%d}{next(_sequence):06d}"
    case = Case(
        number=number,
        item=version.item,
        item_version=version,
        department=version.item.implementing_body,
        region=make_region(),
        applicant=applicant,
        submitted_by=applicant.user,
        channel="pc",
        status=status,
        submitted_at=dt.datetime.combine(received_on, dt.time(9, 30), tzinfo=TZ),
        received_on=received_on,
        **fields,
    )
    case.save()
    return case


def add_event(
    case: Case,
    action: str,
    to_status: str,
    *,
    on: dt.date | None = None,
    actor: User | None = None,
    reason: str = "",
    amount: int | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    sequence = case.events.count() + 1
    occurred = dt.datetime.combine(on or case.received_on, dt.time(10, 0), tzinfo=TZ)
    return CaseEvent.objects.create(
        case=case,
        sequence=sequence,
        action=action,
        from_status=case.status,
        to_status=to_status,
        occurred_at=occurred,
        actor=actor,
        reason=reason,
        amount=amount,
        data=data or {},
    )


def now() -> dt.datetime:
    return timezone.now()


def isolate_files(tmp_path: Path, settings: Any, monkeypatch: Any) -> Path:
    """Private files under ``tmp_path`` and a fresh SM2 seal key; returns the private directory."""
    from haoban.core import crypto

    key_file = tmp_path / "seal.pem"
    crypto.sm2_save_private_key(crypto.sm2_generate_private_key(), key_file)
    monkeypatch.setenv("HAOBAN_SM2_KEY_FILE", str(key_file))
    monkeypatch.delenv("HAOBAN_SM2_KEY_PASSWORD", raising=False)
    settings.HAOBAN_PRIVATE_DIR = tmp_path / "private"
    settings.PUBLIC_BASE_URL = "https://zwfw.putian.gov.cn"
    return Path(settings.HAOBAN_PRIVATE_DIR)
