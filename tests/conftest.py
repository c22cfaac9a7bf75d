"""Project-level pytest configuration: the browser-test policy.

Browser tests carry ``@pytest.mark.browser`` and drive Debian's Chromium through Playwright (fixtures in
``tests/e2e/conftest.py``).

- Chromium missing (``/usr/bin/chromium``, or ``HAOBAN_CHROMIUM``): browser tests are skipped and the run
  says so plainly at the end.
- ``HAOBAN_REQUIRE_BROWSER=1`` (CI): a missing Chromium, or any browser test that ends skipped for whatever
  reason, fails the run.

Browser tests are moved to the end of the run: Playwright's sync API keeps an asyncio loop running once it
has started, and Django then needs ``DJANGO_ALLOW_ASYNC_UNSAFE`` (set by the browser fixtures), which should
not leak into the ordinary tests.

These hooks are session-wide, so they also apply to browser tests outside ``tests/`` whenever ``tests/`` is
part of the run (``make test`` always runs everything).
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("HAOBAN_CHROMIUM", "/usr/bin/chromium"))
SKIP_MESSAGE = f"浏览器测试已跳过：未找到 {CHROMIUM} (browser tests skipped)"

_browser_items = pytest.StashKey[list[pytest.Item]]()
_browser_skips = pytest.StashKey[list[str]]()


def browser_required() -> bool:
    return os.environ.get("HAOBAN_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_browser_items] = []
    config.stash[_browser_skips] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser = [item for item in items if item.get_closest_marker("browser")]
    config.stash[_browser_items] = browser
    if not browser:
        return
    # Stable move of the browser tests to the end of the run.
    others = [item for item in items if not item.get_closest_marker("browser")]
    items[:] = others + browser
    if not chromium_available():
        for item in browser:
            item.add_marker(pytest.mark.skip(reason=SKIP_MESSAGE))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    # ``item.rep_setup`` / ``item.rep_call``: lets fixtures see whether the test failed (screenshots).
    setattr(item, f"rep_{report.when}", report)
    if report.skipped and item.get_closest_marker("browser") and not hasattr(report, "wasxfail"):
        item.config.stash[_browser_skips].append(item.nodeid)
        if browser_required():
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            report.outcome = "failed"
            report.longrepr = f"HAOBAN_REQUIRE_BROWSER=1：浏览器测试不得跳过 (browser test skipped): {reason}"
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    skipped = config.stash.get(_browser_skips, [])
    missing = not chromium_available()
    if missing and (config.stash.get(_browser_items, []) or browser_required()):
        terminalreporter.write_line(
            SKIP_MESSAGE, yellow=not browser_required(), red=browser_required(), bold=True
        )
    elif skipped:
        terminalreporter.write_line(
            f"浏览器测试已跳过 {len(skipped)} 个 (browser tests skipped): " + ", ".join(skipped[:5]),
            yellow=True,
            bold=True,
        )
    if browser_required() and (missing or skipped):
        terminalreporter.write_line(
            "HAOBAN_REQUIRE_BROWSER=1：缺少浏览器或有浏览器测试被跳过，本次测试判为失败 (run failed)",
            red=True,
            bold=True,
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if browser_required() and not chromium_available() and exitstatus in (0, 5):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
