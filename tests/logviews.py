"""What the log says each scripted client should have seen: the room's state after every
event, and the engine's view of it for the viewer a connection is. Tests that follow a game
over real sockets compare what each client reached with these."""

from __future__ import annotations

import json
from typing import Any

from serverproc import StoredRoom

from game.engine import replay, views
from game.engine.state import RoomState
from rolwissel_client.connection import Connection
from rolwissel_client.scripted import ScriptedGame


def jsonable(value: Any) -> Any:
    """`value` as it comes out of a JSON round trip (tuples become lists)."""
    return json.loads(json.dumps(value))


def viewer_of(game: ScriptedGame, conn: Connection) -> views.Viewer:
    """The engine's viewer for one of the game's connections."""
    if conn is game.host:
        return views.FACILITATOR_VIEWER
    if conn.actor is None:
        return views.BIG_SCREEN
    return views.Participant(conn.actor)


def states_by_seq(stored: StoredRoom) -> dict[int, RoomState]:
    """The room's state after each event of its log."""
    states: dict[int, RoomState] = {}
    state = None
    for entry, event in zip(stored.entries, stored.events(), strict=True):
        state = replay.evolve(state, event)
        states[entry.seq] = state
    return states
