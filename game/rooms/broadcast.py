"""Telling viewers what changed: one place for views, patches and emits.

Each connection joins the Socket.IO rooms `<room id>` and `<room id>/<viewer>`, where viewer
is `facilitator`, `screen` or `p:<player id>`. Emits go `to=` those rooms, so they reach a
viewer's sockets in every server process when a message queue is configured.

What is sent (docs/protocol.md):

* `state` {version, now, view, scenario}: a viewer's whole view, to one socket, on connect
  and on `resync`, and to a viewer's room when no patch can be made (a room new in this step).
* `patch` {base, version, now, part, ops} after each commit that moved a room from version
  `base` to `version`: an RFC 6902 patch (game/rooms/patches.py) of the view at `base` into
  the view at `version`. First, to each viewer whose private part changed, its own small
  patch (`part` "private": the participant's `role` and `me`, the facilitator's
  `facilitator`; paths from the view's root); then, once to the whole game room, the
  patch of the public part (`part` "public"; paths inside `view.public`). A viewer with no
  private patch in a step kept its private part. Each message is encoded once.
  In one process (no message queue) the broadcaster knows every socket of the room, so a
  viewer whose private part changed gets one message instead of two: `part` "view", the
  private ops and the public ops (under `/public`) as one patch of its whole view, and the
  public patch goes to the room without those sockets. Every socket is sent what it must be
  sent per step; the sender and the facilitator, who change with most actions, get one
  message fewer each (each message costs the framework its own trip through the sockets'
  queues, docs/benchmarks.md).

The base rule: a patch's `base` is the version of the state the writer applied the batch to,
and both sides of the diff are views of states folded from the log. So any process, also one
that has just rebuilt the room from the log, makes the same patch for the same step, and a
browser holding the view at `base` gets exactly the view at `version`.

Views are made once per (version, viewer) and kept for the room's newest version, which is
the next step's base: an action pays for the public part once and for each viewer's private
part once, not for a whole view per socket. Which sockets live in this process, and so who
is present, is game/rooms/connections.py.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from game.engine import views
from game.engine.state import RoomState
from game.rooms.connections import Connections
from game.rooms.crash import CrashPoints
from game.rooms.patches import READY, Encoded, Op, diff, encode

logger = logging.getLogger("rolwissel.broadcast")

Emit = Callable[..., Any]  # socketio.emit(event, data, to=..., skip_sid=...)
Members = Callable[[str], list[str]]  # the sids in a Socket.IO room, in this process

SCREEN = "screen"


def sio_room(room_id: str, viewer_key: str) -> str:
    """The Socket.IO room of one kind of viewer in one game room."""
    return f"{room_id}/{viewer_key}"


def viewer_of(viewer_key: str) -> views.Viewer:
    """The engine's viewer for a viewer key."""
    if viewer_key == "facilitator":
        return views.FACILITATOR_VIEWER
    if viewer_key == SCREEN:
        return views.BIG_SCREEN
    return views.Participant(viewer_key.removeprefix("p:"))


@dataclass(frozen=True)
class Step:
    """One commit of one room: its state before the batch (None for a room the batch
    created) and after it."""

    before: RoomState | None
    after: RoomState


class RoomViews:
    """The views of one room at one version, each part made at most once."""

    def __init__(self, state: RoomState) -> None:
        self.state = state
        self.version = state.version
        self._shared: views.Shared | None = None
        self._private: dict[str, dict[str, Any]] = {}
        self._before: RoomViews | None = None  # an earlier version, to take views over from

    def follows(self, older: RoomViews) -> None:
        """Made after `older` (an earlier version of the room): what the step did not touch
        (card facts and views, players' own things, parts of the views) is taken over from
        it instead of made again (views.Shared)."""
        if self._shared is None and older.version < self.version:
            self._before = older

    @property
    def shared(self) -> views.Shared:
        if self._shared is None:
            before = self._before._shared if self._before is not None else None
            self._shared = views.shared(self.state, before)
            self._before = None  # no chain of old versions is kept
        return self._shared

    @property
    def public(self) -> dict[str, Any]:
        """The part every viewer shares."""
        return self.shared.public

    def private(self, viewer_key: str) -> dict[str, Any]:
        """The rest of one viewer's view: the keys of the view besides `viewer` and
        `public` (a participant's `role` and `me`, the facilitator's `facilitator`)."""
        found = self._private.get(viewer_key)
        if found is None:
            whole = views.compose(self.state, viewer_of(viewer_key), self.shared)
            found = {k: v for k, v in whole.items() if k not in ("viewer", "public")}
            self._private[viewer_key] = found
        return found

    def unchanged_since(self, older: RoomViews, viewer_key: str) -> bool:
        """Whether this viewer's private part is the same as in `older`, known without making
        it (a participant whose own things did not change); then it is taken over as is."""
        if not viewer_key.startswith("p:"):
            return False
        player_id = viewer_key.removeprefix("p:")
        same = views.participant_inputs(
            older.state, player_id, older.shared
        ) == views.participant_inputs(self.state, player_id, self.shared)
        if same and viewer_key in older._private:
            self._private.setdefault(viewer_key, older._private[viewer_key])
        return same

    def view(self, viewer_key: str) -> dict[str, Any]:
        """One viewer's whole view (equal to views.view_for)."""
        name = viewer_key if viewer_key in ("facilitator", SCREEN) else "participant"
        return {"viewer": name, "public": self.public, **self.private(viewer_key)}


class Broadcaster:
    """What the viewers of this process's rooms are sent."""

    def __init__(
        self,
        emit: Emit,
        clock: Callable[[], int],
        connections: Connections,
        *,
        shared: bool = False,
        members: Members | None = None,
        crash: CrashPoints | None = None,
    ) -> None:
        self.emit = emit
        self.clock = clock
        self.connections = connections
        # With a message queue other processes hold sockets too: emit to every viewer.
        self.shared = shared
        # Without a queue every socket is here: who gets a whole-view patch is known.
        self.members = None if shared else members
        self.crash = crash or CrashPoints(None)
        self._views: dict[str, RoomViews] = {}  # per room, its newest version's views
        self._scenarios: dict[str, str] = {}  # a room's scenario text never changes
        self._lock = threading.RLock()

    # The views

    def views_at(self, state: RoomState) -> RoomViews:
        """The views of this version of the room (kept when it is the newest)."""
        with self._lock:
            cached = self._views.get(state.room_id)
            if cached is not None and cached.version == state.version:
                return cached
            made = RoomViews(state)
            if cached is None or cached.version < state.version:
                self._views[state.room_id] = made
            return made

    def view(self, state: RoomState, viewer_key: str) -> dict[str, Any]:
        return self.views_at(state).view(viewer_key)

    # What is sent

    def message(self, state: RoomState, viewer_key: str) -> dict[str, Any]:
        """The `state` message for one kind of viewer (without the scenario text)."""
        message: dict[str, Any] = {
            "version": state.version,
            "now": self.clock(),
            "view": self.view(state, viewer_key),
        }
        if viewer_key == "facilitator":
            message["presence"] = self.connections.presence(state.room_id, state)
        return message

    def send_state(self, sid: str, state: RoomState, viewer_key: str) -> None:
        """The whole view to one socket (after connect or resync), with the scenario text."""
        self.emit("state", self.first_state(state, viewer_key), to=sid)

    def first_state(self, state: RoomState, viewer_key: str) -> Encoded:
        """The `state` message a viewer gets first: its whole view with the scenario text,
        encoded (the socket's on connect, and `POST /api/rooms/<id>/view`)."""
        return self._with_scenario(state, self.message(state, viewer_key))

    def _with_scenario(self, state: RoomState, message: dict[str, Any]) -> Encoded:
        # The scenario is the largest part of a first state and the same for every viewer of
        # the room: encoded once per room, then spliced in.
        with self._lock:
            scenario = self._scenarios.get(state.room_id)
            if scenario is None:
                scenario = encode(views.scenario_public(state.scenario))[READY]
                self._scenarios[state.room_id] = scenario
        body = encode(message)[READY]
        return {READY: f'{body[:-1]},"scenario":{scenario}}}'}

    def publish(self, steps: list[Step]) -> None:
        """After a commit: each changed room's viewers get what changed (the module's docs)."""
        for step in steps:
            if step.before is None or step.before.version >= step.after.version:
                self._publish_whole(step.after)
            else:
                self._publish_patches(step.before, step.after)

    def _publish_patches(self, before: RoomState, after: RoomState) -> None:
        old, new = self.views_at(before), self.views_at(after)
        new.follows(old)
        keys = self._viewers(after)
        if not keys:
            return  # nobody watches this room here; its newest views are kept all the same
        private: dict[str, list[Op]] = {}
        for key in keys:
            if key == SCREEN or new.unchanged_since(old, key):
                continue  # the big screen has only the public part; this one's did not change
            ops = diff(old.private(key), new.private(key))
            if ops:
                private[key] = ops
        head = {"base": before.version, "version": after.version, "now": self.clock()}
        public = diff(old.public, new.public)
        if self.members is None:
            self._send_in_parts(after.room_id, head, private, public)
        else:
            self._send_together(after.room_id, head, private, public, self.members)

    def _send_in_parts(
        self, room_id: str, head: dict[str, int], private: dict[str, list[Op]], public: list[Op]
    ) -> None:
        for key, ops in private.items():
            message = encode({**head, "part": "private", "ops": ops})
            self.emit("patch", message, to=sio_room(room_id, key))
        self.crash.reach("mid_broadcast")
        self.emit("patch", encode({**head, "part": "public", "ops": public}), to=room_id)

    def _send_together(
        self,
        room_id: str,
        head: dict[str, int],
        private: dict[str, list[Op]],
        public: list[Op],
        members: Members,
    ) -> None:
        # Nothing yields between reading a viewer's sockets and the emits, so no socket can
        # join in between and miss its part.
        under_public = [{**op, "path": "/public" + op["path"]} for op in public]
        told: list[str] = []
        for key, ops in private.items():
            sids = members(sio_room(room_id, key))
            if sids:
                message = encode({**head, "part": "view", "ops": ops + under_public})
                self.emit("patch", message, to=sio_room(room_id, key))
                told.extend(sids)
        self.crash.reach("mid_broadcast")
        message = encode({**head, "part": "public", "ops": public})
        self.emit("patch", message, to=room_id, skip_sid=told or None)

    def _publish_whole(self, state: RoomState) -> None:
        """No view to patch from: every viewer's room gets the whole view."""
        for key in self._viewers(state):
            self.emit("state", encode(self.message(state, key)), to=sio_room(state.room_id, key))

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
        keys = ["facilitator", SCREEN, *(f"p:{p.id}" for p in state.players)]
        return sorted(set(keys) | set(local))

    def forget_room(self, room_id: str) -> None:
        """Drop the kept views of a room (the lifecycle forgets a finished room)."""
        with self._lock:
            self._views.pop(room_id, None)
            self._scenarios.pop(room_id, None)

    def remembers(self, room_id: str) -> bool:
        with self._lock:
            return room_id in self._views or room_id in self._scenarios
