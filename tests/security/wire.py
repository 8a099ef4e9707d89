"""A small client that speaks the wire itself: HTTP/1.1, RFC 6455 websockets, Engine.IO v4 and
Socket.IO v5 framing, from any loopback source address (127.0.0.2, 127.0.0.3, ...).

A client library would never send a 20 MB message in 64 KB fragments, an event named
`disconnect`, JSON nested a thousand deep or a lone surrogate; the security tests must. Every
function here does exactly what it is told and hides nothing the server answered.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

HOST = "127.0.0.1"
SOCKET_PATH = "/socket.io/?EIO=4&transport=websocket"
POLLING_PATH = "/socket.io/?EIO=4&transport=polling"

TEXT, BINARY, CLOSE, PING, PONG, CONTINUATION = 1, 2, 8, 9, 10, 0


# HTTP


@dataclass
class HttpReply:
    """A response as it came: status, headers (names in lower case) and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def connect(port: int, source: str = HOST, timeout: float = 5.0) -> socket.socket:
    """A TCP connection to the server from `source` (any 127.x.y.z address)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.bind((source, 0))
    sock.connect((HOST, port))
    return sock


def request_bytes(
    method: str, target: str, port: int, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    """An HTTP/1.1 request as bytes; `headers` win over the defaults (Host, Content-Length)."""
    fields = {"Host": f"{HOST}:{port}", "Connection": "close"}
    if body:
        fields["Content-Length"] = str(len(body))
    fields.update(headers or {})
    lines = [f"{method} {target} HTTP/1.1", *(f"{k}: {v}" for k, v in fields.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def read_reply(sock: socket.socket) -> HttpReply:
    """Read one HTTP response (Content-Length, chunked, or until the server closes)."""
    stream = sock.makefile("rb")
    status_line = stream.readline()
    if not status_line:
        raise ConnectionError("closed without an answer")
    status = int(status_line.split(b" ", 2)[1])
    headers: dict[str, str] = {}
    while True:
        header = stream.readline()
        if header in (b"\r\n", b"\n", b""):
            break
        name, _, value = header.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if status == 101:
        return HttpReply(status, headers, b"")
    if "content-length" in headers:
        body = stream.read(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int(stream.readline().split(b";")[0], 16)
            if size == 0:
                stream.readline()
                break
            parts.append(stream.read(size))
            stream.readline()
        body = b"".join(parts)
    else:
        body = stream.read()
    return HttpReply(status, headers, body)


def http(
    port: int,
    method: str,
    target: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    source: str = HOST,
    timeout: float = 5.0,
) -> HttpReply:
    """One raw HTTP request on a fresh connection (nothing is quoted or fixed for us)."""
    with connect(port, source, timeout) as sock:
        sock.sendall(request_bytes(method, target, port, headers, body))
        return read_reply(sock)


# Websockets (RFC 6455)


@dataclass
class Frame:
    opcode: int
    payload: bytes
    fin: bool = True


class WebSocket:
    """A client websocket on a raw socket: frames in and out exactly as asked."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    @classmethod
    def open(
        cls,
        port: int,
        path: str = SOCKET_PATH,
        *,
        source: str = HOST,
        headers: dict[str, str] | None = None,
        timeout: float = 5.0,
    ) -> WebSocket | HttpReply:
        """The websocket, or the HTTP answer that refused it."""
        sock = connect(port, source, timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        fields = {
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": key,
            **(headers or {}),
        }
        try:
            sock.sendall(request_bytes("GET", path, port, fields))
            reply = _read_head(sock)
        except BaseException:
            sock.close()
            raise
        if reply.status != 101:
            sock.close()
            return reply
        websocket = cls(sock)
        websocket.buffer = reply.body  # the first frames may come with the handshake
        return websocket

    def send_frame(
        self, opcode: int, payload: bytes, *, fin: bool = True, announce: int | None = None
    ) -> None:
        """One masked frame; `announce` claims another payload length in the header."""
        length = len(payload) if announce is None else announce
        head = bytes([(0x80 if fin else 0) | opcode])
        if length < 126:
            head += bytes([0x80 | length])
        elif length < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack("!H", length)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", length)
        mask = os.urandom(4)
        self.sock.sendall(head + mask + _xor(payload, mask))

    def send_text(self, text: str) -> None:
        self.send_frame(TEXT, text.encode("utf-8", "surrogatepass"))

    def send_binary(self, data: bytes) -> None:
        self.send_frame(BINARY, data)

    def recv_frame(self, timeout: float | None = None) -> Frame | None:
        """The next frame, or None when the connection closed."""
        if timeout is not None:
            self.sock.settimeout(timeout)
        head = self._exactly(2)
        if head is None:
            return None
        fin, opcode, length = head[0] & 0x80, head[0] & 0x0F, head[1] & 0x7F
        if length == 126:
            extended = self._exactly(2)
            if extended is None:
                return None
            length = struct.unpack("!H", extended)[0]
        elif length == 127:
            extended = self._exactly(8)
            if extended is None:
                return None
            length = struct.unpack("!Q", extended)[0]
        payload = self._exactly(length)
        if payload is None:
            return None
        return Frame(opcode, payload, bool(fin))

    def _exactly(self, count: int) -> bytes | None:
        while len(self.buffer) < count:
            try:
                chunk = self.sock.recv(65536)
            except TimeoutError:
                raise
            except OSError:  # reset by the server, or closed by us
                return None
            if not chunk:
                return None
            self.buffer += chunk
        taken, self.buffer = self.buffer[:count], self.buffer[count:]
        return taken

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked reading it
        with contextlib.suppress(OSError):
            self.sock.close()


def _xor(data: bytes, mask: bytes) -> bytes:
    stream = (mask * (len(data) // 4 + 1))[: len(data)]
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


def _read_head(sock: socket.socket) -> HttpReply:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed during the handshake")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for header in lines[1:]:
        name, _, value = header.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = rest  # for a 101: the first websocket bytes, if they came along
    wanted = int(headers.get("content-length", "0"))
    while status != 101 and len(body) < wanted:
        chunk = sock.recv(4096)
        if not chunk:
            break
        body += chunk
    return HttpReply(status, headers, body)


# Engine.IO v4 and Socket.IO v5


class Refused(Exception):
    """The server refused the Socket.IO connect (a connect error)."""

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        self.data = data


@dataclass
class Received:
    """What one Socket.IO connection was sent, sorted by kind."""

    acks: dict[int, list[Any]] = field(default_factory=dict)
    events: list[tuple[str, list[Any]]] = field(default_factory=list)
    connect_errors: list[Any] = field(default_factory=list)
    raw: list[str | bytes] = field(default_factory=list)


class SocketIO:
    """One Socket.IO client on a raw websocket. A reader thread answers Engine.IO pings and
    files every packet; `send_packet` sends any text or bytes as one Engine.IO message."""

    def __init__(self, ws: WebSocket, open_packet: dict[str, Any]) -> None:
        self.ws = ws
        self.sid = open_packet["sid"]
        self.got = Received()
        self.closed = threading.Event()
        self.close_frame: Frame | None = None
        self._changed = threading.Condition()
        self._next_id = 0
        self._send_lock = threading.Lock()
        self._connected: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @classmethod
    def open(
        cls, port: int, *, source: str = HOST, headers: dict[str, str] | None = None
    ) -> SocketIO:
        """An Engine.IO session on a websocket, not yet connected to the namespace."""
        ws = WebSocket.open(port, source=source, headers=headers)
        if isinstance(ws, HttpReply):
            raise ConnectionError(f"refused: {ws.status} {ws.body!r}")
        first = ws.recv_frame(timeout=5)
        assert first is not None and first.payload[:1] == b"0", first
        ws.sock.settimeout(None)
        return cls(ws, json.loads(first.payload[1:]))

    @classmethod
    def join(
        cls, port: int, auth: dict[str, Any], *, source: str = HOST, timeout: float = 5.0
    ) -> SocketIO:
        """A session connected to the default namespace with `auth`; Refused otherwise."""
        client = cls.open(port, source=source)
        client.send_packet("0" + json.dumps(auth))
        kind, data = client._connected.get(timeout=timeout)
        if kind != "ok":
            client.close()
            raise Refused(data)
        return client

    def send_packet(self, packet: str | bytes) -> None:
        """One Engine.IO message carrying `packet` (text gets the '4' type in front)."""
        with self._send_lock:
            if isinstance(packet, bytes):
                self.ws.send_binary(packet)
            else:
                self.ws.send_text("4" + packet)

    def emit(self, event: Any, *args: Any, ack: bool = True) -> int | None:
        """Send an event (any JSON as its name); the ack id when one is asked for."""
        ack_id = self.next_id() if ack else None
        body = json.dumps([event, *args], separators=(",", ":"))
        self.send_packet("2" + ("" if ack_id is None else str(ack_id)) + body)
        return ack_id

    def next_id(self) -> int:
        with self._send_lock:
            self._next_id += 1
            return self._next_id

    def call(self, event: str, *args: Any, timeout: float = 10.0) -> Any:
        ack_id = self.emit(event, *args)
        assert ack_id is not None
        return self.wait_ack(ack_id, timeout)[0]

    def wait_ack(self, ack_id: int, timeout: float = 10.0) -> list[Any]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while ack_id not in self.got.acks:
                left = deadline - time.monotonic()
                if left <= 0 or self.closed.is_set():
                    raise TimeoutError(f"no answer to {ack_id} (closed={self.closed.is_set()})")
                self._changed.wait(left)
            return self.got.acks[ack_id]

    def events(self, name: str) -> list[list[Any]]:
        with self._changed:
            return [args for event, args in self.got.events if event == name]

    def _read(self) -> None:
        pieces: list[bytes] = []
        while True:
            frame = self.ws.recv_frame()
            if frame is None or frame.opcode == CLOSE:
                self.close_frame = frame
                break
            if frame.opcode == PING:
                continue
            pieces.append(frame.payload)
            if not frame.fin:
                continue
            payload, pieces = b"".join(pieces), []
            if frame.opcode == BINARY:
                self._file(payload)
                continue
            text = payload.decode("utf-8")
            if text == "2":
                with self._send_lock, contextlib.suppress(OSError):  # closed meanwhile
                    self.ws.send_text("3")
            elif text[:1] == "4":
                self._file(text[1:])
        self.closed.set()
        with self._changed:
            self._changed.notify_all()
        self._connected.put(("closed", None))

    def _file(self, packet: str | bytes) -> None:
        with self._changed:
            self.got.raw.append(packet)
            if isinstance(packet, str):
                kind, rest = packet[:1], packet[1:]
                ack_digits = ""
                while rest[:1].isdigit():
                    ack_digits, rest = ack_digits + rest[0], rest[1:]
                if kind == "0":
                    self._connected.put(("ok", json.loads(rest)))
                elif kind == "4":
                    self.got.connect_errors.append(json.loads(rest))
                    self._connected.put(("refused", json.loads(rest)))
                elif kind == "3":
                    self.got.acks[int(ack_digits)] = json.loads(rest)
                elif kind == "2":
                    name, *args = json.loads(rest)
                    self.got.events.append((name, args))
            self._changed.notify_all()

    def close(self) -> None:
        self.ws.close()
        self._reader.join(5)


# The server process, from outside


def rss_kib(pid: int) -> int:
    """The resident memory of a process in KiB (VmRSS in /proc)."""
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def new_room(url: str, tables: int = 1) -> dict[str, Any]:
    reply = requests.post(
        url + "/api/rooms", json={"scenario_id": "buurtkamer-bibliotheek", "tables": tables}
    )
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def take_seat(url: str, code: str, name: str, role: str = "inwoner") -> dict[str, Any]:
    reply = requests.post(url + "/api/join", json={"code": code, "name": name, "home_role": role})
    assert reply.status_code == 201, reply.text
    return dict(reply.json())
