"""Nothing typed becomes HTML: `<img src=x onerror=alert(1)>` as a name, a card, a shared
reflection, a vote reason and the proposal shows up as text on every page, never as an
element, and no dialog opens. Every page carries a CSP without 'unsafe-inline' for scripts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from browser_game import ApiRoom, Table, create_event, join, next_step, post_card
from playwright.sync_api import BrowserContext, Page, Response, expect
from serverproc import Server

pytestmark = pytest.mark.browser

PAYLOAD = "<img src=x onerror=alert(1)>"
# The only image any page has on purpose: the big screen's QR code.
STRAY_IMAGES = "() => document.querySelectorAll('img:not(#screen-qr), [onerror]').length"


def script_sources(response: Response | None) -> str:
    """The script-src of a response's Content-Security-Policy (default-src when absent)."""
    assert response is not None
    policy = response.headers.get("content-security-policy", "")
    directives = {
        part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part.strip()
    }
    assert "script-src" in directives or "default-src" in directives, policy
    return directives.get("script-src") or directives["default-src"]


class Pages:
    """Every page opened in the test: dialogs are recorded and CSP headers checked."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.policies: dict[str, str] = {}

    def watch(self, page: Page) -> Page:
        def on_dialog(dialog: object) -> None:
            self.dialogs.append(f"{page.url}: {dialog.message}")  # type: ignore[attr-defined]
            dialog.dismiss()  # type: ignore[attr-defined]

        def on_response(response: Response) -> None:
            if response.request.resource_type == "document":
                self.policies[response.url.split("#")[0]] = script_sources(response)

        page.on("dialog", on_dialog)
        page.on("response", on_response)
        return page


def no_markup(page: Page, where: str, shown: int = 1) -> None:
    """The payload is on the page as text (at least `shown` times) and never as an element."""
    expect(page.locator("main")).to_contain_text(PAYLOAD)
    assert page.locator("main").inner_text().count(PAYLOAD) >= shown, where
    assert page.evaluate(STRAY_IMAGES) == 0, where


def test_typed_markup_stays_text_on_every_page(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """Name, card, shared reflection, vote reason and proposal: text everywhere, no dialog."""
    base = live_server.url
    pages = Pages()
    leader = pages.watch(people(viewport={"width": 1280, "height": 900}).new_page())
    overview = create_event(leader, base, tables=2)

    host = pages.watch(leader.context.new_page())
    host.goto(leader.get_by_test_id("table-host").first.get_attribute("href") or "")
    code = host.get_by_test_id("host-code")
    expect(code).not_to_have_text("…")
    room_id = host.url.split("/room/", 1)[1].split("/", 1)[0]
    room = ApiRoom(base, room_id, code.inner_text().strip(), "")
    screen = pages.watch(people(viewport={"width": 1920, "height": 1080}).new_page())
    screen.goto(Table(room_id, room.code, host).screen_url(base))

    mallory = pages.watch(people().new_page())
    join(mallory, base, room.code, PAYLOAD, "inwoner")
    other = pages.watch(people().new_page())
    join(other, base, room.code, "Bram", "raadslid")
    bot = room.bot("Cem", "ambtenaar")
    try:
        expect(screen.get_by_test_id("lobby")).to_contain_text(PAYLOAD)
        for page, where in ((mallory, "own lobby"), (other, "lobby"), (host, "console")):
            no_markup(page, where)
        no_markup(screen, "screen lobby")

        host.get_by_test_id("start").click()
        expect(host.get_by_test_id("step-now")).to_contain_text("Ronde 1")
        host.get_by_test_id("setting-show-names").check()  # names on cards too
        post_card(mallory, PAYLOAD)
        bot.act("post_card", text=f"Over {PAYLOAD}")
        for page in (mallory, other, host, screen):
            expect(page.get_by_test_id("board").locator("[data-testid=card]")).to_have_count(2)
        # Card text and author name on the board; on the console the name in the player list.
        no_markup(other, "board", shown=3)
        no_markup(screen, "screen board", shown=3)
        no_markup(host, "console board", shown=4)
        mallory.locator("[data-testid=card].mine").get_by_test_id("card-edit").click()
        expect(mallory.get_by_test_id("card-edit-input")).to_have_value(PAYLOAD)
        mallory.get_by_test_id("card-edit-input").fill(f"{PAYLOAD} (bewerkt)")
        mallory.get_by_test_id("card-edit-save").click()
        expect(mallory.get_by_test_id("card-edit-input")).to_have_count(0)
        expect(mallory.locator("[data-testid=card].mine")).to_contain_text("(bewerkt)")
        no_markup(mallory, "own board after editing", shown=3)

        next_step(host, "Terugblik")
        mallory.get_by_test_id("reflection-input").fill(PAYLOAD)
        mallory.get_by_test_id("reflection-share").check()
        mallory.get_by_test_id("reflection-submit").click()
        shared = host.get_by_test_id("shared-reflections")
        expect(shared).to_contain_text(PAYLOAD)
        no_markup(host, "console reflections", shown=5)

        for step in ("Ronde 2", "Terugblik", "Ronde 3", "Terugblik", "Ronde 4", "Kaarten"):
            next_step(host, step)
        host.get_by_test_id("proposal-text").fill(PAYLOAD)
        host.get_by_test_id("add-condition").click()
        host.get_by_test_id("condition-text").fill(PAYLOAD)
        host.get_by_test_id("save-proposal").click()
        expect(mallory.get_by_test_id("proposal-draft")).to_contain_text(PAYLOAD)
        next_step(host, "Besluit")
        host.get_by_test_id("open-vote").click()
        mallory.get_by_test_id("vote-bezwaar").check()
        mallory.get_by_test_id("vote-reason").fill(PAYLOAD)
        mallory.get_by_test_id("vote-needed").fill(PAYLOAD)
        mallory.get_by_test_id("vote-submit").click()
        other.get_by_test_id("vote-eens").check()
        other.get_by_test_id("vote-submit").click()
        bot.act("cast_vote", choice="eens")
        expect(host.get_by_test_id("vote-status")).to_contain_text("3 van 3")
        host.get_by_test_id("close-vote").click()
        host.get_by_test_id("show-tally").click()
        expect(host.get_by_test_id("ballot")).to_contain_text(f"Waarom: {PAYLOAD}")
        expect(screen.get_by_test_id("screen-result")).to_be_visible()
        no_markup(mallory, "proposal and vote", shown=2)
        no_markup(screen, "screen result", shown=2)
        no_markup(host, "console decision", shown=6)

        host.get_by_test_id("close-game").click()
        host.get_by_test_id("close-game-confirm").click()
        expect(mallory.get_by_test_id("summary-link")).to_be_visible()
        mallory.get_by_test_id("summary-link").click()
        mallory.wait_for_url("**/summary*")
        no_markup(mallory, "summary", shown=3)
        leader.goto(overview)
        expect(leader.get_by_test_id("table").first).to_contain_text("Afgesloten")
        assert leader.evaluate(STRAY_IMAGES) == 0
        leader.goto(overview + "/compare")
        no_markup(leader, "comparison of the tables")
    finally:
        bot.close()

    assert pages.dialogs == []
    opened = {url.removeprefix(base).split("?")[0] for url in pages.policies}
    for path in ("/", f"/room/{room_id}/host", f"/room/{room_id}/screen", "/j/" + room.code):
        assert path in opened, opened
    assert any(p.startswith(f"/room/{room_id}/summary") for p in opened), opened
    for url, sources in pages.policies.items():
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, (url, sources)
        assert "'self'" in sources, (url, sources)
