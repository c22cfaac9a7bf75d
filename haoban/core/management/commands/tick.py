from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from haoban.core.ticks import run_ticks


class Command(BaseCommand):
    help = "运行一次全部定时规则（如视为受理、红黄牌、默认好评）；可重复执行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="以该时间（ISO 8601，含时区）为当前时间运行，用于补跑。")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                now = dt.datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError(f"--now 不是有效的时间：{options['now']}") from None
            if timezone.is_naive(now):
                raise CommandError("--now 必须包含时区，例如 2026-12-01T09:00:00+08:00")
        results = run_ticks(now)
        for name, summary in results.items():
            self.stdout.write(f"{name}: {summary}")
        if any(s.startswith("失败") for s in results.values()):
            raise CommandError("部分定时规则运行失败，详见日志")
