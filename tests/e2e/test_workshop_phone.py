"""The participant's phone in a workshop (issue 9), in a real browser: the case and reading
aloud, what you know, the vote explained, the way back to a seat, the time-up chime, the
reflection that fits the round, and nothing typed lost (too long, hidden, offline)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from browser_game import (
    ROOT,
    SCENARIO,
    ApiRoom,
    Bot,
    join,
    my_role,
    post_card,
    run_out_ten_seconds,
    wait_until,
)
from playwright.sync_api import BrowserContext, Page, expect
from serverproc import Server

from game.scenarios.loader import load_scenario

pytestmark = pytest.mark.browser

CASE = load_scenario(ROOT / "scenarios" / f"{SCENARIO}.yaml")

# A browser that can speak Dutch: the utterances are recorded instead of spoken.
SPEAKS_DUTCH = """
window.__spoken = [];
window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: {
  getVoices: () => [{ name: 'Test', lang: 'nl-NL', localService: true, default: true }],
  speak: (u) => { window.__spoken.push(u.text); setTimeout(() => u.onend && u.onend(), 5); },
  cancel: () => {}, addEventListener: () => {}, removeEventListener: () => {},
} });
"""

# A browser with a Dutch and an English voice: each utterance's language is recorded.
SPEAKS_BOTH = """
window.__langs = [];
window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: {
  getVoices: () => [{ name: 'NL', lang: 'nl-NL', localService: true, default: true },
                    { name: 'EN', lang: 'en-GB', localService: true, default: false }],
  speak: (u) => { window.__langs.push(u.lang); setTimeout(() => u.onend && u.onend(), 5); },
  cancel: () => {}, addEventListener: () => {}, removeEventListener: () => {},
} });
"""

# A browser with speech synthesis but not a single voice.
NO_VOICES = """
Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: {
  getVoices: () => [], speak: () => { throw new Error('no voice'); },
  cancel: () => {}, addEventListener: () => {}, removeEventListener: () => {},
} });
"""

# Counts the chime's tones and the vibrations.
COUNTS_CHIME = """
window.__tones = 0;
window.__buzz = [];
const made = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () {
  window.__tones += 1;
  return made.call(this);
};
Object.defineProperty(navigator, 'vibrate', { configurable: true,
  value: (pattern) => { window.__buzz.push(pattern); return true; } });
"""


def _phone(
    people: Callable[..., BrowserContext],
    room: ApiRoom,
    name: str,
    role: str,
    script: str = "",
    clock: bool = False,
) -> Page:
    """A phone with a seat in the room, on its player page (`clock`: with the page's clock
    installed, so the test can move the browser's time on; the server keeps the real one)."""
    context = people(viewport={"width": 360, "height": 740})
    room.seat_in(context, name, role)
    if script:
        context.add_init_script(script)
    if clock:
        context.clock.install()
    page = context.new_page()
    page.goto(f"/room/{room.room_id}/play")
    expect(page.get_by_test_id("my-name")).to_have_text(name)
    return page


@dataclass
class Table:
    """A room with the facilitator and two other players as socket clients, and Anna (a
    resident) on a 360 px phone."""

    room: ApiRoom
    host: Bot
    others: list[Bot]
    page: Page

    def to(self, round_: int, phase: str) -> None:
        """The facilitator moves on until (round, phase); Anna's phone shows that step."""
        host = self.host
        while (host.view["public"]["round"], host.view["public"]["phase"]) != (round_, phase):
            started = host.view["public"]["phase"] == "lobby"
            reply = host.act("start") if started else host.act("next_phase", confirm=True)
            wait_until(lambda v=reply["version"]: host.view["public"]["version"] >= v)
        expect(self.page.locator("#round-number")).to_have_text(f"Ronde {round_} van 4")
        expect(self.page.locator("#phase-label")).to_have_text(re.compile(STEP_WORDS[phase]))


STEP_WORDS = {"play": "Kaarten", "reflection": "Reflectie|Terugblik", "decision": "Besluit"}


@pytest.fixture
def table(
    live_server: Server, people: Callable[..., BrowserContext]
) -> Iterator[Callable[..., Table]]:
    """Make a table (`script`: run in Anna's browser before the page's own; `clock`: her
    page's clock installed); all socket clients closed after the test."""
    made: list[Bot] = []

    def make(script: str = "", clock: bool = False) -> Table:
        room = ApiRoom.create(live_server.url)
        host = room.facilitator()
        others = [room.bot("Bram", "raadslid"), room.bot("Cem", "ambtenaar")]
        made.extend([host, *others])
        phone = _phone(people, room, "Anna", "inwoner", script, clock)
        return Table(room, host, others, phone)

    yield make
    for bot in made:
        bot.close()


# ------------------------------------------------------------------ 1. the case, read aloud


def test_the_case_is_in_full_in_the_lobby_and_can_be_folded_open_in_a_round(
    table: Callable[..., Table],
) -> None:
    """The lobby shows the case's title and whole situation; in round 1 it is folded and opens."""
    game = table()
    page = game.page
    case = page.get_by_test_id("case")
    expect(page.get_by_test_id("case-title")).to_have_text(CASE.title.get("nl"))
    expect(case).to_have_attribute("open", "")
    first_paragraph = CASE.situation.get("nl").split("\n")[0].strip()
    expect(page.get_by_test_id("case-situation")).to_contain_text(first_paragraph[:60])
    expect(page.get_by_test_id("case-situation")).to_be_visible()
    game.to(1, "play")
    expect(case).not_to_have_attribute("open", "")
    expect(page.get_by_test_id("case-situation")).to_be_hidden()
    page.get_by_test_id("case-open").click()
    expect(page.get_by_test_id("case-situation")).to_be_visible()


def test_read_aloud_reads_the_case_the_role_card_and_the_question_in_dutch(
    table: Callable[..., Table],
) -> None:
    """Each "Lees voor" button speaks its own text with the Dutch voice."""
    game = table(SPEAKS_DUTCH)
    page = game.page
    page.get_by_test_id("read-case").click()
    wait_until(lambda: any(CASE.title.get("nl") in s for s in page.evaluate("window.__spoken")))
    game.to(1, "play")
    role = my_role(page)
    page.get_by_test_id("read-rolecard").click()
    card = CASE.roles[role]  # type: ignore[index]
    wait_until(lambda: any(card.title.get("nl") in s for s in page.evaluate("window.__spoken")))
    page.get_by_test_id("read-question").click()
    question = CASE.rounds[0].question.get("nl")
    spoken = lambda: " ".join(page.evaluate("window.__spoken"))  # noqa: E731
    wait_until(lambda: question[:40] in spoken())


def test_read_aloud_speaks_english_on_an_english_page(table: Callable[..., Table]) -> None:
    """The same phone switched to English reads the English case with the English voice."""
    page = table(SPEAKS_BOTH).page
    page.get_by_test_id("read-case").click()
    wait_until(lambda: page.evaluate("window.__langs")[:1] == ["nl-NL"])
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("case-title")).to_have_text(CASE.title.get("en"))
    page.get_by_test_id("read-case").click()
    wait_until(lambda: set(page.evaluate("window.__langs")) == {"en-GB"})


def test_read_aloud_without_a_voice_says_so(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """A browser with no voices: the button says in words that it cannot read aloud."""
    room = ApiRoom.create(live_server.url)
    page = _phone(people, room, "Anna", "inwoner", NO_VOICES)
    page.get_by_test_id("read-case").click()
    expect(page.get_by_test_id("read-case-status")).to_contain_text("geen Nederlandse stem")


# ------------------------------------------------------------------ 2. what you know


def test_after_round_two_a_player_sees_exactly_the_secrets_dealt_to_them(
    table: Callable[..., Table],
) -> None:
    """Round 1's and round 2's secrets of the roles played, nothing of the other seven."""
    game = table()
    page = game.page
    played: dict[int, str] = {}
    for round_ in (1, 2):
        game.to(round_, "play")
        played[round_] = my_role(page)
        expect(page.get_by_test_id("secret")).to_contain_text(
            "Alleen wie deze rol in deze ronde speelt"
        )
    game.to(2, "reflection")
    dealt = {
        s.id
        for r, role in played.items()
        for s in CASE.roles[role].secrets  # type: ignore[index]
        if s.round == r
    }
    page.get_by_test_id("known-open").click()
    shown = page.get_by_test_id("known-secret")
    expect(shown).to_have_count(len(dealt))
    assert {shown.nth(i).get_attribute("data-secret-id") for i in range(len(dealt))} == dealt
    html = page.content()
    for card in CASE.roles.values():
        for secret in card.secrets:
            if secret.id not in dealt:
                assert secret.text.get("nl") not in html, secret.id


# ------------------------------------------------------------------ 3. the vote


def test_the_vote_is_explained_before_voting_takes_a_reservation_and_ends_in_one_sentence(
    table: Callable[..., Table],
) -> None:
    """The three answers and "2 van de 3" before voting; a reservation's text; the result."""
    game = table()
    page, host, bots = game.page, game.host, game.others
    game.to(4, "play")
    host.act("draft_proposal", text="De buurtkamer komt in de bibliotheek.", conditions=[])
    game.to(4, "decision")
    host.act("open_vote")
    explain = page.get_by_test_id("vote-explain")
    expect(explain).to_be_visible()
    for word in ("Eens", "Eens met bedenkingen", "Bezwaar"):
        expect(explain.locator("dt", has_text=re.compile(f"^{word}$"))).to_be_visible()
    expect(page.get_by_test_id("vote-threshold")).to_contain_text("2 van de 3")
    page.get_by_test_id("vote-eens_met_bedenkingen").check()
    page.get_by_test_id("vote-reservation").fill("Let op de openingstijden.")
    page.get_by_test_id("vote-submit").click()
    expect(page.get_by_test_id("vote-current")).to_contain_text("Eens met bedenkingen")
    for bot in bots:
        bot.act("cast_vote", choice="eens")
    host.act("close_vote")
    host.act("show_tally")
    wait_until(lambda: host.view["public"]["ballots"][-1]["tally_shown"])
    reservations = host.view["public"]["ballots"][-1]["reservations"]
    assert reservations == ["Let op de openingstijden."]
    result = page.get_by_test_id("result")
    expect(result.locator(".result-sentence")).to_have_text(re.compile(r"^Gedragen"))
    sentence = result.locator(".result-sentence").inner_text()
    assert len(sentence.split()) <= 15, sentence
    expect(result.locator(".result-groups li")).to_have_count(3)


# ------------------------------------------------------------------ 6. the way back to a seat


def test_back_and_a_second_scan_offer_the_seat_this_browser_holds(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """After joining, Back and a second scan of the QR offer "Ga verder als Anna", no new seat."""
    room = ApiRoom.create(live_server.url)
    host = room.facilitator()
    page = people().new_page()
    join(page, live_server.url, room.code, "Anna", "inwoner")
    page.go_back()
    offer = page.get_by_test_id("join-continue")
    expect(offer).to_have_text(re.compile("Ga verder als Anna"))
    expect(page.get_by_test_id("join-form")).to_be_hidden()
    offer.click()
    page.wait_for_url("**/room/*/play")
    expect(page.get_by_test_id("my-name")).to_have_text("Anna")
    second = page.context.new_page()
    second.goto(f"{live_server.url}/j/{room.code}")
    expect(second.get_by_test_id("join-continue")).to_have_text(re.compile("Ga verder als Anna"))
    assert len(host.view["public"]["players"]) == 1
    # Someone else on this phone can still take a seat of their own.
    second.get_by_test_id("join-someone-else").click()
    expect(second.get_by_test_id("join-form")).to_be_visible()
    host.close()


def test_the_join_page_of_a_closed_game_links_to_its_summary(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """A scan after the close leads to the summary, not to a form that cannot work."""
    room = ApiRoom.create(live_server.url)
    host = room.facilitator()
    room.seat("Bram", "raadslid")
    host.act("start")
    host.act("close_game")
    page = people().new_page()
    page.goto(f"{live_server.url}/j/{room.code}")
    link = page.get_by_test_id("join-summary")
    expect(link).to_have_attribute("href", re.compile(f"/room/{room.room_id}/summary"))
    expect(page.get_by_test_id("join-form")).to_be_hidden()
    host.close()


# ------------------------------------------------------------------ 8. time is up


def test_time_up_chimes_softly_and_vibrates(table: Callable[..., Table]) -> None:
    """When the timer runs out, a phone that was touched plays the chime and vibrates."""
    game = table(COUNTS_CHIME, clock=True)
    page, host = game.page, game.host
    game.to(1, "play")
    page.get_by_test_id("card-input").click()  # the touch that allows sound
    host.act("set_timer", seconds=10)
    run_out_ten_seconds(page)
    expect(page.get_by_test_id("time-up")).to_be_visible()
    wait_until(lambda: page.evaluate("window.__tones") >= 2)
    assert page.evaluate("window.__buzz") == [[200, 100, 200]]


def test_a_muted_chime_stays_silent_but_the_phone_still_buzzes(
    table: Callable[..., Table],
) -> None:
    """The console turned the chime off: at time-up no tone, the short buzz still comes."""
    game = table(COUNTS_CHIME, clock=True)
    page, host = game.page, game.host
    game.to(1, "play")
    host.act("set_setting", name="chime", value=False)
    page.get_by_test_id("card-input").click()  # the touch that would allow sound
    host.act("set_timer", seconds=10)
    run_out_ten_seconds(page)
    expect(page.get_by_test_id("time-up")).to_be_visible()
    wait_until(lambda: page.evaluate("window.__buzz") == [[200, 100, 200]])
    assert page.evaluate("window.__tones") == 0


# ------------------------------------------------------------------ 9. the reflection


def test_the_reflection_question_fits_the_round(table: Callable[..., Table]) -> None:
    """Another role, one's own role, and in round 4 the decision: each its own question."""
    game = table()
    page = game.page
    kinds = []
    for round_ in (1, 2, 3):
        game.to(round_, "play")
        own = my_role(page) == "inwoner"
        game.to(round_, "reflection")
        form = page.locator("#reflection-form")
        expect(form).to_have_attribute("data-kind", "own" if own else "swap")
        prompt = page.locator("#reflection-prompt")
        if own:
            expect(prompt).to_contain_text("jouw rol")
            expect(page.get_by_test_id("reflection-why")).to_contain_text("thuisrol")
        else:
            expect(prompt).to_contain_text("in deze rol")
        kinds.append(form.get_attribute("data-kind"))
    assert sorted(kinds) == ["own", "swap", "swap"]
    game.to(4, "reflection")
    expect(page.locator("#reflection-form")).to_have_attribute("data-kind", "decision")
    expect(page.locator("#reflection-prompt")).to_contain_text("besluit")


# ------------------------------------------------------------------ 10. nothing typed lost


def test_a_pasted_text_that_is_too_long_is_kept_and_explained(table: Callable[..., Table]) -> None:
    """Pasting 301 characters into a 280 card: all of it stays, with how much to remove."""
    game = table()
    page, host = game.page, game.host
    game.to(1, "play")
    text = "Heel lang. " * 27 + "Echt"  # 301 characters
    page.get_by_test_id("card-input").fill(text)
    expect(page.get_by_test_id("card-input")).to_have_value(text)
    expect(page.get_by_test_id("card-counter")).to_contain_text("haal 21 tekens weg")
    page.get_by_test_id("card-submit").click()
    expect(page.get_by_test_id("card-error")).to_contain_text("21 tekens te lang")
    expect(page.get_by_test_id("card-input")).to_have_value(text)
    expect(page.get_by_test_id("card-input")).to_be_focused()
    assert host.view["public"]["cards"] == []


def test_the_author_of_a_hidden_card_is_told(table: Callable[..., Table]) -> None:
    """The facilitator hides Anna's card: her phone says so and still shows her text."""
    game = table()
    page, host = game.page, game.host
    game.to(1, "play")
    post_card(page, "Een bankje bij de ingang.")
    wait_until(lambda: bool(host.view["public"]["cards"]))  # the facilitator's socket too
    card_id = host.view["public"]["cards"][0]["id"]
    host.act("hide_card", card_id=card_id)
    hidden = page.get_by_test_id("hidden-cards")
    expect(hidden).to_be_visible()
    expect(hidden).to_contain_text("verborgen")
    expect(page.get_by_test_id("hidden-card")).to_have_text(re.compile("Een bankje bij de ingang."))
    expect(page.get_by_test_id("live-polite")).to_contain_text("verborgen")


def _post_offline(game: Table, text: str) -> None:
    """In round 1, Anna's phone loses its connection and she posts `text`: it waits, shown."""
    page = game.page
    game.to(1, "play")
    page.context.set_offline(True)
    expect(page.get_by_test_id("conn-banner")).to_be_visible(timeout=20_000)
    page.get_by_test_id("card-input").fill(text)
    page.get_by_test_id("card-submit").click()
    expect(page.get_by_test_id("card-input")).to_have_value("")
    expect(page.get_by_test_id("outbox-card")).to_contain_text(text)


def test_a_card_typed_offline_is_sent_once_after_reconnecting(table: Callable[..., Table]) -> None:
    """Offline: the card waits, marked; back online it is posted once, with the same key."""
    game = table()
    page, host = game.page, game.host
    _post_offline(game, "Geschreven in de trein.")
    page.context.set_offline(False)
    expect(
        page.locator("[data-testid=card].mine", has_text="Geschreven in de trein.")
    ).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("outbox")).to_be_hidden()
    wait_until(lambda: bool(host.view["public"]["cards"]))
    page.wait_for_timeout(1500)  # a second copy would have arrived by now
    texts: list[Any] = [c["text"] for c in host.view["public"]["cards"]]
    assert texts == ["Geschreven in de trein."]


def test_a_card_typed_offline_is_not_posted_into_a_later_step(table: Callable[..., Table]) -> None:
    """The step moved on while offline: the card is shown as not posted, with the reason."""
    game = table()
    page, host = game.page, game.host
    _post_offline(game, "Te laat voor deze stap.")
    host.act("next_phase", confirm=True)
    page.context.set_offline(False)
    expect(page.get_by_test_id("outbox-state")).to_contain_text(
        "Niet geplaatst: De stap was al voorbij", timeout=20_000
    )
    page.get_by_test_id("outbox-dismiss").click()
    expect(page.get_by_test_id("outbox")).to_be_hidden()
    expect(page.locator("#board-title")).to_be_focused()
    assert host.view["public"]["cards"] == []
