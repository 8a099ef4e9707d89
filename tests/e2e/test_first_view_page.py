"""The participant page shows its view before its socket is up: the view comes over HTTP
(static/js/first_view.js, POST /api/rooms/<id>/view), the token never in an address."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from browser_game import ApiRoom
from playwright.sync_api import BrowserContext, Request, Route, expect
from serverproc import Server

pytestmark = pytest.mark.browser


def test_the_board_shows_from_the_http_view_while_the_socket_cannot_connect(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """With every Socket.IO request blocked, a player opening the personal link still sees
    their name, role card and the board; the token went only in the view request's body."""
    room = ApiRoom.create(live_server.url)
    host = room.facilitator()
    writer = room.bot("Ben", "raadslid")
    anna = room.seat("Anna", "inwoner")
    assert host.act("start", expected_version=3)["ok"]
    assert writer.act("post_card", text="Een plek voor iedereen")["ok"]
    context = people()
    requests: list[Request] = []
    context.on("request", lambda request: requests.append(request))

    def blocked(route: Route) -> None:
        route.abort()

    context.route("**/socket.io/**", blocked)
    page = context.new_page()
    page.goto(f"{live_server.url}/room/{room.room_id}/play#s={anna['seat_token']}")
    expect(page.get_by_test_id("card-text")).to_have_text("Een plek voor iedereen")
    expect(page.get_by_test_id("rolecard")).to_be_visible()
    writer.close()
    host.close()
    views = [r for r in requests if r.url.endswith(f"/api/rooms/{room.room_id}/view")]
    assert [r.method for r in views] == ["POST"]
    assert anna["seat_token"] in (views[0].post_data or "")
    assert not any(anna["seat_token"] in r.url for r in requests)


# Counts the board's cards when the first of them appears (set before the page's scripts).
FIRST_DRAWN = """
new MutationObserver((_, watch) => {
  const cards = document.querySelectorAll('[data-testid=board] [data-testid=card]').length;
  if (cards) { window.__firstDrawn = cards; watch.disconnect(); }
}).observe(document, {childList: true, subtree: true});
"""


def test_a_long_board_shows_its_first_screen_first_and_then_every_card_in_order(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """A phone opening a board of 12 cards draws the first 8 (more than a screen), and the
    rest once those are painted: all 12 in the order they were posted."""
    room = ApiRoom.create(live_server.url)
    host = room.facilitator()
    names = ("Ben", "Cas", "Dirk")
    writers = [room.bot(name, "raadslid") for name in names]
    anna = room.seat("Anna", "inwoner")
    assert host.act("start", expected_version=5)["ok"]
    board = [f"Kaart {n} van {name}" for n in range(4) for name in names]
    for n, text in enumerate(board):
        assert writers[n % len(names)].act("post_card", text=text)["ok"]
    for bot in (host, *writers):
        bot.close()
    page = people().new_page()
    page.add_init_script(FIRST_DRAWN)
    page.goto(f"{live_server.url}/room/{room.room_id}/play#s={anna['seat_token']}")
    texts = page.get_by_test_id("board").get_by_test_id("card-text")
    expect(texts).to_have_text(board)
    assert len(board) == 12 and page.evaluate("window.__firstDrawn") == 8
