"""No typed text and no forged line ever reaches the log (issue 11, point 5).

Newlines, carriage returns, terminal escapes and Unicode line separators go into every field a
client controls: event names, action types, keys, typed text, auth fields, query strings,
paths, headers (behind a trusted proxy, X-Forwarded-For becomes the client's address), a raw
request line. Afterwards every line the server wrote is a record of its own format, no control
character survived, and what the player typed is nowhere.
"""

from __future__ import annotations

import json
import re
import time
from urllib.parse import quote

import pytest
from attack import PlayingRoom, Start, tracebacks
from wire import (
    CONTINUATION,
    POLLING_PATH,
    SOCKET_PATH,
    TEXT,
    Refused,
    SocketIO,
    WebSocket,
    connect,
    http,
)

pytestmark = pytest.mark.slow

FORGED_TIME = "2025-01-01 00:00:00,000"
FORGE = (
    f"x\n{FORGED_TIME} INFO rolwissel.actions FORGED room=r seq=1 outcome=ok\r\x1b[2K\x85\u2028!"
)
# What a header can carry (no CR or LF): an escape that would clear the line, C1, DEL.
FORGE_HEADER = "x\x1b[2K\x85\x7f FORGED 2025-01-01 00:00:00,000 INFO"
TYPED = "geheim-getypte-tekst"
RECORD = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|WARNING|ERROR|CRITICAL) [\w.]+ \S")
OWN_LINES = ("--- start ", "Rolwissel draait op http://", "Rolwissel voor telefoons")
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def test_nothing_a_client_sends_can_forge_or_reach_a_log_line(serve: Start) -> None:
    """Control characters in every client-controlled field: every line of the server's output
    is one of its own records, none is forged, no control character and no typed text in it."""
    server = serve(TRUSTED_PROXIES="1")
    room = PlayingRoom.start(server.port)
    player = room.players[0]
    forge_json = json.dumps(FORGE)

    # Socket.IO: event names, action types, keys, typed text, every other field.
    player.emit(FORGE, {"a": FORGE})
    player.emit("action", {"type": FORGE, "key": FORGE})
    player.emit("action", {"type": "post_card", "key": FORGE, "text": TYPED + FORGE})
    player.emit("action", {"type": "edit_card", "key": "k2", "card_id": FORGE, "text": TYPED})
    player.emit("action", {"type": "react", "key": "k3", "card_id": room.cards[0], "kind": FORGE})
    player.emit("set_lang", {"lang": FORGE})
    player.emit("resync", {"last_seq": FORGE})
    player.send_packet(f'2{player.next_id()}["act\\u0000ion\\n{forge_json[1:-1]}"]')
    assert room.act()["ok"]  # everything above has been handled by now
    # Auth fields of a Socket.IO connect.
    for auth in (
        {"room": FORGE, "token": FORGE},
        {"room": room.room_id, "token": FORGE, "lang": FORGE},
        {"room": room.room_id, "token": None, "last_seq": FORGE},
    ):
        with pytest.raises(Refused):
            SocketIO.join(server.port, auth)
    # Query strings, paths and headers, on pages, the API and Engine.IO.
    encoded = quote(FORGE)
    for target in (
        f"/?lang={encoded}",
        f"/room/{encoded}/play",
        f"/j/{encoded}",
        f"/qr/{encoded}.svg",
        f"/api/events/{encoded}",
        f"{POLLING_PATH}&sid={encoded}",
        f"/socket.io/?EIO=4&transport={encoded}",
        f"/socket.io/?EIO={encoded}&transport=polling",
    ):
        http(server.port, "GET", target, headers={"X-Forwarded-For": FORGE_HEADER})
    headers = {
        "Host": FORGE_HEADER,
        "User-Agent": FORGE_HEADER,
        "Accept-Language": FORGE_HEADER,
        "Cookie": f"rw_lang={FORGE_HEADER}",
        "Origin": FORGE_HEADER,
        "Referer": FORGE_HEADER,
        "X-Forwarded-For": FORGE_HEADER,
        "X-Forwarded-Proto": FORGE_HEADER,
        "Authorization": f"Bearer {FORGE_HEADER}",
    }
    for target in ("/", "/api/scenarios", POLLING_PATH, "/api/events/x"):
        http(server.port, "GET", target, headers=headers)
    body = json.dumps({"code": FORGE, "name": TYPED + FORGE, "home_role": FORGE, "lang": FORGE})
    http(server.port, "POST", "/api/join", headers=headers, body=body.encode())
    # A websocket from a forged proxy address, closed for a message over the cap, and one
    # that sends an Engine.IO packet python-engineio cannot read.
    for payload in (b"4" + b"x" * 20000, ("\x1b" + FORGE).encode()):
        ws = WebSocket.open(server.port, SOCKET_PATH, headers={"X-Forwarded-For": FORGE_HEADER})
        assert isinstance(ws, WebSocket)
        try:
            ws.send_frame(TEXT, payload, fin=len(payload) < 20000)
            ws.send_frame(CONTINUATION, b"x", fin=True)
        except OSError:
            pass
        ws.recv_frame(timeout=5)
        ws.close()
    # A request line the HTTP parser refuses, with raw control bytes in it.
    with connect(server.port) as sock:
        sock.sendall(b"GET /\x1b[2K\x85FORGED HTTP/9.9 extra\r\n\r\n")
        sock.recv(1024)
    time.sleep(0.5)
    room.close()

    output = server.text
    # The forged text did reach loggers (python-engineio names a bad session id), escaped.
    assert "\\x0a" + FORGED_TIME in output
    for row in output.splitlines():
        assert RECORD.match(row) or row.startswith(OWN_LINES), f"not a record: {row!r}"
        assert not row.startswith(FORGED_TIME), f"forged: {row!r}"
    assert not CONTROL.search(output), "a control character reached the log"
    assert TYPED not in output, "typed text reached the log"
    assert not tracebacks(server)
