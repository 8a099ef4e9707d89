"""Rooms and seats as the database holds them: every read of them, and no write.

The writer (game/rooms/writer.py) is the only code that writes; everything else that needs
a stored room, a seat or a room's log reads it here. A room's facts (its code, scenario,
facilitator token hash, event) never change once it exists, so they are kept in memory after
the first read, until the lifecycle forgets the room.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from game.engine import codec, replay
from game.engine.events import AnyEvent
from game.engine.state import RoomState
from game.store import log, retention
from game.store.db import Database
from game.store.models import Room, Seat


@dataclass(frozen=True)
class RoomInfo:
    """What the server keeps about a room outside its log."""

    id: str
    code: str
    scenario_id: str
    facilitator_token_hash: str
    event_id: str | None
    status: str  # "active" or "closed"
    # None for a room made before these keys existed (migration 0002): nothing opens them.
    screen_key_hash: str | None = None
    summary_key_hash: str | None = None

    @property
    def closed(self) -> bool:
        return self.status == "closed"


class DamagedRoom(Exception):
    """A room whose stored log or snapshot cannot be read back (a row that does not decode).
    It is set aside; the other rooms are not held up by it."""

    def __init__(self, room_id: str, error: BaseException) -> None:
        super().__init__(room_id)
        self.room_id = room_id
        # Only the kind of error: its text may quote a stored value (what someone typed).
        self.error = type(error).__name__


@dataclass
class StoredRoom:
    """A room rebuilt from the database: its state, the (actor, key) pairs already applied
    with the version each produced, and the seq of its newest snapshot."""

    state: RoomState
    keys: dict[tuple[str, str], int]
    snapshot_seq: int


def load_room(db: Database, room_id: str) -> StoredRoom | None:
    """Rebuild a room from the database: its newest snapshot, then the events after it.
    Raises DamagedRoom when a stored row does not decode or does not fold."""
    with db.sessions() as session:
        try:
            snapshot = log.latest_snapshot(session, room_id)
            start = None
            snapshot_seq = 0
            if snapshot is not None:
                snapshot_seq, state_json = snapshot
                start = codec.state_from_json(state_json)
            entries = log.read_after(session, room_id, snapshot_seq)
            if start is None and not entries:
                return None
            events = [codec.event_from_json(e.payload) for e in entries]
            state = replay.fold(events, start=start)
        except (SQLAlchemyError, OSError):
            raise  # the database itself failed, not this room's rows
        except Exception as error:  # whatever a damaged row makes the codec or fold raise
            raise DamagedRoom(room_id, error) from error
        keys = log.known_keys(session, room_id)
    return StoredRoom(state=state, keys=keys, snapshot_seq=snapshot_seq)


def news_after(
    db: Database, state: RoomState
) -> tuple[RoomState, dict[tuple[str, str], int]] | None:
    """What other processes wrote to a room after `state`: the state with their events
    folded in, and the keys of their actions; None when they wrote nothing.

    The keys are read after the events: a commit between the two reads then adds a key whose
    event was not folded (harmless: it is acknowledged as a duplicate, and the next write
    catches up), never an event whose key is missing (that would apply it twice).
    """
    with db.sessions() as session:
        entries = log.read_after(session, state.room_id, state.version)
        if not entries:
            return None
        keys = log.known_keys(session, state.room_id, after=state.version)
    return replay.fold([codec.event_from_json(e.payload) for e in entries], start=state), keys


class RoomQueries:
    """Reads of rooms and seats on one database (the reader's engine, on the hub)."""

    def __init__(self, reader: Database) -> None:
        self.reader = reader
        self._rooms: dict[str, RoomInfo] = {}
        self._lock = threading.Lock()

    def room(self, room_id: str) -> RoomInfo | None:
        """The stored facts of a room (not its game state), or None."""
        with self._lock:
            info = self._rooms.get(room_id)
        if info is None:
            with self.reader.sessions() as session:
                row = session.get(Room, room_id)
            if row is None:
                return None
            info = self.remember(_info(row))
        return info

    def stored(self, room_id: str) -> bool:
        """Whether the room is still in the database (not purged by another process or by
        `rolwissel purge` since its facts were kept here): one primary-key lookup."""
        with self.reader.sessions() as session:
            return session.scalar(select(Room.id).where(Room.id == room_id)) is not None

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

    def seat_player(self, room_id: str, token_hash: str) -> str | None:
        """The player id whose seat in this room has this token hash, or None."""
        with self.reader.sessions() as session:
            return session.scalar(
                select(Seat.player_id).where(Seat.token_hash == token_hash, Seat.room_id == room_id)
            )

    def seat_players_with_device(self, room_id: str, device: str) -> list[str]:
        """The players of this room who joined from the device with this hash (and were not
        let back in since)."""
        with self.reader.sessions() as session:
            return list(
                session.scalars(
                    select(Seat.player_id).where(
                        Seat.room_id == room_id, Seat.device_hash == device
                    )
                ).all()
            )

    def expired_page(self, policy: retention.Policy, now_ms: int, after: str) -> retention.Page:
        """One page of the games past their retention (game/store/retention.py)."""
        with self.reader.sessions() as session:
            return retention.expired_page(session, policy, now_ms, after)

    def room_events(self, room_id: str) -> list[AnyEvent]:
        """A room's whole log, in order."""
        with self.reader.sessions() as session:
            entries = log.read_after(session, room_id, 0)
        return [codec.event_from_json(e.payload) for e in entries]

    def active_room_ids(self) -> list[str]:
        """Every room that is not closed."""
        with self.reader.sessions() as session:
            return list(session.scalars(select(Room.id).where(Room.status == "active")).all())

    def remember(self, info: RoomInfo) -> RoomInfo:
        """Keep a room's facts (a new room, or one just read)."""
        with self._lock:
            self._rooms[info.id] = info
        return info

    def mark_closed(self, room_id: str) -> None:
        """The room's game was closed: its kept facts say so too."""
        with self._lock:
            info = self._rooms.get(room_id)
            if info is not None and not info.closed:
                self._rooms[room_id] = replace(info, status="closed")

    def forget(self, room_id: str) -> None:
        """Drop the kept facts of a room; the next read gets them from the database."""
        with self._lock:
            self._rooms.pop(room_id, None)

    def remembers(self, room_id: str) -> bool:
        with self._lock:
            return room_id in self._rooms


def _info(row: Room) -> RoomInfo:
    return RoomInfo(
        id=row.id,
        code=row.code,
        scenario_id=row.scenario_id,
        facilitator_token_hash=row.facilitator_token_hash,
        event_id=row.event_id,
        status=row.status,
        screen_key_hash=row.screen_key_hash,
        summary_key_hash=row.summary_key_hash,
    )
