"""Telling viewers what changed: one place for views, presence and emits.

Each connection joins the Socket.IO rooms `<room id>` and `<room id>/<viewer>`, where viewer
is `facilitator`, `screen` or `p:<player id>`. Emits go `to=` those rooms, so they reach a
viewer's sockets in every server process when a message queue is configured.

A view is computed once per (version, viewer) and reused for all sockets of that viewer; the
public part is the same for everyone and computed once per version.

Presence (who has a live connection) is connection state, not game state: it changes on every
reload and network hiccup, and replaying the log must give the same room whether people were
online or not. So it never goes into the log; it is kept in a `Presence` (this process's
memory, or the Redis that several processes share: game/rooms/presence.py) and sent to the
facilitator next to the view.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from game.engine import views
from game.engine.state import RoomState
from game.rooms.presence import LocalPresence, Presence
from game.rooms.service import Identity
from game.rooms.writer import CrashPoints

logger = logging.getLogger("rolwissel.broadcast")

Emit = Callable[..., Any]  # socketio.emit(event, data, to=..., skip_sid=...)


def sio_room(room_id: str, viewer_key: str) -> str:
    """The Socket.IO room of one kind of viewer in one game room."""
    return f"{room_id}/{viewer_key}"


def viewer_of(viewer_key: str) -> views.Viewer:
    """The engine's viewer for a viewer key."""
    if viewer_key == "facilitator":
        return views.FACILITATOR_VIEWER
    if viewer_key == "screen":
        return views.BIG_SCREEN
    return views.Participant(viewer_key.removeprefix("p:"))


class ViewCache:
    """The views of one room at its current version; emptied when the version moves on."""

    def __init__(self) -> None:
        self.version = -1
        self.public: dict[str, Any] | None = None
        self.by_viewer: dict[str, dict[str, Any]] = {}
        self.scenario: dict[str, Any] | None = None  # a room's scenario never changes

    def view(self, state: RoomState, viewer_key: str) -> dict[str, Any]:
        """The view of `viewer_key`, computed at most once per version."""
        if state.version != self.version:
            self.version, self.public, self.by_viewer = state.version, None, {}
        found = self.by_viewer.get(viewer_key)
        if found is None:
            found = self._compose(state, viewer_of(viewer_key))
            self.by_viewer[viewer_key] = found
        return found

    def _compose(self, state: RoomState, viewer: views.Viewer) -> dict[str, Any]:
        # The same dict views.view_for builds (a test holds them equal), with the public
        # part shared between viewers instead of rebuilt for each.
        if self.public is None:
            self.public = views.public_view(state)
        if isinstance(viewer, views.Participant):
            role = state.role_of(viewer.player_id)
            return {
                "viewer": "participant",
                "public": self.public,
                "role": views.role_view(state, role) if role is not None else None,
                "me": views.personal_view(state, viewer.player_id),
            }
        if isinstance(viewer, views.Facilitator):
            return {
                "viewer": "facilitator",
                "public": self.public,
                "facilitator": views.facilitator_view(state),
            }
        return {"viewer": "screen", "public": self.public}


@dataclass
class Connection:
    """One live socket: whose it is and which language its sentences are in."""

    sid: str
    identity: Identity
    lang: str


class Broadcaster:
    """The live connections of this process and what they are sent."""

    def __init__(
        self,
        emit: Emit,
        clock: Callable[[], int],
        *,
        shared: bool = False,
        crash: CrashPoints | None = None,
        presence: Presence | None = None,
    ) -> None:
        self.emit = emit
        self.clock = clock
        # With a message queue other processes hold sockets too: emit to every viewer.
        self.shared = shared
        self.crash = crash or CrashPoints(None)
        self.online = presence or LocalPresence()
        self.connections: dict[str, Connection] = {}
        self._by_viewer: dict[tuple[str, str], set[str]] = {}
        self._views: dict[str, ViewCache] = {}
        self._lock = threading.RLock()

    # Connections

    def add(self, connection: Connection) -> list[str]:
        """Register a socket; returns the older sockets of the same seat (to take over)."""
        identity = connection.identity
        slot = (identity.room_id, identity.viewer_key)
        with self._lock:
            older = sorted(self._by_viewer.get(slot, set())) if _is_seat(identity) else []
            self.connections[connection.sid] = connection
            self._by_viewer.setdefault(slot, set()).add(connection.sid)
        self.online.add(identity.room_id, identity.viewer_key, connection.sid)
        return older

    def remove(self, sid: str) -> Connection | None:
        """Forget a socket; returns what it was."""
        with self._lock:
            connection = self.connections.pop(sid, None)
            if connection is None:
                return None
            slot = (connection.identity.room_id, connection.identity.viewer_key)
            sids = self._by_viewer.get(slot)
            if sids is not None:
                sids.discard(sid)
                if not sids:
                    del self._by_viewer[slot]
        self.online.remove(*slot, sid)
        return connection

    def presence(self, room_id: str, state: RoomState | None) -> dict[str, bool]:
        """Per player of the room: does a socket of theirs live (in any process)?"""
        if state is None:
            return {}
        online = self.online.viewers(room_id)
        return {p.id: f"p:{p.id}" in online for p in state.players}

    def local_viewers(self, room_id: str) -> list[str]:
        with self._lock:
            return sorted(key for (room, key) in self._by_viewer if room == room_id)

    # What is sent

    def view(self, state: RoomState, viewer_key: str) -> dict[str, Any]:
        with self._lock:
            cache = self._views.setdefault(state.room_id, ViewCache())
            return cache.view(state, viewer_key)

    def message(self, state: RoomState, viewer_key: str) -> dict[str, Any]:
        """The `state` message for one kind of viewer."""
        message: dict[str, Any] = {
            "version": state.version,
            "now": self.clock(),
            "view": self.view(state, viewer_key),
        }
        if viewer_key == "facilitator":
            message["presence"] = self.presence(state.room_id, state)
        return message

    def send_state(self, sid: str, state: RoomState, viewer_key: str) -> None:
        """The current state to one socket (after connect or resync), with the scenario text."""
        message = {**self.message(state, viewer_key), "scenario": self.scenario(state)}
        self.emit("state", message, to=sid)

    def scenario(self, state: RoomState) -> dict[str, Any]:
        with self._lock:
            cache = self._views.setdefault(state.room_id, ViewCache())
            if cache.scenario is None:
                cache.scenario = views.scenario_public(state.scenario)
            return cache.scenario

    def publish(self, states: list[RoomState]) -> None:
        """After a commit: every viewer of every changed room gets its new view."""
        targets = [(state, key) for state in states for key in self._viewers(state)]
        half = len(targets) // 2
        for index, (state, key) in enumerate(targets):
            if index == half:
                self.crash.reach("mid_broadcast")
            self.emit("state", self.message(state, key), to=sio_room(state.room_id, key))

    def publish_presence(self, room_id: str, state: RoomState | None) -> None:
        """Tell the facilitator who is online now."""
        self.emit(
            "presence",
            {"presence": self.presence(room_id, state)},
            to=sio_room(room_id, "facilitator"),
        )

    def _viewers(self, state: RoomState) -> list[str]:
        if not self.shared:
            return self.local_viewers(state.room_id)
        keys = ["facilitator", "screen", *(f"p:{p.id}" for p in state.players)]
        return sorted(set(keys) | set(self.local_viewers(state.room_id)))

    def forget_room(self, room_id: str) -> None:
        with self._lock:
            self._views.pop(room_id, None)


def _is_seat(identity: Identity) -> bool:
    return identity.actor is not None and identity.viewer_key.startswith("p:")
