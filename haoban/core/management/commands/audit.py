"""``haoban audit verify``: check the audit log's SM3 hash chain (docs/security.md).

Exit status 0 with a summary when every entry verifies; 1 naming the first broken sequence otherwise.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from haoban.core.audit import audit_verify


class Command(BaseCommand):
    help = "审计日志：校验 SM3 哈希链。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="子命令")
        sub.add_parser("verify", help="逐条校验审计日志的序号和哈希链；完整时退出码 0，否则 1。")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if result.ok:
            if result.count == 0:
                self.stdout.write("审计日志为空，无需校验。")
            else:
                self.stdout.write(
                    f"审计日志完整：共 {result.count} 条（第 1–{result.last_sequence} 条），"
                    f"最后一条哈希 {result.last_hash}。"
                )
            return
        self.stderr.write(
            f"审计日志校验失败：第 {result.broken_sequence} 条：{result.reason}。"
            f"此前的 {result.count} 条完整。"
        )
        sys.exit(1)
