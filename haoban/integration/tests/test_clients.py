"""Clients: services, the ``haoban integration`` command, the admin, the nonce purge tick."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.urls import reverse

from haoban.core.crypto import decrypt_field
from haoban.integration import services
from haoban.integration.models import IntegrationClient, UsedNonce
from haoban.integration.ticks import purge_nonces

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_create_stores_the_secret_encrypted_and_a_service_account(department):
    # when
    issued = services.integration_client_create(
        department=department, name="许可系统", webhook_url="https://sys.example.gov.cn/hook"
    )
    # then
    client = IntegrationClient.objects.get()
    assert re.fullmatch(r"hbc_[0-9a-f]{24}", client.client_id)
    assert re.fullmatch(r"hbs_[A-Za-z0-9_-]{43}", issued.secret)
    assert issued.secret not in client.secret_encrypted
    assert client.secret_encrypted.startswith("sm4gcm1$")
    assert decrypt_field(client.secret_encrypted, context="integration.secret") == issued.secret
    assert services.client_secret(client) == issued.secret
    assert (client.department, client.name, client.active) == (department, "许可系统", True)
    assert client.service_user.username == client.client_id
    assert client.service_user.display_name == "部门系统：许可系统"
    assert not client.service_user.has_usable_password()


def test_default_name_is_the_department_short_name(department):
    assert services.integration_client_create(department=department).client.name == "市市场监管局业务系统"


def test_webhook_url_must_be_http_or_https_and_nothing_is_written(department):
    with pytest.raises(ValidationError) as exc_info:
        services.integration_client_create(department=department, webhook_url="ftp://example.com/x")
    assert exc_info.value.message_dict == {
        "webhook_url": ["回调地址须是以 http:// 或 https:// 开头的有效网址"]
    }
    assert IntegrationClient.objects.count() == 0
    assert get_user_model().objects.count() == 0


def test_reset_secret_replaces_it(issued):
    new = services.integration_client_reset_secret(client=issued.client)
    issued.client.refresh_from_db()
    assert new.secret != issued.secret
    assert services.client_secret(issued.client) == new.secret


def test_revoke_is_recorded_once(issued):
    services.integration_client_revoke(client=issued.client, at=NOW)
    services.integration_client_revoke(client=issued.client, at=NOW + dt.timedelta(hours=1))
    issued.client.refresh_from_db()
    assert (issued.client.active, issued.client.revoked_at) == (False, NOW)


def test_nonce_is_accepted_once_within_ten_minutes_then_again(issued):
    client = issued.client
    assert services.nonce_use(client=client, nonce="abc", at=NOW)
    assert not services.nonce_use(client=client, nonce="abc", at=NOW + dt.timedelta(minutes=9))
    assert services.nonce_use(client=client, nonce="abc", at=NOW + dt.timedelta(minutes=10, seconds=1))
    assert UsedNonce.objects.get().used_at == NOW + dt.timedelta(minutes=10, seconds=1)


def test_purge_tick_deletes_only_expired_nonces(issued):
    services.nonce_use(client=issued.client, nonce="old", at=NOW - dt.timedelta(minutes=11))
    services.nonce_use(client=issued.client, nonce="new", at=NOW - dt.timedelta(minutes=9))
    assert purge_nonces(NOW) == "删除过期随机串 1 个"
    assert list(UsedNonce.objects.values_list("nonce", flat=True)) == ["new"]
    assert purge_nonces(NOW) == "删除过期随机串 0 个"


# --- haoban integration ----------------------------------------------------------------------------------


def test_add_client_prints_id_and_secret_once(department):
    out = io.StringIO()
    call_command(
        "integration",
        "add-client",
        "--department",
        department.uscc.lower(),
        "--name",
        "许可系统",
        "--webhook-url",
        "http://10.1.2.3:8080/hook",
        stdout=out,
    )
    client = IntegrationClient.objects.get()
    secret = services.client_secret(client)
    assert out.getvalue() == (
        f"已为“莆田市市场监督管理局”创建客户端“许可系统”。\n"
        f"客户端标识：{client.client_id}\n"
        f"密钥：{secret}\n"
        "回调地址：http://10.1.2.3:8080/hook\n"
        "请立即妥善保存密钥：它只显示这一次，之后无法再查看（遗失时在管理后台重置密钥）。\n"
    )


def test_add_client_with_unknown_department_exits_1_in_chinese(db, capsys, monkeypatch):
    # run_from_argv closes the database connections on exit; the test still needs its own.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exc_info:
        execute_from_command_line(
            ["haoban", "integration", "add-client", "--department", "91350300MA0000000X"]
        )
    assert exc_info.value.code == 1
    assert capsys.readouterr().err == "CommandError: 未找到统一社会信用代码为“91350300MA0000000X”的部门\n"
    assert IntegrationClient.objects.count() == 0


def test_add_client_with_bad_webhook_url_fails(department):
    with pytest.raises(CommandError) as exc_info:
        call_command("integration", "add-client", "--department", department.uscc, "--webhook-url", "x")
    assert str(exc_info.value) == "回调地址须是以 http:// 或 https:// 开头的有效网址"
    assert IntegrationClient.objects.count() == 0


def test_list_and_revoke_clients(issued):
    client = issued.client
    out = io.StringIO()
    call_command("integration", "list-clients", stdout=out)
    assert out.getvalue() == (
        f"{client.client_id}  启用  {client.department.uscc} 莆田市市场监督管理局  食品经营许可审批系统  "
        "最近使用：从未使用  回调：无\n"
    )
    assert issued.secret not in out.getvalue()
    out = io.StringIO()
    call_command("integration", "revoke-client", client.client_id, stdout=out)
    call_command("integration", "revoke-client", client.client_id, stdout=out)
    assert out.getvalue() == (
        f"已停用客户端 {client.client_id}（食品经营许可审批系统）。\n客户端 {client.client_id} 已于此前停用。\n"
    )
    client.refresh_from_db()
    assert client.active is False
    with pytest.raises(CommandError) as exc_info:
        call_command("integration", "revoke-client", "hbc_nope")
    assert str(exc_info.value) == "未找到客户端“hbc_nope”"


def test_list_clients_when_there_are_none(db):
    out = io.StringIO()
    call_command("integration", "list-clients", stdout=out)
    assert out.getvalue() == "尚无客户端。\n"


# --- admin -----------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_admin_add_shows_the_secret_once_and_change_page_never(admin_client, department):
    response = admin_client.post(
        reverse("admin:integration_integrationclient_add"),
        {"department": department.pk, "name": "许可系统", "webhook_url": ""},
        follow=True,
    )
    client = IntegrationClient.objects.get()
    secret = services.client_secret(client)
    assert _messages(response) == [
        f"已创建客户端：客户端标识 {client.client_id}，密钥 {secret}（密钥只显示这一次，请立即交给部门系统妥善保存）",
        f'成功添加了 部门系统客户端“<a href="/admin/integration/integrationclient/{client.pk}/change/">'
        f"许可系统（{client.client_id}）</a>”。",
    ]
    page = admin_client.get(reverse("admin:integration_integrationclient_change", args=[client.pk]))
    assert page.status_code == 200
    assert secret not in page.content.decode()
    assert client.secret_encrypted not in page.content.decode()


def test_admin_reset_secret_action_shows_the_new_secret(admin_client, issued):
    response = admin_client.post(
        reverse("admin:integration_integrationclient_changelist"),
        {"action": "reset_secret", "_selected_action": [issued.client.pk]},
        follow=True,
    )
    issued.client.refresh_from_db()
    new = services.client_secret(issued.client)
    assert new != issued.secret
    assert _messages(response) == [
        f"已重置密钥：客户端标识 {issued.client.client_id}，密钥 {new}（密钥只显示这一次，请立即交给部门系统妥善保存）"
    ]


def test_admin_revoke_action(admin_client, issued):
    response = admin_client.post(
        reverse("admin:integration_integrationclient_changelist"),
        {"action": "revoke", "_selected_action": [issued.client.pk]},
        follow=True,
    )
    issued.client.refresh_from_db()
    assert issued.client.active is False
    assert _messages(response) == ["已停用 1 个客户端。"]


def test_purge_job_is_registered_with_haoban_tick():
    from haoban.core.ticks import registered_ticks

    assert "integration.purge_nonces" in registered_ticks()


@pytest.mark.skipif(
    "sqlite" in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite serialises every writer; the unique-constraint race needs PostgreSQL",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_requests_with_one_nonce_only_one_passes(issued):
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def request() -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                results.append(services.nonce_use(client=issued.client, nonce="race-nonce-1", at=NOW))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, True]
    assert UsedNonce.objects.filter(nonce="race-nonce-1").count() == 1
