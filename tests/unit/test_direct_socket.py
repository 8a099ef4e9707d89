"""A message written straight to the websocket (game/web/eventlet_edge.py: DirectSocket)
arrives whole and in the order it was sent, also when the connection is full, when a frame
is only partly written, and when other messages go through python-engineio's queue.

The server side is python-engineio's real socket and writer greenlet over a real connected
pair of sockets with small buffers; the client is a real thread that reads slowly, so the
connection fills and drains while the server writes.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import warnings
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from engineio import Server
from engineio import packet as eio_packet
from engineio.exceptions import SocketIsClosedError

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # eventlet's notice that it is in bug-fix mode
    import eventlet
from eventlet.green import socket as green_socket

from game.web.eventlet_edge import DirectSocket, GuardedWebSocket

DEFLATE = {"server_no_context_takeover": True, "client_no_context_takeover": True}
BUFFER = 4096  # bytes of send and receive buffer: a few frames fill the connection


class CountingWebSocket(GuardedWebSocket):
    """Counts how each message left: at once, partly at once, or through the queue."""

    ways: Counter[str]

    def write_now(self, pkt: eio_packet.Packet) -> bool:
        written = super().write_now(pkt)
        self.ways["direct" if written else "queued"] += 1
        if written and self._rest:
            self.ways["partial"] += 1
        return written


class Reader(threading.Thread):
    """The client: a real thread reading the connection a little at a time, so the
    connection fills and drains while the server writes, as a browser's does."""

    def __init__(self, end: socket.socket) -> None:
        super().__init__(daemon=True)
        self.end = end
        self.data = bytearray()
        self.done = threading.Event()

    def run(self) -> None:
        with contextlib.suppress(OSError):
            while chunk := self.end.recv(4096):
                self.data += chunk
                time.sleep(0.0003)
        self.done.set()

    def messages(self, count: int) -> list[str]:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            eventlet.sleep(0.01)  # the server's greenlets go on writing meanwhile
            found = frames(bytes(self.data))
            if len(found) >= count:
                return found
        raise AssertionError(f"{len(frames(bytes(self.data)))} of {count} messages arrived")


def frames(data: bytes) -> list[str]:
    """The text messages in a stream of server frames (RFC 6455: unmasked; RFC 7692:
    RSV1 marks a compressed one). A frame cut in the middle, or a close, ends the list."""
    found = []
    at = 0
    while at + 2 <= len(data):
        first, length = data[at], data[at + 1] & 0x7F
        at += 2
        size = {126: 2, 127: 8}.get(length, 0)
        if size:
            length = int.from_bytes(data[at : at + size], "big")
            at += size
        if at + length > len(data):
            break
        payload, at = data[at : at + length], at + length
        if first & 0x0F == 8:
            break  # the close frame
        assert first & 0x0F == 1 and first & 0x80, f"not one whole text frame: {first:#x}"
        if first & 0x40:
            payload = zlib.decompressobj(-zlib.MAX_WBITS).decompress(payload + b"\x00\x00\xff\xff")
        found.append(payload.decode())
    return found


@dataclass
class Pair:
    server: DirectSocket
    websocket: CountingWebSocket
    client: Reader


@pytest.fixture
def pair(request: pytest.FixtureRequest) -> Iterator[Pair]:
    deflate_from: int | None = getattr(request, "param", None)
    near, far = socket.socketpair()
    near.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, BUFFER)
    far.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, BUFFER)
    green = green_socket.socket(fileno=near.detach())  # eventlet's, as the server's is
    extensions = {"permessage-deflate": DEFLATE} if deflate_from is not None else {}
    websocket = CountingWebSocket(green, {}, extensions=extensions)
    websocket.message_cap = 1 << 20
    websocket.deflate_from = deflate_from or 0
    websocket._raw = green.fd
    websocket.ways = Counter()
    server = Server(async_mode="eventlet", ping_interval=60)
    engineio_socket = DirectSocket(server, "sid-1")
    engineio_socket.websocket = websocket
    # python-engineio's own handler: it starts the writer greenlet and reads the client.
    handler = eventlet.spawn(engineio_socket._websocket_handler, websocket)
    eventlet.sleep(0)
    reader = Reader(far)
    reader.start()
    yield Pair(engineio_socket, websocket, reader)
    handler.kill()
    green.close()
    far.close()
    reader.join(5)


def message(number: int, size: int) -> eio_packet.Packet:
    text = f'2["patch",{{"n":{number},"pad":"{"x" * size}"}}]'
    return eio_packet.Packet(eio_packet.MESSAGE, text)


def sizes(count: int) -> Iterator[tuple[int, int]]:
    # Small patches mostly, now and then one larger than the buffer.
    for number in range(count):
        yield number, 9000 if number % 37 == 0 else 40 + (number * 97) % 600


def test_a_full_connection_keeps_every_message_whole_and_in_order(pair: Pair) -> None:
    sent: list[str] = []

    def send_all() -> None:
        for number, size in sizes(600):
            if number % 7 == 0:
                eventlet.sleep(0)  # the writer greenlet runs; it may stop in a full connection
            # The client reads meanwhile while no greenlet runs (a blocking sleep): the
            # connection drains, also while the writer greenlet is stopped in a frame.
            time.sleep(0.0005)
            pkt = message(number, size)
            sent.append(pkt.encode())
            pair.server.send(pkt)
            if number % 50 == 0:
                pair.server.send(eio_packet.Packet(eio_packet.PING))  # always queued
                sent.append("2")

    sender = eventlet.spawn(send_all)
    sender.wait()
    got = pair.client.messages(600 + 12)
    assert got == sent
    # All three ways were taken, or this test did not test them.
    ways = pair.websocket.ways
    assert ways["direct"] > 0 and ways["partial"] > 0 and ways["queued"] > 0, ways


@pytest.mark.parametrize("pair", [200], indirect=True)
def test_compressed_messages_go_through_the_queue_and_keep_their_place(pair: Pair) -> None:
    sent = []
    for number in range(120):
        pkt = message(number, 20 if number % 3 else 500)  # every third one is compressed
        sent.append(pkt.encode())
        pair.server.send(pkt)
        if number % 2:
            eventlet.sleep(0)  # the writer greenlet runs: some small ones find the queue empty
    assert pair.client.messages(120) == sent
    ways = pair.websocket.ways
    assert ways["direct"] > 0 and ways["queued"] > 0, ways


def test_an_uncompressed_frame_is_made_once_for_every_socket(pair: Pair) -> None:
    pkt = message(1, 50)
    pair.server.send(pkt)
    first: Any = pkt.plain_frame
    pair.server.send(pkt)
    assert pkt.plain_frame is first
    assert pair.client.messages(2) == [pkt.encode()] * 2


def test_a_socket_still_upgrading_from_polling_queues_its_messages(pair: Pair) -> None:
    # python-engineio holds what is sent during an upgrade until the client has switched.
    pair.server.upgrading = True
    pair.server.send(message(1, 10))
    assert pair.server.queue.qsize() == 1
    assert not pair.websocket.ways


def test_a_closed_socket_sends_nothing_more(pair: Pair) -> None:
    pair.server.send(message(1, 10))
    pair.server.close(wait=False, abort=True)
    with pytest.raises(SocketIsClosedError):
        pair.server.send(message(2, 10))  # as python-engineio does
    assert pair.client.messages(1) == [message(1, 10).encode()]
