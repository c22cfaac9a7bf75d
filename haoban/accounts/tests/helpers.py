"""Builders for accounts tests: valid identifiers, users, profiles, organisation units."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from haoban.accounts.models import ApplicantProfile, User
from haoban.catalog.tests.factories import make_department, make_region
from haoban.domain.codes import uscc_check_char
from haoban.organization.models import Department, Region, ServiceCenter

_sequence = itertools.count(1)
_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RIC_CHECK = "10X98765432"


def resident_id(first17: str | None = None) -> str:
    """A valid 公民身份号码 (GB 11643 check digit); a new one each call unless ``first17`` is given."""
    if first17 is None:
        # 1 000 numbers per birth date; the date moves on after each thousand (the counter runs for the whole
        # test session).
        n = next(_sequence)
        born = dt.date(1990, 1, 1) + dt.timedelta(days=n // 1000)
        first17 = f"350302{born:%Y%m%d}{n % 1000:03d}"
    body = first17
    total = sum(int(c) * w for c, w in zip(body, _RIC_WEIGHTS, strict=True))
    return body + _RIC_CHECK[total % 11]


def enterprise_uscc() -> str:
    first17 = f"91350300MA{next(_sequence):07d}"
    return first17 + uscc_check_char(first17)


def make_user(username: str | None = None, **fields: Any) -> User:
    return User.objects.create_user(username or f"user{next(_sequence)}", **fields)


def make_person(username: str | None = None, name: str = "张三", **fields: Any) -> ApplicantProfile:
    user = make_user(username, display_name=name)
    return ApplicantProfile.objects.create(
        user=user,
        kind=ApplicantProfile.Kind.NATURAL_PERSON,
        name=name,
        resident_id=fields.pop("resident_id", None) or resident_id(),
        phone="13800000000",
        **fields,
    )


def make_enterprise(username: str | None = None, name: str = "莆田市好味食品有限公司") -> ApplicantProfile:
    return ApplicantProfile.objects.create(
        user=make_user(username, display_name=name),
        kind=ApplicantProfile.Kind.ENTERPRISE,
        name=name,
        uscc=enterprise_uscc(),
        legal_representative="李明",
        phone="13800000000",
    )


def make_center(region: Region, name: str | None = None) -> ServiceCenter:
    kind = ServiceCenter.KIND_BY_REGION[Region.Kind(region.kind)]
    return ServiceCenter.objects.create(name=name or f"{region.name}服务中心", kind=kind, region=region)


__all__ = ["Department", "make_department", "make_region"]
