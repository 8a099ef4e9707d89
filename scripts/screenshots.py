"""Screenshots of every page and state at 360, 768 and 1920 px wide, into docs/screenshots/.

    make screenshots                # or: .venv/bin/python scripts/screenshots.py [--out DIR]

Starts its own server (`rolwissel serve`, eventlet) on a free port of 127.0.0.1 with a
temporary instance folder, plays a game through the pages with Debian's chromium (a
facilitator, a big screen and six players) and photographs each state as
`<page>-<state>-<width>.png`. Viewport only, not the full page; each file is reduced to a
256-colour palette so it stays small.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT / "tests"))  # browser_game builds on serverproc

import requests  # noqa: E402
from browser_game import (  # noqa: E402  (after the path above)
    create_game,
    join,
    launch,
    live_server,
    new_context,
    next_step,
    post_card,
)
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

SIZES = {360: 640, 768: 1024, 1920: 1080}
SHOWN_ADDRESS = "https://rolwissel.example"
PEOPLE = (
    ("Anna", "inwoner"),
    ("Bram", "raadslid"),
    ("Cem", "ambtenaar"),
    ("Dewi", "inwoner"),
    ("Eva", "raadslid"),
    ("Femke", "ambtenaar"),
)
CARDS = (
    "Niemand in De Vliet hoort alleen te zijn: een plek om binnen te lopen helpt.",
    "Zuinig met geld: elke euro voor deze wijk moet ook uit te leggen zijn in andere wijken.",
    "Vrijwilligers willen vrijheid, maar ook iemand die helpt met de regels.",
    "Een buurtkamer werkt alleen als er vaste mensen zijn die elke week open doen.",
    "Veiligheid eerst: het gebouw heeft een brandveilige uitgang nodig.",
    "Samen beslissen: bewoners, raad en gemeente aan één tafel.",
)


def _shrink(png: bytes) -> bytes:
    """The same picture with a 256-colour palette (a fraction of the size for a UI)."""
    try:
        from PIL import Image
    except ImportError:  # Pillow comes with fpdf2; without it the file is just larger
        return png
    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue() if out.tell() < len(png) else png


class Camera:
    """Photographs a page at each width; remembers what it wrote."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.written: list[Path] = []

    def shoot(self, page: Page, name: str, prepare: Callable[[Page], None] | None = None) -> None:
        original = page.viewport_size
        for width, height in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(null)))")
            if prepare is not None:
                prepare(page)
            else:
                page.evaluate("() => window.scrollTo(0, 0)")
            page.wait_for_timeout(150)
            path = self.out / f"{name}-{width}.png"
            path.write_bytes(_shrink(page.screenshot(animations="disabled", caret="initial")))
            self.written.append(path)
        if original is not None:
            page.set_viewport_size(original)


def scroll_to(selector: str) -> Callable[[Page], None]:
    def prepare(page: Page) -> None:
        page.evaluate("() => window.scrollTo(0, 0)")
        page.locator(selector).first.scroll_into_view_if_needed()
        # Below the sticky top bar, not under it.
        page.evaluate(
            "(s) => { const e = document.querySelector(s);"
            " window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 70); }",
            selector,
        )

    return prepare


def play(base: str, camera: Camera) -> None:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            _play(browser, base, camera)
        finally:
            browser.close()


def _play(browser: object, base: str, camera: Camera) -> None:
    def context(width: int = 390, height: int = 844) -> object:
        return new_context(
            browser, base, locale="nl-NL", viewport={"width": width, "height": height}
        )

    host = context(1280, 900).new_page()  # type: ignore[attr-defined]
    host.goto(base + "/")
    expect(host.locator("input[data-testid^=scenario-]").first).to_be_visible()
    camera.shoot(host, "start-default")
    table = create_game(host, base)
    mine = host.context.new_page()  # the start page again: "Jouw spellen" lists the game
    mine.goto(base + "/")
    expect(mine.get_by_test_id("my-game")).to_have_count(1)
    camera.shoot(mine, "start-yourgames")
    mine.close()
    screen = context(1920, 1080).new_page()  # type: ignore[attr-defined]
    screen.goto(table.screen_url(base))
    expect(screen.get_by_test_id("sound-hint")).to_be_visible()
    screen.mouse.click(5, 5)  # the leader clicks the big screen once, so the chime may sound

    first = context().new_page()  # type: ignore[attr-defined]
    first.goto(f"{base}/j/{table.code}")
    first.get_by_test_id("join-name").fill("Anna")
    first.get_by_test_id("join-role-inwoner").check()
    first.evaluate("() => document.activeElement.blur()")
    camera.shoot(first, "join-default")
    first.get_by_test_id("join-submit").click()
    first.wait_for_url("**/room/*/play")
    players = [first]
    for name, role in PEOPLE[1:]:
        page = context().new_page()  # type: ignore[attr-defined]
        join(page, base, table.code, name, role)
        players.append(page)
    anna = first
    expect(anna.get_by_test_id("lobby-count")).to_contain_text("6")
    expect(screen.get_by_test_id("lobby-count")).to_contain_text("6")
    camera.shoot(anna, "play-lobby")
    camera.shoot(anna, "play-case", scroll_to("#case"))
    # A second scan of the QR code on Anna's phone: go on as Anna, no second seat.
    again = anna.context.new_page()
    again.goto(f"{base}/j/{table.code}")
    expect(again.get_by_test_id("join-continue")).to_be_visible()
    camera.shoot(again, "join-seatkept")
    again.close()
    camera.shoot(host, "host-lobby")
    camera.shoot(screen, "screen-lobby")

    # Round 1: cards, reactions, a timer.
    host.get_by_test_id("start").click()
    host.get_by_test_id("timer-10").click()
    for page, text in zip(players, CARDS, strict=True):
        post_card(page, text)
    for page in players[1:4]:
        page.get_by_test_id("board").locator("[data-testid=card]").first.get_by_test_id(
            "react-support"
        ).click()
    players[4].get_by_test_id("board").locator("[data-testid=card]").nth(1).get_by_test_id(
        "react-question"
    ).click()
    host.get_by_test_id("board").locator("[data-testid=card]").nth(2).get_by_test_id(
        "card-highlight"
    ).click()
    expect(screen.get_by_test_id("board").locator("[data-testid=card]")).to_have_count(6)
    anna.get_by_test_id("card-input").fill("Een plek waar je zonder afspraak binnen")
    camera.shoot(anna, "play-round")
    camera.shoot(anna, "play-board", scroll_to("#board"))
    anna.get_by_test_id("other-device-open").click()
    camera.shoot(anna, "play-otherdevice", scroll_to("#other-device"))
    anna.get_by_test_id("other-device-open").click()
    camera.shoot(host, "host-round")
    camera.shoot(screen, "screen-round")
    host.get_by_test_id("pause-game").click()
    expect(screen.get_by_test_id("pause-banner")).to_be_visible()
    camera.shoot(screen, "screen-pause")
    host.get_by_test_id("resume-game").click()

    next_step(host, "Terugblik")
    anna.get_by_test_id("reflection-input").fill(
        "Als raadslid moest ik aan de hele stad denken, niet alleen aan mijn eigen straat."
    )
    anna.get_by_test_id("reflection-share").check()
    anna.get_by_test_id("reflection-submit").click()
    expect(anna.get_by_test_id("reflection-status")).not_to_be_empty()
    camera.shoot(anna, "play-reflection", scroll_to("#reflection"))
    camera.shoot(screen, "screen-reflection")

    next_step(host, "Ronde 2")
    for page, text in zip(players, CARDS, strict=True):
        post_card(page, "Haalbaar? " + text)
    next_step(host, "Terugblik")
    anna.get_by_test_id("known-open").click()
    camera.shoot(anna, "play-known", scroll_to("#known"))
    next_step(host, "Ronde 3")
    for page, text in zip(players, CARDS, strict=True):
        post_card(page, "Voorwaarde: " + text[0].lower() + text[1:])
    next_step(host, "Terugblik")

    next_step(host, "Ronde 4")
    expect(anna.get_by_test_id("scoring")).to_be_visible()
    for n, page in enumerate(players):
        for option in page.locator("[data-testid^=option-]").all():
            option_id = (option.get_attribute("data-testid") or "").removeprefix("option-")
            page.get_by_test_id(f"score-{option_id}-{1 + (n % 5)}").check()
    camera.shoot(anna, "play-scoring", scroll_to("#scoring"))

    next_step(host, "Kaarten")
    host.get_by_test_id("proposal-text").fill(
        "De buurtkamer mag vijf jaar in de oude bibliotheek, voor 1 euro huur per jaar."
    )
    sources = host.get_by_test_id("source-card")
    sources.nth(0).get_by_test_id("add-card-condition").click()
    sources.nth(1).get_by_test_id("add-card-condition").click()
    host.get_by_test_id("save-proposal").click()
    expect(anna.get_by_test_id("proposal-draft")).to_be_visible()
    next_step(host, "Besluit")
    host.get_by_test_id("open-vote").click()
    for n, page in enumerate(players[1:], start=1):
        page.get_by_test_id("vote-eens" if n != 3 else "vote-eens_met_bedenkingen").check()
        page.get_by_test_id("vote-submit").click()
    anna.get_by_test_id("vote-bezwaar").check()
    anna.get_by_test_id("vote-reason").fill("Niemand regelt wie de sleutel heeft.")
    camera.shoot(anna, "play-vote", scroll_to("#proposal"))
    expect(host.get_by_test_id("not-voted")).to_have_text("Nog niet gestemd: Anna")
    camera.shoot(host, "host-vote", scroll_to("#decision"))
    camera.shoot(anna, "play-voteexplained", scroll_to("#vote-explain"))
    anna.get_by_test_id("vote-submit").click()
    expect(host.get_by_test_id("vote-status")).to_contain_text("6 van 6")
    camera.shoot(screen, "screen-vote")
    host.get_by_test_id("close-vote").click()
    host.get_by_test_id("show-tally").click()
    # Amend, vote again, carried.
    host.get_by_test_id("add-condition").click()
    host.get_by_test_id("condition-text").last.fill("Er is een vaste sleutelhouder.")
    host.get_by_test_id("save-proposal").click()
    expect(host.locator("#proposal-status")).to_contain_text("Bewaard")
    host.get_by_test_id("open-vote").click()
    for page in players:
        expect(page.locator("#vote-form")).to_be_visible()
        page.get_by_test_id("vote-eens").check()
        page.get_by_test_id("vote-submit").click()
    expect(host.get_by_test_id("vote-status")).to_contain_text("6 van 6")
    host.get_by_test_id("close-vote").click()
    host.get_by_test_id("show-tally").click()
    expect(anna.get_by_test_id("result")).to_be_visible()
    expect(screen.get_by_test_id("screen-result")).to_be_visible()
    camera.shoot(anna, "play-result", scroll_to("#proposal"))
    camera.shoot(host, "host-decision", scroll_to("#decision"))
    camera.shoot(screen, "screen-result")

    next_step(host, "Terugblik")
    host.get_by_test_id("close-game").click()
    host.get_by_test_id("close-game-confirm").click()
    expect(anna.get_by_test_id("closed")).to_be_visible()
    camera.shoot(anna, "play-closed")
    camera.shoot(host, "host-closed")
    camera.shoot(screen, "screen-closed")
    # A scan of the QR code after the close: the way to the summary.
    late = context().new_page()  # type: ignore[attr-defined]
    late.goto(f"{base}/j/{table.code}")
    expect(late.get_by_test_id("join-summary")).to_be_visible()
    camera.shoot(late, "join-closed")
    summary = anna.get_by_test_id("summary-link").get_attribute("href") or ""
    response = anna.goto(base + summary)
    if response is not None and response.status == 200:
        # The page opens itself with Anna's seat and reloads: photograph it after that.
        expect(anna.get_by_test_id("summary")).to_be_visible()
        camera.shoot(anna, "summary-default")

    # An event: three tables, one overview.
    leader = context(1280, 900).new_page()  # type: ignore[attr-defined]
    leader.goto(base + "/")
    leader.locator("input[data-testid^=scenario-]").first.check()
    leader.get_by_test_id("tables").fill("3")
    leader.get_by_test_id("create-game").click()
    leader.wait_for_url("**/event/*")
    expect(leader.get_by_test_id("table")).to_have_count(3)
    first_code = leader.locator(".table-code").first
    expect(first_code).not_to_be_empty()
    code = first_code.inner_text().strip("· ")
    for name, role in PEOPLE[:4]:
        body = {"code": code, "name": name, "home_role": role}
        assert requests.post(base + "/api/join", json=body, timeout=10).status_code == 201
    expect(leader.locator(".table-people").first).to_contain_text("4")
    camera.shoot(leader, "event-overview")
    leader.goto(leader.url.split("#")[0] + "/compare")
    # The page opens itself with the event's key (a reload); shoot what it shows after that.
    expect(leader.get_by_test_id("compare-not-yet")).to_be_visible()
    leader.wait_for_load_state("load")
    camera.shoot(leader, "event-compare")

    leader.goto(base + "/room/bestaat-niet/play")
    camera.shoot(leader, "error-notfound")

    # The case editor on a copy of a shipped case (its secrets left empty, so problems show).
    leader.goto(base + "/scenarios/new?from=buurtkamer-bibliotheek")
    expect(leader.get_by_test_id("case-problem").first).to_be_visible()
    camera.shoot(leader, "editor-copy")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.png"):
        old.unlink()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rolwissel-shots-") as temporary:
        # The address people would see in a workshop (the pages only show it; nothing is
        # ever sent there), and the same in every run of this script.
        server = live_server(Path(temporary) / "instance", PUBLIC_URL=SHOWN_ADDRESS)
        camera = Camera(args.out)
        try:
            play(server.url, camera)
            server.stop(timeout=15)
        finally:
            server.close()  # kills it only if it is still running (a failed run)
    total = sum(p.stat().st_size for p in camera.written)
    print(
        f"{len(camera.written)} screenshots in {args.out} "
        f"({total // 1024} KB, {time.monotonic() - started:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
