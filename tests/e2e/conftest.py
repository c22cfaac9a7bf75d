"""Playwright harness: Debian's Chromium against pytest-django's ``live_server``.

Fixtures:
- ``site_url``: the live server's base URL (``live_server.url``); static files are served by it.
- ``browser``: one headless Chromium (``/usr/bin/chromium``) for the whole session.
- ``page``: a fresh context (own cookies, desktop viewport) with ``base_url`` set, so ``page.goto("/")``
  works. ``new_page(viewport=...)`` makes more pages, e.g. a 360 px phone.

Mark every test that uses them ``@pytest.mark.browser``. On failure a screenshot is written to
``test-results/``.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CHROMIUM

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
DEFAULT_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread; Django's ORM refuses to run
    # while a loop is running unless told it is safe (it is: the ORM calls stay synchronous).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright: Any) -> Iterator[Any]:
    browser = _playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def site_url(live_server: Any) -> str:
    """Base URL of the live server (pytest-django), e.g. ``http://localhost:41234``."""
    return str(live_server.url)


@pytest.fixture
def new_page(
    browser: Any, site_url: str, request: pytest.FixtureRequest
) -> Generator[Callable[..., Any], None, None]:
    """Factory: ``new_page(viewport=PHONE)`` opens a page in a fresh browser context."""
    contexts: list[Any] = []
    pages: list[Any] = []

    def make(viewport: dict[str, int] | None = None, **context_options: Any) -> Any:
        context = browser.new_context(
            base_url=site_url, viewport=viewport or DESKTOP, locale="zh-CN", **context_options
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        return page

    yield make

    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        RESULTS_DIR.mkdir(exist_ok=True)
        stem = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        for number, page in enumerate(pages):
            with contextlib.suppress(Exception):  # best effort while a failure is being reported
                page.screenshot(path=str(RESULTS_DIR / f"{stem}-{number}.png"), full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    """A desktop-sized page in a fresh context; ``page.goto("/")`` opens the live server."""
    return new_page()
