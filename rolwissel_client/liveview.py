"""The view one viewer holds, kept the way the browser's LiveView (static/js/shell.js) keeps it.

A `state` message replaces the view whole; `patch` messages (docs/protocol.md) are applied
in version order with the `jsonpatch` library (RFC 6902): a step from `base` to `version` is
applied once its public patch is here, together with the viewer's private patch of the same
step when there is one (the server sends that first), or once its whole-view patch (`part`
"view": the private and the public ops in one) is here. A patch whose base is ahead waits for
the gap to close; `gap_seconds()` says for how long one has waited, so the caller can ask for
the whole view (`resync`) when it does not close.

Every version reached is returned as a record shaped like a `state` message ({version, now,
view, presence?}, with `patched` True), so a client that collects the states it saw keeps
doing so, and a test can compare each of them with the view the log gives at that version.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from typing import Any

import jsonpatch

Message = dict[str, Any]


class LiveView:
    """One viewer's current view, from whole states and patches."""

    def __init__(self) -> None:
        self.view: dict[str, Any] | None = None
        self.version = 0
        self.presence: dict[str, bool] = {}
        self.pending: list[Message] = []
        self._gap_since: float | None = None
        self.applied = 0  # patch steps applied
        self.failed = 0  # patches that did not fit (the caller asks for the whole view)
        self.resyncs = 0  # times the whole view was asked for after a gap

    def full(self, message: Message) -> list[Message]:
        """A whole `state`: the records of the versions it and any waiting patches reach."""
        version = int(message["version"])
        if self.view is not None and version < self.version:
            return []  # an older state after a newer one (across a reconnect): keep the newest
        self.view = copy.deepcopy(message["view"])
        self.version = version
        if isinstance(message.get("presence"), dict):
            self.presence = dict(message["presence"])
        self.pending = [p for p in self.pending if int(p["version"]) > version]
        return [message, *self._drain()]

    def patch(self, message: Message) -> list[Message]:
        """A `patch`: the records of the versions reached (none while it waits)."""
        if self.view is not None and int(message["version"]) <= self.version:
            return []
        self.pending.append(message)
        return self._drain() if self.view is not None else []

    def presence_changed(self, presence: dict[str, bool]) -> None:
        self.presence = {**self.presence, **presence}

    def gap_seconds(self) -> float:
        """How long patches have waited for a step that has not come (0: none waits)."""
        return 0.0 if self._gap_since is None else time.monotonic() - self._gap_since

    def _drain(self) -> list[Message]:
        reached: list[Message] = []
        while self.view is not None:
            # The step's public patch, or its whole-view patch ("view": private and public ops
            # in one, for a viewer whose own part changed).
            public = next(
                (p for p in self.pending if p["part"] != "private" and p["base"] == self.version),
                None,
            )
            if public is None:
                break
            private = [
                p
                for p in self.pending
                if p["part"] == "private"
                and p["base"] == self.version
                and p["version"] == public["version"]
            ]
            try:
                view = self.view
                for step in private:
                    view = jsonpatch.apply_patch(view, step["ops"])
                if public["part"] == "view":
                    view = jsonpatch.apply_patch(view, public["ops"])
                else:
                    view = {**view, "public": jsonpatch.apply_patch(view["public"], public["ops"])}
            except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException, KeyError):
                self.failed += 1
                self.pending = []
                self._gap_since = time.monotonic() - 3600  # ask for the whole view at once
                return reached
            self.view = view
            self.version = int(public["version"])
            self.applied += 1
            self.pending = [p for p in self.pending if int(p["version"]) > self.version]
            record: Message = {
                "version": self.version,
                "now": public.get("now"),
                "view": copy.deepcopy(self.view),
                "patched": True,
            }
            if self.view.get("viewer") == "facilitator":
                record["presence"] = dict(self.presence)
            reached.append(record)
        if not self.pending:
            self._gap_since = None
        elif self._gap_since is None:
            self._gap_since = time.monotonic()
        return reached


def in_arrival_order(client: Any) -> None:
    """Make a python-socketio `Client` run its message handlers one at a time, in the order
    the messages arrived, as a browser does. python-engineio's client runs each message's
    handler in a thread of its own, so a step's public patch could otherwise be handled
    before the private patch the server sent first."""
    eio = client.eio
    trigger = eio._trigger_event

    def in_order(event: str, *args: Any, **kwargs: Any) -> Any:
        if event == "message":
            kwargs["run_async"] = False
        return trigger(event, *args, **kwargs)

    eio._trigger_event = in_order


GAP_S = 1.0  # how long a patch may wait for the step before it; then: the whole view


def follow(
    client: Any,
    on_view: Callable[[Message], None],
    on_presence: Callable[[dict[str, bool]], None] | None = None,
    on_message: Callable[[str, Message], None] | None = None,
) -> LiveView:
    """Keep a LiveView from a python-socketio `Client`'s `state`, `patch` and `presence`
    messages (handled in arrival order); `on_view(record)` hears of every version reached,
    `on_message(event, message)` of every `state` and `patch` as it came. When a patch waited
    GAP_S for the step before it, the client asks for the whole view (`resync`), as the
    browser does."""
    live = LiveView()
    lock = threading.Lock()
    in_arrival_order(client)

    def deliver(records: list[Message]) -> None:
        for record in records:
            on_view(record)

    def on_state(message: Message) -> None:
        if on_message is not None:
            on_message("state", message)
        with lock:
            records = live.full(message)
        deliver(records)

    def on_patch(message: Message) -> None:
        if on_message is not None:
            on_message("patch", message)
        with lock:
            records = live.patch(message)
            waiting = live.gap_seconds() > 0
        deliver(records)
        if waiting:
            timer = threading.Timer(GAP_S, check_gap)
            timer.daemon = True
            timer.start()

    def check_gap() -> None:
        with lock:
            if live.gap_seconds() < GAP_S:
                return
            live.resyncs += 1
            version = live.version
        try:
            client.emit("resync", {"last_seq": version})
        except Exception:  # dropped meanwhile: the reconnect brings the whole view anyway
            return

    def presence(message: Message) -> None:
        update = dict(message.get("presence") or {})
        with lock:
            live.presence_changed(update)
        if on_presence is not None:
            on_presence(update)

    client.on("state", on_state)
    client.on("patch", on_patch)
    client.on("presence", presence)
    return live
