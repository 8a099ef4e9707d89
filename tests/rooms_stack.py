"""The rooms layer without a web app, for tests: the writer, the room service and the room
lifecycle on a real database (a SQLite file or PostgreSQL), with what would go to Socket.IO
recorded instead of sent."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from game.rooms.broadcast import Broadcaster
from game.rooms.connections import Connections
from game.rooms.lifecycle import RoomLifecycle
from game.rooms.patches import encoded_text
from game.rooms.queries import RoomQueries
from game.rooms.runtime import Runtime
from game.rooms.service import RoomService
from game.rooms.writer import RoomWriter
from game.scenarios.schema import Scenario
from game.store.db import Database, upgrade


@dataclass
class RecordedTransport:
    """Socket.IO's part of the lifecycle, written down: rooms entered, notices, disconnects,
    and Socket.IO rooms closed with a notice."""

    entered: list[tuple[str, str]] = field(default_factory=list)
    notices: list[tuple[str, str, str]] = field(default_factory=list)
    disconnected: list[str] = field(default_factory=list)
    closed: list[tuple[str, str]] = field(default_factory=list)

    def enter(self, sid: str, room: str) -> None:
        self.entered.append((sid, room))

    def notice(self, to: str, code: str, lang: str, *, skip_sid: str | None = None) -> None:
        self.notices.append((to, str(code), lang))

    def disconnect(self, sid: str) -> None:
        self.disconnected.append(sid)

    def close(self, room: str, code: str) -> None:
        self.closed.append((room, str(code)))


@dataclass
class Rooms:
    """One process's rooms, wired as create_app wires them."""

    db: Database
    writer: RoomWriter
    queries: RoomQueries
    service: RoomService
    lifecycle: RoomLifecycle
    transport: RecordedTransport
    emitted: list[tuple[str, Any, str]]  # (event, data, to) of every emit

    def until(self, condition: Callable[[], bool], what: str, seconds: float = 10) -> None:
        """Wait for what the writer tells after it acknowledged (commit, ack, then tell)."""
        deadline = time.monotonic() + seconds
        while not condition():
            assert time.monotonic() < deadline, f"never happened: {what}"
            time.sleep(0.01)

    def close(self) -> None:
        self.writer.stop()
        self.db.close()


def open_rooms(
    url: str, scenarios: Mapping[str, Scenario], *, clock: Callable[[], int] = lambda: 1_000
) -> Rooms:
    """The rooms of one process on the database at `url` (upgraded here)."""
    db = Database.open(url)
    upgrade(db.engine)
    emitted: list[tuple[str, Any, str]] = []

    def emit(event: str, data: Any, *, to: str, skip_sid: str | None = None) -> None:
        # What a socket would receive: a message the broadcaster encoded once, decoded.
        text = encoded_text(data)
        emitted.append((event, json.loads(text) if text is not None else data, to))

    writer = RoomWriter(db, Runtime.for_mode("threading"), window_ms=1)
    queries = RoomQueries(db)
    service = RoomService(queries, writer, scenarios, clock=clock)
    transport = RecordedTransport()
    lifecycle = RoomLifecycle(service, Broadcaster(emit, clock, Connections()), transport)
    writer.on_commit = lifecycle.committed
    writer.on_delete = lifecycle.deleted
    return Rooms(db, writer, queries, service, lifecycle, transport, emitted)
