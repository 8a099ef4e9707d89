"""Every screen, every person: axe-core (vendored) on every page and state, no sideways
scrolling on a 360x640 phone, a round played with the keyboard alone with the focus always
visible, and new cards announced politely and in batches."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from browser_game import (
    ApiRoom,
    Bot,
    create_event,
    create_game,
    join,
    new_context,
    next_step,
    post_card,
    run_axe,
    wait_until,
)
from playwright.sync_api import Browser, BrowserContext, Page, expect
from serverproc import Server

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 640}
SUMMARY_PAGES = ("summary", "compare")
LAPTOP = {"width": 1280, "height": 800}
PROJECTOR = {"width": 1920, "height": 1080}

# What sticks out to the right of a 360 px wide window, for the failure message.
WIDER_THAN_WINDOW = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
               && e.getClientRects().length)
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
               + '.' + (e.className && e.className.baseVal === undefined ? e.className : '')
               + ' ' + Math.round(e.getBoundingClientRect().right))"""


class Walk:
    """What axe and the 360 px check found in each state (empty when all is well)."""

    def __init__(self) -> None:
        self.axe: dict[str, list[dict[str, Any]]] = {}
        self.sideways: dict[str, Any] = {}
        self.visited: list[str] = []

    def check(self, page: Page, state: str) -> None:
        page.wait_for_timeout(100)  # let the last state message render
        size = page.viewport_size
        found = run_axe(page)
        page.set_viewport_size(PHONE)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(null)))")
        found += [v for v in run_axe(page) if v["id"] not in {f["id"] for f in found}]
        if found:
            self.axe[state] = found
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            self.sideways[state] = (width, page.evaluate(WIDER_THAN_WINDOW))
        if size is not None:
            page.set_viewport_size(size)
        self.visited.append(state)


@pytest.fixture(scope="module")
def walk(browser: Browser, live_server: Server) -> Iterator[Walk]:
    """One game through every page and state, checked at each step."""
    base = live_server.url
    result = Walk()
    contexts: list[BrowserContext] = []

    def context(viewport: dict[str, int]) -> BrowserContext:
        made = new_context(browser, base, viewport=viewport, locale="nl-NL")
        contexts.append(made)
        return made

    bots = []
    try:
        host = context(LAPTOP).new_page()
        host.goto(base + "/")
        expect(host.locator("input[data-testid^=scenario-]").first).to_be_visible()
        result.check(host, "start")
        table = create_game(host, base)
        room = ApiRoom(base, table.room_id, table.code, "")
        screen = context(PROJECTOR).new_page()
        screen.goto(table.screen_url(base))
        anna = context(PHONE).new_page()
        anna.goto(f"{base}/j/{table.code}")
        result.check(anna, "join")
        join(anna, base, table.code, "Anna", "inwoner")
        for name, role in (("Bram", "raadslid"), ("Cem", "ambtenaar"), ("Dewi", "raadslid")):
            bots.append(room.bot(name, role))
        expect(screen.get_by_test_id("lobby-count")).to_contain_text("4")
        result.check(anna, "play-lobby")
        result.check(host, "host-lobby")
        result.check(screen, "screen-lobby")

        host.get_by_test_id("start").click()
        host.get_by_test_id("timer-5").click()
        for n, bot in enumerate(bots):
            bot.act("post_card", text=f"Kaart {n} van een ander: samen de sleutel beheren.")
        post_card(anna, "Mijn kaart: niemand hoort alleen te zijn.")
        expect(anna.get_by_test_id("board").locator("[data-testid=card]")).to_have_count(4)
        anna.get_by_test_id("board").locator("[data-testid=card]").first.get_by_test_id(
            "react-support"
        ).click()
        host.get_by_test_id("board").locator("[data-testid=card]").first.get_by_test_id(
            "card-highlight"
        ).click()
        result.check(anna, "play-round")
        own = anna.locator("[data-testid=card].mine")
        own.get_by_test_id("card-edit").click()
        result.check(anna, "play-round-editing")
        own.get_by_test_id("card-edit-cancel").click()
        own.get_by_test_id("card-withdraw").click()
        result.check(anna, "play-round-withdrawing")
        anna.get_by_text("Nee, laat staan").click()
        anna.get_by_test_id("other-device-open").click()
        result.check(anna, "play-other-device")
        anna.get_by_test_id("other-device-open").click()
        result.check(host, "host-round")
        result.check(screen, "screen-round")

        next_step(host, "Terugblik")
        anna.get_by_test_id("reflection-input").fill("Ik zag als raadslid de hele stad.")
        anna.get_by_test_id("reflection-share").check()
        anna.get_by_test_id("reflection-submit").click()
        expect(anna.get_by_test_id("reflection-status")).not_to_be_empty()
        result.check(anna, "play-reflection")
        result.check(screen, "screen-reflection")
        result.check(host, "host-reflection")

        for step in ("Ronde 2", "Terugblik", "Ronde 3"):
            next_step(host, step)
        for n, bot in enumerate(bots):
            bot.act("post_card", text=f"Voorwaarde {n}: een vaste sleutelhouder.")
        for step in ("Terugblik", "Ronde 4"):
            next_step(host, step)
        expect(anna.get_by_test_id("scoring")).to_be_visible()
        anna.locator("[data-testid^=score-][data-testid$='-4']").first.check()
        result.check(anna, "play-scoring")
        result.check(host, "host-scoring")
        result.check(screen, "screen-scoring")

        next_step(host, "Kaarten")
        host.get_by_test_id("proposal-text").fill("De buurtkamer mag vijf jaar in het gebouw.")
        host.get_by_test_id("source-card").first.get_by_test_id("add-card-condition").click()
        host.get_by_test_id("save-proposal").click()
        expect(anna.get_by_test_id("proposal-draft")).to_be_visible()
        result.check(anna, "play-proposal")
        result.check(host, "host-proposal")
        next_step(host, "Besluit")
        host.get_by_test_id("open-vote").click()
        for bot in bots:
            bot.act("cast_vote", choice="eens")
        anna.get_by_test_id("vote-bezwaar").check()
        anna.get_by_test_id("vote-submit").click()
        expect(anna.get_by_test_id("vote-error")).to_be_visible()
        result.check(anna, "play-vote")
        anna.get_by_test_id("vote-reason").fill("Wie heeft de sleutel?")
        anna.get_by_test_id("vote-submit").click()
        expect(host.get_by_test_id("vote-status")).to_contain_text("4 van 4")
        result.check(host, "host-decision")
        result.check(screen, "screen-vote")
        host.get_by_test_id("close-vote").click()
        host.get_by_test_id("show-tally").click()
        expect(anna.get_by_test_id("result")).to_be_visible()
        expect(screen.get_by_test_id("screen-result")).to_be_visible()
        result.check(anna, "play-result")
        result.check(host, "host-result")
        result.check(screen, "screen-result")

        next_step(host, "Terugblik")
        host.get_by_test_id("close-game").click()
        result.check(host, "host-closing")
        host.get_by_test_id("close-game-confirm").click()
        expect(anna.get_by_test_id("closed")).to_be_visible()
        result.check(anna, "play-closed")
        result.check(host, "host-closed")
        result.check(screen, "screen-closed")
        anna.get_by_test_id("summary-link").click()
        anna.wait_for_url("**/summary*")
        expect(anna.get_by_test_id("summary")).to_be_visible()  # opened with the seat token
        result.check(anna, "summary")

        leader = context(LAPTOP).new_page()
        overview = create_event(leader, base, tables=3)
        expect(leader.locator(".table-people").first).not_to_be_empty()
        result.check(leader, "event-overview")
        leader.goto(overview + "/compare")
        # Opened with the event's key this browser kept; no table has finished yet.
        expect(leader.get_by_test_id("compare-not-yet")).to_be_visible()
        result.check(leader, "compare")
        stranger = context(PHONE).new_page()
        stranger.goto(f"{base}/room/{table.room_id}/play")
        expect(stranger.get_by_test_id("no-seat")).to_be_visible()
        result.check(stranger, "play-no-seat")
        stranger.goto(base + "/no/such/page")
        result.check(stranger, "error-404")
        yield result
    finally:
        for bot in bots:
            bot.close()
        for made in contexts:
            made.close()


def _axe_report(found: dict[str, list[dict[str, Any]]]) -> str:
    return "\n".join(
        f"{state}: {v['impact']} {v['id']} ({v['help']}) at {'; '.join(v['nodes'])}"
        for state, violations in found.items()
        for v in violations
    )


def test_axe_finds_no_serious_or_critical_violations_in_the_game(walk: Walk) -> None:
    """axe-core on 30 pages and states, at their own width and at 360 px: nothing serious."""
    assert len(walk.visited) >= 30, walk.visited
    found = {k: v for k, v in walk.axe.items() if k not in SUMMARY_PAGES}
    assert found == {}, _axe_report(found)


def test_the_summary_pages_pass_axe_and_fit_a_360_px_phone(walk: Walk) -> None:
    """The summary of a closed game and the comparison of tables: axe clean, no sideways scroll."""
    assert set(SUMMARY_PAGES) <= set(walk.visited), walk.visited
    found = {k: v for k, v in walk.axe.items() if k in SUMMARY_PAGES}
    sideways = {k: v for k, v in walk.sideways.items() if k in SUMMARY_PAGES}
    assert (found, sideways) == ({}, {}), _axe_report(found) + "\n" + _sideways_report(sideways)


def _sideways_report(found: dict[str, Any]) -> str:
    return "\n".join(f"{state}: {width}px, {wide}" for state, (width, wide) in found.items())


def test_no_game_page_scrolls_sideways_on_a_360_px_phone(walk: Walk) -> None:
    """In every state document.documentElement.scrollWidth stays within 360 px."""
    assert len(walk.visited) >= 30, walk.visited
    found = {k: v for k, v in walk.sideways.items() if k not in SUMMARY_PAGES}
    assert found == {}, _sideways_report(found)


# ------------------------------------------------------------------------- one phone in a room


@contextmanager
def phone_in_a_room(
    browser: Browser, base: str, name: str, others: tuple[str, str]
) -> Iterator[tuple[Page, Bot, list[Bot]]]:
    """A resident on a 360 px phone in a new room's lobby, with the facilitator and two other
    players (a council member, a civil servant) as socket clients; all closed afterwards."""
    room = ApiRoom.create(base)
    context = new_context(browser, base, viewport=PHONE, locale="nl-NL")
    room.seat_in(context, name, "inwoner")
    host = room.facilitator()
    roles = ("raadslid", "ambtenaar")
    bots = [room.bot(other, role) for other, role in zip(others, roles, strict=True)]
    try:
        page = context.new_page()
        page.goto(f"/room/{room.room_id}/play")
        expect(page.get_by_test_id("lobby")).to_be_visible()
        yield page, host, bots
    finally:
        for bot in (host, *bots):
            bot.close()
        context.close()


# ------------------------------------------------------------------------- the keyboard

FOCUS_SHOWN = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return 'nothing has focus';
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return outline || shadow ? '' : `no visible focus on ${e.outerHTML.slice(0, 80)}`;
}"""


class Keyboard:
    """Only Tab, Shift+Tab, Enter, Space and typing; the focus is checked after every key."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.presses = 0

    def press(self, key: str) -> None:
        assert key in {"Tab", "Shift+Tab", "Enter", "Space"}, key
        self.page.keyboard.press(key)
        self.presses += 1
        if key in {"Tab", "Shift+Tab"}:
            problem = self.page.evaluate(FOCUS_SHOWN)
            assert problem == "", problem

    def focus_shown_on(self, selector: str) -> None:
        """After Enter or Space has done its work: the focus is still on `selector`, visibly."""
        self.page.wait_for_function("(s) => document.activeElement.matches(s)", arg=selector)
        problem = self.page.evaluate(FOCUS_SHOWN)
        assert problem == "", problem

    def tab_to(self, selector: str, *, backwards: bool = False, limit: int = 60) -> None:
        """Tab until the element matching `selector` has focus."""
        for _ in range(limit):
            if self.page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
            self.press("Shift+Tab" if backwards else "Tab")
        raise AssertionError(f"{selector} not reached with {limit} presses of Tab")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


def test_a_round_can_be_played_with_the_keyboard_alone(
    live_server: Server, browser: Browser
) -> None:
    """Post a card, react and write a shared reflection with Tab, Shift+Tab, Enter, Space."""
    with phone_in_a_room(browser, live_server.url, "Kim", ("Bram", "Cem")) as (page, host, others):
        host.act("start")
        others[0].act("post_card", text="Een kaart van Bram om op te reageren.")
        expect(page.get_by_test_id("card-input")).to_be_visible()
        keys = Keyboard(page)

        # The skip link comes first and goes to the content.
        keys.press("Tab")
        assert page.evaluate("() => document.activeElement.classList.contains('skip-link')")
        keys.tab_to("[data-testid=card-input]")
        keys.type("Met het toetsenbord geschreven.")
        keys.tab_to("[data-testid=card-submit]")
        keys.press("Enter")
        expect(page.get_by_test_id("card-input")).to_have_value("")
        keys.focus_shown_on("[data-testid=card-submit]")  # not dropped to <body>
        mine = page.locator("[data-testid=card].mine")
        expect(mine).to_have_text(re.compile("Met het toetsenbord geschreven."))

        # React to Bram's card: Tab to its 'support' button and press Space.
        keys.tab_to("[data-testid=card]:not(.mine) [data-testid=react-support]")
        keys.press("Space")
        support = page.locator("[data-testid=card]:not(.mine)").get_by_test_id("react-support")
        expect(support).to_have_attribute("aria-pressed", "true")
        keys.focus_shown_on("[data-testid=card]:not(.mine) [data-testid=react-support]")
        wait_until(lambda: any(c["reactions"].get("support") for c in host.view["public"]["cards"]))

        # Back up with Shift+Tab to the role card's summary and fold it with Enter.
        keys.tab_to("#rolecard-details > summary", backwards=True)
        keys.press("Enter")
        assert not page.locator("#rolecard-details").evaluate("d => d.open")
        keys.focus_shown_on("#rolecard-details > summary")

        host.act("next_phase", confirm=True)  # a bot: it knows the step changed a moment ago
        expect(page.get_by_test_id("reflection-input")).to_be_visible()
        keys.tab_to("[data-testid=reflection-input]")
        keys.type("Als inwoner zag ik hoe lang regels duren.")
        keys.tab_to("[data-testid=reflection-share]")
        keys.press("Space")
        expect(page.get_by_test_id("reflection-share")).to_be_checked()
        keys.focus_shown_on("[data-testid=reflection-share]")
        keys.tab_to("[data-testid=reflection-submit]")
        keys.press("Enter")
        expect(page.get_by_test_id("reflection-status")).to_have_text(
            "Bewaard en gedeeld met de groep."
        )
        keys.focus_shown_on("[data-testid=reflection-submit]")
        wait_until(lambda: bool(host.view["facilitator"]["reflections_shared"]))
        assert keys.presses >= 8


# ------------------------------------------------------------------------- screen readers


def test_ten_quick_cards_make_at_most_two_polite_announcements(
    live_server: Server, browser: Browser
) -> None:
    """Ten cards from other players in a burst: the polite live region speaks once or twice."""
    with phone_in_a_room(browser, live_server.url, "Lotte", ("Speler 0", "Speler 1")) as (
        page,
        host,
        others,
    ):
        host.act("start")
        expect(page.get_by_test_id("board")).to_be_visible()
        region = page.get_by_test_id("live-polite")
        expect(region).to_have_attribute("aria-live", "polite")
        page.evaluate(
            """() => {
              window.spoken = [];
              new MutationObserver(() => {
                const text = document.getElementById('live-polite').textContent.trim();
                if (text) window.spoken.push(text);
              }).observe(document.getElementById('live-polite'),
                         {childList: true, characterData: true, subtree: true});
            }"""
        )
        for n in range(10):
            others[n % 2].act("post_card", text=f"Snelle kaart {n}")
        expect(page.get_by_test_id("board").locator("[data-testid=card]")).to_have_count(10)
        started = time.monotonic()
        page.wait_for_function("() => window.spoken.length > 0", timeout=10_000)
        page.wait_for_timeout(max(0, 3000 - int((time.monotonic() - started) * 1000)))
        spoken: list[str] = page.evaluate("() => window.spoken")
        assert 1 <= len(spoken) <= 2, spoken
        assert any("nieuwe kaarten op het bord" in s for s in spoken), spoken
        assert page.locator("#live-assertive").inner_text() == ""  # nothing shouted


# ------------------------------------------------------------------------- the workshop screens

PROJECTOR_SMALL = {"width": 1280, "height": 720}


def test_the_workshop_console_and_big_screen_states_pass_axe(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """Issue 9's new states of the console, the big screen (at 1920x1080 and 1280x720) and the
    start page: axe finds nothing serious at their own width and at 360 px, and nothing
    scrolls sideways on a phone."""
    base = live_server.url
    walk = Walk()

    def context(viewport: dict[str, int]) -> BrowserContext:
        return people(viewport=viewport)

    bots: list[Bot] = []
    try:
        leader = context(LAPTOP)
        table = create_game(leader.new_page(), base)
        start = leader.new_page()
        start.goto(base + "/")
        expect(start.get_by_test_id("my-game")).to_have_count(1)
        walk.check(start, "start-your-games")
        stranger = context(LAPTOP).new_page()
        stranger.goto(f"{base}/room/{table.room_id}/host")
        expect(stranger.get_by_test_id("no-key")).to_be_visible()
        walk.check(stranger, "host-no-key")

        host = table.host
        room = ApiRoom(base, table.room_id, table.code, "")
        screens = [context(size).new_page() for size in (PROJECTOR, PROJECTOR_SMALL)]
        for screen in screens:
            screen.goto(table.screen_url(base))
        for name, role in (("Anna", "inwoner"), ("Bram", "raadslid")):
            bots.append(room.bot(name, role))
        expect(host.get_by_test_id("few-players")).to_be_visible()
        walk.check(host, "host-lobby-few-players")
        for n, screen in enumerate(screens):
            expect(screen.get_by_test_id("screen-situation")).not_to_be_empty()
            walk.check(screen, f"screen-lobby-case-{n}")

        bots.append(room.bot("Cem", "ambtenaar"))
        host.get_by_test_id("start").click()
        second = leader.new_page()
        second.goto(f"{base}/room/{table.room_id}/host")
        second.get_by_test_id("next-phase").click()
        if second.get_by_test_id("step-confirm").is_visible():
            walk.check(second, "host-step-confirm")
            second.get_by_test_id("step-confirm-no").click()
        second.close()
        for n in range(40):
            bots[n % 3].act(
                "post_card", text=f"Kaart {n}: samen de sleutel beheren en open deuren."
            )
        for n, screen in enumerate(screens):
            expect(screen.get_by_test_id("board-pages")).to_be_visible()
            walk.check(screen, f"screen-board-pages-{n}")
        walk.check(host, "host-round-overview")
        host.get_by_test_id("pause-game").click()
        expect(screens[0].get_by_test_id("pause-banner")).to_be_visible()
        walk.check(screens[0], "screen-paused")
        host.get_by_test_id("resume-game").click()

        for step in ("Terugblik", "Ronde 2", "Terugblik", "Ronde 3", "Terugblik", "Ronde 4"):
            next_step(host, step)
        next_step(host, "Kaarten")
        host.get_by_test_id("proposal-text").fill("De buurtkamer mag vijf jaar in het gebouw.")
        host.get_by_test_id("add-condition").click()
        host.get_by_test_id("condition-text").fill(
            "Een vaste sleutelhouder,\nelk jaar een gesprek."
        )
        host.get_by_test_id("save-proposal").click()
        next_step(host, "Besluit")
        expect(host.get_by_test_id("group-warnings")).to_be_visible()
        walk.check(host, "host-group-warnings")
        host.get_by_test_id("open-vote").click()
        bots[0].act("cast_vote", choice="eens_met_bedenkingen", reason="Wie betaalt de verwarming?")
        expect(host.get_by_test_id("not-voted")).to_be_visible()
        walk.check(host, "host-not-voted")
        for n, screen in enumerate(screens):
            expect(screen.get_by_test_id("vote-progress")).to_have_text("1 van 3 hebben gestemd")
            walk.check(screen, f"screen-vote-count-{n}")
        bots[1].act("cast_vote", choice="eens")
        bots[2].act("cast_vote", choice="bezwaar", reason="Te duur.")
        host.get_by_test_id("close-vote").click()
        host.get_by_test_id("show-tally").click()
        expect(host.get_by_test_id("reservations")).to_be_visible()
        walk.check(host, "host-result-reservations")
        for n, screen in enumerate(screens):
            expect(screen.get_by_test_id("screen-result")).to_be_visible()
            walk.check(screen, f"screen-result-moment-{n}")
        host.get_by_test_id("close-game").click()
        host.get_by_test_id("close-game-confirm").click()
        for n, screen in enumerate(screens):
            expect(
                screen.get_by_text("Scan de QR-code: je telefoon opent de samenvatting.")
            ).to_be_visible()
            walk.check(screen, f"screen-closed-summary-qr-{n}")
    finally:
        for bot in bots:
            bot.close()
    assert len(walk.visited) >= 18, walk.visited
    assert (walk.axe, walk.sideways) == ({}, {}), (
        _axe_report(walk.axe) + "\n" + _sideways_report(walk.sideways)
    )


# ------------------------------------------------------------ own cases and paper seats (issue 10)


def test_the_case_editor_and_the_paper_seats_pass_axe_and_fit_a_phone(
    browser: Browser, live_server: Server
) -> None:
    """The editor (with its problems shown, and with a YAML problem's line) and the console
    with a player on paper in round 1: axe clean at their width and at 360 px, no sideways
    scroll."""
    base = live_server.url
    found = Walk()
    context = new_context(browser, base, viewport=LAPTOP, locale="nl-NL")
    try:
        editor = context.new_page()
        editor.goto(base + "/scenarios/new")
        expect(editor.get_by_test_id("case-problem").first).to_be_visible()
        found.check(editor, "editor-problems")
        editor.goto(base + "/scenarios/new?from=buurtkamer-bibliotheek")
        expect(editor.get_by_test_id("field-title.nl")).not_to_have_value("")
        found.check(editor, "editor-copy")

        room = ApiRoom.create(base)
        room.host_in(context)
        room.seat("Anna", "inwoner")
        facilitator = room.facilitator()
        facilitator.act("add_paper_player", name="Truus", home_role="raadslid")
        facilitator.act("start")
        facilitator.close()
        host = context.new_page()
        host.goto(f"{base}/room/{room.room_id}/host")
        expect(host.get_by_test_id("paper-card-input")).to_be_visible()
        found.check(host, "host-paper-seat")
    finally:
        context.close()
    assert (found.axe, found.sideways) == ({}, {}), (
        _axe_report(found.axe) + "\n" + _sideways_report(found.sideways)
    )


# ------------------------------------------------------------------------- the phone's new states

PHONE_OWN = {"width": 412, "height": 915}  # the phone's own width; Walk.check adds 360 px

NO_VOICES = """Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: {
  getVoices: () => [], speak: () => {}, cancel: () => {},
  addEventListener: () => {}, removeEventListener: () => {} } });"""


@pytest.fixture(scope="module")
def phone_walk(browser: Browser, live_server: Server) -> Iterator[Walk]:
    """The phone's workshop states (issue 9): the case and a read-aloud without a voice, what
    you know, a text over its limit, a card waiting offline, a hidden card, the vote explained
    with a reservation, the reflections of one's own role and of the decision, and the join
    page's seat kept and closed game."""
    base = live_server.url
    result = Walk()
    room = ApiRoom.create(base)
    host = room.facilitator()
    bots = [room.bot("Bram", "raadslid"), room.bot("Cem", "ambtenaar")]
    context = new_context(browser, base, viewport=PHONE_OWN, locale="nl-NL")
    joiner = new_context(browser, base, viewport=PHONE_OWN, locale="nl-NL")
    room.seat_in(context, "Anna", "inwoner")
    context.add_init_script(NO_VOICES)

    def step(round_: int, phase: str) -> None:
        while (host.view["public"]["round"], host.view["public"]["phase"]) != (round_, phase):
            lobby = host.view["public"]["phase"] == "lobby"
            reply = host.act("start") if lobby else host.act("next_phase", confirm=True)
            wait_until(lambda v=reply["version"]: host.view["public"]["version"] >= v)
        expect(page.locator("#round-number")).to_contain_text(f"Ronde {round_}")

    try:
        page = context.new_page()
        page.goto(f"/room/{room.room_id}/play")
        expect(page.get_by_test_id("case-situation")).to_be_visible()
        page.get_by_test_id("read-case").click()
        expect(page.get_by_test_id("read-case-status")).not_to_be_empty()
        result.check(page, "play-lobby-case-no-voice")

        step(1, "play")
        page.get_by_test_id("card-input").fill("Te lang. " * 40)
        page.get_by_test_id("card-submit").click()
        expect(page.get_by_test_id("card-error")).to_be_visible()
        page.get_by_test_id("case-open").click()
        result.check(page, "play-round-case-too-long")
        page.get_by_test_id("card-input").fill("")
        post_card(page, "Een bankje bij de ingang.")
        wait_until(lambda: bool(host.view["public"]["cards"]))
        host.act("hide_card", card_id=host.view["public"]["cards"][0]["id"])
        expect(page.get_by_test_id("hidden-cards")).to_be_visible()
        page.context.set_offline(True)
        expect(page.get_by_test_id("conn-banner")).to_be_visible(timeout=20_000)
        page.get_by_test_id("card-input").fill("Geschreven zonder verbinding.")
        page.get_by_test_id("card-submit").click()
        expect(page.get_by_test_id("outbox-card")).to_be_visible()
        result.check(page, "play-round-hidden-and-waiting")
        page.context.set_offline(False)
        expect(page.get_by_test_id("outbox")).to_be_hidden(timeout=20_000)

        step(2, "reflection")
        page.get_by_test_id("known-open").click()
        expect(page.get_by_test_id("known-secret")).to_have_count(2)
        result.check(
            page,
            f"play-reflection-{page.locator('#reflection-form').get_attribute('data-kind')}-known",
        )

        step(4, "play")
        host.act("draft_proposal", text="De buurtkamer komt in de bibliotheek.", conditions=[])
        step(4, "decision")
        host.act("open_vote")
        page.get_by_test_id("vote-eens_met_bedenkingen").check()
        page.get_by_test_id("vote-reservation").fill("Let op de openingstijden.")
        result.check(page, "play-vote-explained")
        page.get_by_test_id("vote-submit").click()
        expect(page.get_by_test_id("vote-current")).to_contain_text("Eens met bedenkingen")
        for bot in bots:
            bot.act("cast_vote", choice="bezwaar", reason="Te duur.")
        host.act("close_vote")
        host.act("show_tally")
        expect(page.get_by_test_id("result")).to_be_visible()
        result.check(page, "play-result-not-carried")
        step(4, "reflection")
        expect(page.locator("#reflection-form")).to_have_attribute("data-kind", "decision")
        result.check(page, "play-reflection-decision")

        join_page = joiner.new_page()
        other = ApiRoom.create(base)
        join(join_page, base, other.code, "Anna", "inwoner")
        join_page.go_back()
        expect(join_page.get_by_test_id("join-continue")).to_be_visible()
        result.check(join_page, "join-seat-kept")
        host.act("close_game")
        join_page.goto(f"{base}/j/{room.code}")
        expect(join_page.get_by_test_id("join-summary")).to_be_visible()
        result.check(join_page, "join-closed-game")
        yield result
    finally:
        for bot in (host, *bots):
            bot.close()
        context.close()
        joiner.close()


def test_the_phones_workshop_states_pass_axe_and_fit_a_360_px_phone(phone_walk: Walk) -> None:
    """Each new phone state: no serious or critical axe finding, no sideways scroll at 360 px."""
    assert len(phone_walk.visited) == 9, phone_walk.visited
    assert (phone_walk.axe, phone_walk.sideways) == ({}, {}), (
        _axe_report(phone_walk.axe) + "\n" + _sideways_report(phone_walk.sideways)
    )
