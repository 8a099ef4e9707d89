"""The workshop leader's console, the big screen and the start page as a workshop needs them
(issue 9), in Debian's chromium against the real eventlet server: who is done (never how
they voted), the case to read aloud, the warnings before a vote, the result as one sentence
and a moment on the projector, a console link that cannot be lost, a second 'Next' that asks
first, a board that fits a projector, the chime and the overtime, undoing a merge."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from browser_game import (
    ApiRoom,
    card,
    create_game,
    next_step,
    run_out_ten_seconds,
    wait_until,
)
from playwright.sync_api import BrowserContext, Page, expect
from serverproc import Server

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
PROJECTORS = ({"width": 1920, "height": 1080}, {"width": 1280, "height": 720})
OVERTIME = re.compile(r"^\+0:\d\d$")
PAGE_MS = 12_000  # the big screen turns its board's page this often (static/js/screen.js)
PEOPLE = (("Anna", "inwoner"), ("Bram", "raadslid"), ("Cem", "ambtenaar"), ("Dewi", "raadslid"))

# A browser voice that only writes down what it is asked to read (headless chromium has none).
FAKE_VOICE = """
window.spoken = [];
class FakeUtterance { constructor(text) { this.text = text; } }
window.SpeechSynthesisUtterance = FakeUtterance;
Object.defineProperty(window, 'speechSynthesis', { value: {
  getVoices: () => [{ lang: 'nl-NL', name: 'Test', localService: true, default: true }],
  speak(u) { window.spoken.push(u.text); setTimeout(() => u.onend && u.onend(), 0); },
  cancel() {}, addEventListener() {}, removeEventListener() {},
}});
"""

NO_SCROLL = "() => document.documentElement.scrollHeight <= window.innerHeight"


class Room:
    """A room made through the API, its facilitator and players as socket clients."""

    def __init__(self, base: str, people: tuple[tuple[str, str], ...] = PEOPLE) -> None:
        self.api = ApiRoom.create(base)
        self.fac = self.api.facilitator()
        self.players = {name: self.api.bot(name, role) for name, role in people}

    def step(self, phase: str, round_: int | None = None) -> None:
        """Move on (confirmed, as a leader who knows the step just changed) until `phase`."""
        for _ in range(12):
            pub = self.fac.view["public"]
            if pub["phase"] == phase and (round_ is None or pub["round"] == round_):
                return
            version = self.fac.states[-1]["version"]
            if pub["phase"] == "lobby":
                self.fac.act("start")
            else:
                self.fac.act("next_phase", confirm=True)
            wait_until(lambda v=version: self.fac.states[-1]["version"] > v)
        raise AssertionError(f"never reached {phase}")

    def close(self) -> None:
        for bot in (self.fac, *self.players.values()):
            bot.close()


@contextmanager
def a_room(live_server: Server, people: tuple[tuple[str, str], ...] = PEOPLE) -> Iterator[Room]:
    room = Room(live_server.url, people)
    try:
        yield room
    finally:
        room.close()


def console(
    people: Callable[..., BrowserContext], room: Room, *, clock: bool = False, **options: object
) -> Page:
    """The facilitator's console in a browser that holds the room's key (`clock`: with the
    page's clock installed, so the test can move the browser's time on; the server keeps the
    real one)."""
    context = people(viewport=LAPTOP, **options)
    room.api.host_in(context)
    if clock:
        context.clock.install()
    page = context.new_page()
    page.goto(f"/room/{room.api.room_id}/host")
    expect(page.get_by_test_id("host-code")).not_to_have_text("…")
    return page


def big_screen(
    people: Callable[..., BrowserContext], room: Room, size: dict[str, int], *, clock: bool = False
) -> Page:
    """The big screen at `size` (`clock`: as for the console)."""
    context = people(viewport=size)
    if clock:
        context.clock.install()
    page = context.new_page()
    page.goto(room.api.screen_url)
    expect(page.get_by_test_id("screen-code")).not_to_have_text("…")
    return page


def row(host: Page, name: str) -> object:
    return host.get_by_test_id("player-row").filter(has=host.get_by_role("rowheader", name=name))


# ------------------------------------------------------------------------- 4. who is done


def test_the_console_sees_who_is_done_and_never_how_anyone_voted(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """Cards per player, reflections, 'Nog niet gestemd: …' by name; the big screen counts
    the votes; no vote choice appears next to a name."""
    with a_room(live_server) as room:
        host = console(people, room)
        screen = big_screen(people, room, PROJECTORS[0])
        room.step("play", 1)
        room.players["Bram"].act("post_card", text="Een eerste kaart van Bram.")
        room.players["Bram"].act("post_card", text="Een tweede kaart van Bram.")
        expect(row(host, "Bram").get_by_test_id("player-progress")).to_have_text("✓2 kaarten")
        expect(row(host, "Anna").get_by_test_id("player-progress")).to_have_text("…0 kaarten")
        expect(host.get_by_test_id("waiting-for")).to_have_text("Nog geen kaart: Anna, Cem, Dewi")

        room.step("reflection", 1)
        room.players["Anna"].act("save_reflection", text="Ik zag het anders.", shared=False)
        expect(row(host, "Anna").get_by_test_id("player-progress")).to_contain_text(
            "Terugblik bewaard"
        )
        expect(row(host, "Bram").get_by_test_id("player-progress")).to_contain_text(
            "Nog geen terugblik"
        )

        room.step("decision", 4)
        room.fac.act("draft_proposal", text="De buurtkamer mag vijf jaar in het gebouw.")
        # Before the vote: a group of one is named (Anna and Cem are alone in theirs).
        warnings = host.get_by_test_id("group-warnings")
        expect(warnings).to_contain_text("maar 1 speler die in het echt Inwoner is")
        expect(warnings).to_contain_text("maar 1 speler die in het echt Ambtenaar is")
        room.fac.act("open_vote")
        expect(warnings).to_be_hidden()
        room.players["Anna"].act("cast_vote", choice="eens")
        room.players["Bram"].act(
            "cast_vote", choice="eens_met_bedenkingen", reason="Wie betaalt de verwarming?"
        )
        expect(host.get_by_test_id("not-voted")).to_have_text("Nog niet gestemd: Cem, Dewi")
        expect(host.get_by_test_id("waiting-for")).to_have_text("Nog niet gestemd: Cem, Dewi")
        expect(screen.get_by_test_id("vote-progress")).to_have_text("2 van 4 hebben gestemd")
        players = host.get_by_test_id("players").inner_text().lower()
        assert "bedenking" not in players and "eens" not in players, players
        expect(row(host, "Bram").get_by_test_id("player-progress")).to_have_text("✓Gestemd")

        room.players["Cem"].act("cast_vote", choice="eens")
        room.players["Dewi"].act("cast_vote", choice="bezwaar", reason="Te duur.")
        expect(screen.get_by_test_id("vote-progress")).to_have_text("4 van 4 hebben gestemd")
        host.get_by_test_id("close-vote").click()
        # After closing, the main button shows the result.
        tally = host.get_by_test_id("show-tally")
        expect(tally).to_have_text("Laat de uitslag zien")
        expect(tally).to_have_class(re.compile(r"\bprimary\b"))
        expect(host.get_by_test_id("open-vote")).not_to_have_class(re.compile(r"\bprimary\b"))
        tally.click()

        # The result: one short sentence, the counts per group below it.
        result = host.get_by_test_id("host-result")
        sentence = result.locator(".result-sentence").inner_text()
        assert sentence.startswith("Niet gedragen") and len(sentence.split()) <= 15, sentence
        expect(result.locator(".result-groups li")).to_have_count(3)
        expect(host.get_by_test_id("reservations")).to_have_text(
            re.compile("Wie betaalt de verwarming?")
        )
        assert "Bram" not in host.get_by_test_id("reservations").inner_text()
        # The big screen: the moment, large, a bar per group.
        moment = screen.get_by_test_id("screen-result")
        expect(moment.locator(".moment-word")).to_have_text("NIET GEDRAGEN")
        expect(moment.locator(".moment-sentence")).to_have_text(sentence)
        expect(moment.locator(".moment-bar")).to_have_count(3)
        size = moment.locator(".moment-word").evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert size >= 100, size
        voted_on = screen.get_by_test_id("screen-decision").get_by_test_id("proposal")
        expect(voted_on).to_contain_text("De buurtkamer mag vijf jaar in het gebouw.")
        assert screen.evaluate(NO_SCROLL)
        screen.set_viewport_size(PROJECTORS[1])
        screen.wait_for_function(NO_SCROLL)


# ------------------------------------------------------------------------- 1. the case


def test_the_case_is_read_aloud_from_the_console_and_shown_on_the_screen_in_the_lobby(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """The console shows the case and reads it aloud with the browser's voice; the big screen
    shows it in the lobby, at projector size and without scrolling."""
    with a_room(live_server, PEOPLE[:2]) as room:
        context = people(viewport=LAPTOP)
        room.api.host_in(context)
        context.add_init_script(FAKE_VOICE)
        host = context.new_page()
        host.goto(f"/room/{room.api.room_id}/host")
        title = host.get_by_test_id("case-title")
        expect(title).to_have_text("Een buurtkamer in de oude bibliotheek")
        situation = host.get_by_test_id("case-situation")
        expect(situation).to_be_visible()  # open in the lobby
        expect(host.get_by_test_id("read-case")).to_have_text("Lees voor")
        host.get_by_test_id("read-case").click()
        host.wait_for_function("() => window.spoken.length > 0")
        spoken = " ".join(host.evaluate("() => window.spoken"))
        assert spoken.startswith("Een buurtkamer in de oude bibliotheek"), spoken
        assert situation.inner_text()[:40] in spoken, spoken

        for size in PROJECTORS:
            screen = big_screen(people, room, size)
            expect(screen.get_by_test_id("screen-case-title")).to_have_text(title.inner_text())
            shown = screen.get_by_test_id("screen-situation")
            expect(shown).to_contain_text("De Vliet")
            screen.wait_for_function(NO_SCROLL)
            box = shown.bounding_box()
            assert box is not None and box["y"] + box["height"] <= size["height"], (size, box)
            font = shown.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
            assert font >= 14, (size, font)


def test_without_a_voice_the_read_aloud_button_says_so(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """A browser without a Dutch voice: the button's status says so, in words."""
    with a_room(live_server, PEOPLE[:1]) as room:
        context = people(viewport=LAPTOP)
        room.api.host_in(context)
        context.add_init_script(FAKE_VOICE.replace("lang: 'nl-NL'", "lang: 'fr-FR'"))
        host = context.new_page()
        host.goto(f"/room/{room.api.room_id}/host")
        host.get_by_test_id("read-case").click()
        expect(host.get_by_test_id("read-case-status")).to_contain_text("geen Nederlandse stem")


# ------------------------------------------------------------------------- 5. the key


def test_the_console_link_is_a_key_that_the_start_page_keeps(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """The console shows its own link with a warning and a copy button; the start page lists
    the game under 'Jouw spellen' and reopens it; without a key the console says only what
    went wrong and how to get back in."""
    base = live_server.url
    context = people(viewport=LAPTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    table = create_game(context.new_page(), base)
    host = table.host
    link = host.get_by_test_id("host-key-link")
    expect(link).to_have_value(re.compile(rf"/room/{table.room_id}/host#t=[\w-]+$"))
    expect(host.locator("#host-key-warning")).to_contain_text("Deze link is een sleutel")
    host.get_by_test_id("copy-host-link").click()
    expect(host.locator("#copy-host-status")).not_to_be_empty()
    assert host.evaluate("() => navigator.clipboard.readText()") == link.input_value()

    host.goto(base + "/")
    games = host.get_by_test_id("my-game")
    expect(games).to_have_count(1)
    expect(games).to_contain_text("Een buurtkamer in de oude bibliotheek")
    games.get_by_test_id("my-game-open").click()
    host.wait_for_url(f"**/room/{table.room_id}/host")
    expect(host.get_by_test_id("host-code")).to_have_text(table.code)

    # The key link opens the console in another browser, too.
    other = people(viewport=LAPTOP).new_page()
    other.goto(link.input_value())
    expect(other.get_by_test_id("host-code")).to_have_text(table.code)

    stranger = people(viewport=LAPTOP).new_page()
    stranger.goto(f"{base}/room/{table.room_id}/host")
    expect(stranger.get_by_test_id("no-key")).to_be_visible()
    expect(stranger.get_by_test_id("no-key")).to_contain_text("Jouw spellen")
    for hidden in ("#room-bar", ".host-grid"):
        expect(stranger.locator(hidden)).to_be_hidden()
    stranger.get_by_test_id("no-key-start").click()
    stranger.wait_for_url(base + "/")
    expect(stranger.get_by_test_id("my-games")).to_be_hidden()

    wrong = people(viewport=LAPTOP).new_page()
    wrong.goto(f"{base}/room/{table.room_id}/host#t=not-the-key")
    expect(wrong.get_by_test_id("no-key")).to_be_visible()

    host.goto(base + "/")
    host.get_by_test_id("my-game-forget").click()
    expect(host.get_by_test_id("my-games")).to_be_hidden()


def test_a_second_next_within_seconds_asks_first(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """Two consoles: a 'Next' just after another step change asks; 'No' stays, 'Yes' moves."""
    with a_room(live_server, PEOPLE[:3]) as room:
        first = console(people, room)
        second = console(people, room)
        first.get_by_test_id("start").click()
        expect(second.get_by_test_id("step-now")).to_contain_text("Ronde 1")
        second.get_by_test_id("next-phase").click()
        ask = second.get_by_test_id("step-confirm")
        expect(ask).to_be_visible()
        expect(ask).to_contain_text("misschien door een andere spelleider")
        expect(second.get_by_test_id("step-confirm-yes")).to_be_focused()
        second.get_by_test_id("step-confirm-no").click()
        expect(ask).to_be_hidden()
        expect(second.get_by_test_id("step-now")).to_have_text("Ronde 1 van 4 · Waarden · Kaarten")
        assert room.fac.view["public"]["phase"] == "play"

        reflection = re.compile("Reflectie|Terugblik")
        next_step(second, reflection)  # confirms when it is still within the seconds
        expect(first.get_by_test_id("step-now")).to_contain_text(reflection)


# ------------------------------------------------------------------------- 7. the projector


@pytest.mark.parametrize("size", PROJECTORS, ids=("1920x1080", "1280x720"))
def test_forty_cards_fit_the_projector_in_pages(
    live_server: Server, people: Callable[..., BrowserContext], size: dict[str, int]
) -> None:
    """With 40 cards the screen never scrolls; every card is on some page, whole; a
    highlighted card comes first; the code and QR code sit small in a corner; a pause is
    large."""
    with a_room(live_server) as room:
        screen = big_screen(people, room, size)
        qr = screen.get_by_test_id("screen-qr")
        expect(qr).to_be_visible()
        lobby_qr = qr.bounding_box()
        room.step("play", 1)
        writers = list(room.players.values())
        for n in range(40):
            words = " en een vaste sleutelhouder" * (n % 4)
            writers[n % 4].act("post_card", text=f"Kaart {n}: open deuren{words}.")
        wait_until(lambda: len(room.fac.view["public"]["cards"]) == 40)
        late = room.fac.view["public"]["cards"][33]["id"]
        room.fac.act("highlight_card", card_id=late, on=True)

        board = screen.get_by_test_id("board")
        expect(board.locator(f"[data-card-id='{late}']").first).to_be_visible()
        first = board.locator("[data-testid=card]:visible").first
        expect(first).to_have_attribute("data-card-id", late)
        indicator = screen.get_by_test_id("board-pages")
        expect(indicator).to_be_visible()
        pages = int(indicator.get_attribute("data-pages") or "0")
        assert pages >= 2, pages

        seen: set[str] = set()
        for n in range(pages):
            expect(indicator).to_have_attribute("data-page", str(n + 1))
            assert screen.evaluate(NO_SCROLL), n
            shown = screen.evaluate(
                """() => Array.from(document.querySelectorAll('#board-list > .card'))
                  .filter(c => !c.hidden).map(c => {
                    const b = c.getBoundingClientRect();
                    return [c.dataset.cardId, b.top >= 0 && b.bottom <= window.innerHeight + 1];
                  })"""
            )
            assert shown and all(whole for _, whole in shown), (n, shown)
            seen |= {card_id for card_id, _ in shown}
            screen.keyboard.press("PageDown")
        assert seen == {c["id"] for c in room.fac.view["public"]["cards"]}

        # After the lobby the QR code is small, in the top right corner.
        box = qr.bounding_box()
        assert lobby_qr is not None and box is not None
        assert box["width"] < lobby_qr["width"] / 2, (box, lobby_qr)
        assert box["x"] > size["width"] * 0.6 and box["y"] < size["height"] * 0.2, box

        room.fac.act("pause_game")
        pause = screen.get_by_test_id("pause-banner")
        expect(pause).to_be_visible()
        font = pause.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert font >= 60, font
        room.fac.act("resume_game")
        expect(pause).to_be_hidden()


def test_the_pages_turn_by_themselves(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """The page indicator moves on without anyone touching the big screen."""
    with a_room(live_server) as room:
        screen = big_screen(people, room, PROJECTORS[1], clock=True)
        room.step("play", 1)
        writers = list(room.players.values())
        for n in range(30):
            writers[n % 4].act("post_card", text=f"Kaart {n}: " + "lange tekst " * 12)
        indicator = screen.get_by_test_id("board-pages")
        expect(indicator).to_have_attribute("data-page", "1")
        expect(indicator).to_have_text(
            re.compile(r"^Pagina 1 van \d+\. De volgende pagina komt vanzelf\.$")
        )
        # The page's own timer turns the page (PAGE_MS in screen.js); the browser's clock
        # jumps there instead of the test waiting it out, and nothing else turns it.
        screen.clock.fast_forward(PAGE_MS)
        expect(indicator).to_have_attribute("data-page", "2")


def test_after_the_close_the_screen_shows_a_qr_code_for_the_summary(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """Closed: the QR code is back, larger, with the words that it opens the summary."""
    with a_room(live_server, PEOPLE[:3]) as room:
        screen = big_screen(people, room, PROJECTORS[0])
        room.step("play", 1)
        room.fac.act("close_game")
        expect(
            screen.get_by_text("Scan de QR-code: je telefoon opent de samenvatting.")
        ).to_be_visible()
        expect(screen.get_by_test_id("screen-qr")).to_be_visible()
        expect(screen.get_by_test_id("screen-code")).to_be_hidden()


# ------------------------------------------------------------------------- 8. time


def test_time_up_chimes_unless_muted_and_the_overtime_counts(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """At time-up the big screen chimes (once someone clicked it) and counts '+0:0x', as
    does the console; muted from the console, the next time-up is silent."""
    with a_room(live_server, PEOPLE[:3]) as room:
        host = console(people, room, clock=True)
        screen = big_screen(people, room, PROJECTORS[1], clock=True)
        hint = screen.get_by_test_id("sound-hint")
        expect(hint).to_contain_text("Klik 1 keer op dit scherm")
        screen.mouse.click(10, 10)  # browsers allow sound only after a touch
        expect(hint).to_be_hidden()
        room.step("play", 1)
        room.fac.act("set_timer", seconds=10)
        run_out_ten_seconds(host, screen)
        up = screen.get_by_test_id("time-up")
        expect(up).to_be_visible()
        expect(up).to_have_attribute("data-chimed", "true")
        expect(screen.get_by_test_id("timer")).to_have_text(OVERTIME)
        expect(host.get_by_test_id("timer")).to_have_text(OVERTIME)
        screen.wait_for_timeout(1_200)
        expect(screen.get_by_test_id("timer")).not_to_have_text("+0:00")

        host.get_by_test_id("setting-chime").uncheck()
        wait_until(lambda: room.fac.view["public"]["settings"]["chime"] is False)
        room.fac.act("set_timer", seconds=10)
        expect(up).to_be_hidden()
        run_out_ten_seconds(host, screen)
        expect(up).to_be_visible()
        expect(up).to_have_attribute("data-chimed", "false")


# ------------------------------------------------------------------------- 10. undo and warnings


def test_a_merge_can_be_undone_and_conditions_take_lines(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """'Maak los' brings a merged card back on its own; a condition is a multi-line field."""
    with a_room(live_server, PEOPLE[:3]) as room:
        host = console(people, room)
        room.step("play", 1)
        room.players["Anna"].act("post_card", text="Samen de sleutel beheren.")
        room.players["Bram"].act("post_card", text="Een vaste sleutelhouder.")
        cards = host.get_by_test_id("board").locator("[data-testid=card]")
        expect(cards).to_have_count(2)
        bram = card(host, "Een vaste sleutelhouder.")
        bram.get_by_test_id("merge-target").select_option(index=1)
        bram.get_by_test_id("card-merge").click()
        expect(cards).to_have_count(1)
        host.get_by_test_id("card-unmerge").click()
        expect(cards).to_have_count(2)
        wait_until(lambda: all(not c["merged_into"] for c in room.fac.view["public"]["cards"]))

        room.step("play", 4)
        host.get_by_test_id("proposal-text").fill("De buurtkamer mag vijf jaar in het gebouw.")
        host.get_by_test_id("add-condition").click()
        condition = host.get_by_test_id("condition-text")
        assert condition.evaluate("e => e.tagName") == "TEXTAREA"
        condition.fill("Een vaste sleutelhouder,\nen elk jaar een gesprek.")
        host.get_by_test_id("save-proposal").click()
        wait_until(
            lambda: (
                [c["text"] for c in room.fac.view["public"]["draft"]["conditions"]]
                == ["Een vaste sleutelhouder,\nen elk jaar een gesprek."]
            )
        )


def test_few_players_and_a_problem_spreading_cannot_solve(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """Two players: the lobby warns before the start; in the game the console says spreading
    again cannot help, and does not offer it."""
    with a_room(live_server, PEOPLE[:2]) as room:
        host = console(people, room)
        warning = host.get_by_test_id("few-players")
        expect(warning).to_contain_text("Er zijn pas 2 spelers")
        expect(host.get_by_test_id("start")).to_be_enabled()
        room.step("play", 1)
        expect(warning).to_be_hidden()
        expect(host.get_by_test_id("rotation-issues")).to_contain_text(
            "Opnieuw verdelen lost dit niet op"
        )
        expect(host.get_by_test_id("rebalance")).to_be_hidden()


# ------------------------------------------------------------------------- 12. phones


def test_a_loopback_join_address_is_explained_on_console_and_screen(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """The test server answers on 127.0.0.1: console and screen say phones cannot reach it
    and how to fix it; a LAN address would not be flagged."""
    with a_room(live_server, PEOPLE[:1]) as room:
        host = console(people, room)
        screen = big_screen(people, room, PROJECTORS[0])
        for page in (host, screen):
            warning = page.get_by_test_id("loopback-warning")
            expect(warning).to_contain_text("Telefoons kunnen 127.0.0.1 niet bereiken")
            expect(warning).to_contain_text("HOST=0.0.0.0")
        flagged = host.evaluate(
            """async () => {
              // The module as the sources serve it (the page runs it bundled, inline).
              const { loopbackHost } = await import('/static/js/game.js');
              return ['http://127.0.0.1:5000/j/X', 'http://localhost/join', 'http://[::1]:80/',
                      'http://192.168.1.20:5000/j/X', 'https://rolwissel.example/join']
                .map((u) => loopbackHost(u));
            }"""
        )
        assert flagged == ["127.0.0.1", "localhost", "::1", "", ""], flagged
