"""The Content-Security-Policy's `connect-src 'self'` is all the page's socket needs: chromium
opens Socket.IO's websocket on the page's own address and reports no violation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from browser_game import ApiRoom
from playwright.sync_api import BrowserContext, ConsoleMessage, WebSocket, expect
from serverproc import Server

pytestmark = pytest.mark.browser


def test_the_socket_upgrades_to_a_websocket_under_connect_src_self(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """A player's page: the websocket opens to ws://<own host>/socket.io/ (first, before any
    long-polling), the next change arrives on it, and the console has no CSP violation."""
    room = ApiRoom.create(live_server.url)
    context = people()
    room.seat_in(context, "Anna", "inwoner")
    page = context.new_page()
    sockets: list[WebSocket] = []
    frames = {"sent": 0, "received": 0}
    violations: list[str] = []

    def on_websocket(ws: WebSocket) -> None:
        sockets.append(ws)
        ws.on("framesent", lambda _payload: frames.__setitem__("sent", frames["sent"] + 1))
        ws.on(
            "framereceived", lambda _payload: frames.__setitem__("received", frames["received"] + 1)
        )

    def on_console(entry: ConsoleMessage) -> None:
        if "Content Security Policy" in entry.text or "Content-Security-Policy" in entry.text:
            violations.append(entry.text)

    page.on("websocket", on_websocket)
    page.on("console", on_console)
    response = page.goto(f"{live_server.url}/room/{room.room_id}/play")
    assert response is not None
    assert "connect-src 'self';" in response.headers["content-security-policy"]
    expect(page.get_by_test_id("my-name")).to_have_text("Anna")
    own = live_server.url.replace("http://", "ws://") + "/socket.io/"

    def wait_for(condition: Callable[[], bool]) -> None:
        for _ in range(100):
            if condition():
                return
            page.wait_for_timeout(100)

    # The websocket comes first (no long-polling, no probe): its first frame is the connect.
    wait_for(lambda: bool(sockets) and frames["sent"] >= 1)
    received = frames["received"]
    host = room.facilitator()
    assert host.act("start", expected_version=2)["ok"]  # a change: the page hears it on the socket
    wait_for(lambda: frames["received"] > received)
    host.close()
    assert sockets and sockets[0].url.startswith(own), [s.url for s in sockets]
    assert frames["sent"] >= 1 and frames["received"] > received, frames
    assert violations == []
