import os
import shutil
import subprocess
import sys
from pathlib import Path


def test_command_on_an_unmigrated_database_says_to_migrate_without_traceback(tmp_path: Path) -> None:
    # given: a fresh var dir (an empty SQLite database)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"HAOBAN_VAR_DIR": str(tmp_path)}
    script = shutil.which("haoban", path=str(Path(sys.executable).parent))
    assert script is not None
    # when
    result = subprocess.run(
        [script, "calendar", "is-workday", "2026-10-08"], env=env, capture_output=True, text=True, timeout=60
    )
    # then
    assert result.returncode == 1
    assert result.stdout == ""
    assert "数据库错误：no such table: calendars_holidayyear" in result.stderr
    assert "请先运行 `haoban migrate`" in result.stderr
    assert "Traceback" not in result.stderr
