"""Idempotency-Key: replay, conflict on reuse, nothing stored for failures, concurrent duplicates."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import path
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from haoban.accounts.models import User
from haoban.core import idempotency
from haoban.core.api_views import parse_input
from haoban.core.idempotency import idempotent, purge_idempotency_records
from haoban.core.models import IdempotencyRecord
from haoban.core.ticks import run_ticks

# --- a creating endpoint for the tests --------------------------------------------------------------------


class _GroupCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    delay = serializers.FloatField(required=False, default=0)


class GroupCreateApi(APIView):
    @idempotent
    def post(self, request: Request) -> Response:
        data = parse_input(_GroupCreateInputSerializer, request.data)
        group = Group.objects.create(name=f"{data['name']}-{Group.objects.count() + 1}")
        if data["delay"]:
            time.sleep(data["delay"])  # widen the window for the concurrency test
        return Response({"id": group.pk, "name": group.name}, status=status.HTTP_201_CREATED)


class GroupCreateCheckedAfterApi(APIView):
    @idempotent(check_after_work=True)
    def post(self, request: Request) -> Response:
        return GroupCreateApi.post.__wrapped__(self, request)  # type: ignore[attr-defined]


urlpatterns = [
    path("groups/", GroupCreateApi.as_view()),
    path("groups-checked-after/", GroupCreateCheckedAfterApi.as_view()),
]

pytestmark = [pytest.mark.urls(__name__)]


@pytest.fixture
def user(db) -> User:
    return User.objects.create_user("clerk", password="pw-123456")


@pytest.fixture
def client(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _groups() -> list[str]:
    return sorted(Group.objects.exclude(haoban_role__isnull=False).values_list("name", flat=True))


# --- behaviour --------------------------------------------------------------------------------------------


def test_without_key_every_post_creates(client: APIClient) -> None:
    first = client.post("/groups/", {"name": "甲"}, format="json")
    second = client.post("/groups/", {"name": "甲"}, format="json")

    assert (first.status_code, second.status_code) == (201, 201)
    assert _groups() == ["甲-3", "甲-4"]  # the two role groups exist already
    assert IdempotencyRecord.objects.count() == 0


def test_same_key_same_body_replays_the_stored_response(client: APIClient, user: User) -> None:
    # given
    first = client.post("/groups/", {"name": "甲", "delay": 0}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    # when: a retry, with the keys of the body in another order
    second = client.post("/groups/", {"delay": 0, "name": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    # then
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert _groups() == ["甲-3"]
    record = IdempotencyRecord.objects.get()
    assert (record.user, record.key, record.method, record.path, record.response_status) == (
        user,
        "k-1",
        "POST",
        "/groups/",
        201,
    )
    assert record.response_body == first.json()


def test_same_key_different_body_is_a_conflict_and_writes_nothing(client: APIClient) -> None:
    client.post("/groups/", {"name": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    response = client.post("/groups/", {"name": "乙"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert response.status_code == 409
    assert response.json() == {
        "code": "idempotency_key_reused",
        "message": "该幂等键（Idempotency-Key）已用于另一个不同的请求，请为新请求使用新的幂等键。",
        "fields": {},
    }
    assert _groups() == ["甲-3"]
    assert IdempotencyRecord.objects.count() == 1


def test_keys_are_scoped_to_the_user(client: APIClient) -> None:
    other = APIClient()
    other.force_authenticate(User.objects.create_user("other"))

    client.post("/groups/", {"name": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    response = other.post("/groups/", {"name": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="shared")

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response.headers
    assert _groups() == ["甲-3", "甲-4"]


def test_failed_request_stores_nothing_and_the_key_can_be_used_again(client: APIClient) -> None:
    bad = client.post("/groups/", {"name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert bad.status_code == 400
    assert bad.json() == {
        "code": "invalid",
        "message": "name：该字段不能为空。",
        "fields": {"name": ["该字段不能为空。"]},
    }
    assert IdempotencyRecord.objects.count() == 0
    assert _groups() == []

    good = client.post("/groups/", {"name": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert good.status_code == 201
    assert _groups() == ["甲-3"]


@pytest.mark.parametrize("key", ["", "x" * 256, "含中文", "has space"])
def test_malformed_key_is_rejected(client: APIClient, key: str) -> None:
    response = client.post("/groups/", {"name": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY=key)

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "Idempotency-Key：幂等键应为 1–255 个可见 ASCII 字符（建议使用 UUID）",
        "fields": {"Idempotency-Key": ["幂等键应为 1–255 个可见 ASCII 字符（建议使用 UUID）"]},
    }
    assert _groups() == []


def test_anonymous_requests_ignore_the_key(db) -> None:
    anonymous = APIClient()

    anonymous.post("/groups/", {"name": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    anonymous.post("/groups/", {"name": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert _groups() == ["甲-3", "甲-4"]
    assert IdempotencyRecord.objects.count() == 0


def test_key_taken_but_its_record_gone_answers_in_progress(
    client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the key is taken, but its record cannot be read back (its holder rolled back in between)
    first = client.post("/groups/", {"name": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    monkeypatch.setattr(idempotency, "_stored", lambda lookup: None)
    # when
    second = client.post("/groups/", {"name": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    # then: 409, the client retries later; nothing was created twice
    assert second.status_code == 409
    assert second.json()["code"] == "idempotency_key_in_progress"
    assert _groups() == ["甲-3"]
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_duplicates_create_once() -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("需要文件或 PostgreSQL 数据库：内存 SQLite 不支持多连接并发写 (needs a real database)")
    user = User.objects.create_user("clerk")
    # The role groups may or may not exist after another transactional test flushed the database.
    expected = f"甲-{Group.objects.count() + 1}"
    barrier = threading.Barrier(2)
    responses: list[Response] = []

    def send() -> None:
        api = APIClient()
        api.force_authenticate(user)
        barrier.wait()
        try:
            responses.append(
                api.post("/groups/", {"name": "甲", "delay": 0.3}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.status_code for r in responses) == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    assert _groups() == [expected]


def test_records_are_purged_after_24_hours(client: APIClient) -> None:
    client.post("/groups/", {"name": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="old")
    client.post("/groups/", {"name": "乙"}, format="json", HTTP_IDEMPOTENCY_KEY="new")
    now = dt.datetime.now(dt.UTC)
    IdempotencyRecord.objects.filter(key="old").update(created_at=now - dt.timedelta(hours=24, seconds=1))
    IdempotencyRecord.objects.filter(key="new").update(created_at=now - dt.timedelta(hours=23))

    assert purge_idempotency_records(now=now) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert run_ticks(now)["core.idempotency_purge"] == "清理过期幂等记录 0 条"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("url", ["/groups/", "/groups-checked-after/"])
def test_outside_a_test_transaction_a_retry_is_replayed_and_its_work_undone(url: str) -> None:
    # As in production (no enclosing transaction). With check_after_work on PostgreSQL the key is not looked
    # up first: the record's INSERT, sent with the COMMIT, fails on a taken key, the retry's work is rolled
    # back and the stored response replayed. By default the key is looked up first. Same answers either way.
    user = User.objects.create_user("clerk")
    api = APIClient()
    api.force_authenticate(user)
    before = _groups()
    first = api.post(url, {"name": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    retry = api.post(url, {"name": "甲"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    reused = api.post(url, {"name": "乙"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    failed = api.post(url, {"name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    assert (first.status_code, retry.status_code, reused.status_code, failed.status_code) == (
        201,
        201,
        409,
        400,
    )
    assert retry.json() == first.json() and retry.headers["Idempotent-Replayed"] == "true"
    assert reused.json()["code"] == "idempotency_key_reused"
    assert len(_groups()) == len(before) + 1  # the retry's and the reuse's groups were rolled back
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["k-1"]
