"""``haoban catalog <subcommand>``: catalog tools; the subcommands are listed in ``haoban.catalog.cli``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from haoban.catalog.cli import SUBCOMMANDS


class Command(BaseCommand):
    help = "事项目录工具：" + "；".join(f"{s.name}（{s.help}）" for s in SUBCOMMANDS)

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        for sub in SUBCOMMANDS:
            sub.add_arguments(subparsers.add_parser(sub.name, help=sub.help, description=sub.help))

    def handle(self, *args: Any, **options: Any) -> None:
        sub = next(s for s in SUBCOMMANDS if s.name == options["subcommand"])
        status = sub.run(options, self.stdout)
        if status:
            # Exit status for scripts and CI (e.g. 1 = the audit found deviations), after the output.
            self.stdout.flush()
            raise SystemExit(status)
