"""One Socket.IO connection that speaks Rolwissel's protocol the way a browser does.

It connects with the auth object (room, token, last version seen, language), keeps its view
from whole `state`s and `patch`es as the browser does (rolwissel_client/liveview.py: every
version it reaches is recorded like a `state`; a gap that does not close within a second
makes it ask for the whole view), records every `notice`, reconnects by itself, and sends
each action with a fresh idempotency key; when the connection drops before the answer came,
the action is sent again with the same key after the reconnect, as the browser's buffered
emit would: the server applies it once.

Only the standard library is imported at the top: python-socketio is imported when a
connection is made.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from game.languages import DEFAULT_LANGUAGE
from rolwissel_client.liveview import follow

# Answers that are not final: the action was not stored, and the same action (same key) is
# sent again after a pause, as the browser keeps the key for them (static/js/net.js,
# KEEP_KEY): a server stopping (SIGTERM), one too busy to take it up, or this connection
# over its rate (`detail.retry_after_ms` says how long to wait).
RETRY_CODES = frozenset({"server_restarting", "server_overloaded", "too_many_actions"})
RETRY_PAUSE_S = 0.2


def retry_pause(reply: dict[str, Any]) -> float:
    """Seconds to wait before sending a refused action again: what the server asked
    (`detail.retry_after_ms`), else a short pause."""
    detail = reply.get("detail")
    asked = detail.get("retry_after_ms") if isinstance(detail, dict) else None
    if isinstance(asked, int | float) and not isinstance(asked, bool) and asked > 0:
        return min(float(asked) / 1000, 5.0)
    return RETRY_PAUSE_S


class SimulationError(RuntimeError):
    """The game could not go on: the server refused a step or stopped answering."""


@dataclass(frozen=True)
class AckRecord:
    """The answer to one action: ok with the room's version, or a refusal with its code."""

    label: str  # "facilitator" or the player's name
    actor: str  # the actor id the server knows: "facilitator" or the player id
    key: str
    type: str
    ok: bool
    version: int | None
    code: str | None
    sent_at: float  # time.time() when first sent
    answered_at: float  # time.time() when the answer came
    attempts: int  # 1, or more when the connection dropped and the action was sent again

    @property
    def latency_ms(self) -> float:
        return (self.answered_at - self.sent_at) * 1000


@dataclass(frozen=True)
class Sent:
    """An intention as it went over the wire (with its key), by whom."""

    actor: str
    payload: dict[str, Any]


class Recorder(Protocol):
    """Who hears of every intention sent, every answer and every version a connection saw
    (a ScriptedGame records its whole game this way)."""

    def observe(self, version: int) -> None: ...

    def record_sent(self, sent: Sent) -> None: ...

    def record_ack(self, record: AckRecord) -> None: ...


class Unrecorded:
    """A recorder that keeps nothing."""

    def observe(self, version: int) -> None:
        pass

    def record_sent(self, sent: Sent) -> None:
        pass

    def record_ack(self, record: AckRecord) -> None:
        pass


class Connection:
    """One Socket.IO connection: a seat, the facilitator or (token None) the big screen.

    It records every `state` and `notice` it receives, reconnects by itself, and sends
    actions with a fresh key each, sending one again (same key) when the connection dropped
    before the answer came.
    """

    def __init__(
        self,
        url: str,
        room_id: str,
        label: str,
        token: str | None,
        actor: str | None,
        *,
        lang: str = DEFAULT_LANGUAGE,
        timeout: float = 60.0,
        recorder: Recorder | None = None,
    ) -> None:
        import socketio

        self.url = url
        self.room_id = room_id
        self.lang = lang
        self.timeout = timeout  # seconds an action may wait for its answer, reconnects included
        self.recorder = recorder or Unrecorded()
        self.label = label
        self.token = token
        self.actor = actor  # None for the big screen, which cannot act
        # Every `state` received and every version reached through patches (as a record
        # shaped like a state), in the order they came (in_arrival_order), and when each
        # came (time.time()).
        self.states: list[dict[str, Any]] = []
        # Every `state` and `patch` message as it came ("state" or "patch", the message).
        self.messages: list[tuple[str, dict[str, Any]]] = []
        self.received_at: list[float] = []
        self._newest: dict[str, Any] | None = None
        self.notices: list[dict[str, Any]] = []
        self.scenario: dict[str, Any] | None = None
        self.connects = 0
        self.sids: list[str] = []  # the Socket.IO sid of each connect, as the server logs it
        self.max_version = 0
        self._cond = threading.Condition()
        self._online = False
        self._epoch = 0  # +1 on every drop: an answer can no longer come on this socket
        self._keys = itertools.count(1)
        self.client = socketio.Client(reconnection_delay=0.1, reconnection_delay_max=0.5)
        self.client.on("connect", self._on_connect)
        self.client.on("disconnect", self._on_disconnect)
        self.live = follow(self.client, self._on_view, on_message=self._on_message)
        self.client.on("notice", self._on_notice)

    # The socket

    def _auth(self) -> dict[str, Any]:
        # Called on every (re)connect: the last version seen goes along, as browsers do.
        return {
            "room": self.room_id,
            "token": self.token,
            "last_seq": self.max_version,
            "lang": self.lang,
        }

    def connect(self) -> None:
        self.client.connect(self.url, auth=self._auth, transports=["websocket"], wait_timeout=10)
        self.wait_for(lambda: bool(self.states), "the first state")

    def _on_connect(self) -> None:
        with self._cond:
            self._online = True
            self.connects += 1
            self.sids.append(str(self.client.get_sid()))
            self._cond.notify_all()

    def _on_disconnect(self, reason: Any = None) -> None:
        with self._cond:
            self._online = False
            self._epoch += 1
            self._cond.notify_all()
        if reason == self.client.reason.TRANSPORT_ERROR:
            # python-engineio's client drops a websocket the server went away from without
            # closing it (one file descriptor per restart, a ResourceWarning when collected).
            ws = getattr(self.client.eio, "ws", None)
            if ws is not None:
                ws.shutdown()

    def _on_message(self, event: str, message: dict[str, Any]) -> None:
        with self._cond:
            self.messages.append((event, message))

    def _on_view(self, message: dict[str, Any]) -> None:
        """A version this connection reached (a whole state, or through patches)."""
        with self._cond:
            if message.get("scenario"):
                self.scenario = message["scenario"]
            self.states.append(message)
            self.received_at.append(time.time())
            if self._newest is None or message["version"] >= self._newest["version"]:
                self._newest = message
            self.max_version = max(self.max_version, int(message["version"]))
            self._cond.notify_all()
        self.recorder.observe(int(message["version"]))

    def _on_notice(self, message: dict[str, Any]) -> None:
        with self._cond:
            self.notices.append(message)

    @property
    def online(self) -> bool:
        return self._online

    @property
    def latest(self) -> dict[str, Any]:
        """The `state` message with the highest version (the last one of those)."""
        with self._cond:
            assert self._newest is not None, "no state yet"
            return self._newest

    @property
    def view(self) -> dict[str, Any]:
        return dict(self.latest["view"])

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        """Wait until `condition` holds (checked on every message and connect)."""
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SimulationError(f"{self.label}: timed out waiting for {what}")
                self._cond.wait(min(left, 0.25))

    def wait_version(self, version: int) -> dict[str, Any]:
        """The view once this connection has seen `version` (or later)."""
        self.wait_for(
            lambda: self._newest is not None and self.max_version >= version,
            f"version {version}",
        )
        return self.view

    def close(self) -> None:
        """Disconnect, or stop reconnecting when the server is away (`disconnect` alone
        would leave python-socketio's reconnect loop running)."""
        self.client.shutdown()

    # Acting

    def act(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Send an action with a new key; return the answer (Ack or Refusal)."""
        import socketio

        if self.actor is None:
            raise SimulationError("the big screen cannot act")
        with self._cond:
            key = f"k{next(self._keys)}"
        payload = {**fields, "key": key}
        self.recorder.record_sent(Sent(self.actor, payload))
        sent_at = time.time()
        deadline = time.monotonic() + self.timeout
        attempts = 0
        while True:
            with self._cond:
                while not self._online:
                    self._wait(deadline, payload)
                epoch = self._epoch
            attempts += 1
            box: dict[str, Any] = {}

            def answered(reply: Any = None, box: dict[str, Any] = box) -> None:
                with self._cond:
                    box["reply"] = reply
                    self._cond.notify_all()

            try:
                self.client.emit("action", payload, callback=answered)
            except socketio.exceptions.BadNamespaceError:
                # Dropped between the check and the emit: wait for the reconnect.
                time.sleep(0.05)
                continue
            with self._cond:
                while "reply" not in box and self._epoch == epoch:
                    self._wait(deadline, payload)
            if "reply" not in box:
                continue  # the connection dropped before the answer: same key again
            reply = box["reply"]
            if not isinstance(reply, dict):
                raise SimulationError(f"{self.label}: a strange answer to {payload['type']}")
            if not reply.get("ok") and reply.get("code") in RETRY_CODES:
                if time.monotonic() >= deadline:
                    raise SimulationError(
                        f"{self.label}: {payload['type']} still refused after"
                        f" {self.timeout:.0f} s: {reply.get('code')}"
                    )
                time.sleep(retry_pause(reply))
                continue
            self.recorder.record_ack(
                AckRecord(
                    label=self.label,
                    actor=self.actor,
                    key=key,
                    type=str(payload["type"]),
                    ok=bool(reply.get("ok")),
                    version=reply.get("version"),
                    code=reply.get("code"),
                    sent_at=sent_at,
                    answered_at=time.time(),
                    attempts=attempts,
                )
            )
            return reply

    def _wait(self, deadline: float, payload: dict[str, Any]) -> None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SimulationError(
                f"{self.label}: no answer to {payload['type']} within {self.timeout:.0f} s"
            )
        self._cond.wait(min(left, 0.25))

    def ok(self, fields: dict[str, Any]) -> int:
        """Act and insist on an acknowledgement; returns the room's version after it."""
        reply = self.act(fields)
        if not reply.get("ok"):
            raise SimulationError(
                f"{self.label}: {fields['type']} was refused: {reply.get('code')}"
                f" ({reply.get('message')})"
            )
        return int(reply["version"])
