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
