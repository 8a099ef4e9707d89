"""Who may hold a connection: the counts and caps that keep a keyless client from hurting others.

Two levels, both counted per client address and in total:

* **Connections** (TCP): every open connection, whatever it carries. Counted by the eventlet
  server's protocol class (game/web/eventlet_edge.py) from the moment it is accepted, so that
  idle connections that never send a request are capped too. Over the cap a connection is
  answered with a refusal (429 `too_many_connections` or 503 `server_busy`) and closed; far
  over it (a flood) it is closed at once without an answer, so eventlet's pool never fills.
* **Pending sessions**: Engine.IO sessions that have not yet completed the Socket.IO connect
  with a valid key. They have their own, much smaller caps, checked before the handshake
  (game/web/guard.py), and each is closed with `auth_timeout` when it has not shown a key
  within AUTH_TIMEOUT seconds. A session that shows a valid key stops counting as pending, so
  players keep playing while someone on the same address fills the pending quota.

Behind a trusted proxy every connection comes from the proxy, so the per-address cap on
connections is off; sessions are still counted per real client address (ProxyFix).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from game.codes import ServerCode

# Keys the eventlet protocol puts into each request's WSGI environ.
CONNECTION_KEY = "rolwissel.connection"  # the Ticket of the TCP connection
CLOSE_KEY = "rolwissel.close_connection"  # call it to close the connection after the response
SESSION_KEY = "rolwissel.session"  # the Session of an Engine.IO handshake

# Connections over a cap are answered with a refusal while they are within this many of it;
# beyond, they are closed unanswered. eventlet's pool is larger than the cap by HEADROOM, so
# it never fills and never makes a connection wait without an answer.
REFUSAL_ROOM = 48
REFUSAL_ROOM_PER_ADDRESS = 8
HEADROOM = 64


@dataclass(frozen=True)
class Limits:
    """The caps, from the settings (docs/operations.md)."""

    connections: int  # MAX_CONNECTIONS
    connections_per_address: int  # MAX_CONNECTIONS_PER_ADDRESS; 0: off (behind a proxy)
    pending: int  # MAX_PENDING
    pending_per_address: int  # MAX_PENDING_PER_ADDRESS
    auth_timeout: float  # AUTH_TIMEOUT, seconds

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> Limits:
        behind_proxy = int(cfg["TRUSTED_PROXIES"]) > 0
        return cls(
            connections=int(cfg["MAX_CONNECTIONS"]),
            connections_per_address=0 if behind_proxy else int(cfg["MAX_CONNECTIONS_PER_ADDRESS"]),
            pending=int(cfg["MAX_PENDING"]),
            pending_per_address=int(cfg["MAX_PENDING_PER_ADDRESS"]),
            auth_timeout=float(cfg["AUTH_TIMEOUT"]),
        )

    @property
    def pool_size(self) -> int:
        """eventlet's max_size: above the cap, so the cap is what refuses."""
        return self.connections + HEADROOM


@dataclass
class Ticket:
    """One accepted TCP connection; `refusal` is set when it is over a cap."""

    address: str
    refusal: ServerCode | None = None


@dataclass
class Session:
    """One Engine.IO session, pending until it shows a valid key."""

    eio_sid: str
    address: str
    lang: str
    deadline: float
    pending: bool = True


@dataclass
class Admission:
    """The counts of connections and sessions, and the decisions on them (thread-safe)."""

    limits: Limits
    clock: Callable[[], float] = time.monotonic
    connections: Counter[str] = field(default_factory=Counter)
    sessions: dict[str, Session] = field(default_factory=dict)
    pending_by_address: Counter[str] = field(default_factory=Counter)
    # Refusals since the last report, by code ("dropped" for connections closed unanswered).
    refused: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pending: dict[str, Session] = field(default_factory=dict)  # in order of their deadline
    _total: int = 0  # open connections, all addresses

    # Connections (eventlet's protocol class)

    def open_connection(self, address: str) -> Ticket | None:
        """Count a new connection; None means: close it now, without an answer."""
        limits = self.limits
        with self._lock:
            total = self._total
            mine = self.connections[address]
            per_address = limits.connections_per_address
            if total >= limits.connections + REFUSAL_ROOM or (
                per_address and mine >= per_address + REFUSAL_ROOM_PER_ADDRESS
            ):
                self.refused["dropped"] += 1
                return None
            ticket = Ticket(address)
            if total >= limits.connections:
                ticket.refusal = ServerCode.SERVER_BUSY
            elif per_address and mine >= per_address:
                ticket.refusal = ServerCode.TOO_MANY_CONNECTIONS
            if ticket.refusal is not None:
                self.refused[ticket.refusal] += 1
            self.connections[address] += 1
            self._total += 1
            return ticket

    def close_connection(self, ticket: Ticket) -> None:
        with self._lock:
            self._total -= 1
            self.connections[ticket.address] -= 1
            if self.connections[ticket.address] <= 0:
                del self.connections[ticket.address]

    # Engine.IO sessions

    def session_refusal(self, address: str) -> ServerCode | None:
        """Whether a new Engine.IO handshake from `address` must be refused, and why."""
        with self._lock:
            if self.pending_by_address[address] >= self.limits.pending_per_address:
                code = ServerCode.TOO_MANY_CONNECTIONS
            elif len(self._pending) >= self.limits.pending:
                code = ServerCode.SERVER_BUSY
            else:
                return None
            self.refused[code] += 1
            return code

    def session_opened(self, eio_sid: str, address: str, lang: str) -> Session:
        """A handshake went through: the session is pending until `session_admitted`."""
        session = Session(eio_sid, address, lang, self.clock() + self.limits.auth_timeout)
        with self._lock:
            self.sessions[eio_sid] = session
            self._pending[eio_sid] = session
            self.pending_by_address[address] += 1
        return session

    def session_admitted(self, session: Session) -> None:
        """The session showed a valid key: it no longer counts as pending."""
        with self._lock:
            self._unpend(session)

    def key_shown(self, environ: Mapping[str, Any]) -> None:
        """The Socket.IO connect of this handshake's session showed a valid key."""
        session = environ.get(SESSION_KEY)
        if session is not None:
            self.session_admitted(session)

    def session_closed(self, eio_sid: str) -> None:
        with self._lock:
            session = self.sessions.pop(eio_sid, None)
            if session is not None:
                self._unpend(session)

    def session(self, eio_sid: str) -> Session | None:
        return self.sessions.get(eio_sid)

    def overdue(self) -> list[Session]:
        """Pending sessions past their deadline (each returned once; no longer pending)."""
        now = self.clock()
        found = []
        with self._lock:
            for session in list(self._pending.values()):
                if session.deadline > now:
                    break  # the rest opened later: same timeout, later deadline
                self._unpend(session)
                found.append(session)
        return found

    def _unpend(self, session: Session) -> None:
        if not session.pending:
            return
        session.pending = False
        self._pending.pop(session.eio_sid, None)
        self.pending_by_address[session.address] -= 1
        if self.pending_by_address[session.address] <= 0:
            del self.pending_by_address[session.address]

    # Reporting

    def counts(self) -> dict[str, int]:
        """How many connections and sessions are open now (for the log)."""
        with self._lock:
            return {
                "connections": self._total,
                "addresses": len(self.connections),
                "sessions": len(self.sessions),
                "pending": len(self._pending),
            }

    def take_refused(self) -> dict[str, int]:
        """The refusals since the last call, by code."""
        with self._lock:
            taken = dict(self.refused)
            self.refused.clear()
        return taken
