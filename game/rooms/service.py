"""Rooms as the edges see them: create, join, identify a sender, handle an action.

This is the only way into a room's state. Every change goes through the writer
(game/rooms/writer.py), which commits before anyone is told; this module turns requests into
the writer's jobs and answers who a token belongs to. It holds no game rules: those are the
engine's (`rules.apply`).
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from game.codes import ServerCode
from game.engine import actions as A
from game.engine import codec, rules
from game.engine.errors import ErrorCode
from game.engine.roles import Role
from game.engine.state import FACILITATOR, RoomState
from game.rooms import seats
from game.rooms.writer import Applied, Job, NewRoom, NewSeat, Outcome, Refused, RoomWriter
from game.scenarios.schema import Scenario
from game.store.db import Database
from game.store.models import Room, Seat

logger = logging.getLogger("rolwissel.rooms")


def now_ms() -> int:
    """The server's clock in milliseconds: the only clock the game's events get."""
    return int(time.time() * 1000)


@dataclass(frozen=True)
class RoomInfo:
    """What the server keeps about a room outside its log."""

    id: str
    code: str
    scenario_id: str
    facilitator_token_hash: str
    event_id: str | None
    status: str


@dataclass(frozen=True)
class CreatedRooms:
    """New rooms and the one facilitator token that steers all of them."""

    rooms: tuple[RoomInfo, ...]
    facilitator_token: str
    event_id: str | None


@dataclass(frozen=True)
class Joined:
    """A new seat: the player id and the token that brings its holder back to it."""

    room_id: str
    player_id: str
    seat_token: str
    version: int


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


class RoomService:
    """The rooms of this server process."""

    def __init__(
        self,
        reader: Database,
        writer: RoomWriter,
        scenarios: Mapping[str, Scenario],
        *,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.scenarios = scenarios
        self.clock = clock
        self._rooms: dict[str, RoomInfo] = {}

    # Creating and finding rooms

    def create_rooms(self, scenario_id: str, tables: int) -> CreatedRooms | Refused:
        """Create `tables` rooms on one scenario; more than one makes them one event."""
        scenario = self.scenarios.get(scenario_id)
        if scenario is None:
            return Refused(ServerCode.UNKNOWN_SCENARIO)
        token = seats.new_token()
        token_hash = seats.hash_token(token)
        event_id = seats.new_id() if tables > 1 else None
        at = self.clock()
        new_rooms = []
        for number in range(1, tables + 1):
            room_id = seats.new_id()
            new_rooms.append(
                NewRoom(
                    room_id=room_id,
                    code=self._free_code(),
                    scenario_id=scenario_id,
                    facilitator_token_hash=token_hash,
                    event_id=event_id,
                    table_number=number,
                    created=rules.create_room(room_id=room_id, scenario=scenario, at=at),
                    at=at,
                )
            )
        outcome = self.writer.submit(Job(room_id=new_rooms[0].room_id, new_rooms=tuple(new_rooms)))
        if isinstance(outcome, Refused):
            return outcome
        infos = tuple(
            RoomInfo(r.room_id, r.code, r.scenario_id, token_hash, event_id, "active")
            for r in new_rooms
        )
        for info in infos:
            self._rooms[info.id] = info
        return CreatedRooms(rooms=infos, facilitator_token=token, event_id=event_id)

    def _free_code(self) -> str:
        # 2**39 codes: a clash is rare but cheap to rule out before the insert.
        while True:
            code = seats.new_code()
            if self.room_by_code(code) is None:
                return code

    def room(self, room_id: str) -> RoomInfo | None:
        """The stored facts of a room (not its game state), or None."""
        info = self._rooms.get(room_id)
        if info is None:
            with self.reader.sessions() as session:
                row = session.get(Room, room_id)
            if row is None:
                return None
            info = _info(row)
            self._rooms[room_id] = info
        return info

    def room_by_code(self, code: str) -> RoomInfo | None:
        """The room with this stored-form join code, or None."""
        with self.reader.sessions() as session:
            row = session.scalar(select(Room).where(Room.code == code))
        return None if row is None else _info(row)

    def event_rooms(self, event_id: str) -> list[RoomInfo]:
        """The rooms created together as one event, by table number."""
        with self.reader.sessions() as session:
            rows = session.scalars(
                select(Room).where(Room.event_id == event_id).order_by(Room.table_number)
            ).all()
        return [_info(r) for r in rows]

    def state(self, room_id: str) -> RoomState | None:
        """The room's current state (from the cache; rebuilt from the log when needed)."""
        return self.writer.state(room_id)

    def refresh(self, room_id: str) -> RoomState | None:
        """The room's state, caught up with what other server processes wrote."""
        return self.writer.refresh(room_id)

    # Seats

    def join(self, room_id: str, name: str, home_role: Role) -> Joined | Refused:
        """Add a player through the engine's Join action and give them a seat token."""
        player_id = seats.new_id()
        token = seats.new_token()
        action = A.Join(
            actor=player_id, at=self.clock(), player_id=player_id, name=name, home_role=home_role
        )
        job = Job(
            room_id=room_id,
            action=action,
            actor=player_id,
            seat=NewSeat(player_id=player_id, token_hash=seats.hash_token(token)),
        )
        outcome = self.writer.submit(job)
        if isinstance(outcome, Refused):
            return outcome
        return Joined(room_id, player_id, token, outcome.version)

    def identify(self, room_id: str, token: str | None) -> Identity | Refused:
        """Who holds `token` in this room: the facilitator, a seated player, or (None) the
        big screen. A token of a player who left or was removed lets nobody in."""
        info = self.room(room_id)
        if info is None or self.state(room_id) is None:
            return Refused(ServerCode.UNKNOWN_ROOM)
        if token is None:
            return Identity(room_id, None)
        token_hash = seats.hash_token(token)
        if hmac.compare_digest(token_hash, info.facilitator_token_hash):
            return Identity(room_id, FACILITATOR)
        with self.reader.sessions() as session:
            player_id = session.scalar(
                select(Seat.player_id).where(Seat.token_hash == token_hash, Seat.room_id == room_id)
            )
        state = self.state(room_id)
        player = state.player(player_id) if (state and player_id) else None
        if player is None or not player.active:
            return Refused(ServerCode.BAD_TOKEN)
        return Identity(room_id, player.id)

    def is_facilitator_of_event(self, event_id: str, token: str) -> bool:
        """True when `token` steers the rooms of this event."""
        rooms = self.event_rooms(event_id)
        token_hash = seats.hash_token(token)
        return bool(rooms) and all(
            hmac.compare_digest(token_hash, r.facilitator_token_hash) for r in rooms
        )

    # Actions

    def act(self, room_id: str, actor: str, fields: dict[str, Any], key: str | None) -> Outcome:
        """Turn a checked message into the engine's action and hand it to the writer."""
        try:
            action = codec.action_from_message(fields, actor=actor, at=self.clock())
        except codec.BadMessage as error:
            kind = str(fields.get("type", ""))
            return Refused(ErrorCode.BAD_MESSAGE, {"fields": _problem_fields(error, kind)})
        return self.writer.submit(Job(room_id=room_id, action=action, actor=actor, key=key))

    # Starting and stopping

    def rebuild_active(self) -> int:
        """Load every active room into the cache (at start-up); returns how many."""
        with self.reader.sessions() as session:
            ids = session.scalars(select(Room.id).where(Room.status == "active")).all()
        for room_id in ids:
            self.writer.state(room_id)
        return len(ids)

    def stop(self, timeout: float = 10.0) -> bool:
        """Finish the batch in hand and refuse new work (SIGTERM)."""
        return self.writer.stop(timeout)


def _info(row: Room) -> RoomInfo:
    return RoomInfo(
        id=row.id,
        code=row.code,
        scenario_id=row.scenario_id,
        facilitator_token_hash=row.facilitator_token_hash,
        event_id=row.event_id,
        status=row.status,
    )


def _problem_fields(error: codec.BadMessage, kind: str) -> list[str]:
    # "post_card.text: Input should be a valid string" -> "text"; never the value itself.
    paths = (p.split(":", 1)[0] for p in error.problems)
    return sorted({p.removeprefix(f"{kind}.") for p in paths})


__all__ = ["Applied", "CreatedRooms", "Identity", "Joined", "Refused", "RoomService"]
