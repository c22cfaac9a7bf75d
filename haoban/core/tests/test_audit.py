"""The audit log: append-only entries, the SM3 hash chain, and ``haoban audit verify``."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory

from haoban.accounts.models import User
from haoban.core.audit import (
    GENESIS_HASH,
    audit_record,
    audit_verify,
    canonical_bytes,
    entry_hash,
    mask_ip,
)
from haoban.core.crypto import sm3_hex
from haoban.core.models import AppendOnlyError, AuditEntry, AuditHead

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 11, 29, 9, 30, 15, 123456, tzinfo=dt.UTC)


def _three(user: User) -> list[AuditEntry]:
    return [
        audit_record(
            action="case.read",
            actor=user,
            actor_role="reviewer",
            object_type="cases.Case",
            object_id=f"N{i}",
            details={"n": i},
            at=AT,
        )
        for i in range(1, 4)
    ]


def _verify() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_entries_chain_from_genesis_with_gap_free_sequences():
    # given
    user = User.objects.create_user("reviewer1")
    # when
    first, second, third = _three(user)
    # then
    assert [e.sequence for e in AuditEntry.objects.all()] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert AuditHead.objects.get(pk=1).sequence == 3
    assert AuditHead.objects.get(pk=1).hash == third.hash


def test_hash_is_sm3_of_the_documented_canonical_json():
    user = User.objects.create_user("reviewer1")
    entry = audit_record(
        action="case.read",
        actor=user,
        actor_role="reviewer",
        object_type="cases.Case",
        object_id="3503022026112900001",
        details={"b": "二", "a": 1},
        at=AT,
    )
    expected = {
        "action": "case.read",
        "actor_id": user.pk,
        "actor_role": "reviewer",
        "actor_username": "reviewer1",
        "details": {"a": 1, "b": "二"},
        "ip_address": "",
        "object_id": "3503022026112900001",
        "object_type": "cases.Case",
        "occurred_at": "2026-11-29T09:30:15.123456Z",
        "prev_hash": GENESIS_HASH,
        "request_id": "",
        "sequence": 1,
        "v": 1,
    }
    text = json.dumps(expected, ensure_ascii=False, separators=(",", ":"))
    assert canonical_bytes(entry) == text.encode("utf-8")
    assert entry.hash == sm3_hex(text.encode("utf-8"))
    stored = AuditEntry.objects.get()
    assert entry_hash(stored) == entry.hash  # survives the database round trip (jsonb reorders keys)


def test_system_entry_and_request_metadata():
    request = RequestFactory().get("/x", HTTP_X_REQUEST_ID="req-42", REMOTE_ADDR="10.1.2.3")
    entry = audit_record(action="profile.read", request=request, at=AT)
    assert (entry.actor_id, entry.actor_username, entry.actor_role) == (None, "", "system")
    assert (entry.request_id, entry.ip_address) == ("req-42", "10.1.2.0/24")


def test_bad_request_id_is_replaced_and_shared_within_the_request():
    request = RequestFactory().get("/x", HTTP_X_REQUEST_ID="bad id<script>", REMOTE_ADDR="2001:db8::1")
    one = audit_record(action="a", request=request)
    two = audit_record(action="b", request=request)
    assert len(one.request_id) == 32 and one.request_id != "bad id<script>"
    assert two.request_id == one.request_id
    assert one.ip_address == "2001:db8::/64"


def test_mask_ip():
    assert mask_ip("192.168.10.77") == "192.168.10.0/24"
    assert mask_ip("not an ip") == ""


def test_details_must_be_json_safe_and_nothing_is_written():
    with pytest.raises(TypeError, match="不能是 float"):
        audit_record(action="case.read", details={"x": 1.5})
    with pytest.raises(TypeError, match="键必须是字符串"):
        audit_record(action="case.read", details={"x": {1: "a"}})
    assert AuditEntry.objects.count() == 0
    # The head row is created by the migration and stays at the genesis.
    assert list(AuditHead.objects.values_list("sequence", "hash")) == [(0, GENESIS_HASH)]


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    user = User.objects.create_user("reviewer1")
    entry = _three(user)[0]
    entry.action = "case.edit"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["case.read"] * 3


def test_deleting_the_actor_keeps_the_entry_intact():
    user = User.objects.create_user("reviewer1")
    _three(user)
    user.delete()
    assert AuditEntry.objects.filter(actor_id__isnull=False).count() == 3
    assert audit_verify().ok


def test_lost_head_continues_the_chain():
    user = User.objects.create_user("reviewer1")
    last = _three(user)[-1]
    AuditHead.objects.all().delete()
    entry = audit_record(action="case.read", actor=user, at=AT)
    assert (entry.sequence, entry.prev_hash) == (4, last.hash)
    assert audit_verify().ok


def test_verify_empty_log():
    assert _verify() == (0, "审计日志为空，无需校验。\n", "")


def test_verify_intact_chain_exits_0_with_summary():
    third = _three(User.objects.create_user("reviewer1"))[-1]
    assert _verify() == (0, f"审计日志完整：共 3 条（第 1–3 条），最后一条哈希 {third.hash}。\n", "")


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_detects_a_changed_field():
    _three(User.objects.create_user("reviewer1"))
    _raw("UPDATE core_auditentry SET object_id = %s WHERE sequence = %s", ["N9", 2])
    code, out, err = _verify()
    assert (code, out) == (1, "")
    assert err == "审计日志校验失败：第 2 条：哈希不符（记录内容被修改）。此前的 1 条完整。\n"


def test_verify_detects_a_recomputed_hash_by_the_next_link():
    entries = _three(User.objects.create_user("reviewer1"))
    _raw("UPDATE core_auditentry SET hash = %s WHERE sequence = %s", ["f" * 64, 2])
    result = audit_verify()
    assert (result.ok, result.broken_sequence, result.count) == (False, 2, 1)
    assert entries[0].hash == result.last_hash


def test_verify_detects_a_replaced_entry_by_prev_hash():
    entries = _three(User.objects.create_user("reviewer1"))
    # A forger rewrites entry 3 consistently with itself but not with entry 2.
    _raw("UPDATE core_auditentry SET prev_hash = %s WHERE sequence = %s", [entries[0].hash, 3])
    code, _, err = _verify()
    assert code == 1
    assert err.startswith("审计日志校验失败：第 3 条：prev_hash 与上一条的哈希不一致")


def test_verify_detects_a_deleted_middle_entry():
    _three(User.objects.create_user("reviewer1"))
    _raw("DELETE FROM core_auditentry WHERE sequence = %s", [2])
    code, _, err = _verify()
    assert code == 1
    assert err == "审计日志校验失败：第 2 条：缺少第 2 条（下一条是第 3 条）。此前的 1 条完整。\n"


def test_verify_detects_a_deleted_last_entry_through_the_head():
    _three(User.objects.create_user("reviewer1"))
    _raw("DELETE FROM core_auditentry WHERE sequence = %s", [3])
    code, _, err = _verify()
    assert code == 1
    assert err == (
        "审计日志校验失败：第 3 条：链头为第 3 条，日志最后一条是第 2 条（末尾记录被删除或链头被改动）。"
        "此前的 2 条完整。\n"
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_get_gap_free_sequences_and_one_chain() -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("需要文件或 PostgreSQL 数据库：内存 SQLite 不支持多连接并发写 (needs a real database)")
    start = AuditEntry.objects.count()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        barrier.wait()
        try:
            for n in range(10):
                audit_record(action="case.read", object_id=f"W{worker}-{n}")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert list(AuditEntry.objects.values_list("sequence", flat=True)) == list(range(1, start + 41))
    result = audit_verify()
    assert (result.ok, result.count) == (True, start + 40)
