"""The room lifecycle: creating rooms, seats, who a token belongs to, connecting, taking a
seat over, dropping, closing and forgetting a room."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from factories import make_scenario
from game.codes import ServerCode
from game.engine import actions as A
from game.engine.errors import ErrorCode
from game.engine.roles import Role
from game.engine.state import FACILITATOR
from game.rooms import seats
from game.rooms.connections import Identity
from game.rooms.lifecycle import CreatedRooms, Joined
from game.rooms.writer import Applied, Refused
from game.store import retention
from game.store.models import ActionKey, Room, RoomEvent, Seat, Snapshot
from game.store.retention import DAY_MS, Policy
from rooms_stack import Rooms, open_rooms


@pytest.fixture
def rooms(database_url: str) -> Iterator[Rooms]:
    opened = open_rooms(database_url, {"testcasus": make_scenario()})
    yield opened
    opened.close()


def one_room(rooms: Rooms) -> tuple[str, str]:
    created = rooms.lifecycle.create_rooms("testcasus", 1)
    assert isinstance(created, CreatedRooms)
    return created.rooms[0].id, created.facilitator_token


def test_several_tables_become_one_event_with_one_facilitator_token(
    rooms: Rooms,
) -> None:
    """Three tables: three rooms, distinct codes, one event id, one token that steers all."""
    created = rooms.lifecycle.create_rooms("testcasus", 3)
    assert isinstance(created, CreatedRooms)
    assert len({r.id for r in created.rooms}) == len({r.code for r in created.rooms}) == 3
    assert created.event_id and {r.event_id for r in created.rooms} == {created.event_id}
    assert rooms.lifecycle.is_facilitator_of_event(created.event_id, created.facilitator_token)
    assert not rooms.lifecycle.is_facilitator_of_event(created.event_id, seats.new_token())
    for room in created.rooms:
        identity = rooms.lifecycle.identify(room.id, created.facilitator_token)
        assert identity == Identity(room.id, FACILITATOR)
        assert rooms.service.state(room.id).version == 1  # type: ignore[union-attr]


def test_one_table_is_not_an_event_and_an_unknown_scenario_is_refused(
    rooms: Rooms,
) -> None:
    """A single room has no event id; a scenario id nobody knows gets unknown_scenario."""
    created = rooms.lifecycle.create_rooms("testcasus", 1)
    assert isinstance(created, CreatedRooms) and created.event_id is None
    assert rooms.lifecycle.create_rooms("nope", 1) == Refused(ServerCode.UNKNOWN_SCENARIO)


def test_the_database_keeps_hashes_never_tokens(rooms: Rooms) -> None:
    """Neither the facilitator token nor a seat token is stored as such."""
    room_id, token = one_room(rooms)
    joined = rooms.lifecycle.join(room_id, "Anna", Role.INWONER)
    assert isinstance(joined, Joined)
    with rooms.queries.reader.sessions() as session:
        room = session.get(Room, room_id)
        seat = session.scalar(select(Seat).where(Seat.player_id == joined.player_id))
    assert room is not None and seat is not None
    assert room.facilitator_token_hash == seats.hash_token(token) != token
    assert seat.token_hash == seats.hash_token(joined.seat_token) != joined.seat_token


def test_a_seat_token_finds_its_player_and_other_tokens_find_nobody(
    rooms: Rooms,
) -> None:
    """Seat token: its player; the screen's key: the screen; no key: refused (issue 11: the
    room id alone opens nothing); any other token or room: refused."""
    room_id, token = one_room(rooms)
    other_id, _ = one_room(rooms)
    anna = rooms.lifecycle.join(room_id, "Anna", Role.INWONER)
    assert isinstance(anna, Joined)
    assert rooms.lifecycle.identify(room_id, anna.seat_token) == Identity(room_id, anna.player_id)
    screen_key = seats.derived_key(token, room_id, seats.Purpose.SCREEN)
    assert rooms.lifecycle.identify(room_id, screen_key) == Identity(room_id, None)
    assert rooms.lifecycle.identify(room_id, None) == Refused(ServerCode.NO_KEY)
    assert rooms.lifecycle.identify(room_id, seats.new_token()) == Refused(ServerCode.BAD_TOKEN)
    assert rooms.lifecycle.identify(other_id, anna.seat_token) == Refused(ServerCode.BAD_TOKEN)
    assert rooms.lifecycle.identify("nope", anna.seat_token) == Refused(ServerCode.UNKNOWN_ROOM)


def test_after_leaving_the_seat_token_lets_nobody_in(rooms: Rooms) -> None:
    """Leave frees the seat: the old token is refused from then on."""
    room_id, _ = one_room(rooms)
    anna = rooms.lifecycle.join(room_id, "Anna", Role.INWONER)
    assert isinstance(anna, Joined)
    assert isinstance(rooms.service.act(room_id, anna.player_id, {"type": "leave"}, "k1"), Applied)
    assert rooms.lifecycle.identify(room_id, anna.seat_token) == Refused(ServerCode.BAD_TOKEN)


def test_names_are_checked_by_the_engine_on_join(rooms: Rooms) -> None:
    """Trimmed, 1-40 characters, unique in the room (case does not matter)."""
    room_id, _ = one_room(rooms)
    assert isinstance(rooms.lifecycle.join(room_id, "  Anna  ", Role.INWONER), Joined)
    assert rooms.lifecycle.join(room_id, "anna", Role.RAADSLID) == Refused(
        ErrorCode.NAME_TAKEN, {"name": "anna"}
    )
    assert rooms.lifecycle.join(room_id, "   ", Role.RAADSLID) == Refused(ErrorCode.NAME_EMPTY)
    too_long = rooms.lifecycle.join(room_id, "x" * 41, Role.RAADSLID)
    assert isinstance(too_long, Refused) and too_long.code == ErrorCode.NAME_TOO_LONG
    assert [p.name for p in rooms.service.state(room_id).players] == ["Anna"]  # type: ignore[union-attr]


def seated_room(rooms: Rooms) -> tuple[str, str, Joined]:
    """A room with its facilitator token and one seated player, Anna."""
    room_id, token = one_room(rooms)
    anna = rooms.lifecycle.join(room_id, "Anna", Role.INWONER)
    assert isinstance(anna, Joined)
    return room_id, token, anna


def close_game(rooms: Rooms, room_id: str) -> int:
    """Start and close the game, and wait until the viewers were told (the writer tells them
    after it acknowledged the action)."""
    version = 0
    for n, kind in enumerate(("start", "close_game")):
        outcome = rooms.service.act(room_id, FACILITATOR, {"type": kind}, f"c{n}")
        assert isinstance(outcome, Applied)
        version = outcome.version
    rooms.until(
        lambda: told_closed(rooms, room_id) or not rooms.lifecycle.remembers(room_id),
        "the close was told",
    )
    return version


def told_closed(rooms: Rooms, room_id: str) -> bool:
    """Whether the room's viewers were sent the public patch that closes the game."""
    return any(
        event == "patch"
        and to == room_id
        and {"op": "replace", "path": "/phase", "value": "closed"} in data["ops"]
        for event, data, to in list(rooms.emitted)
    )


def test_connect_enters_the_viewer_rooms_and_sends_the_state(rooms: Rooms) -> None:
    """A seat's socket joins the room and its own viewer room, gets the whole state with the
    scenario, and the facilitator hears the player is online."""
    room_id, _, anna = seated_room(rooms)
    identity = rooms.lifecycle.connect("s1", room_id, anna.seat_token, "en", last_seq=0)
    assert identity == Identity(room_id, anna.player_id)
    assert rooms.transport.entered == [("s1", room_id), ("s1", f"{room_id}/p:{anna.player_id}")]
    sent = [(event, to) for event, _, to in rooms.emitted]
    assert sent == [("state", "s1"), ("presence", f"{room_id}/facilitator")]
    state = rooms.emitted[0][1]
    assert state["version"] == 2 and state["scenario"] and state["view"]["viewer"] == "participant"
    assert rooms.emitted[1][1] == {"presence": {anna.player_id: True}}
    assert rooms.lifecycle.connections.lang_of("s1") == "en"


def test_a_refused_connection_registers_nothing(rooms: Rooms) -> None:
    """A token nobody holds is refused with its code; no room is entered, nothing sent."""
    room_id, _, _ = seated_room(rooms)
    refused = rooms.lifecycle.connect("s1", room_id, seats.new_token(), "nl")
    assert refused == Refused(ServerCode.BAD_TOKEN)
    assert rooms.lifecycle.connect("s2", "nope", None, "nl") == Refused(ServerCode.UNKNOWN_ROOM)
    assert len(rooms.lifecycle.connections) == 0
    assert rooms.transport.entered == [] and rooms.emitted == []


def test_the_newest_socket_of_a_seat_takes_it_over(rooms: Rooms) -> None:
    """A second socket with the same seat token: the first gets seat_taken_over in its own
    language and is disconnected. Two facilitator sockets may live side by side."""
    room_id, token, anna = seated_room(rooms)
    rooms.lifecycle.connect("old", room_id, anna.seat_token, "en")
    rooms.lifecycle.connect("new", room_id, anna.seat_token, "nl")
    assert rooms.transport.notices == [("old", ServerCode.SEAT_TAKEN_OVER, "en")]
    assert rooms.transport.disconnected == ["old"]
    rooms.lifecycle.connect("host-1", room_id, token, "nl")
    rooms.lifecycle.connect("host-2", room_id, token, "nl")
    assert rooms.transport.disconnected == ["old"]


def test_a_drop_keeps_the_seat_and_tells_the_facilitator(rooms: Rooms) -> None:
    """When a seat's socket goes, the facilitator sees the player offline; the token still
    brings the player back to the same seat."""
    room_id, token, anna = seated_room(rooms)
    rooms.lifecycle.connect("host", room_id, token, "nl")
    rooms.lifecycle.connect("s1", room_id, anna.seat_token, "nl")
    rooms.emitted.clear()
    dropped = rooms.lifecycle.drop("s1", "transport close")
    assert dropped is not None and dropped.identity == Identity(room_id, anna.player_id)
    assert rooms.emitted == [
        ("presence", {"presence": {anna.player_id: False}}, f"{room_id}/facilitator")
    ]
    assert rooms.lifecycle.drop("s1") is None  # a second drop of the same socket: nothing
    assert rooms.lifecycle.identify(room_id, anna.seat_token) == Identity(room_id, anna.player_id)
    assert rooms.lifecycle.remembers(room_id)  # the game goes on: the room stays in memory


def test_a_closed_room_is_forgotten_when_its_last_socket_goes(rooms: Rooms) -> None:
    """Closing keeps the room while sockets remain; the last drop removes it from the writer's
    cache, the views and the room facts; a later read rebuilds it from the database."""
    room_id, token, anna = seated_room(rooms)
    rooms.lifecycle.connect("host", room_id, token, "nl")
    rooms.lifecycle.connect("s1", room_id, anna.seat_token, "nl")
    closed_at = close_game(rooms, room_id)
    assert rooms.queries.room(room_id).closed  # type: ignore[union-attr]
    assert rooms.writer.cached(room_id) is not None
    rooms.lifecycle.drop("host")
    assert rooms.lifecycle.remembers(room_id)
    rooms.lifecycle.drop("s1")
    assert rooms.writer.cached(room_id) is None
    assert not rooms.lifecycle.broadcaster.remembers(room_id)
    assert not rooms.queries.remembers(room_id)
    assert not rooms.lifecycle.remembers(room_id)
    again = rooms.service.state(room_id)
    assert again is not None and again.phase == "closed" and again.version == closed_at


def test_a_room_closed_with_no_socket_here_is_forgotten_after_the_commit(rooms: Rooms) -> None:
    """Closed through the writer while no socket of this process watches: forgotten right
    after the viewers were told; a room that goes on is kept."""
    room_id, _, _ = seated_room(rooms)
    other_id, _, _ = seated_room(rooms)
    close_game(rooms, room_id)
    assert not rooms.lifecycle.remembers(room_id)
    assert rooms.lifecycle.remembers(other_id)


# Issue 11: keys of their own, closing seats, removed devices, deleting and purging


def test_the_screen_and_summary_keys_are_stored_only_as_hashes(rooms: Rooms) -> None:
    """Each room's screen and summary key derive from the facilitator token, differ per room
    and purpose, are 256-bit URL-safe strings, and only their sha256 is stored."""
    created = rooms.lifecycle.create_rooms("testcasus", 2)
    assert isinstance(created, CreatedRooms)
    token = created.facilitator_token
    keys = set()
    for info in created.rooms:
        screen = seats.derived_key(token, info.id, seats.Purpose.SCREEN)
        summary = seats.derived_key(token, info.id, seats.Purpose.SUMMARY)
        keys |= {screen, summary}
        assert len(screen) == 43 and screen.replace("-", "").replace("_", "").isalnum()
        with rooms.queries.reader.sessions() as session:
            row = session.get(Room, info.id)
        assert row is not None
        assert row.screen_key_hash == seats.hash_token(screen)
        assert row.summary_key_hash == seats.hash_token(summary)
        stored = " ".join(str(v) for v in vars(row).values())
        assert screen not in stored and summary not in stored and token not in stored
    assert len(keys) == 4 and token not in keys


def test_the_summary_key_opens_the_summary_and_no_socket(rooms: Rooms) -> None:
    """The summary's key, the facilitator's and a seat's open the summary; the summary's key
    and the screen's open no seat or console, and a removed player's token opens nothing."""
    room_id, token, anna = seated_room(rooms)
    summary_key = seats.derived_key(token, room_id, seats.Purpose.SUMMARY)
    screen_key = seats.derived_key(token, room_id, seats.Purpose.SCREEN)
    life = rooms.lifecycle
    assert life.opens_summary(room_id, summary_key)
    assert life.opens_summary(room_id, token)
    assert life.opens_summary(room_id, anna.seat_token)
    assert not life.opens_summary(room_id, screen_key)
    assert not life.opens_summary(room_id, seats.new_token())
    assert not life.opens_summary(room_id, "")
    assert life.identify(room_id, summary_key) == Refused(ServerCode.BAD_TOKEN)
    assert not life.is_facilitator(room_id, screen_key)
    assert life.is_facilitator(room_id, token)
    removed = {"type": "remove_player", "player_id": anna.player_id}
    assert isinstance(life.act(room_id, FACILITATOR, removed, "r1"), Applied)
    assert not life.opens_summary(room_id, anna.seat_token)
    assert life.identify(room_id, anna.seat_token) == Refused(ServerCode.REMOVED_FROM_GAME)


def test_removing_or_leaving_closes_the_seats_sockets_everywhere(rooms: Rooms) -> None:
    """After RemovePlayer (or Leave) is applied, the seat's Socket.IO room is closed with its
    notice; a repeated key is not closed twice, a refused action closes nothing."""
    room_id, _, anna = seated_room(rooms)
    bram = rooms.lifecycle.join(room_id, "Bram", Role.RAADSLID)
    assert isinstance(bram, Joined)
    life = rooms.lifecycle
    remove = {"type": "remove_player", "player_id": anna.player_id}
    assert isinstance(life.act(room_id, FACILITATOR, remove, "r1"), Applied)
    assert isinstance(life.act(room_id, FACILITATOR, remove, "r1"), Applied)  # the same key
    assert isinstance(life.act(room_id, FACILITATOR, remove, "r2"), Refused)  # gone already
    assert isinstance(life.act(room_id, bram.player_id, {"type": "leave"}, "l1"), Applied)
    rooms.until(lambda: len(rooms.transport.closed) >= 2, "both seats were closed")
    assert rooms.transport.closed == [
        (f"{room_id}/p:{anna.player_id}", ServerCode.REMOVED_FROM_GAME),
        (f"{room_id}/p:{bram.player_id}", ServerCode.LEFT_GAME),
    ]


def test_a_removed_device_comes_back_only_when_let_back_in(rooms: Rooms) -> None:
    """The device of a removed player cannot join again under another name; another device
    can; after readmit the same device can; a player who left on their own is not blocked."""
    room_id, _ = one_room(rooms)
    life = rooms.lifecycle
    anna = life.join(room_id, "Anna", Role.INWONER, device="device-of-anna")
    bram = life.join(room_id, "Bram", Role.INWONER, device="device-of-bram")
    assert isinstance(anna, Joined) and isinstance(bram, Joined)
    remove = {"type": "remove_player", "player_id": anna.player_id}
    assert isinstance(life.act(room_id, FACILITATOR, remove, "r1"), Applied)
    assert isinstance(life.act(room_id, bram.player_id, {"type": "leave"}, "l1"), Applied)
    again = life.join(room_id, "Anna 2", Role.INWONER, device="device-of-anna")
    assert again == Refused(ServerCode.REMOVED_FROM_GAME)
    assert isinstance(life.join(room_id, "Bram 2", Role.INWONER, device="device-of-bram"), Joined)
    assert isinstance(life.join(room_id, "Carla", Role.INWONER, device="device-of-carla"), Joined)
    assert isinstance(life.readmit(room_id, anna.player_id), Applied)
    assert isinstance(life.join(room_id, "Anna 2", Role.INWONER, device="device-of-anna"), Joined)
    with rooms.queries.reader.sessions() as session:
        stored = session.scalars(select(Seat.device_hash).where(Seat.room_id == room_id)).all()
    assert "device-of-anna" not in " ".join(h or "" for h in stored)  # only hashes


def test_deleting_a_room_removes_every_row_and_tells_its_sockets(rooms: Rooms) -> None:
    """Delete: no room, seat, event, snapshot or key row is left of it, the other room is
    untouched, the room's sockets are closed with game_deleted, and memory forgets it."""
    room_id, _, anna = seated_room(rooms)
    other_id, _, _ = seated_room(rooms)
    assert isinstance(rooms.service.act(room_id, anna.player_id, {"type": "leave"}, "k1"), Applied)
    forgotten: list[str] = []
    rooms.lifecycle.on_forget_deleted.append(forgotten.append)
    assert rooms.lifecycle.delete([room_id]) == [Applied(version=0)]

    with rooms.queries.reader.sessions() as session:
        for table in (Room, Seat, RoomEvent, Snapshot, ActionKey):
            column = table.id if table is Room else table.room_id
            assert session.scalars(select(column).where(column == room_id)).all() == []
        assert session.get(Room, other_id) is not None
    rooms.until(lambda: bool(forgotten), "the room's sockets were closed and it was forgotten")
    assert rooms.transport.closed == [(room_id, ServerCode.GAME_DELETED)]
    assert forgotten == [room_id] and not rooms.lifecycle.remembers(room_id)
    assert rooms.lifecycle.identify(room_id, anna.seat_token) == Refused(ServerCode.UNKNOWN_ROOM)


def test_purge_deletes_only_games_past_their_retention(database_url: str) -> None:
    """Closed games go `closed_days` after their last event, open ones after `idle_days`."""
    now = [1_000]
    opened = open_rooms(database_url, {"testcasus": make_scenario()}, clock=lambda: now[0])
    try:
        life = opened.lifecycle
        closed, _ = one_room(opened)
        idle, _ = one_room(opened)
        fresh, _ = one_room(opened)
        anna = life.join(closed, "Anna", Role.INWONER)
        assert isinstance(anna, Joined)
        for kind in (A.Start, A.CloseGame):
            fields = {"type": kind.__dataclass_fields__["type"].default}
            assert isinstance(life.act(closed, FACILITATOR, fields, None), Applied)
        now[0] = 1_000 + 20 * DAY_MS
        assert isinstance(life.join(fresh, "Bram", Role.INWONER), Joined)
        policy = Policy(closed_days=10, idle_days=30)
        assert [e.room_id for e in life.purge(policy)] == [closed]
        now[0] = 1_000 + 31 * DAY_MS
        assert [e.room_id for e in life.purge(policy)] == [idle]
        assert life.purge(policy) == []  # idempotent
        assert opened.queries.room(fresh) is not None
    finally:
        opened.close()


def test_the_purge_looks_at_the_rooms_a_page_at_a_time_and_misses_none(
    database_url: str,
) -> None:
    """Page by page (ids in order, each page after the last id of the one before) the purge
    finds exactly the games a single look at all rooms finds, by their newest event."""
    now = [1_000]
    opened = open_rooms(database_url, {"testcasus": make_scenario()}, clock=lambda: now[0])
    try:
        ids = sorted(one_room(opened)[0] for _ in range(7))
        now[0] = 1_000 + 20 * DAY_MS
        kept = ids[1::3]  # an event now: not idle for long
        for room_id in kept:
            assert isinstance(opened.lifecycle.join(room_id, "Anna", Role.INWONER), Joined)
        policy = Policy(closed_days=10, idle_days=15)
        with opened.queries.reader.sessions() as session:
            pages, after = [], ""
            while after is not None:
                page, after = retention.expired_page(session, policy, now[0], after, size=3)
                pages.append([e.room_id for e in page])
            whole = [e.room_id for e in retention.expired(session, policy, now[0])]
        assert whole == [room_id for room_id in ids if room_id not in kept]
        assert pages == [[ids[0], ids[2]], [ids[3], ids[5]], [ids[6]]]
        assert [e.room_id for e in opened.lifecycle.purge(policy)] == whole
    finally:
        opened.close()
