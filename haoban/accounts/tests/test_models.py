"""Model helpers and database constraints of accounts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from haoban.accounts.models import ApplicantProfile, mask_id, mask_phone

from .helpers import make_person, make_user, resident_id

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("350302199003071235", "3503**********1235"),
        ("35030219900307123X", "3503**********123X"),
        ("123456789", "1234*6789"),
        ("12345678", "******78"),
        ("", ""),
    ],
)
def test_mask_id(value: str, masked: str) -> None:
    assert mask_id(value) == masked


def test_mask_phone() -> None:
    assert mask_phone("13800001234") == "138****1234"
    assert mask_phone("0594-2288001") == "059*****8001"
    assert mask_phone("12345") == "****5"


def test_full_clean_validates_the_identifiers() -> None:
    profile = ApplicantProfile(
        user=make_user(),
        kind="natural_person",
        name="张三",
        resident_id="350302199003071234",
        phone="13800000001",
    )
    with pytest.raises(ValidationError) as info:
        profile.full_clean()
    assert info.value.message_dict == {"resident_id": ["公民身份号码校验位不正确"]}


def test_database_refuses_a_person_without_resident_id_and_duplicates() -> None:
    existing = make_person("zhangsan")
    with transaction.atomic(), pytest.raises(IntegrityError):
        ApplicantProfile.objects.create(user=make_user(), kind="natural_person", name="无号", phone="1")
    with transaction.atomic(), pytest.raises(IntegrityError):
        ApplicantProfile.objects.create(
            user=make_user(), kind="natural_person", name="重号", resident_id=existing.resident_id, phone="1"
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        ApplicantProfile.objects.create(
            user=make_user(), kind="enterprise", name="企业", resident_id=resident_id(), phone="1"
        )
    assert ApplicantProfile.objects.count() == 1
