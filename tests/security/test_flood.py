"""No key, no harm: connection floods and oversized messages from clients without a valid key
are refused before they cost the players anything (issue 11, point 1).

Each test attacks the real eventlet server and meanwhile measures, every 100 ms, how long
/healthz and a real player's action take to be answered. Memory is the server's VmRSS.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from attack import PlayingRoom, Probe, Start, source, tracebacks
from wire import (
    CLOSE,
    CONTINUATION,
    HOST,
    POLLING_PATH,
    TEXT,
    HttpReply,
    WebSocket,
    connect,
    http,
    read_reply,
    request_bytes,
    rss_kib,
)

from game.web.messages import message

pytestmark = pytest.mark.slow

MB = 1024 * 1024
# Memory one idle, keyless websocket session may cost the server (about 62 KiB measured:
# two green threads, Engine.IO's queue, socket buffers), so the caps bound the attack's memory.
SESSION_KIB = 96
# What one refused oversized message may cost the server while Engine.IO still holds its closed
# session (until its ping task ends, 25 s later): the 16 KiB cap and the session.
ATTACK_KIB = 32
MIN_ATTACKS = 100


def refusal_of(reply: HttpReply) -> str:
    """The code of a JSON refusal, after checking it carries a sentence."""
    body = reply.json()
    assert body["ok"] is False and body["message"], body
    assert body["message"] == message(body["code"], "nl"), body
    return str(body["code"])


def in_background(read: Callable[[], Any]) -> Callable[[], Any]:
    """Start reading the server's answer now, while we keep sending (an answer sent just before
    the server closes a connection it did not read to the end could otherwise be lost in the
    reset); the returned function waits for it."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(read()), daemon=True)
    thread.start()

    def wait() -> Any:
        thread.join(15)
        assert result, "no answer from the server"
        return result[0]

    return wait


def closed_with(ws: WebSocket, timeout: float = 5.0) -> tuple[list[bytes], int | None, str]:
    """Read until the server closes: the text payloads, and the close code and reason."""
    texts = []
    while True:
        frame = ws.recv_frame(timeout=timeout)
        if frame is None:
            return texts, None, ""
        if frame.opcode == CLOSE:
            code = int.from_bytes(frame.payload[:2], "big") if frame.payload else None
            return texts, code, frame.payload[2:].decode()
        texts.append(frame.payload)


def test_1100_idle_websockets_without_a_key_cost_the_players_nothing(serve: Start) -> None:
    """1,100 idle keyless websockets from 55 addresses are held until AUTH_TIMEOUT closes them
    with auth_timeout; more are refused with 429/503 and a code before any upgrade; /healthz
    and two players (one on an attacker's address) answer within 500 ms; RSS stays within
    the pending cap times SESSION_KIB."""
    pending = 1100
    server = serve(
        MAX_PENDING=str(pending),
        MAX_PENDING_PER_ADDRESS="20",
        MAX_CONNECTIONS="1400",
        AUTH_TIMEOUT="10",
    )
    room = PlayingRoom.start(server.port, sources=(HOST, source(0)))
    before = rss_kib(server.pid)
    held: list[WebSocket] = []
    refused: dict[str, int] = {}
    with Probe(server.port, room, players=(0, 1)) as probe:
        opening = time.monotonic()
        for address in range(56):  # 21 tries each: the 21st is over the address's quota
            for _ in range(21):
                attempt = WebSocket.open(server.port, source=source(address))
                if isinstance(attempt, WebSocket):
                    held.append(attempt)
                else:
                    code = refusal_of(attempt)
                    assert attempt.status == {"too_many_connections": 429, "server_busy": 503}[code]
                    refused[code] = refused.get(code, 0) + 1
        opened_s = time.monotonic() - opening
        time.sleep(1.0)  # all held at once, while the probe keeps measuring
        grown = rss_kib(server.pid) - before
        endings = [closed_with(ws, timeout=15) for ws in held]
    for ws in held:
        ws.close()
    room.close()

    summary = (
        f"held={len(held)} refused={refused} opened in {opened_s:.1f} s; "
        f"rss +{grown / 1024:.1f} MiB; {probe.summary()}"
    )
    print(summary)
    assert len(held) == pending, summary
    assert refused == {"too_many_connections": 55, "server_busy": 21}, summary
    for texts, _code, _reason in endings:
        assert texts[0].startswith(b"0{"), texts  # Engine.IO's open packet
        error = json.loads(texts[1][2:])  # then a Socket.IO connect error, then the close
        assert texts[1][:2] == b"44" and error["data"]["code"] == "auth_timeout", texts
    probe.assert_fast(500)
    assert grown < pending * SESSION_KIB, summary
    assert not tracebacks(server)


def test_a_20_mb_message_in_64_kb_fragments_is_refused_at_its_first_header(serve: Start) -> None:
    """Keyless websockets, one after another for three seconds, each sending a 20 MB message
    in 64 KB fragments: each is closed with 1009 message_too_big at the first fragment's
    header (over the 16 KiB cap), the players keep answering within 500 ms, and of the
    gigabytes offered the server keeps no more than a cap and a session (32 KiB) per attack."""
    server = serve()
    room = PlayingRoom.start(server.port)
    before = rss_kib(server.pid)
    fragment = b"x" * (64 * 1024)
    attacks = []
    with Probe(server.port, room) as probe:
        deadline = time.monotonic() + 3  # long enough for the probe to measure
        while len(attacks) < MIN_ATTACKS or time.monotonic() < deadline:
            ws = WebSocket.open(server.port, source=source(len(attacks) % 10))
            assert isinstance(ws, WebSocket)
            ending = in_background(lambda ws=ws: closed_with(ws))
            sent = 0
            try:
                ws.send_frame(TEXT, b"4" + fragment[1:], fin=False)
                sent += len(fragment)
                while sent < 20 * MB:
                    last = sent + len(fragment) >= 20 * MB
                    ws.send_frame(CONTINUATION, fragment, fin=last)
                    sent += len(fragment)
            except OSError:
                pass  # the server closed the connection: the rest is never sent
            attacks.append((sent, ending()))
            ws.close()
        grown = rss_kib(server.pid) - before
    room.close()

    summary = f"attacks={len(attacks)} rss +{grown} KiB; {probe.summary()}"
    print(summary)
    for sent, (_texts, code, reason) in attacks:
        assert (code, reason) == (1009, "message_too_big"), (sent, code, reason)
        assert sent < 20 * MB, "the whole message went through"
    probe.assert_fast(500)
    assert grown < len(attacks) * ATTACK_KIB, summary
    assert not tracebacks(server)


def test_small_fragments_count_towards_one_message(serve: Start) -> None:
    """Fragments of 4 KiB: the message is closed with 1009 at the header that would take it
    past 16 KiB in all, though every fragment on its own is small."""
    server = serve()
    ws = WebSocket.open(server.port, source=source(0))
    assert isinstance(ws, WebSocket)
    ending = in_background(lambda: closed_with(ws))
    ws.send_frame(TEXT, b"4" + b"x" * 4095, fin=False)
    for _ in range(3):
        ws.send_frame(CONTINUATION, b"x" * 4096, fin=False)  # 16 KiB so far: still allowed
    with contextlib.suppress(OSError):
        ws.send_frame(CONTINUATION, b"x" * 4096, fin=True)
    _texts, code, reason = ending()
    ws.close()
    assert (code, reason) == (1009, "message_too_big")
    logged = "websocket_closed reason=message_too_big client=127.0.0.2"
    server.wait_for(lambda: logged in server.text, 5)


def test_long_polling_bodies_are_refused_before_they_are_read(serve: Start) -> None:
    """A long-polling POST announcing 20 MB gets 413 body_too_large before its body is sent;
    a chunked one is refused once it passes the cap, not after 20 MB; RSS stays put."""
    server = serve()
    opened = http(server.port, "GET", POLLING_PATH)
    sid = json.loads(opened.body[1:])["sid"]
    target = f"{POLLING_PATH}&sid={sid}"
    before = rss_kib(server.pid)

    with connect(server.port) as sock:
        head = request_bytes("POST", target, server.port, {"Content-Length": str(20 * MB)})
        sock.sendall(head)  # the headers only: the answer must not wait for the body
        reply = read_reply(sock)
    assert reply.status == 413 and refusal_of(reply) == "body_too_large"

    with connect(server.port) as sock:
        sock.sendall(request_bytes("POST", target, server.port, {"Transfer-Encoding": "chunked"}))
        answer = in_background(lambda: read_reply(sock))
        chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"4" * 64 * 1024)
        sent = 0
        try:
            while sent < 20 * MB:
                sock.sendall(chunk)
                sent += 64 * 1024
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass
        reply = answer()
    assert reply.status == 413 and refusal_of(reply) == "body_too_large"
    assert sent < 20 * MB
    assert rss_kib(server.pid) - before < 2 * 1024
    api = http(server.port, "POST", "/api/join", headers={"Content-Length": str(20 * MB)})
    assert api.status == 413 and refusal_of(api) == "body_too_large"


def test_idle_connections_are_capped_per_address_and_in_total(serve: Start) -> None:
    """Connections that never send a request: over MAX_CONNECTIONS_PER_ADDRESS an address gets
    429 too_many_connections (then, far over, nothing at all); over MAX_CONNECTIONS everyone
    gets 503 server_busy, never a hang; IDLE_TIMEOUT closes the idle ones and all is well."""
    server = serve(MAX_CONNECTIONS="60", MAX_CONNECTIONS_PER_ADDRESS="20", IDLE_TIMEOUT="3")
    idle = [connect(server.port, source(0)) for _ in range(20)]
    time.sleep(0.2)  # let the server accept them all

    def healthz(address: str) -> HttpReply:
        return http(server.port, "GET", "/healthz", source=address)

    over = healthz(source(0))
    assert over.status == 429 and refusal_of(over) == "too_many_connections"
    assert healthz(HOST).status == 200  # other addresses are not touched
    flood = [connect(server.port, source(0)) for _ in range(8)]  # the answered room, taken
    time.sleep(0.2)
    with connect(server.port, source(0)) as dropped:
        try:
            dropped.sendall(request_bytes("GET", "/healthz", server.port))
            answer = dropped.recv(1024)
        except ConnectionResetError:
            answer = b""
        assert answer == b"", "a flood far over the cap is closed unanswered"
    for sock in flood:
        sock.close()

    idle += [connect(server.port, source(n)) for n in (1, 2) for _ in range(20)]
    time.sleep(0.2)
    busy = healthz(HOST)
    assert busy.status == 503 and refusal_of(busy) == "server_busy"
    assert busy.headers.get("retry-after") == "5"

    time.sleep(3.5)  # IDLE_TIMEOUT: the server closes connections that sent nothing
    assert all(sock.recv(1) == b"" for sock in idle)
    assert healthz(source(0)).status == 200
    for sock in idle:
        sock.close()
    assert not tracebacks(server)
