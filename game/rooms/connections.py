"""The live sockets of this process: who is on the other end of each, and in which language.

Presence (who has a live connection) is connection state, not game state: it changes on every
reload and network hiccup, and replaying the log must give the same room whether people were
online or not. So it never goes into the log; it is kept in a `Presence` (this process's
memory, or the Redis that several processes share: game/rooms/presence.py) and sent to the
facilitator next to the view.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from game.engine.state import FACILITATOR, RoomState
from game.languages import DEFAULT_LANGUAGE
from game.rooms.presence import LocalPresence, Presence


@dataclass(frozen=True)
class Identity:
    """Who is on the other end of a connection. `actor` None is the big screen."""

    room_id: str
    actor: str | None

    @property
    def viewer_key(self) -> str:
        """The kind of viewer: 'facilitator', 'screen' or 'p:<player id>'."""
        if self.actor is None:
            return "screen"
        return "facilitator" if self.actor == FACILITATOR else f"p:{self.actor}"

    @property
    def is_seat(self) -> bool:
        """A participant's seat (one socket at a time), not the facilitator or a screen."""
        return self.actor is not None and self.actor != FACILITATOR


@dataclass
class TokenBucket:
    """At most `burst` messages at once and `rate` per second after that: enough for any
    person clicking, far too little for a script flooding the room."""

    rate: float
    burst: float
    tokens: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = self.burst
        self.stamp = time.monotonic()

    def take(self) -> bool:
        """Spend one token if there is one (the bucket refills as time passes)."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def wait_ms(self) -> int:
        """How long until the next token, in milliseconds."""
        missing = max(0.0, 1 - self.tokens)
        return int(missing / self.rate * 1000) + 1 if self.rate > 0 else 0


@dataclass
class Connection:
    """One live socket: whose it is, which language its sentences are in, and (when the
    server limits them) the bucket its messages are taken from."""

    sid: str
    identity: Identity
    lang: str
    bucket: TokenBucket | None = None


class Connections:
    """Every live socket of this process, by socket id and by (room, viewer). Each socket
    added gets a TokenBucket of `action_rate` per second and `action_burst` (0: no limit)."""

    def __init__(
        self, presence: Presence | None = None, *, action_rate: float = 0, action_burst: int = 0
    ) -> None:
        # Who is online in any process; this process's sockets are added and removed here.
        self.online = presence or LocalPresence()
        self.action_rate = action_rate
        self.action_burst = action_burst
        self._by_sid: dict[str, Connection] = {}
        self._by_viewer: dict[tuple[str, str], set[str]] = {}
        self._viewers_by_room: dict[str, set[str]] = {}  # room -> its viewer keys here
        self._lock = threading.RLock()

    def add(self, connection: Connection) -> list[str]:
        """Register a socket; returns the older sockets of the same seat (to take over)."""
        identity = connection.identity
        slot = (identity.room_id, identity.viewer_key)
        if connection.bucket is None and self.action_rate > 0:
            connection.bucket = TokenBucket(self.action_rate, max(1, self.action_burst))
        with self._lock:
            older = sorted(self._by_viewer.get(slot, set())) if identity.is_seat else []
            self._by_sid[connection.sid] = connection
            self._by_viewer.setdefault(slot, set()).add(connection.sid)
            self._viewers_by_room.setdefault(identity.room_id, set()).add(identity.viewer_key)
        self.online.add(identity.room_id, identity.viewer_key, connection.sid)
        return older

    def remove(self, sid: str) -> Connection | None:
        """Forget a socket; returns what it was."""
        with self._lock:
            connection = self._by_sid.pop(sid, None)
            if connection is None:
                return None
            slot = (connection.identity.room_id, connection.identity.viewer_key)
            sids = self._by_viewer.get(slot)
            if sids is not None:
                sids.discard(sid)
                if not sids:
                    del self._by_viewer[slot]
                    keys = self._viewers_by_room.get(slot[0], set())
                    keys.discard(slot[1])
                    if not keys:
                        self._viewers_by_room.pop(slot[0], None)
        self.online.remove(*slot, sid)
        return connection

    def get(self, sid: str) -> Connection | None:
        with self._lock:
            return self._by_sid.get(sid)

    def lang_of(self, sid: str) -> str:
        """The language of a socket's sentences (Dutch for a socket it does not know)."""
        connection = self.get(sid)
        return connection.lang if connection else DEFAULT_LANGUAGE

    def all(self) -> list[Connection]:
        with self._lock:
            return list(self._by_sid.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._by_sid)

    def viewers(self, room_id: str) -> list[str]:
        """The viewer keys of a room with a socket in this process."""
        with self._lock:
            return sorted(self._viewers_by_room.get(room_id, ()))

    def presence(self, room_id: str, state: RoomState | None) -> dict[str, bool]:
        """Per player of the room: does a socket of theirs live (in any process)?"""
        if state is None:
            return {}
        online = self.online.viewers(room_id)
        return {p.id: f"p:{p.id}" in online for p in state.players}
