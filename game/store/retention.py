"""What is kept, and for how long: finding the games past their retention and deleting them.

A game (a room) is deleted with everything in it — its event log, snapshots, seats and
idempotency keys — a set number of days after it was closed, or after a longer time without
any event when it was never closed. The functions take an open session and never commit: the
caller (the room writer, or `rolwissel purge`) decides what goes into one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from game.store.models import ActionKey, Room, RoomEvent, Seat, Snapshot

DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class Policy:
    """How long games are kept: days after the close, days without an event when open."""

    closed_days: float
    idle_days: float

    def closed_before(self, now_ms: int) -> int:
        return now_ms - round(self.closed_days * DAY_MS)

    def idle_before(self, now_ms: int) -> int:
        return now_ms - round(self.idle_days * DAY_MS)


@dataclass(frozen=True)
class Expired:
    """A game past its retention: which one, whether it was closed, and its last event."""

    room_id: str
    status: str
    last_at: int


def expired(session: Session, policy: Policy, now_ms: int) -> list[Expired]:
    """The games past their retention at `now_ms`. A closed game's last event is its close
    (nothing can happen after it), so both rules read the time of the newest event."""
    last = (
        select(RoomEvent.room_id, func.max(RoomEvent.at).label("last_at"))
        .group_by(RoomEvent.room_id)
        .subquery()
    )
    rows = session.execute(
        select(Room.id, Room.status, func.coalesce(last.c.last_at, Room.created_at))
        .outerjoin(last, last.c.room_id == Room.id)
        .order_by(Room.id)
    ).all()
    closed_before = policy.closed_before(now_ms)
    idle_before = policy.idle_before(now_ms)
    return [
        Expired(room_id, status, last_at)
        for room_id, status, last_at in rows
        if last_at < (closed_before if status == "closed" else idle_before)
    ]


def delete_rooms(session: Session, room_ids: Sequence[str]) -> None:
    """Delete games and everything in them. Deleting a game that is gone already is no error,
    so two processes purging at once both succeed."""
    if not room_ids:
        return
    ids = list(room_ids)
    for table in (ActionKey, Snapshot, RoomEvent, Seat):
        session.execute(delete(table).where(table.room_id.in_(ids)))
    session.execute(delete(Room).where(Room.id.in_(ids)))


def existing(session: Session, room_ids: Iterable[str]) -> set[str]:
    """The ids among `room_ids` that are still stored."""
    ids = list(room_ids)
    if not ids:
        return set()
    return set(session.scalars(select(Room.id).where(Room.id.in_(ids))).all())
