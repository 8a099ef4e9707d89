"""What the app holds for its edges, and the one typed way to reach it.

`create_app` puts a `Rolwissel` in `app.extensions`; handlers, pages and commands reach it
with `extension()` (or `extension(app)` outside a request), never through the untyped
`app.extensions` mapping. Flask is imported inside the functions: this module is imported by
`create_app`, which must stay importable before eventlet has patched anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask
    from flask_socketio import SocketIO

    from game.rooms.broadcast import Broadcaster
    from game.rooms.connections import Connections
    from game.rooms.lifecycle import RoomLifecycle, Transport
    from game.rooms.queries import RoomQueries
    from game.rooms.service import RoomService
    from game.rooms.writer import RoomWriter
    from game.scenarios.schema import Scenario
    from game.store.db import Database
    from game.store.retention import Policy
    from game.web.admission import Admission

KEY = "rolwissel"


@dataclass
class Rolwissel:
    """The rooms, their sockets and databases of one app."""

    service: RoomService
    lifecycle: RoomLifecycle
    queries: RoomQueries
    broadcaster: Broadcaster
    connections: Connections
    transport: Transport
    socketio: SocketIO
    reader: Database
    writer: RoomWriter
    writer_db: Database
    scenarios: Mapping[str, Scenario]
    max_message_bytes: int
    retention: Policy
    admission: Admission  # the caps on connections and keyless sessions (web/admission.py)

    def close(self, timeout: float = 10.0) -> None:
        """Finish the batch in hand, then close the databases (tests, shutdown)."""
        self.writer.stop(timeout)
        self.connections.online.close()
        self.writer_db.close()
        if self.reader is not self.writer_db:
            self.reader.close()


def install(app: Flask, rolwissel: Rolwissel) -> None:
    """Make `rolwissel` the app's extension (create_app does this once)."""
    app.extensions[KEY] = rolwissel


def has_extension(app: Flask | None = None) -> bool:
    """Whether the app (the current one by default) was made by create_app; pages and
    blueprints tested on a bare Flask app have none."""
    from flask import current_app

    return isinstance((app or current_app).extensions.get(KEY), Rolwissel)


def extension(app: Flask | None = None) -> Rolwissel:
    """The app's Rolwissel (the current app's by default)."""
    from flask import current_app

    found = (app or current_app).extensions.get(KEY)
    if not isinstance(found, Rolwissel):
        raise LookupError("this app has no Rolwissel extension: make it with game.create_app")
    return found
