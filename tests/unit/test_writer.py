"""The group-commit writer: one transaction per batch, keys applied once, nothing half done.

Every test runs on SQLite and on PostgreSQL (`database_url`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from serverproc import at_once
from sqlalchemy import event, func, select, text

from factories import T0, make_scenario
from game.codes import ServerCode
from game.engine import actions as A
from game.engine import codec, replay, rules
from game.engine.errors import ErrorCode
from game.engine.roles import Role
from game.engine.state import FACILITATOR, ReactionKind, RoomState
from game.rooms.crash import CrashPoints
from game.rooms.runtime import Runtime
from game.rooms.writer import Applied, Job, NewRoom, Refused, RoomWriter
from game.store import log
from game.store.db import Database, upgrade
from game.store.models import ActionKey, RoomEvent, Snapshot

ROOM = "room-1"


class Counted:
    """A database whose commits are counted by SQLAlchemy itself."""

    def __init__(self, url: str) -> None:
        self.db = Database.open(url)
        upgrade(self.db.engine)
        self.commits = 0
        event.listen(self.db.engine, "commit", self._count)

    def _count(self, _connection: object) -> None:
        self.commits += 1

    def count(self, model: type) -> int:
        with self.db.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def store(database_url: str) -> Iterator[Counted]:
    counted = Counted(database_url)
    yield counted
    counted.db.close()


def make_writer(store: Counted, **kwargs: object) -> RoomWriter:
    settings: dict[str, object] = {"window_ms": 1, "snapshot_every": 100}
    settings.update(kwargs)
    return RoomWriter(store.db, Runtime.for_mode("threading"), **settings)  # type: ignore[arg-type]


def create_room(writer: RoomWriter) -> None:
    created = rules.create_room(ROOM, make_scenario(), T0)
    new = NewRoom(ROOM, "ABCDEFGH", "testcasus", "0" * 64, None, 1, created, T0)
    assert writer.submit(Job(room_id=ROOM, new_rooms=(new,))) == Applied(version=1)


def join(writer: RoomWriter, n: int, key: str | None = None) -> object:
    action = A.Join(
        actor=f"p{n}", at=T0 + n, player_id=f"p{n}", name=f"Speler {n}", home_role=list(Role)[n % 3]
    )
    return writer.submit(Job(room_id=ROOM, action=action, actor=f"p{n}", key=key))


def folded(store: Counted) -> RoomState:
    with store.db.sessions() as session:
        entries = log.read_after(session, ROOM)
    return replay.fold([codec.event_from_json(e.payload) for e in entries])


@pytest.fixture
def writer(store: Counted) -> Iterator[RoomWriter]:
    room_writer = make_writer(store)
    create_room(room_writer)
    yield room_writer
    room_writer.stop()


def test_actions_arriving_within_the_window_share_one_transaction(store: Counted) -> None:
    """Eight joins sent at once, with a 200 ms window: one commit, eight acknowledgements."""
    room_writer = make_writer(store, window_ms=200)
    create_room(room_writer)
    before = store.commits
    start = threading.Barrier(8)
    outcomes: dict[int, object] = {}

    def send(n: int) -> None:
        start.wait()
        outcomes[n] = join(room_writer, n, key=f"k{n}")

    threads = [threading.Thread(target=send, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    room_writer.stop()
    assert store.commits - before == 1
    versions = sorted(o.version for o in outcomes.values() if isinstance(o, Applied))
    assert versions == list(range(2, 10))
    assert store.count(RoomEvent) == 9 and store.count(ActionKey) == 8


def test_a_repeated_key_is_acknowledged_again_but_applied_once(
    writer: RoomWriter, store: Counted
) -> None:
    """The same key twice: the same version back, one event in the log."""
    first = join(writer, 1, key="same")
    events = store.count(RoomEvent)
    again = join(writer, 1, key="same")
    assert first == Applied(version=2)
    assert again == Applied(version=2, duplicate=True)
    assert store.count(RoomEvent) == events
    assert writer.state(ROOM).version == 2  # type: ignore[union-attr]


def test_keys_are_durable_across_a_restart(store: Counted) -> None:
    """A new writer (a restarted server) still knows the key from the database."""
    first = make_writer(store)
    create_room(first)
    assert join(first, 1, key="k") == Applied(version=2)
    first.stop()
    second = make_writer(store)
    assert join(second, 1, key="k") == Applied(version=2, duplicate=True)
    assert store.count(RoomEvent) == 2
    second.stop()


def test_a_rejected_action_changes_nothing_and_writes_nothing(
    writer: RoomWriter, store: Counted
) -> None:
    """A participant trying to start the game: refused, no commit, same state, same log."""
    join(writer, 1)
    state = writer.state(ROOM)
    commits, events = store.commits, store.count(RoomEvent)
    outcome = writer.submit(
        Job(room_id=ROOM, action=A.Start(actor="p1", at=T0 + 9), actor="p1", key="s")
    )
    assert outcome == Refused(ErrorCode.NOT_FACILITATOR)
    assert store.commits == commits and store.count(RoomEvent) == events
    assert store.count(ActionKey) == 0
    assert writer.state(ROOM) is state


def test_a_stale_expected_version_is_refused(writer: RoomWriter) -> None:
    """Two clicks on "start" made against version 2: the second one is refused."""
    join(writer, 1)
    start = A.Start(actor=FACILITATOR, at=T0 + 9, expected_version=2)
    # The start is two events: the game started, and the round-1 secrets dealt.
    assert writer.submit(Job(room_id=ROOM, action=start, actor=FACILITATOR, key="a")) == (
        Applied(version=4)
    )
    again = A.NextPhase(actor=FACILITATOR, at=T0 + 10, expected_version=2)
    outcome = writer.submit(Job(room_id=ROOM, action=again, actor=FACILITATOR, key="b"))
    assert isinstance(outcome, Refused) and outcome.code == ErrorCode.STALE_VERSION


def test_an_unknown_room_is_refused(writer: RoomWriter) -> None:
    """Actions for a room that is not in the database get unknown_room."""
    outcome = writer.submit(
        Job(room_id="nope", action=A.Leave(actor="p1", at=T0), actor="p1", key="k")
    )
    assert outcome == Refused(ServerCode.UNKNOWN_ROOM)


def test_the_cache_always_equals_the_folded_log(writer: RoomWriter, store: Counted) -> None:
    """After accepted and refused actions, the cached state is the fold of what was written."""
    for n in range(1, 5):
        join(writer, n)
    join(writer, 1)  # refused: already joined
    writer.submit(
        Job(room_id=ROOM, action=A.Start(actor=FACILITATOR, at=T0 + 50), actor=FACILITATOR)
    )
    assert writer.state(ROOM) == folded(store)


def test_another_process_writing_first_makes_the_writer_reload_and_reapply(
    store: Counted,
) -> None:
    """A writer behind another process hits UNIQUE(room_id, seq), reloads and re-applies."""
    one = make_writer(store)
    create_room(one)
    two = make_writer(store)
    assert two.state(ROOM) is not None  # both have the room cached at version 1
    assert join(one, 1) == Applied(version=2)
    assert join(two, 2) == Applied(version=3)  # conflict on seq 2, then re-applied as 3
    assert join(one, 3) == Applied(version=4)
    state = folded(store)
    assert [p.id for p in state.players] == ["p1", "p2", "p3"]
    assert one.state(ROOM) == state
    one.stop()
    two.stop()


def test_snapshots_every_n_events_and_a_rebuild_from_them_equals_the_full_fold(
    store: Counted,
) -> None:
    """Snapshots every N events; a rebuild starts at the newest and equals the full fold."""
    room_writer = make_writer(store, snapshot_every=3)
    create_room(room_writer)
    for n in range(1, 9):
        join(room_writer, n)
    room_writer.stop()
    with store.db.sessions() as session:
        seqs = session.scalars(select(Snapshot.seq).order_by(Snapshot.seq)).all()
    assert seqs == [3, 6, 9]
    fresh = make_writer(store)
    loaded = fresh.load(ROOM)
    assert loaded is not None and loaded.snapshot_seq == 9
    assert loaded.state == folded(store)


def test_after_stop_new_work_is_refused_with_server_restarting(writer: RoomWriter) -> None:
    """SIGTERM stops the writer: what comes in afterwards is refused, not lost half-way."""
    assert writer.stop()
    outcome = join(writer, 1)
    assert outcome == Refused(ServerCode.SERVER_RESTARTING)


def test_crash_points_are_named_and_off_unless_asked_for() -> None:
    """ROLWISSEL_CRASH_AT names a known point and an occurrence; unset it does nothing."""
    assert CrashPoints(None).targets == {}
    CrashPoints(None).reach("before_commit")  # no crash
    assert CrashPoints("mid_broadcast:3,before_commit").targets == {
        "mid_broadcast": 3,
        "before_commit": 1,
    }
    with pytest.raises(ValueError, match="unknown point"):
        CrashPoints("somewhere:1")


# Several processes on one database


def post(writer: RoomWriter, n: int, text: str, key: str) -> object:
    action = A.PostCard(actor=f"p{n}", at=T0 + 1000, text=text)
    return writer.submit(Job(room_id=ROOM, action=action, actor=f"p{n}", key=key))


def started(store: Counted) -> tuple[RoomWriter, RoomWriter]:
    """Two writers on one database (two processes) that both have the room in their cache,
    and a started game with three players, written by the first."""
    one = make_writer(store)
    create_room(one)
    two = make_writer(store, shared=True)
    assert two.state(ROOM) is not None
    for n in (1, 2, 3):
        join(one, n)
    start = A.Start(actor=FACILITATOR, at=T0 + 50)  # two events: started, secrets dealt
    assert one.submit(Job(room_id=ROOM, action=start, actor=FACILITATOR)) == Applied(version=6)
    return one, two


def test_a_shared_writer_catches_up_before_it_decides(store: Counted) -> None:
    """A card sent to a process whose cache still shows the lobby is judged on the room as
    the log has it (started), not refused with wrong_phase; one commit, no conflict."""
    one, two = started(store)
    commits = store.commits
    assert post(two, 1, "Een plek voor iedereen", "k1") == Applied(version=7)
    assert store.commits == commits + 1
    assert two.state(ROOM) == folded(store)
    one.stop()
    two.stop()


def test_a_shared_writer_reads_what_another_process_wrote(store: Counted) -> None:
    """`state()` of a shared writer shows the other process's writes at once."""
    one, two = started(store)
    assert post(one, 2, "Genoeg vrijwilligers", "k1") == Applied(version=7)
    state = two.state(ROOM)
    assert state is not None and state.version == 7 and state == folded(store)
    one.stop()
    two.stop()


def test_the_same_key_at_two_processes_at_once_is_applied_once(store: Counted) -> None:
    """The same intention reaching two processes at the same moment (a resend after a
    reconnect): one event in the log, both acknowledge the same version; 20 times."""
    one, two = started(store)
    one.shared = True
    for n in range(20):
        outcomes = at_once(
            [lambda w=w, n=n: post(w, 1 + n % 3, f"Kaart {n}", f"k{n}") for w in (one, two)]
        )
        versions = {o.version for o in outcomes if isinstance(o, Applied)}
        assert len(outcomes) == 2 and len(versions) == 1, outcomes
        assert sorted(o.duplicate for o in outcomes if isinstance(o, Applied)) == [False, True]
    state = folded(store)
    assert sorted(c.text for c in state.cards) == sorted(f"Kaart {n}" for n in range(20))
    assert one.state(ROOM) == two.state(ROOM) == state
    one.stop()
    two.stop()


# Issue 11: keys of actions that changed nothing, damaged rooms, failed writes


def react(writer: RoomWriter, key: str, on: bool) -> object:
    state = writer.state(ROOM)
    assert state is not None and state.cards
    action = A.React(
        actor="p1", at=T0 + 50, card_id=state.cards[0].id, kind=ReactionKind.SUPPORT, on=on
    )
    return writer.submit(Job(room_id=ROOM, action=action, actor="p1", key=key))


def room_with_a_card(writer: RoomWriter) -> None:
    """Two players, the game started, p0 posted one card."""
    create_room(writer)
    join(writer, 0)
    join(writer, 1)
    start = A.Start(actor=FACILITATOR, at=T0 + 10)
    assert isinstance(writer.submit(Job(room_id=ROOM, action=start, actor=FACILITATOR)), Applied)
    post = A.PostCard(actor="p0", at=T0 + 20, text="Een kaart")
    assert isinstance(writer.submit(Job(room_id=ROOM, action=post, actor="p0")), Applied)


def test_an_action_that_changed_nothing_keeps_its_key(store: Counted) -> None:
    """A reaction already there is acknowledged without events, and its key is stored: sent
    again (also after a restart, after the reaction was taken away) it is acknowledged with
    the same version and never applied."""
    writer = make_writer(store)
    room_with_a_card(writer)
    first = react(writer, "k1", on=True)
    assert isinstance(first, Applied)
    noop = react(writer, "k2", on=True)  # already there: no events
    assert noop == Applied(version=first.version)
    assert store.count(ActionKey) == 2
    off = react(writer, "k3", on=False)
    assert off == Applied(version=first.version + 1)
    assert react(writer, "k2", on=True) == Applied(version=first.version, duplicate=True)
    writer.stop()
    again = make_writer(store)
    try:
        assert react(again, "k2", on=True) == Applied(version=first.version, duplicate=True)
        state = folded(store)
        assert state.version == first.version + 1
        assert state.reactions == ()
    finally:
        again.stop()


def test_a_room_whose_log_does_not_decode_is_set_aside(store: Counted) -> None:
    """A row that does not decode: the room is set aside with one log line and refuses with
    room_damaged; another room on the same writer plays on."""
    writer = make_writer(store)
    try:
        create_room(writer)
        join(writer, 0)
        other = rules.create_room("room-2", make_scenario(), T0)
        new = NewRoom("room-2", "BCDEFGHJ", "testcasus", "1" * 64, None, 1, other, T0)
        assert writer.submit(Job(room_id="room-2", new_rooms=(new,))) == Applied(version=1)
        with store.db.engine.begin() as connection:
            connection.execute(
                text(
                    'UPDATE room_events SET payload = \'{"type": "no_such_event"}\' '
                    "WHERE room_id = :room AND seq = 2"
                ),
                {"room": ROOM},
            )
        writer.forget(ROOM)
        assert writer.state(ROOM) is None and writer.is_damaged(ROOM)
        assert join(writer, 1) == Refused(ServerCode.ROOM_DAMAGED)
        action = A.Join(actor="q", at=T0, player_id="q", name="Q", home_role=Role.INWONER)
        assert isinstance(writer.submit(Job(room_id="room-2", action=action, actor="q")), Applied)
    finally:
        writer.stop()


def test_a_batch_the_database_refuses_gives_each_action_one_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A write the database refuses (here a read-only connection to a SQLite file): every
    action of the batch is answered server_error with one log line each, the batch gets one
    line without a traceback, and nothing is stored."""
    path = tmp_path / "writer.sqlite3"
    store = Counted(f"sqlite:///{path}")
    writer = make_writer(store)
    create_room(writer)
    writer.stop()
    read_only = Database.open(f"sqlite:///file:{path}?mode=ro&uri=true")
    refusing = RoomWriter(read_only, Runtime.for_mode("threading"), window_ms=100)
    caplog.set_level(logging.INFO)
    try:
        results: list[object] = []
        threads = [
            threading.Thread(target=lambda n=n: results.append(join(refusing, n))) for n in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        refusing.stop()
        read_only.close()
    assert results == [Refused(ServerCode.SERVER_ERROR)] * 3
    actions = [r.getMessage() for r in caplog.records if r.getMessage().startswith("action ")]
    assert len(actions) == 3 and all("outcome=server_error" in line for line in actions)
    failed = [r for r in caplog.records if "writer_batch_failed" in r.getMessage()]
    assert len(failed) == 1 and failed[0].exc_info is None
    assert "readonly" in failed[0].getMessage()
    assert folded(store).players == ()


def test_a_full_queue_refuses_at_once_and_writes_nothing(store: Counted) -> None:
    """With more jobs waiting than WRITE_QUEUE_LIMIT allows, new ones are refused with
    server_overloaded before they are queued: nothing of them reaches the log."""
    writer = make_writer(store, queue_limit=1)
    create_room(writer)
    actions = [
        A.Join(actor=f"p{n}", at=T0, player_id=f"p{n}", name=f"S{n}", home_role=Role.INWONER)
        for n in range(2)
    ]
    jobs = [Job(room_id=ROOM, action=a, actor=a.actor, key=f"k{n}") for n, a in enumerate(actions)]
    assert writer.submit_all(jobs) == [Refused(ServerCode.SERVER_OVERLOADED)] * 2
    writer.stop()
    assert store.count(RoomEvent) == 1 and store.count(ActionKey) == 0


def test_a_job_taken_up_is_waited_for_and_one_not_taken_up_in_time_never_applies(
    store: Counted,
) -> None:
    """A slow commit: the job in it is acknowledged however long the commit takes (its
    answer must match the log), while a job the loop could not take up within the wait is
    refused with server_overloaded and never applied, not even later."""
    writer = make_writer(store, wait_s=0.05)
    create_room(writer)
    slow = threading.Event()

    def slow_commit(_connection: object) -> None:
        if slow.is_set():
            time.sleep(0.6)

    event.listen(store.db.engine, "commit", slow_commit)
    slow.set()
    answers: dict[str, object] = {}
    first = threading.Thread(target=lambda: answers.__setitem__("first", join(writer, 1, "a")))
    first.start()
    time.sleep(0.2)  # the first is in its commit now
    answers["second"] = join(writer, 2, "b")
    first.join()
    slow.clear()
    writer.stop()
    assert answers == {"first": Applied(version=2), "second": Refused(ServerCode.SERVER_OVERLOADED)}
    state = folded(store)
    assert [p.id for p in state.players] == ["p1"]
    with store.db.sessions() as session:
        assert log.known_keys(session, ROOM) == {("p1", "a"): 2}
