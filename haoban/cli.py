"""The ``haoban`` console script: Django's management commands for this project."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haoban.settings")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    try:
        execute_from_command_line(sys.argv)
    except (OperationalError, ProgrammingError) as exc:
        # A fresh database without tables, or one that is not reachable: say so plainly, no traceback.
        print(
            f"数据库错误：{exc}\n如果这是新建的数据库，请先运行 `haoban migrate`；"
            "并检查 DATABASE_URL 是否指向正确的数据库。",
            file=sys.stderr,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
