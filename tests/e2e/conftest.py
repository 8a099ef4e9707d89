"""Fixtures for the browser tests: Debian's chromium (one browser per session, from
pytest-playwright), the real eventlet server (one per test module) and fresh browser
contexts (one per person, closed after the test).

Under CI=true a missing chromium fails the tests instead of skipping them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_game import live_server as start_server
from browser_game import new_context
from playwright.sync_api import Browser, BrowserContext
from serverproc import CHROMIUM, CHROMIUM_ARGS, Server, require_binary


def _chromium() -> str:
    return require_binary("chromium", Path(CHROMIUM))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Playwright cannot download its browser here; Debian's chromium does the job.
    return {**browser_type_launch_args, "executable_path": _chromium(), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`rolwissel serve` with eventlet on a free port and a fresh instance folder."""
    _chromium()  # no server start when the browser is missing anyway
    server = start_server(tmp_path_factory.mktemp("instance"))
    try:
        yield server
        assert server.stop(timeout=15) == 0, server.text
    finally:
        server.close()
    assert "Traceback" not in server.text, server.text


@pytest.fixture
def people(browser: Browser, live_server: Server) -> Iterator[Callable[..., BrowserContext]]:
    """Make a browser context per person (Dutch unless told); all closed after the test."""
    made: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("locale", "nl-NL")
        context = new_context(browser, live_server.url, **options)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
