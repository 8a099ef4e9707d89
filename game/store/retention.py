"""What is kept, and for how long: finding the games past their retention and deleting them.

A game (a room) is deleted with everything in it — its event log, snapshots, seats and
idempotency keys — a set number of days after it was closed, or after a longer time without
any event when it was never closed. The functions take an open session and never commit: the
caller (the room writer, or `rolwissel purge`) decides what goes into one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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


# Rooms looked at per query of a purge: the server's purge runs on the event loop and lets
# other work in between two pages (game/rooms/lifecycle.py).
PAGE_SIZE = 500


Page = tuple[list[Expired], str | None]  # a page's games, and the id to go on after


def expired(session: Session, policy: Policy, now_ms: int) -> list[Expired]:
    """The games past their retention at `now_ms`, all pages at once (`rolwissel purge`)."""
    return every_page(lambda after: expired_page(session, policy, now_ms, after))


def every_page(
    read_page: Callable[[str], Page], between: Callable[[], object] = lambda: None
) -> list[Expired]:
    """The games of every page `read_page` gives, from the first room on; `between` runs
    after each page (the server lets its event loop in there)."""
    found: list[Expired] = []
    after: str | None = ""
    while after is not None:
        page, after = read_page(after)
        found.extend(page)
        between()
    return found


def expired_page(
    session: Session, policy: Policy, now_ms: int, after: str, size: int = PAGE_SIZE
) -> Page:
    """The games past their retention among the `size` rooms whose ids follow `after`, and
    the id to go on after (None: no rooms left).

    A closed game's last event is its close (nothing can happen after it), so both rules
    read the time of the newest event: the one with the highest seq, found through the log's
    primary key, one index lookup per room. (A scan of the whole log for each room's latest
    time held a 400-player server's event loop for half a second.)"""
    newest_at = (
        select(RoomEvent.at)
        .where(RoomEvent.room_id == Room.id)
        .order_by(RoomEvent.seq.desc())
        .limit(1)
        .correlate(Room)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Room.id, Room.status, func.coalesce(newest_at, Room.created_at))
        .where(Room.id > after)
        .order_by(Room.id)
        .limit(size)
    ).all()
    closed_before = policy.closed_before(now_ms)
    idle_before = policy.idle_before(now_ms)
    page = [
        Expired(room_id, status, last_at)
        for room_id, status, last_at in rows
        if last_at < (closed_before if status == "closed" else idle_before)
    ]
    return page, (rows[-1][0] if len(rows) == size else None)


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
