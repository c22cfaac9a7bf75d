"""``haoban integration``: API clients of department systems (docs/integration.md).

    haoban integration add-client --department 11350300MB0000000X --name "食品经营许可审批系统" \\
        --webhook-url https://sys.example.gov.cn/haoban/webhook
    haoban integration list-clients
    haoban integration revoke-client hbc_0123456789abcdef01234567

``add-client`` prints the client id and the secret; the secret is shown this once only (it is stored
encrypted and cannot be displayed again; reset it in the admin if it is lost). Bad input exits with
status 1 and a Chinese message; nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from haoban.integration import services
from haoban.integration.models import IntegrationClient


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(m for messages in exc.message_dict.values() for m in messages)
    return "；".join(exc.messages)


class Command(BaseCommand):
    help = "部门系统对接：创建、列出、停用 API 客户端。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="子命令")
        p = sub.add_parser("add-client", help="为部门创建客户端，输出客户端标识和密钥（密钥只显示这一次）。")
        p.add_argument("--department", required=True, metavar="USCC", help="部门的统一社会信用代码。")
        p.add_argument("--name", default="", help="系统名称（默认：部门简称 + 业务系统）。")
        p.add_argument("--webhook-url", default="", help="接收办件事件通知的 http 或 https 地址（可选）。")
        sub.add_parser("list-clients", help="列出全部客户端（不显示密钥）。")
        p = sub.add_parser("revoke-client", help="停用客户端：其请求一律拒绝，也不再推送。")
        p.add_argument("client_id", metavar="CLIENT_ID", help="客户端标识（hbc_ 开头）。")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = {
            "add-client": self.add_client,
            "list-clients": self.list_clients,
            "revoke-client": self.revoke_client,
        }[options["subcommand"]]
        try:
            handler(options)
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None

    def add_client(self, options: dict[str, Any]) -> None:
        department = services.department_by_code(options["department"])
        issued = services.integration_client_create(
            department=department, name=options["name"], webhook_url=options["webhook_url"]
        )
        client = issued.client
        self.stdout.write(f"已为“{department.name}”创建客户端“{client.name}”。")
        self.stdout.write(f"客户端标识：{client.client_id}")
        self.stdout.write(f"密钥：{issued.secret}")
        if client.webhook_url:
            self.stdout.write(f"回调地址：{client.webhook_url}")
        self.stdout.write("请立即妥善保存密钥：它只显示这一次，之后无法再查看（遗失时在管理后台重置密钥）。")

    def list_clients(self, options: dict[str, Any]) -> None:
        clients = IntegrationClient.objects.select_related("department").order_by(
            "department__uscc", "created_at"
        )
        if not clients:
            self.stdout.write("尚无客户端。")
            return
        for client in clients:
            state = "启用" if client.active else "已停用"
            used = (
                timezone.localtime(client.last_used_at).strftime("%Y-%m-%d %H:%M")
                if client.last_used_at
                else "从未使用"
            )
            self.stdout.write(
                f"{client.client_id}  {state}  {client.department.uscc} {client.department.name}  "
                f"{client.name}  最近使用：{used}  回调：{client.webhook_url or '无'}"
            )

    def revoke_client(self, options: dict[str, Any]) -> None:
        client = IntegrationClient.objects.filter(client_id=options["client_id"].strip()).first()
        if client is None:
            raise CommandError(f"未找到客户端“{options['client_id']}”")
        if not client.active:
            self.stdout.write(f"客户端 {client.client_id} 已于此前停用。")
            return
        services.integration_client_revoke(client=client)
        self.stdout.write(f"已停用客户端 {client.client_id}（{client.name}）。")
