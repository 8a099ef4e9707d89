"""The store: schema, SQLite settings, the event log, snapshots and idempotency keys.

Everything but the SQLite settings runs on SQLite and on PostgreSQL (`database_url`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from services import PostgresCluster
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from factories import T0, make_scenario
from game.engine import actions as A
from game.engine import codec, replay, rules
from game.engine.roles import Role
from game.engine.state import FACILITATOR
from game.store import log
from game.store.db import Database, alembic_config, make_engine, upgrade
from game.store.models import Base, Room, RoomEvent

ROOM_ROW = {
    "id": "r1",
    "code": "ABCDEFGH",
    "scenario_id": "s",
    "created_at": T0,
    "facilitator_token_hash": "0" * 64,
    "status": "active",
    "event_id": None,
    "table_number": 1,
}


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database.open(database_url)
    upgrade(database.engine)
    with database.sessions.begin() as session:
        session.execute(insert(Room), [ROOM_ROW])
    yield database
    database.close()


def entry(seq: int, kind: str = "thing_happened") -> log.Entry:
    return log.Entry(seq=seq, type=kind, payload={"type": kind, "n": seq}, at=T0 + seq)


def test_migrations_build_exactly_the_models(db: Database) -> None:
    """The first migration creates the tables, keys and indexes the models declare."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_every_sqlite_connection_is_wal_and_full_sync(tmp_path: Path) -> None:
    """Each pooled connection gets WAL, synchronous=FULL and a busy timeout."""
    db = Database.open(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    for _ in range(3):
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    db.close()


def test_in_memory_sqlite_is_refused() -> None:
    """A pooled :memory: database would give every connection its own empty database."""
    with pytest.raises(ValueError, match="file"):
        make_engine("sqlite:///:memory:")


def test_append_then_read_after_returns_the_later_events_in_order(db: Database) -> None:
    """read_after(seq) gives exactly the events after seq, oldest first."""
    with db.sessions.begin() as session:
        log.append(session, {"r1": [entry(1), entry(2), entry(3)]})
    with db.sessions.begin() as session:
        log.append(session, {"r1": [entry(4)]})
    with db.sessions() as session:
        assert [e.seq for e in log.read_after(session, "r1", 2)] == [3, 4]
        assert [e.seq for e in log.read_after(session, "r1")] == [1, 2, 3, 4]
        assert log.read_after(session, "r1", 2)[0].payload == {"type": "thing_happened", "n": 3}
        assert log.last_seq(session, "r1") == 4
        assert log.last_seq(session, "nope") == 0


def test_a_taken_seq_is_refused_and_the_whole_transaction_rolls_back(db: Database) -> None:
    """UNIQUE(room_id, seq): a second writer of seq 2 fails and writes nothing at all."""
    with db.sessions.begin() as session:
        log.append(session, {"r1": [entry(1), entry(2)]})
    with pytest.raises(IntegrityError), db.sessions.begin() as session:
        log.remember_keys(session, {"r1": [("p1", "k1", 3)]})
        log.append(session, {"r1": [entry(2), entry(3)]})
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(RoomEvent)) == 2
        assert log.known_keys(session, "r1") == {}


def test_keys_are_remembered_per_sender(db: Database) -> None:
    """The same key from two senders are two keys; each keeps its version."""
    with db.sessions.begin() as session:
        log.remember_keys(session, {"r1": [("p1", "k", 5), ("p2", "k", 6)]})
    with db.sessions() as session:
        assert log.known_keys(session, "r1") == {("p1", "k"): 5, ("p2", "k"): 6}


def test_snapshot_plus_later_events_rebuilds_the_same_state_as_the_full_log(db: Database) -> None:
    """Folding the events after a snapshot onto it equals folding the whole log."""
    created = rules.create_room("r1", make_scenario(), T0)
    state, events = created.state, list(created.events)
    actions: list[A.AnyAction] = [
        A.Join(
            actor=f"p{n}",
            at=T0 + n,
            player_id=f"p{n}",
            name=f"Speler {n}",
            home_role=list(Role)[n % 3],
        )
        for n in range(1, 7)
    ]
    actions += [A.Start(actor=FACILITATOR, at=T0 + 50)]
    actions += [A.PostCard(actor=f"p{n}", at=T0 + 60 + n, text=f"kaart {n}") for n in range(1, 7)]
    snapshot_at = 0
    with db.sessions.begin() as session:
        for number, action in enumerate(actions):
            result = rules.apply(state, action)
            assert isinstance(result, rules.Accepted), result
            state = result.state
            events += result.events
            if number == 4:
                snapshot_at = state.version
                log.save_snapshot(session, "r1", snapshot_at, codec.state_to_json(state))
        log.append(
            session,
            {
                "r1": [
                    log.Entry(seq, e.type, codec.event_to_json(e), e.at)
                    for seq, e in enumerate(events, start=1)
                ]
            },
        )
    with db.sessions() as session:
        found = log.latest_snapshot(session, "r1")
        assert found is not None
        seq, saved = found
        later = [codec.event_from_json(e.payload) for e in log.read_after(session, "r1", seq)]
        everything = [codec.event_from_json(e.payload) for e in log.read_after(session, "r1")]
    assert seq == snapshot_at and later
    rebuilt = replay.fold(later, start=codec.state_from_json(saved))
    assert rebuilt == replay.fold(everything) == state
    assert rebuilt.version == len(events)


def test_upgrading_from_the_first_schema_keeps_every_row(database_url: str) -> None:
    """A database made by the first migration, with a room in it, upgrades to the newest
    schema (SQLite copies tables in batch mode, PostgreSQL alters them) and keeps its rows."""
    database = Database.open(database_url)
    try:
        upgrade(database.engine, "0001")
        with database.sessions.begin() as session:
            session.execute(insert(Room), [ROOM_ROW])
            log.append(session, {"r1": [entry(1), entry(2)]})
            log.remember_keys(session, {"r1": [("p1", "k1", 2)]})
        upgrade(database.engine)
        with database.sessions() as session:
            assert [e.seq for e in log.read_after(session, "r1")] == [1, 2]
            assert log.known_keys(session, "r1", after=1) == {("p1", "k1"): 2}
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert (
                context.get_current_revision()
                == ScriptDirectory.from_config(alembic_config()).get_current_head()
            )
    finally:
        database.close()


@pytest.mark.postgres
def test_processes_migrating_at_once_on_postgresql_all_succeed(
    postgres_cluster: PostgresCluster,
) -> None:
    """Four processes started together each run the migrations on one PostgreSQL database:
    an advisory lock lets one migrate while the others wait, and none fails."""
    url = postgres_cluster.new_database()
    databases = [Database.open(url, pool_size=1) for _ in range(4)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(databases))

    def migrate(database: Database) -> None:
        barrier.wait()
        try:
            upgrade(database.engine)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=migrate, args=(d,)) for d in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(t.is_alive() for t in threads), "the migrations are stuck on each other"
    for database in databases:
        database.close()
    assert errors == []


def test_one_call_stores_the_events_and_keys_of_several_rooms(db: Database) -> None:
    """The writer's batch goes in as one statement per table: every room's events and keys
    land in their own room's log."""
    with db.sessions.begin() as session:
        others = [{**ROOM_ROW, "id": room, "code": f"CODE{room}"} for room in ("r2", "r3")]
        session.execute(insert(Room), others)
        log.append(session, {"r1": [entry(1), entry(2)], "r2": [entry(1)], "r3": []})
        log.remember_keys(session, {"r1": [("p1", "k", 2)], "r2": [("p2", "k", 1)], "r3": []})
    with db.sessions() as session:
        assert [e.seq for e in log.read_after(session, "r1")] == [1, 2]
        assert [e.seq for e in log.read_after(session, "r2")] == [1]
        assert log.read_after(session, "r3") == []
        assert log.known_keys(session, "r1") == {("p1", "k"): 2}
        assert log.known_keys(session, "r2") == {("p2", "k"): 1}
