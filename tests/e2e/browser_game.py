"""Helpers for the browser tests and `scripts/screenshots.py`: the real eventlet server as a
subprocess, and the few steps every game needs (create, join, steer), done the way a person
does them: through the pages.

Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect
from serverproc import CHROMIUM, CHROMIUM_ARGS, Server, free_port, server_env

from rolwissel_client.liveview import follow

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = "buurtkamer-bibliotheek"  # has options, so round 4 starts with scoring
AXE = "/static/vendor/axe-core-4.14.1/axe.min.js"
ROLES = ("inwoner", "raadslid", "ambtenaar")
ROLE_WORDS = {
    "nl": {"inwoner": "Inwoner", "raadslid": "Raadslid", "ambtenaar": "Ambtenaar"},
    "en": {"inwoner": "Resident", "raadslid": "Council member", "ambtenaar": "Civil servant"},
}


def live_server(instance: Path, **settings: str) -> Server:
    """`rolwissel serve` (eventlet) on a free port of 127.0.0.1 with its own instance folder,
    started and answering /healthz."""
    # Tests and screenshots make more rooms from one address than a workshop would.
    env = server_env(instance, ROOM_CREATE_LIMIT="1000 per hour", **settings)
    server = Server(port=free_port(), env=env)
    server.start()
    return server


def launch(playwright: Any) -> Browser:
    """Debian's chromium, headless (for scripts; the tests use pytest-playwright's browser)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# ------------------------------------------------------------------------- the game's steps


@dataclass
class Table:
    """One room as the facilitator created it: ids, code and the facilitator's page."""

    room_id: str
    code: str
    host: Page

    def screen_url(self, base: str) -> str:
        """The big screen's link from the console, with the screen's key in its fragment
        (the console gets it over its socket)."""
        link = self.host.get_by_test_id("screen-link")
        expect(link).to_have_attribute("href", re.compile(r"/screen#k=[\w-]{43}$"))
        href = link.get_attribute("href") or ""
        return href if href.startswith("http") else base + href


def _create(page: Page, base: str, scenario: str, tables: int) -> None:
    # The start page: the case, the number of tables, create.
    page.goto(base + "/")
    page.get_by_test_id(f"scenario-{scenario}").check()
    if tables != 1:
        page.get_by_test_id("tables").fill(str(tables))
    page.get_by_test_id("create-game").click()


def create_game(page: Page, base: str, scenario: str = SCENARIO) -> Table:
    """On the start page: choose the case, create the game, land in the console."""
    _create(page, base, scenario, tables=1)
    page.wait_for_url("**/room/*/host")
    code = page.get_by_test_id("host-code")
    expect(code).not_to_have_text("…")
    expect(page.get_by_test_id("step-now")).not_to_be_empty()
    room_id = page.url.split("/room/", 1)[1].split("/", 1)[0]
    return Table(room_id=room_id, code=code.inner_text().strip(), host=page)


def create_event(page: Page, base: str, tables: int, scenario: str = SCENARIO) -> str:
    """On the start page: the case at `tables` tables; land on the overview of all tables,
    one card each. Returns the overview's address without its key."""
    _create(page, base, scenario, tables=tables)
    page.wait_for_url("**/event/*")
    expect(page.get_by_test_id("table")).to_have_count(tables)
    return page.url.split("#")[0]


def join(page: Page, base: str, code: str, name: str, role: str, *, english: bool = False) -> None:
    """Through the /j/<code> link (what the QR code opens): name, home role, join."""
    page.goto(f"{base}/j/{code}")
    if english:
        page.get_by_test_id("lang-switch").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("join-code")).to_have_value(code)
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id(f"join-role-{role}").check()
    page.get_by_test_id("join-submit").click()
    page.wait_for_url("**/room/*/play")
    expect(page.get_by_test_id("lobby")).to_be_visible()
    expect(page.get_by_test_id("my-name")).to_have_text(name)


def step_now(host: Page) -> str:
    return host.get_by_test_id("step-now").inner_text()


# Within 3 s of the last step change the engine refuses 'Next' (step_too_soon) unless the
# console confirms it: the console then asks "Toch verder?", and the leader says yes. A press
# on a view that players changed a moment before is refused as stale ("Het spel is net
# veranderd. Kijk opnieuw…"): the leader looks again and presses once more.


def next_step(host: Page, expected: str | re.Pattern[str]) -> None:
    """The facilitator presses 'Next' (confirming when the console asks, pressing again after
    a stale refusal) and the console shows the step `expected` (a part)."""
    before = step_now(host)
    asked = host.locator("[data-testid=step-confirm]:visible")
    stale = host.locator("[data-testid=steer-error]:visible")
    moved = host.get_by_test_id("step-now").filter(
        has_not_text=re.compile(f"^{re.escape(before)}$")
    )
    for _ in range(3):
        host.get_by_test_id("next-phase").click()
        expect(moved.or_(asked).or_(stale)).to_be_visible()
        if moved.is_visible():
            break
        if asked.is_visible():
            host.get_by_test_id("step-confirm-yes").click()
            break
    expect(host.get_by_test_id("step-now")).not_to_have_text(before)
    expect(host.get_by_test_id("step-now")).to_contain_text(expected)


def post_card(page: Page, text: str) -> None:
    """Type a card and post it; done when the field is empty and the card is on the board."""
    page.get_by_test_id("card-input").fill(text)
    page.get_by_test_id("card-submit").click()
    expect(page.get_by_test_id("card-input")).to_have_value("")
    expect(page.locator("[data-testid=card].mine", has_text=text)).to_be_visible()


def card(page: Page, text: str) -> Any:
    """The board's card whose own text holds `text` (not a card merged into it, nor a menu)."""
    own_text = page.locator("> [data-testid=card-text]", has_text=text)
    return page.get_by_test_id("board").locator("[data-testid=card]", has=own_text)


def my_role(page: Page) -> str:
    """The role on this participant's role card (from its badge's data-role)."""
    badge = page.locator("#rolecard-badge")
    expect(badge).to_have_attribute("data-role", _any_role())
    return str(badge.get_attribute("data-role"))


def _any_role() -> Any:
    return re.compile(r"^(inwoner|raadslid|ambtenaar)$")


def run_out_ten_seconds(*pages: Page) -> None:
    """A 10 s timer was just set: once each page counts it down, each browser's clock (installed
    with `clock.install()` before the page opened) jumps 10 s on, instead of the test waiting
    the time out. The server keeps the real clock; a page's next message sets it back."""
    for page in pages:
        expect(page.get_by_test_id("timer")).to_have_text(re.compile(r"^0:(10|0[1-9])$"))
    for page in pages:
        page.clock.fast_forward(10_000)


def wait_until(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def new_context(browser: Browser, base: str, **options: Any) -> BrowserContext:
    """A fresh browser profile (its own storage, as another person's phone)."""
    options.setdefault("viewport", {"width": 390, "height": 844})
    context = browser.new_context(base_url=base, **options)
    context.set_default_timeout(10_000)
    return context


def run_axe(page: Page, *, exclude_rules: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """axe-core on the page as it is now; the serious and critical violations."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(url=AXE)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5)
                .map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
        }"""
    )
    return [
        v for v in result if v["impact"] in ("serious", "critical") and v["id"] not in exclude_rules
    ]


# ------------------------------------------------------------------------- other players


class Bot:
    """Another player (or the facilitator) on a python-socketio client: quick, for states the
    test needs around the browser it looks at."""

    def __init__(self, base: str, room_id: str, token: str) -> None:
        import socketio

        self.states: list[dict[str, Any]] = []
        self.client = socketio.Client(reconnection=False)
        follow(self.client, self.states.append)
        self.client.connect(
            base, auth={"room": room_id, "token": token}, transports=["websocket"], wait_timeout=5
        )
        self._keys = 0

    def act(self, type_: str, **fields: Any) -> dict[str, Any]:
        self._keys += 1
        payload = {"type": type_, "key": f"bot-{id(self)}-{self._keys}", **fields}
        reply = self.client.call("action", payload, timeout=10)
        assert isinstance(reply, dict) and reply.get("ok"), (type_, reply)
        return reply

    @property
    def view(self) -> dict[str, Any]:
        return self.states[-1]["view"] if self.states else {}

    def close(self) -> None:
        self.client.disconnect()


@dataclass
class ApiRoom:
    """A room made through the HTTP API, as the start and join pages would."""

    base: str
    room_id: str
    code: str
    facilitator_token: str
    event_id: str | None = None
    screen_url: str = ""  # with the big screen's key in the fragment
    summary_url: str = ""  # with the summary's key in the fragment

    @classmethod
    def create(cls, base: str, scenario: str = SCENARIO, tables: int = 1) -> ApiRoom:
        reply = requests.post(
            base + "/api/rooms", json={"scenario_id": scenario, "tables": tables}, timeout=10
        )
        assert reply.status_code == 201, reply.text
        body = reply.json()
        room = body["rooms"][0]
        return cls(
            base,
            room["room_id"],
            room["code"],
            body["facilitator_token"],
            body["event_id"],
            room["screen_url"],
            room["summary_url"],
        )

    def seat(self, name: str, role: str) -> dict[str, Any]:
        body = {"code": self.code, "name": name, "home_role": role}
        reply = requests.post(self.base + "/api/join", json=body, timeout=10)
        assert reply.status_code == 201, reply.text
        return dict(reply.json())

    def bot(self, name: str, role: str) -> Bot:
        return Bot(self.base, self.room_id, self.seat(name, role)["seat_token"])

    def facilitator(self) -> Bot:
        return Bot(self.base, self.room_id, self.facilitator_token)

    def seat_in(self, context: BrowserContext, name: str, role: str) -> None:
        """Give a browser context a seat, as if it had joined through the join page."""
        import json

        joined = self.seat(name, role)
        value = json.dumps({"token": joined["seat_token"], "player_id": joined["player_id"]})
        context.add_init_script(
            f"localStorage.setItem({json.dumps('rw:seat:' + self.room_id)}, {json.dumps(value)})"
        )

    def host_in(self, context: BrowserContext) -> None:
        """Give a browser context the facilitator's key of this room."""
        import json

        context.add_init_script(
            f"localStorage.setItem({json.dumps('rw:fac:' + self.room_id)},"
            f" {json.dumps(json.dumps(self.facilitator_token))})"
        )
