"""Scripted clients for attacking the real server (tests/serverproc.Server) the way a browser
or a stranger would: plain HTTP with requests, and one Socket.IO connection that never
reconnects by itself and writes down everything it got, with when.

Used by the issue 11 tests: test_keys.py, test_ratelimit.py, test_privacy.py and
test_operations.py.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import requests
import socketio

from rolwissel_client.liveview import follow

SCENARIO = "buurtkamer-bibliotheek"


@dataclass
class Refusal:
    """A connection the server refused: its code and sentence."""

    code: str
    message: str


@dataclass
class Socket:
    """One Socket.IO connection (websocket only, no reconnecting). `states` holds every
    version it reached, from whole states and patches (rolwissel_client/liveview.py)."""

    url: str
    states: list[dict[str, Any]] = field(default_factory=list)
    notices: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    disconnected_at: float | None = None
    refusal: Refusal | None = None

    def __post_init__(self) -> None:
        self.client = socketio.Client(reconnection=False)
        self._cond = threading.Condition()
        follow(self.client, self._state)
        self.client.on("notice", self._notice)
        self.client.on("links", self._links)
        self.client.on("disconnect", self._disconnect)
        self.client.on("connect_error", self._refused)

    def _state(self, message: dict[str, Any]) -> None:
        with self._cond:
            self.states.append(message)
            self._cond.notify_all()

    def _notice(self, message: dict[str, Any]) -> None:
        with self._cond:
            self.notices.append((time.monotonic(), message))
            self._cond.notify_all()

    def _links(self, message: dict[str, Any]) -> None:
        with self._cond:
            self.links.append(message)
            self._cond.notify_all()

    def _disconnect(self, _reason: Any = None) -> None:
        with self._cond:
            self.disconnected_at = time.monotonic()
            self._cond.notify_all()

    def _refused(self, data: Any = None) -> None:
        # python-socketio hands over {"message": ..., "data": {"code": ..., "message": ...}}.
        inner = data.get("data") if isinstance(data, dict) else None
        if isinstance(inner, dict):
            self.refusal = Refusal(str(inner.get("code")), str(inner.get("message")))

    def connect(self, room: str, token: str | None, lang: str = "nl") -> bool:
        """True when connected (and the first state came); False when refused."""
        auth = {"room": room, "token": token, "lang": lang}
        try:
            self.client.connect(self.url, auth=auth, transports=["websocket"], wait_timeout=10)
        except socketio.exceptions.ConnectionError:
            return False
        self.wait(lambda: bool(self.states), "the first state")
        return True

    def wait(self, condition: Any, what: str, seconds: float = 10) -> None:
        deadline = time.monotonic() + seconds
        with self._cond:
            while not condition():
                left = deadline - time.monotonic()
                assert left > 0, f"timed out waiting for {what}"
                self._cond.wait(min(left, 0.1))

    def call(self, event: str, data: Any, timeout: float = 10) -> Any:
        """Send an event and return the server's answer."""
        return self.client.call(event, data, timeout=timeout)

    def act(self, action: str, key: str, **fields: Any) -> dict[str, Any]:
        """Send an action with this idempotency key; the answer (Ack or Refusal)."""
        answer = self.call("action", {"type": action, "key": key, **fields})
        assert isinstance(answer, dict), answer
        return answer

    def view_at(self, version: int) -> dict[str, Any]:
        """The view once this socket has seen `version` (or later)."""
        self.wait(lambda: any(s["version"] >= version for s in self.states), f"version {version}")
        return self.view

    @property
    def view(self) -> dict[str, Any]:
        with self._cond:
            return dict(max(self.states, key=lambda s: s["version"])["view"])

    def notice_codes(self) -> list[str]:
        with self._cond:
            return [str(message.get("code")) for _, message in self.notices]

    def close(self) -> None:
        self.client.disconnect()


@dataclass(frozen=True)
class Room:
    """A room made over the API, with every key the start page got for it."""

    url: str
    room_id: str
    code: str
    facilitator: str
    screen: str
    summary: str
    event_id: str | None

    def join(
        self, name: str, role: str = "inwoner", device: str | None = None, **headers: str
    ) -> requests.Response:
        body: dict[str, Any] = {"code": self.code, "name": name, "home_role": role}
        if device is not None:
            body["device"] = device
        return requests.post(f"{self.url}/api/join", json=body, headers=headers, timeout=10)

    def delete(self, url: str | None = None) -> requests.Response:
        """The facilitator deletes the game (through the server at `url`, this one's when
        None), confirmed."""
        return requests.delete(
            f"{url or self.url}/api/rooms/{self.room_id}",
            json={"confirm": True},
            headers=bearer(self.facilitator),
            timeout=30,
        )

    def seat(self, name: str, role: str = "inwoner", device: str | None = None) -> dict[str, Any]:
        """A new seat: {room_id, player_id, seat_token, ...}."""
        reply = self.join(name, role, device)
        assert reply.status_code == 201, reply.text
        return dict(reply.json())


def new_rooms(url: str, tables: int = 1, scenario: str = SCENARIO) -> list[Room]:
    """Tables made as the start page makes them; every key taken from the links' fragments."""
    reply = requests.post(
        f"{url}/api/rooms", json={"scenario_id": scenario, "tables": tables}, timeout=10
    )
    assert reply.status_code == 201, reply.text
    body = reply.json()
    return [
        Room(
            url,
            r["room_id"],
            r["code"],
            body["facilitator_token"],
            r["screen_url"].partition("#k=")[2],
            r["summary_url"].partition("#k=")[2],
            body["event_id"],
        )
        for r in body["rooms"]
    ]


def new_room(url: str) -> Room:
    return new_rooms(url)[0]


def bearer(key: str | None) -> dict[str, str]:
    """The Authorization header of a key (none for None)."""
    return {"Authorization": f"Bearer {key}"} if key else {}


def connected(url: str, room: str, token: str | None, lang: str = "nl") -> Socket:
    """A socket that must be let in."""
    sock = Socket(url)
    assert sock.connect(room, token, lang), sock.refusal
    return sock
