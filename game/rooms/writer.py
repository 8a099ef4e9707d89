"""The group-commit writer: the only code that writes to the database, one batch at a time.

Actions that arrive within the write window (WRITE_WINDOW_MS) are applied in order to each
room's cached state and their events committed in ONE transaction; only then are the senders
acknowledged and the viewers told. One fsync per batch instead of one per action is what makes
`synchronous=FULL` affordable.

The cache holds each room's current state and can always be rebuilt from the database (the
newest snapshot, then the events after it). When other processes write to the same rooms
(`shared`), each batch first catches its rooms up with the events they wrote, so nothing is
refused on an old state. Two processes can still take the same seq at the same moment: the
append hits UNIQUE(room_id, seq), the loser catches up from the log and re-applies.

Under eventlet the blocking database work runs in a real thread (game/rooms/runtime.py), so
the hub keeps answering pings while SQLite syncs. Only the write path is here: the stored
rooms are read in game/rooms/queries.py, the crash points are in game/rooms/crash.py and the
log line of each action is game/rooms/action_log.py.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from game.codes import ServerCode
from game.engine import codec, rules
from game.engine.actions import AnyAction
from game.engine.state import FACILITATOR, Phase, RoomState
from game.logfmt import line
from game.rooms.action_log import log_action
from game.rooms.broadcast import Step
from game.rooms.crash import CrashPoints
from game.rooms.queries import DamagedRoom, StoredRoom, load_room, news_after
from game.rooms.runtime import Runtime, call_here, now_ms
from game.store import log, retention
from game.store.db import Database, erase_freed, write_health
from game.store.models import Room, Seat

logger = logging.getLogger("rolwissel.writer")

MAX_BATCH = 500  # more waiting jobs than this go into the next transaction
# Re-applies after a conflict with another process before giving up. Each costs one read of
# the events the other wrote; a room busy on several processes may lose a few in a row.
MAX_ATTEMPTS = 10
# Overload (both settable: WRITE_QUEUE_LIMIT, WRITE_WAIT_MS): with this many jobs waiting a
# new one is refused at once; one the loop has not taken up after WAIT_S is refused. A job
# the loop has taken up is never refused for time: its sender waits for the commit, so the
# answer always matches the log.
QUEUE_LIMIT = 2000
WAIT_S = 3.0


# What a sender hands in and gets back


@dataclass(frozen=True)
class Applied:
    """The action is in the log; `version` is the room's version right after it."""

    version: int
    duplicate: bool = False  # the key was seen before: acknowledged again, not applied again


@dataclass(frozen=True)
class Refused:
    """Nothing changed; `code` says why."""

    code: str
    detail: dict[str, Any] = field(default_factory=dict)


Outcome = Applied | Refused


@dataclass(frozen=True)
class NewSeat:
    """A seat row to write together with the Join that creates the player."""

    player_id: str
    token_hash: str
    device_hash: str | None = None


@dataclass(frozen=True)
class NewRoom:
    """A room row and its first events, written in the same transaction."""

    room_id: str
    code: str
    scenario_id: str
    facilitator_token_hash: str
    event_id: str | None
    table_number: int
    created: rules.Accepted
    at: int
    screen_key_hash: str | None = None
    summary_key_hash: str | None = None


@dataclass
class Job:
    """One unit of work for the writer: an action for a room, new rooms, deleting a room,
    letting a removed player's device back in, or the health check's write."""

    room_id: str
    action: AnyAction | None = None
    actor: str = ""
    key: str | None = None
    seat: NewSeat | None = None
    new_rooms: tuple[NewRoom, ...] = ()
    delete: bool = False  # delete the room and everything in it
    readmit: str | None = None  # the player whose device may join this room again
    health: bool = False  # touch the health row (room_id is "")
    arrived: float = field(default_factory=time.perf_counter)
    outcome: Outcome | None = None
    done: Any = None
    # "waiting" in the queue, then "taken" by the batch loop, or "withdrawn" by its sender
    # (who gave up waiting before the loop took it: it will never be applied).
    stage: str = "waiting"
    _stage_lock: Any = field(default_factory=threading.Lock, repr=False)

    def take(self) -> bool:
        """The batch loop takes the job up; False when its sender withdrew it already."""
        with self._stage_lock:
            if self.stage == "withdrawn":
                return False
            self.stage = "taken"
            return True

    def withdraw(self) -> bool:
        """The sender gives up before the loop took the job up; False when it was taken (then
        its outcome will come, and the sender must wait for it)."""
        with self._stage_lock:
            if self.stage == "taken":
                return False
            self.stage = "withdrawn"
            return True

    @property
    def kind(self) -> str:
        """The job's type for the action log."""
        if self.action is not None:
            return str(self.action.type)
        if self.new_rooms:
            return "create_room"
        if self.delete:
            return "delete_room"
        if self.readmit is not None:
            return "readmit_device"
        return "health" if self.health else "-"


_STOP = object()


@dataclass
class _Working:
    """A room during one batch: changes wait here until the commit succeeds."""

    base: StoredRoom
    state: RoomState
    snapshot_seq: int
    entries: list[log.Entry] = field(default_factory=list)
    new_keys: dict[tuple[str, str], int] = field(default_factory=dict)
    seats: list[NewSeat] = field(default_factory=list)
    new_room: NewRoom | None = None
    snapshot: tuple[int, dict[str, Any]] | None = None

    def key_version(self, actor: str, key: str) -> int | None:
        found = self.new_keys.get((actor, key))
        return found if found is not None else self.base.keys.get((actor, key))

    @property
    def to_write(self) -> bool:
        # An acknowledged action that changed nothing (a reaction already there) has no
        # events, but its key must be kept too: the same key is then never acknowledged with
        # another version, nor applied later.
        return bool(self.entries or self.new_keys)


@dataclass
class _Batch:
    """What one batch changes, decided in memory before the one transaction."""

    working: dict[str, _Working] = field(default_factory=dict)
    outcomes: list[tuple[Job, Outcome]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    readmits: list[tuple[str, str]] = field(default_factory=list)  # (room id, player id)
    health_at: int | None = None

    @property
    def rooms(self) -> list[_Working]:
        return [w for w in self.working.values() if w.to_write]

    def was_deleted(self, room: _Working) -> bool:
        return room.state.room_id in self.deleted

    @property
    def writes(self) -> bool:
        return bool(self.rooms or self.deleted or self.readmits or self.health_at is not None)


class RoomWriter:
    """The one writer of every room in this process."""

    def __init__(
        self,
        db: Database,
        runtime: Runtime,
        *,
        reader: Database | None = None,
        window_ms: float = 5,
        snapshot_every: int = 100,
        crash: CrashPoints | None = None,
        on_commit: Callable[[list[Step]], None] | None = None,
        shared: bool = False,
        queue_limit: int = QUEUE_LIMIT,
        wait_s: float = WAIT_S,
    ) -> None:
        # `db` is used only inside `_offload` (a real thread under eventlet), `reader` only
        # by callers on the hub: green locks must never be shared between OS threads.
        self.db = db
        self.reader = reader or db
        self.runtime = runtime
        # SQLite is C code that eventlet cannot green: its work goes to a real thread.
        # psycopg with PSYCOPG_WAIT_FUNC=wait_select is cooperative already.
        self._offload = runtime.blocking if db.is_sqlite else call_here
        self.window_s = max(0.0, window_ms) / 1000
        self.queue_limit = queue_limit
        self.wait_s = wait_s
        self.snapshot_every = max(1, snapshot_every)
        self.crash = crash or CrashPoints(None)
        self.on_commit = on_commit
        # Told the ids of rooms deleted in a batch, after its commit (the lifecycle tells
        # their viewers and forgets them).
        self.on_delete: Callable[[list[str]], None] | None = None
        # Other server processes write to the same rooms: catch up before every use.
        self.shared = shared
        self.rooms: dict[str, StoredRoom] = {}
        # Rooms whose stored log does not decode, set aside with the kind of error.
        self.damaged: dict[str, str] = {}
        self._lock = threading.Lock()
        self._queue = runtime.make_queue()
        self._accepting = True
        self._stopped = runtime.make_event()
        self._started = False

    # Sending work in

    def start(self) -> None:
        """Start the batch loop (once)."""
        if not self._started:
            self._started = True
            self.runtime.spawn(self._loop)

    def submit(
        self, job: Job, wait_s: float | None = None, *, at_most_s: float | None = None
    ) -> Outcome:
        """Hand in a job and wait until it is committed (or refused)."""
        return self.submit_all([job], wait_s, at_most_s=at_most_s)[0]

    def submit_all(
        self, jobs: list[Job], wait_s: float | None = None, *, at_most_s: float | None = None
    ) -> list[Outcome]:
        """Hand in several jobs at once (they share a batch) and wait for all of them.

        Under overload a job is refused with `server_overloaded` before it can be applied:
        at once when the queue is full, or when the loop has not taken it up within `wait_s`
        (the writer's `wait_s` when None). Once taken up, its outcome is waited for however
        long the batch takes, so what the sender is told is what the log holds. Only a
        caller whose write nobody is told about (the health check) may set `at_most_s`: it
        gets `server_error` after that long, whatever became of the job."""
        if not self._accepting:
            return [Refused(ServerCode.SERVER_RESTARTING) for _ in jobs]
        if self._queue.qsize() + len(jobs) > self.queue_limit:
            for job in jobs:
                self._log(job, Refused(ServerCode.SERVER_OVERLOADED))
            return [Refused(ServerCode.SERVER_OVERLOADED) for _ in jobs]
        self.start()
        for job in jobs:
            job.done = self.runtime.make_event()
            self._queue.put(job)
        deadline = time.monotonic() + (self.wait_s if wait_s is None else wait_s)
        outcomes: list[Outcome] = []
        for job in jobs:
            if not job.done.wait(max(0.0, deadline - time.monotonic())) and job.withdraw():
                refused = Refused(ServerCode.SERVER_OVERLOADED)
                self._log(job, refused)
                outcomes.append(refused)
                continue
            if not job.done.wait(at_most_s):
                logger.error(line("writer_timeout", room=job.room_id, type=job.kind))
                outcomes.append(Refused(ServerCode.SERVER_ERROR))
                continue
            assert job.outcome is not None
            outcomes.append(job.outcome)
        return outcomes

    def stop(self, timeout: float = 10.0) -> bool:
        """Refuse new work, finish the batch in hand, and return when the loop has ended."""
        self._accepting = False
        if not self._started:
            return True
        self._queue.put(_STOP)
        return bool(self._stopped.wait(timeout))

    # Reading the cache

    def state(self, room_id: str) -> RoomState | None:
        """The room's current state, loaded from the database on first use; caught up with
        what other processes wrote when they share the rooms."""
        if self.shared:
            return self.refresh(room_id)
        cached = self.rooms.get(room_id)
        if cached is not None:
            return cached.state
        loaded = self._load_or_set_aside(room_id, self.reader)
        if loaded is None:
            return None
        return self._remember(room_id, loaded).state

    def refresh(self, room_id: str) -> RoomState | None:
        """Catch up with events another process wrote; one indexed read when nothing did."""
        cached = self.rooms.get(room_id)
        if cached is None:
            loaded = self._load_or_set_aside(room_id, self.reader)
            return None if loaded is None else self._remember(room_id, loaded).state
        return self._remember(room_id, self._caught_up(cached, self.reader)).state

    def cached(self, room_id: str) -> RoomState | None:
        """The room's state when it is in memory; never reads the database."""
        found = self.rooms.get(room_id)
        return found.state if found is not None else None

    def forget(self, room_id: str) -> None:
        """Drop a room from memory; the next use rebuilds it from the database."""
        with self._lock:
            self.rooms.pop(room_id, None)

    def load(self, room_id: str, db: Database | None = None) -> StoredRoom | None:
        """Rebuild a room from the database (the reader's engine unless told otherwise)."""
        return load_room(db or self.reader, room_id)

    def is_damaged(self, room_id: str) -> bool:
        """Whether the room was set aside because its stored log does not decode."""
        return room_id in self.damaged

    def _load_or_set_aside(self, room_id: str, db: Database) -> StoredRoom | None:
        try:
            return self.load(room_id, db)
        except DamagedRoom as damage:
            self._set_aside(damage)
            return None

    def _set_aside(self, damage: DamagedRoom) -> None:
        if damage.room_id not in self.damaged:
            logger.error(line("room_damaged", room=damage.room_id, error=damage.error))
        self.damaged[damage.room_id] = damage.error

    def _caught_up(self, cached: StoredRoom, db: Database) -> StoredRoom:
        """`cached` with what other processes wrote since (itself when they wrote nothing)."""
        # Read the state once: folding the news onto a newer state than the one it was read
        # after would apply some events twice.
        start = cached.state
        news = news_after(db, start)
        if news is None:
            return cached
        state, keys = news
        with self._lock:  # the keys of a cached room grow while the writer commits
            merged = {**cached.keys, **keys}
        return StoredRoom(state=state, keys=merged, snapshot_seq=cached.snapshot_seq)

    def _remember(self, room_id: str, loaded: StoredRoom) -> StoredRoom:
        # A slower reader must never put back an older state than the writer published.
        with self._lock:
            cached = self.rooms.get(room_id)
            if cached is None or loaded.state.version > cached.state.version:
                self.rooms[room_id] = loaded
                return loaded
            return cached

    # The batch loop

    def _loop(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is _STOP:
                break
            if not first.take():
                continue  # its sender gave up on it before it was taken up
            batch: list[Job] = [first]
            deadline = time.monotonic() + self.window_s
            while len(batch) < MAX_BATCH:
                remaining = deadline - time.monotonic()
                try:
                    if remaining > 0:
                        item = self._queue.get(timeout=remaining)
                    else:
                        item = self._queue.get_nowait()
                except queue.Empty:  # eventlet's queues raise the same class
                    break
                if item is _STOP:
                    stopping = True
                    break
                if item.take():
                    batch.append(item)
            try:
                self._process(batch)
            except Exception as error:  # never let one bad batch end the loop
                self._failed(batch, error)
        self._refuse_rest()
        self._stopped.set()

    def _refuse_rest(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not _STOP and item.take():
                self._finish(item, Refused(ServerCode.SERVER_RESTARTING))

    def _failed(self, batch: list[Job], error: Exception) -> None:
        """A batch that could not be written: nothing of it is stored. Each action gets its
        one log line with the outcome; a database that refuses (a full disk, a read-only
        file) is one line, not a traceback; anything else is a bug and keeps its traceback."""
        if isinstance(error, SQLAlchemyError):
            logger.error(line("writer_batch_failed", size=len(batch), error=_database_error(error)))
        else:
            logger.exception(line("writer_batch_failed", size=len(batch)))
        for job in batch:
            if job.outcome is None:
                refused = Refused(ServerCode.SERVER_ERROR)
                self._finish(job, refused)
                self._log(job, refused)

    def _process(self, jobs: list[Job]) -> None:
        behind: set[str] = set()  # rooms another process wrote to first: read them again
        for attempt in range(1, MAX_ATTEMPTS + 1):
            batch = self._apply_all(jobs, behind)
            changed = batch.rooms
            # The crash points count batches that change a room's log, as they always did
            # (not the health check's write, nor a key alone).
            logged = any(room.entries for room in changed)
            try:
                if batch.writes:
                    if logged:
                        self.crash.reach("before_commit")
                    self._offload(self._write, batch)
                break
            except IntegrityError:
                # Another process took a seq (or stored a key) first: our cache is behind.
                # Read those rooms again and redo.
                logger.warning("writer_conflict rooms=%d attempt=%d", len(changed), attempt)
                if attempt == MAX_ATTEMPTS:
                    raise
                behind = {room.state.room_id for room in changed}
                # A moment of a random length, so two losers do not collide again in step.
                self.runtime.sleep(random.uniform(0, 0.002 * attempt))
            except Exception:
                for room in changed:
                    self.rooms.pop(room.state.room_id, None)
                raise
        with self._lock:
            for room in changed:
                room_id = room.state.room_id
                if batch.was_deleted(room):
                    continue
                # Keys only grow, so the dict is shared; a cached state is never changed in
                # place (a reader catching up may be folding onto it right now).
                room.base.keys.update(room.new_keys)
                committed = StoredRoom(room.state, room.base.keys, room.snapshot_seq)
                cached = self.rooms.get(room_id)
                # A reader may have caught up past this commit already: keep the newer.
                if cached is None or cached.state.version <= committed.state.version:
                    self.rooms[room_id] = committed
            for room_id in batch.deleted:
                self.rooms.pop(room_id, None)
                self.damaged.pop(room_id, None)
        if logged:
            self.crash.reach("after_commit_before_ack")
        for job, outcome in batch.outcomes:
            self._finish(job, outcome)
            self._log(job, outcome)
        # Let the senders' handlers run and send their acknowledgements first.
        self.runtime.sleep(0)
        told = [
            Step(None if room.new_room is not None else room.base.state, room.state)
            for room in changed
            if room.entries and not batch.was_deleted(room)
        ]
        if told:
            self.crash.reach("after_ack_before_broadcast")
            if self.on_commit is not None:
                for n, step in enumerate(told):
                    if n:  # between two rooms' sends the hub serves the others (loop lag)
                        self.runtime.sleep(0)
                    self.on_commit([step])
        if batch.deleted and self.on_delete is not None:
            self.on_delete(batch.deleted)

    def _apply_all(self, jobs: list[Job], behind: set[str]) -> _Batch:
        batch = _Batch()
        for job in jobs:
            batch.outcomes.append((job, self._apply_one(job, batch, behind)))
        return batch

    def _apply_one(self, job: Job, batch: _Batch, behind: set[str]) -> Outcome:
        working = batch.working
        if job.health:
            batch.health_at = now_ms()
            return Applied(version=0)
        if job.new_rooms:
            for new in job.new_rooms:
                state = new.created.state
                base = StoredRoom(state=state, keys={}, snapshot_seq=0)
                made = _Working(base=base, state=state, snapshot_seq=0, new_room=new)
                made.entries = _entries(1, new.created.events)
                working[new.room_id] = made
            return Applied(version=1)
        if job.room_id in batch.deleted:
            return Refused(ServerCode.UNKNOWN_ROOM)
        if job.delete:
            # Whatever this batch applied to the room before is deleted with it.
            batch.deleted.append(job.room_id)
            return Applied(version=0)
        if job.readmit is not None:
            batch.readmits.append((job.room_id, job.readmit))
            return Applied(version=0)
        room = working.get(job.room_id) or self._working(job.room_id, job.room_id in behind)
        if isinstance(room, Refused):
            return room
        working[job.room_id] = room
        if job.key is not None:
            seen = room.key_version(job.actor, job.key)
            if seen is not None:
                return Applied(version=seen, duplicate=True)
        assert job.action is not None
        result = rules.apply(room.state, job.action)
        if isinstance(result, rules.Rejected):
            return Refused(result.code, dict(result.detail))
        first = room.state.version + 1
        room.entries.extend(_entries(first, result.events))
        room.state = result.state
        if job.key is not None:
            room.new_keys[(job.actor, job.key)] = room.state.version
        if job.seat is not None:
            room.seats.append(job.seat)
        if room.state.version - room.snapshot_seq >= self.snapshot_every:
            room.snapshot = (room.state.version, codec.state_to_json(room.state))
            room.snapshot_seq = room.state.version
        return Applied(version=room.state.version)

    def _working(self, room_id: str, behind: bool = False) -> _Working | Refused:
        base = self.rooms.get(room_id)
        if base is None or behind:
            # Not cached, or a write to it conflicted: read it whole. A conflict may be a key
            # another process stored for an action that changed nothing; catching up would
            # not see it (no event came with it), reading the room does.
            if room_id in self.damaged:
                return Refused(ServerCode.ROOM_DAMAGED)
            try:
                loaded = self._offload(self.load, room_id, self.db)
            except DamagedRoom as damage:
                self._set_aside(damage)
                return Refused(ServerCode.ROOM_DAMAGED)
            if loaded is None:
                return Refused(ServerCode.UNKNOWN_ROOM)
            base = self._remember(room_id, loaded) if base is None else loaded
        elif self.shared:
            base = self._remember(room_id, self._offload(self._caught_up, base, self.db))
        return _Working(base=base, state=base.state, snapshot_seq=base.snapshot_seq)

    def _write(self, batch: _Batch) -> None:
        """One transaction for the whole batch. Runs in a real thread under eventlet."""
        # Rooms in one order in every process: two batches that wait on each other's rows
        # (PostgreSQL holds a conflicting insert until the other commits) never deadlock.
        rooms = sorted(batch.rooms, key=lambda room: room.state.room_id)
        with self.db.sessions() as session, session.begin():
            if batch.health_at is not None:
                write_health(session, batch.health_at)
            for room in rooms:
                new = room.new_room
                if new is not None:
                    row = {
                        "id": new.room_id,
                        "code": new.code,
                        "scenario_id": new.scenario_id,
                        "facilitator_token_hash": new.facilitator_token_hash,
                        "created_at": new.at,
                        "status": "active",
                        "event_id": new.event_id,
                        "table_number": new.table_number,
                        "screen_key_hash": new.screen_key_hash,
                        "summary_key_hash": new.summary_key_hash,
                    }
                    session.execute(insert(Room), [row])
            log.append(session, {room.state.room_id: room.entries for room in rooms})
            for room in rooms:
                room_id = room.state.room_id
                if room.seats:
                    at = room.entries[-1].at
                    rows = [
                        {
                            "player_id": seat.player_id,
                            "room_id": room_id,
                            "token_hash": seat.token_hash,
                            "device_hash": seat.device_hash,
                            "created_at": at,
                        }
                        for seat in room.seats
                    ]
                    session.execute(insert(Seat), rows)
                if room.snapshot is not None:
                    log.save_snapshot(session, room_id, *room.snapshot)
                if room.state.phase == Phase.CLOSED:
                    session.execute(update(Room).where(Room.id == room_id).values(status="closed"))
            log.remember_keys(
                session,
                {
                    room.state.room_id: [(a, k, v) for (a, k), v in room.new_keys.items()]
                    for room in rooms
                },
            )
            for room_id, player_id in batch.readmits:
                session.execute(
                    update(Seat)
                    .where(Seat.room_id == room_id, Seat.player_id == player_id)
                    .values(device_hash=None)
                )
            retention.delete_rooms(session, sorted(batch.deleted))
        if batch.deleted:
            # The deleted rows are zeros in the file now; the write-ahead log still has them.
            erase_freed(self.db.engine)

    def _finish(self, job: Job, outcome: Outcome) -> None:
        job.outcome = outcome
        if job.done is not None:
            job.done.set()

    def _log(self, job: Job, outcome: Outcome) -> None:
        if job.health:
            return  # monitoring asks often; /healthz itself answers what failed
        if job.new_rooms:
            for new in job.new_rooms:
                log_action(
                    room=new.room_id,
                    seq=1 if isinstance(outcome, Applied) else None,
                    actor=FACILITATOR,
                    kind=job.kind,
                    ms=_ms(job),
                    outcome=_outcome_code(outcome),
                )
            return
        action_like = job.action is not None
        log_action(
            room=job.room_id,
            seq=outcome.version if isinstance(outcome, Applied) and action_like else None,
            actor=job.actor if action_like else FACILITATOR,
            kind=job.kind,
            ms=_ms(job),
            outcome=_outcome_code(outcome),
        )


def _entries(first_seq: int, events: Iterable[Any]) -> list[log.Entry]:
    entries = []
    for offset, event in enumerate(events):
        payload = codec.event_to_json(event)
        entries.append(
            log.Entry(seq=first_seq + offset, type=event.type, payload=payload, at=event.at)
        )
    return entries


def _ms(job: Job) -> float:
    return (time.perf_counter() - job.arrived) * 1000


def _database_error(error: SQLAlchemyError) -> str:
    """What the database said, without the statement or its values (they may hold typed
    text): the driver's error class and the first line of its message."""
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    said = str(cause).splitlines()[0][:200] if str(cause) else ""
    return f"{type(cause).__name__}:{said.replace(' ', '_')}" if said else type(cause).__name__


def _outcome_code(outcome: Outcome) -> str:
    if isinstance(outcome, Applied):
        return "duplicate" if outcome.duplicate else "ok"
    return str(outcome.code)
