"""Telling viewers what changed: one place for views and emits.

Each connection joins the Socket.IO rooms `<room id>` and `<room id>/<viewer>`, where viewer
is `facilitator`, `screen` or `p:<player id>`. Emits go `to=` those rooms, so they reach a
viewer's sockets in every server process when a message queue is configured.

A view is computed once per (version, viewer) and reused for all sockets of that viewer; the
public part is the same for everyone and computed once per version.

Which sockets live in this process, and so who is present, is game/rooms/connections.py.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from game.engine import views
from game.engine.state import RoomState
from game.rooms.connections import Connections
from game.rooms.crash import CrashPoints

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
        self.shared: views.Shared | None = None
        self.by_viewer: dict[str, dict[str, Any]] = {}
        self.scenario: dict[str, Any] | None = None  # a room's scenario never changes

    def view(self, state: RoomState, viewer_key: str) -> dict[str, Any]:
        """The view of `viewer_key`, computed at most once per version."""
        if state.version != self.version:
            self.version, self.shared, self.by_viewer = state.version, None, {}
        found = self.by_viewer.get(viewer_key)
        if found is None:
            # The engine's own dispatch, on a public part shared by every viewer.
            if self.shared is None:
                self.shared = views.shared(state)
            found = views.compose(state, viewer_of(viewer_key), self.shared)
            self.by_viewer[viewer_key] = found
        return found


class Broadcaster:
    """What the viewers of this process's rooms are sent."""

    def __init__(
        self,
        emit: Emit,
        clock: Callable[[], int],
        connections: Connections,
        *,
        shared: bool = False,
        crash: CrashPoints | None = None,
    ) -> None:
        self.emit = emit
        self.clock = clock
        self.connections = connections
        # With a message queue other processes hold sockets too: emit to every viewer.
        self.shared = shared
        self.crash = crash or CrashPoints(None)
        self._views: dict[str, ViewCache] = {}
        self._lock = threading.RLock()

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
            message["presence"] = self.connections.presence(state.room_id, state)
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
            {"presence": self.connections.presence(room_id, state)},
            to=sio_room(room_id, "facilitator"),
        )

    def _viewers(self, state: RoomState) -> list[str]:
        local = self.connections.viewers(state.room_id)
        if not self.shared:
            return local
        keys = ["facilitator", "screen", *(f"p:{p.id}" for p in state.players)]
        return sorted(set(keys) | set(local))

    def forget_room(self, room_id: str) -> None:
        """Drop the cached views of a room (the lifecycle forgets a finished room)."""
        with self._lock:
            self._views.pop(room_id, None)

    def remembers(self, room_id: str) -> bool:
        with self._lock:
            return room_id in self._views
