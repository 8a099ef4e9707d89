"""A room's event log: append after the last sequence number, read what came after one.

The functions take an open session and never commit: the caller (the room writer) decides
what goes into one transaction. Payloads are plain JSON; the engine's codec turns them into
events, so this module knows nothing about the game.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from game.store.models import ActionKey, RoomEvent, Snapshot

# The tables themselves, for plain inserts (see `append`).
_EVENTS = cast(Table, RoomEvent.__table__)
_KEYS = cast(Table, ActionKey.__table__)


@dataclass(frozen=True)
class Entry:
    """One event as stored: its place in the room's log and its JSON."""

    seq: int
    type: str
    payload: dict[str, Any]
    at: int


def append(session: Session, entries_by_room: Mapping[str, Sequence[Entry]]) -> None:
    """Add events to rooms' logs; a seq that exists already raises IntegrityError on flush."""
    rows = [
        {"room_id": room_id, "seq": e.seq, "type": e.type, "payload": e.payload, "at": e.at}
        for room_id, entries in entries_by_room.items()
        for e in entries
    ]
    # The table, not the mapped class: one plain executemany for a whole batch of rooms,
    # without the ORM's bulk path (which costs more than the insert itself).
    if rows:
        session.execute(insert(_EVENTS), rows)


def read_after(session: Session, room_id: str, seq: int = 0) -> list[Entry]:
    """The events of a room with a sequence number above `seq`, in order."""
    rows = session.execute(
        select(RoomEvent.seq, RoomEvent.type, RoomEvent.payload, RoomEvent.at)
        .where(RoomEvent.room_id == room_id, RoomEvent.seq > seq)
        .order_by(RoomEvent.seq)
    )
    return [Entry(seq=r.seq, type=r.type, payload=r.payload, at=r.at) for r in rows]


def last_seq(session: Session, room_id: str) -> int:
    """The sequence number of the newest event of a room (0 for none)."""
    found = session.scalar(select(func.max(RoomEvent.seq)).where(RoomEvent.room_id == room_id))
    return found or 0


def save_snapshot(session: Session, room_id: str, seq: int, state: dict[str, Any]) -> None:
    """Keep the state after event `seq`, so a rebuild can start there."""
    session.add(Snapshot(room_id=room_id, seq=seq, state=state))


def latest_snapshot(session: Session, room_id: str) -> tuple[int, dict[str, Any]] | None:
    """The newest snapshot of a room as (seq, state), or None."""
    row = session.execute(
        select(Snapshot.seq, Snapshot.state)
        .where(Snapshot.room_id == room_id)
        .order_by(Snapshot.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else (row.seq, row.state)


def remember_keys(
    session: Session, keys_by_room: Mapping[str, Iterable[tuple[str, str, int]]]
) -> None:
    """Store (actor, key, version) triples of applied actions, per room, in one statement."""
    rows = [
        {"room_id": room_id, "actor": a, "key": k, "version": v}
        for room_id, keys in keys_by_room.items()
        for a, k, v in keys
    ]
    if rows:
        session.execute(insert(_KEYS), rows)


def known_keys(session: Session, room_id: str, after: int = 0) -> dict[tuple[str, str], int]:
    """The remembered (actor, key) pairs of a room whose actions produced a version above
    `after` (all of them by default), each with that version."""
    rows = session.execute(
        select(ActionKey.actor, ActionKey.key, ActionKey.version).where(
            ActionKey.room_id == room_id, ActionKey.version > after
        )
    )
    return {(r.actor, r.key): r.version for r in rows}
