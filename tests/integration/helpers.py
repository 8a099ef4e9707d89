"""Small steps the integration tests share: make a room, join it, read what a socket got."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

from rolwissel_client.liveview import LiveView

SCENARIO = "buurtkamer-bibliotheek"


@dataclass(frozen=True)
class NewRoom:
    room_id: str
    code: str
    token: str  # the facilitator's
    screen_key: str  # the big screen's (from the fragment of its link)
    summary_key: str


@dataclass(frozen=True)
class Seat:
    room_id: str
    player_id: str
    token: str


def new_room(client: FlaskClient, scenario: str = SCENARIO) -> NewRoom:
    reply = client.post("/api/rooms", json={"scenario_id": scenario, "tables": 1})
    assert reply.status_code == 201, reply.json
    body = reply.json
    assert body is not None
    room = body["rooms"][0]
    return NewRoom(
        room["room_id"],
        room["code"],
        body["facilitator_token"],
        room["screen_url"].split("#k=")[1],
        room["summary_url"].split("#k=")[1],
    )


def join(client: FlaskClient, code: str, name: str, role: str = "inwoner") -> Seat:
    reply = client.post("/api/join", json={"code": code, "name": name, "home_role": role})
    assert reply.status_code == 201, reply.json
    body = reply.json
    assert body is not None
    return Seat(body["room_id"], body["player_id"], body["seat_token"])


# The view each test socket keeps from its `state` and `patch` messages, as a browser would.
_views: WeakKeyDictionary[SocketIOTestClient, LiveView] = WeakKeyDictionary()


def received(sock: SocketIOTestClient, name: str) -> list[Any]:
    """The payloads of one event this socket got since the last call (read even after the
    server disconnected it). For "state": every version the socket's view reached, from
    whole states and patches alike (rolwissel_client/liveview.py), each shaped like a state."""
    if name == "state":
        return _views_reached(sock)
    found = [item["args"][0] for item in sock.queue if item["name"] == name]
    sock.queue[:] = [item for item in sock.queue if item["name"] != name]
    return found


def _views_reached(sock: SocketIOTestClient) -> list[Any]:
    live = _views.setdefault(sock, LiveView())
    found: list[Any] = []
    kept = []
    for item in sock.queue:
        if item["name"] == "state":
            found += live.full(item["args"][0])
        elif item["name"] == "patch":
            found += live.patch(item["args"][0])
        else:
            kept.append(item)
    sock.queue[:] = kept
    return found


def state_reaching(sock: SocketIOTestClient, version: int, timeout: float = 5.0) -> dict[str, Any]:
    """The newest `state` once one at `version` or later arrived: the writer acknowledges
    first and broadcasts right after, so the broadcast may land a moment after the ack."""
    deadline = time.monotonic() + timeout
    newest: dict[str, Any] | None = None
    while True:
        states = received(sock, "state")
        newest = states[-1] if states else newest
        if newest is not None and newest["version"] >= version:
            return newest
        assert time.monotonic() < deadline, f"no state at version {version} arrived"
        time.sleep(0.01)


def last_state(sock: SocketIOTestClient) -> dict[str, Any]:
    states = received(sock, "state")
    assert states, "no state message arrived"
    return states[-1]
