"""The rooms' game state as the edges see it: read a room's state, hand in an action.

This is the only way into a room's state. Every change goes through the writer
(game/rooms/writer.py), which commits before anyone is told; this module turns a checked
message into the engine's action and the writer's job. It holds no game rules: those are the
engine's (`rules.apply`). How rooms and seats come and go is game/rooms/lifecycle.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from game.engine import codec
from game.engine.errors import ErrorCode
from game.engine.state import RoomState
from game.rooms.queries import RoomQueries
from game.rooms.runtime import now_ms
from game.rooms.writer import Job, Outcome, Refused, RoomWriter
from game.scenarios.schema import Scenario


class RoomService:
    """The game state of the rooms of this server process."""

    def __init__(
        self,
        queries: RoomQueries,
        writer: RoomWriter,
        scenarios: Mapping[str, Scenario],
        *,
        clock: Callable[[], int] = now_ms,
        shared: bool = False,
    ) -> None:
        self.queries = queries
        self.writer = writer
        self.scenarios = scenarios
        self.clock = clock
        # A message queue: other processes write to the same rooms.
        self.shared = shared

    def state(self, room_id: str) -> RoomState | None:
        """The room's current state (from the cache; rebuilt from the log when needed)."""
        return self.writer.state(room_id)

    def refresh(self, room_id: str) -> RoomState | None:
        """The room's state, caught up with what other server processes wrote."""
        return self.writer.refresh(room_id)

    def current(self, room_id: str) -> RoomState | None:
        """The room's state; with other processes writing too, caught up first."""
        return self.refresh(room_id) if self.shared else self.state(room_id)

    def act(self, room_id: str, actor: str, fields: dict[str, Any], key: str | None) -> Outcome:
        """Turn a checked message into the engine's action and hand it to the writer."""
        try:
            action = codec.action_from_message(fields, actor=actor, at=self.clock())
        except codec.BadMessage as error:
            kind = str(fields.get("type", ""))
            return Refused(ErrorCode.BAD_MESSAGE, {"fields": _problem_fields(error, kind)})
        return self.writer.submit(Job(room_id=room_id, action=action, actor=actor, key=key))

    def rebuild_active(self, between: Callable[[], object] = lambda: None) -> int:
        """Load every active room into the cache; returns how many. A room whose log does
        not decode is set aside with a log line (the writer's `damaged`), and the others load
        all the same. `between` runs after each room: at start-up this runs in the
        background while the server already answers (each room is also loaded on its first
        use), and `between` lets the event loop serve requests between two rooms."""
        ids = self.queries.active_room_ids()
        for room_id in ids:
            self.writer.state(room_id)
            between()
        return len(ids)

    def stop(self, timeout: float = 10.0) -> bool:
        """Finish the batch in hand and refuse new work (SIGTERM)."""
        return self.writer.stop(timeout)


def _problem_fields(error: codec.BadMessage, kind: str) -> list[str]:
    # "post_card.text: Input should be a valid string" -> "text"; never the value itself.
    paths = (p.split(":", 1)[0] for p in error.problems)
    return sorted({p.removeprefix(f"{kind}.") for p in paths})
