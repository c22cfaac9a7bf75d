"""Personal data at rest: the 公民身份号码 and phones are SM4-GCM tokens in the database, the number is found
through its HMAC-SM3 blind index, and a wrong key fails loudly (docs/security.md)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from haoban.accounts.models import ApplicantProfile, User
from haoban.accounts.services import applicant_register
from haoban.core import crypto
from haoban.core.crypto import CryptoConfigurationError, DecryptionError, blind_index, hmac_sm3
from haoban.integration import signing

from .helpers import enterprise_uscc, make_person, make_user

pytestmark = pytest.mark.django_db

ID = "350302199003071235"
PHONE = "13800001234"


def _register(username: str = "zhangsan", resident_id: str = ID) -> ApplicantProfile:
    return applicant_register(
        username=username,
        password="Haoban-test-2026",
        kind="natural_person",
        name="张三",
        resident_id=resident_id,
        phone=PHONE,
    )


def _raw(sql: str, params: list[Any]) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(cursor.fetchone())


def test_the_row_holds_tokens_and_the_model_the_plaintext() -> None:
    # given
    profile = _register()
    # when
    resident_id, phone, index = _raw(
        "SELECT resident_id, phone, resident_id_index FROM accounts_applicantprofile WHERE id = %s",
        [profile.pk],
    )
    (user_phone,) = _raw("SELECT phone FROM accounts_user WHERE id = %s", [profile.user_id])
    # then
    for token in (resident_id, phone, user_phone):
        assert token.startswith("sm4gcm1$")
        assert ID not in token and PHONE not in token
    assert index == blind_index(ID, context="accounts.ApplicantProfile.resident_id")
    assert len(index) == 64 and ID not in index
    assert crypto.decrypt_field(resident_id, context="accounts.ApplicantProfile.resident_id") == ID
    fresh = ApplicantProfile.objects.select_related("user").get(pk=profile.pk)
    assert (fresh.resident_id, fresh.phone, fresh.user.phone) == (ID, PHONE, PHONE)
    assert (fresh.masked_resident_id, fresh.masked_phone) == ("3503**********1235", "138****1234")


def test_two_encryptions_of_one_number_differ_but_share_the_index() -> None:
    one = make_person(resident_id=ID)
    (token,) = _raw("SELECT resident_id FROM accounts_applicantprofile WHERE id = %s", [one.pk])
    assert crypto.encrypt_field(ID, context="accounts.ApplicantProfile.resident_id") != token
    assert one.resident_id_index == blind_index(ID, context="accounts.ApplicantProfile.resident_id")


def test_lookup_by_number_goes_through_the_blind_index() -> None:
    profile = _register()
    other = make_person(username="lisi", resident_id="350302199003071243")
    found = ApplicantProfile.objects.get(ApplicantProfile.resident_id_lookup(f"  {ID.lower()} "))
    assert found.pk == profile.pk
    assert (
        ApplicantProfile.objects.get(ApplicantProfile.resident_id_lookup("350302199003071243")).pk == other.pk
    )
    assert not ApplicantProfile.objects.filter(
        ApplicantProfile.resident_id_lookup("35030219900307125X")
    ).exists()


def test_the_encrypted_column_refuses_value_lookups() -> None:
    _register()
    with pytest.raises(FieldError, match="已加密保存，不能按值查询"):
        list(ApplicantProfile.objects.filter(resident_id=ID))
    with pytest.raises(FieldError):
        list(ApplicantProfile.objects.filter(phone__startswith="138"))
    enterprise = ApplicantProfile.objects.create(
        user=make_user(),
        kind="enterprise",
        name="企业",
        uscc=enterprise_uscc(),
        legal_representative="李",
        phone="1",
    )
    assert list(ApplicantProfile.objects.filter(resident_id="").values_list("pk", flat=True)) == [
        enterprise.pk
    ]


def test_duplicate_number_is_refused_by_service_model_and_database() -> None:
    # given
    existing = _register()
    # then: the service names the field
    with pytest.raises(ValidationError) as info:
        _register(username="other")
    assert info.value.message_dict == {"resident_id": ["该公民身份号码已注册，请直接登录。"]}
    # full_clean validates the unique constraint on the index
    twin = ApplicantProfile(user=make_user(), kind="natural_person", name="李四", resident_id=ID, phone="1")
    with pytest.raises(ValidationError) as info:
        twin.full_clean()
    assert info.value.messages == ["该公民身份号码已注册。"]
    # and the database refuses it
    with transaction.atomic(), pytest.raises(IntegrityError):
        twin.save()
    assert ApplicantProfile.objects.filter(ApplicantProfile.resident_id_lookup(ID)).count() == 1
    assert User.objects.filter(username="other").count() == 0
    assert existing.pk


def test_changing_the_number_recomputes_the_index_and_unchanged_saves_keep_the_token() -> None:
    profile = make_person(resident_id=ID)
    before = _raw(
        "SELECT resident_id, resident_id_index FROM accounts_applicantprofile WHERE id = %s", [profile.pk]
    )
    fresh = ApplicantProfile.objects.get(pk=profile.pk)
    fresh.name = "张三丰"
    fresh.save()
    assert (
        _raw(
            "SELECT resident_id, resident_id_index FROM accounts_applicantprofile WHERE id = %s", [profile.pk]
        )
        == before
    )
    other = "350302199003071243"
    fresh.resident_id = other
    fresh.save()
    token, index = _raw(
        "SELECT resident_id, resident_id_index FROM accounts_applicantprofile WHERE id = %s", [profile.pk]
    )
    assert token != before[0]
    assert index == blind_index(other, context="accounts.ApplicantProfile.resident_id")
    assert ApplicantProfile.objects.get(ApplicantProfile.resident_id_lookup(other)).resident_id == other


def test_loading_rows_decrypts_nothing_until_a_value_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    make_person(resident_id=ID)
    calls: list[str] = []
    real = crypto.decrypt_field

    def counting(token: str, *, context: str) -> str:
        calls.append(context)
        return real(token, context=context)

    monkeypatch.setattr("haoban.core.fields.decrypt_field", counting)
    profiles = list(ApplicantProfile.objects.select_related("user"))
    assert [p.name for p in profiles] == ["张三"]
    assert calls == []
    assert profiles[0].resident_id == ID
    assert profiles[0].resident_id == ID
    assert calls == ["accounts.ApplicantProfile.resident_id"]


def test_a_wrong_key_is_a_clear_error_and_a_retired_key_still_decrypts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    profile = make_person(resident_id=ID)
    old_key = crypto.field_encryption_key()
    monkeypatch.setenv("HAOBAN_SM4_KEY", "00112233445566778899aabbccddeeff")
    with pytest.raises(DecryptionError) as info:
        _ = ApplicantProfile.objects.get(pk=profile.pk).resident_id
    assert str(info.value).startswith(
        "无法解密 accounts.ApplicantProfile.resident_id：没有可用于解密的 SM4 密钥"
    )
    assert "HAOBAN_SM4_KEY" in str(info.value)
    monkeypatch.setenv("HAOBAN_SM4_OLD_KEYS", old_key.hex())
    assert ApplicantProfile.objects.get(pk=profile.pk).resident_id == ID


def test_a_token_moved_to_another_field_does_not_decrypt() -> None:
    profile = make_person(resident_id=ID)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_applicantprofile SET phone = resident_id WHERE id = %s", [profile.pk])
    with pytest.raises(DecryptionError, match=r"无法解密 accounts\.ApplicantProfile\.phone：密文校验失败"):
        _ = ApplicantProfile.objects.get(pk=profile.pk).phone


def test_blind_index_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAOBAN_BLIND_INDEX_KEY", "ab" * 32)
    assert blind_index(ID, context="c") == hmac_sm3(b"\xab" * 32, b"c\x00" + ID.encode()).hex()
    assert blind_index("", context="c") == ""
    monkeypatch.setenv("HAOBAN_BLIND_INDEX_KEY", "zz")
    with pytest.raises(CryptoConfigurationError, match="HAOBAN_BLIND_INDEX_KEY 不是十六进制字符串"):
        blind_index(ID, context="c")
    monkeypatch.setenv("HAOBAN_BLIND_INDEX_KEY", "ab" * 16)
    with pytest.raises(CryptoConfigurationError, match="必须是 64 位十六进制数"):
        blind_index(ID, context="c")


@pytest.mark.parametrize("key", [b"k", b"x" * 64, b"y" * 100])
def test_hmac_sm3_agrees_with_the_request_signing_implementation(key: bytes) -> None:
    assert hmac_sm3(key, b"abc") == signing.hmac_sm3(key, b"abc")


def test_admin_finds_an_applicant_by_the_whole_number_only(admin_client: Client) -> None:
    _register()
    whole = admin_client.get("/admin/accounts/applicantprofile/", {"q": ID}).content.decode()
    part = admin_client.get("/admin/accounts/applicantprofile/", {"q": ID[:6]}).content.decode()
    assert "3503**********1235" in whole  # the list shows the masked number (the search box echoes the query)
    assert "3503**********1235" not in part


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_encrypts_existing_rows_and_reverses() -> None:
    # given: the schema before encryption, with a plaintext row
    executor = MigrationExecutor(connection)
    before, after = ("accounts", "0002_profiles_agents_staff"), ("accounts", "0003_encrypt_personal_data")
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps
    user = old.get_model("accounts", "User").objects.create(username="old", phone=PHONE)
    profile = old.get_model("accounts", "ApplicantProfile").objects.create(
        user=user, kind="natural_person", name="张三", resident_id=ID, phone=PHONE
    )
    try:
        # when
        executor = MigrationExecutor(connection)
        executor.migrate([after])
        # then
        token, phone, index = _raw(
            "SELECT resident_id, phone, resident_id_index FROM accounts_applicantprofile WHERE id = %s",
            [profile.pk],
        )
        assert token.startswith("sm4gcm1$") and phone.startswith("sm4gcm1$")
        assert crypto.decrypt_field(token, context="accounts.ApplicantProfile.resident_id") == ID
        assert index == blind_index(ID, context="accounts.ApplicantProfile.resident_id")
        assert _raw("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])[0].startswith("sm4gcm1$")
        # and back
        executor = MigrationExecutor(connection)
        executor.migrate([before])
        assert _raw(
            "SELECT resident_id, phone FROM accounts_applicantprofile WHERE id = %s", [profile.pk]
        ) == (ID, PHONE)
        assert _raw("SELECT phone FROM accounts_user WHERE id = %s", [user.pk]) == (PHONE,)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("crypto", *args, stdout=out)
    return out.getvalue()


def test_reencrypt_after_a_key_rotation(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: a profile under the old key, then a new key with the old one retired
    profile = _register()
    old_key = crypto.field_encryption_key()
    new_key = "00112233445566778899aabbccddeeff"
    monkeypatch.setenv("HAOBAN_SM4_KEY", new_key)
    monkeypatch.setenv("HAOBAN_SM4_OLD_KEYS", old_key.hex())
    fresh = make_person(username="lisi", resident_id="350302199003071243")  # written under the new key
    before_fresh = _raw("SELECT resident_id, phone FROM accounts_applicantprofile WHERE id = %s", [fresh.pk])
    # when
    out = _command("reencrypt")
    # then: the old rows (profile and its user) are rewritten, the new ones untouched
    assert out == "已重新加密：accounts.User 1 行，accounts.ApplicantProfile 1 行。\n"
    new_id = crypto.current_key_id()
    token, phone = _raw(
        "SELECT resident_id, phone FROM accounts_applicantprofile WHERE id = %s", [profile.pk]
    )
    assert crypto.token_key_id(token) == crypto.token_key_id(phone) == new_id
    assert (
        _raw("SELECT resident_id, phone FROM accounts_applicantprofile WHERE id = %s", [fresh.pk])
        == before_fresh
    )
    monkeypatch.delenv("HAOBAN_SM4_OLD_KEYS")
    reloaded = ApplicantProfile.objects.select_related("user").get(pk=profile.pk)
    assert (reloaded.resident_id, reloaded.phone, reloaded.user.phone) == (ID, PHONE, PHONE)
    assert _command("reencrypt") == "已重新加密：accounts.User 0 行，accounts.ApplicantProfile 0 行。\n"


def test_reencrypt_without_the_old_key_stops_with_the_field_named(monkeypatch: pytest.MonkeyPatch) -> None:
    _register()
    monkeypatch.setenv("HAOBAN_SM4_KEY", "00112233445566778899aabbccddeeff")
    with pytest.raises(CommandError, match=r"^无法解密 accounts\.User\.phone：没有可用于解密的 SM4 密钥"):
        _command("reencrypt")


def test_reindex_after_a_blind_index_key_change(monkeypatch: pytest.MonkeyPatch) -> None:
    profile = _register()
    make_person(username="lisi", resident_id="350302199003071243")
    monkeypatch.setenv("HAOBAN_BLIND_INDEX_KEY", "cd" * 32)
    assert not ApplicantProfile.objects.filter(ApplicantProfile.resident_id_lookup(ID)).exists()
    assert _command("reindex") == "已重建盲索引：accounts.ApplicantProfile 2 行。\n"
    assert ApplicantProfile.objects.get(ApplicantProfile.resident_id_lookup(ID)).pk == profile.pk
    assert _command("reindex") == "已重建盲索引：accounts.ApplicantProfile 0 行。\n"
