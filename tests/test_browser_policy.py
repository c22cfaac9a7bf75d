"""The browser-test policy of tests/conftest.py, checked in a child pytest run without Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOME_TESTS = "tests/e2e/test_home.py"


def _run_pytest(*args: str, require: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HAOBAN_REQUIRE_BROWSER", "PYTEST_"))}
    env["HAOBAN_CHROMIUM"] = str(ROOT / "no-such-chromium")
    if require:
        env["HAOBAN_REQUIRE_BROWSER"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("require", [False, True])
def test_missing_chromium(require: bool) -> None:
    result = _run_pytest(HOME_TESTS, require=require)
    output = result.stdout + result.stderr
    assert "浏览器测试已跳过：未找到" in output
    assert "(browser tests skipped)" in output
    if require:
        assert result.returncode == pytest.ExitCode.TESTS_FAILED, output
        assert "HAOBAN_REQUIRE_BROWSER=1" in output
        assert " skipped" not in output.splitlines()[-1]
    else:
        assert result.returncode == pytest.ExitCode.OK, output
        assert "skipped" in output.splitlines()[-1]


def test_missing_chromium_fails_a_required_run_even_without_browser_tests() -> None:
    result = _run_pytest(HOME_TESTS, "-k", "no_test_has_this_name", require=True)
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout + result.stderr
