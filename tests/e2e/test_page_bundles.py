"""Every page's bundled script (game/web/bundle.py) loads in chromium under the page's CSP and
does its work: no page error, no CSP violation, and something only the script makes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from browser_game import ApiRoom
from playwright.sync_api import BrowserContext, Locator, Page, expect
from serverproc import Server

pytestmark = pytest.mark.browser


def test_every_pages_bundle_runs_under_its_csp(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """Start, join, play, console, big screen, event overview and case editor: each page's
    one inline module runs (by its hash) and renders what only it renders."""
    room = ApiRoom.create(live_server.url, tables=2)
    context = people()
    room.seat_in(context, "Anna", "inwoner")
    room.host_in(context)
    problems: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on(
        "console",
        lambda entry: (
            problems.append(f"{page.url}: {entry.text}")
            if entry.type == "error" and "Content" in entry.text and "Security" in entry.text
            else None
        ),
    )
    base = live_server.url
    made_by_script: list[tuple[str, Callable[[Page], Locator]]] = [
        ("/", lambda p: p.locator("[data-testid^=scenario-]").first),
        (f"/j/{room.code}", lambda p: p.get_by_test_id("join-code")),
        (f"/room/{room.room_id}/play", lambda p: p.get_by_test_id("my-name")),
        (f"/room/{room.room_id}/host", lambda p: p.get_by_test_id("host-code")),
        (room.screen_url, lambda p: p.get_by_test_id("screen-code")),
        (
            f"/event/{room.event_id}#t={room.facilitator_token}",
            lambda p: p.get_by_test_id("table").first,
        ),
        ("/scenarios/new", lambda p: p.locator("[data-testid^=field-]").first),
    ]
    for address, made in made_by_script:
        response = page.goto(base + address if address.startswith("/") else address)
        assert response is not None and response.ok, address
        assert "'sha256-" in response.headers["content-security-policy"], address
        expect(made(page)).to_be_visible()
    expect(page.get_by_test_id("case-form")).to_be_visible()
    assert problems == []
