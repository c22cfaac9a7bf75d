from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone

from haoban.core.outbox import process_outbox
from haoban.core.ticks import run_ticks


class Command(BaseCommand):
    help = "后台处理进程：投递事务外发消息（通知、回调等），并每分钟运行一次定时规则（tick）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="处理一轮后退出。")
        parser.add_argument("--interval", type=float, default=1.0, help="空闲时的轮询间隔（秒）。")
        parser.add_argument("--tick-every", type=float, default=60.0, help="定时规则的运行间隔（秒）。")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        last_tick = 0.0
        self.stdout.write("后台处理进程已启动。")
        while not stopping:
            if not connection.in_atomic_block:  # inside a test's transaction there is nothing to recycle
                close_old_connections()
            if time.monotonic() - last_tick >= options["tick_every"]:
                run_ticks(timezone.now())
                last_tick = time.monotonic()
            handled = process_outbox()
            if options["once"]:
                break
            if not handled:
                time.sleep(options["interval"])
        self.stdout.write("后台处理进程已停止。")
