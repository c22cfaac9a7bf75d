"""``haoban crypto``: maintenance of the SM4-encrypted fields (docs/security.md, docs/crypto.md).

    haoban crypto reencrypt   # after moving the old key to HAOBAN_SM4_OLD_KEYS and setting a new HAOBAN_SM4_KEY
    haoban crypto reindex     # after changing HAOBAN_BLIND_INDEX_KEY

Both are idempotent and print the rows changed per model. A token that no configured key opens stops the run
with exit status 1 and a Chinese message naming the field; rows already done stay done.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haoban.core.crypto import CryptoConfigurationError, DecryptionError
from haoban.core.encryption import rebuild_blind_indexes, reencrypt_fields


class Command(BaseCommand):
    help = "加密字段维护：更换 SM4 密钥后重新加密，更换盲索引密钥后重建索引。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="子命令")
        sub.add_parser(
            "reencrypt",
            help="用当前 HAOBAN_SM4_KEY 重新加密其他密钥加密的字段（旧密钥放在 HAOBAN_SM4_OLD_KEYS）。",
        )
        sub.add_parser("reindex", help="用当前 HAOBAN_BLIND_INDEX_KEY 重新计算全部盲索引。")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "reencrypt":
                changed, verb = reencrypt_fields(), "重新加密"
            else:
                changed, verb = rebuild_blind_indexes(), "重建盲索引"
        except (DecryptionError, CryptoConfigurationError) as exc:
            raise CommandError(str(exc)) from None
        summary = "，".join(f"{label} {count} 行" for label, count in changed.items())
        self.stdout.write(f"已{verb}：{summary}。")
