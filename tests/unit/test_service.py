"""The room service: creating rooms, seats, who a token belongs to, actions by message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from factories import make_scenario, room_with_players
from game.engine import views
from game.engine.errors import ErrorCode
from game.engine.roles import Role
from game.engine.state import FACILITATOR
from game.rooms import seats
from game.rooms.broadcast import ViewCache
from game.rooms.service import CreatedRooms, Identity, Joined, RoomService
from game.rooms.writer import Applied, Refused, RoomWriter, Runtime
from game.store.db import Database, upgrade
from game.store.models import Room, Seat
from game.web.protocol import ServerCode


@pytest.fixture
def service(database_url: str) -> Iterator[RoomService]:
    db = Database.open(database_url)
    upgrade(db.engine)
    writer = RoomWriter(db, Runtime.for_mode("threading"), window_ms=1)
    yield RoomService(db, writer, {"testcasus": make_scenario()}, clock=lambda: 1_000)
    writer.stop()
    db.close()


def one_room(service: RoomService) -> tuple[str, str]:
    created = service.create_rooms("testcasus", 1)
    assert isinstance(created, CreatedRooms)
    return created.rooms[0].id, created.facilitator_token


def test_several_tables_become_one_event_with_one_facilitator_token(
    service: RoomService,
) -> None:
    """Three tables: three rooms, distinct codes, one event id, one token that steers all."""
    created = service.create_rooms("testcasus", 3)
    assert isinstance(created, CreatedRooms)
    assert len({r.id for r in created.rooms}) == len({r.code for r in created.rooms}) == 3
    assert created.event_id and {r.event_id for r in created.rooms} == {created.event_id}
    assert service.is_facilitator_of_event(created.event_id, created.facilitator_token)
    assert not service.is_facilitator_of_event(created.event_id, seats.new_token())
    for room in created.rooms:
        identity = service.identify(room.id, created.facilitator_token)
        assert identity == Identity(room.id, FACILITATOR)
        assert service.state(room.id).version == 1  # type: ignore[union-attr]


def test_one_table_is_not_an_event_and_an_unknown_scenario_is_refused(
    service: RoomService,
) -> None:
    """A single room has no event id; a scenario id nobody knows gets unknown_scenario."""
    created = service.create_rooms("testcasus", 1)
    assert isinstance(created, CreatedRooms) and created.event_id is None
    assert service.create_rooms("nope", 1) == Refused(ServerCode.UNKNOWN_SCENARIO)


def test_the_database_keeps_hashes_never_tokens(service: RoomService) -> None:
    """Neither the facilitator token nor a seat token is stored as such."""
    room_id, token = one_room(service)
    joined = service.join(room_id, "Anna", Role.INWONER)
    assert isinstance(joined, Joined)
    with service.reader.sessions() as session:
        room = session.get(Room, room_id)
        seat = session.scalar(select(Seat).where(Seat.player_id == joined.player_id))
    assert room is not None and seat is not None
    assert room.facilitator_token_hash == seats.hash_token(token) != token
    assert seat.token_hash == seats.hash_token(joined.seat_token) != joined.seat_token


def test_a_seat_token_finds_its_player_and_other_tokens_find_nobody(
    service: RoomService,
) -> None:
    """Seat token: its player; no token: the screen; any other token or room: refused."""
    room_id, _ = one_room(service)
    other_id, _ = one_room(service)
    anna = service.join(room_id, "Anna", Role.INWONER)
    assert isinstance(anna, Joined)
    assert service.identify(room_id, anna.seat_token) == Identity(room_id, anna.player_id)
    assert service.identify(room_id, None) == Identity(room_id, None)
    assert service.identify(room_id, seats.new_token()) == Refused(ServerCode.BAD_TOKEN)
    assert service.identify(other_id, anna.seat_token) == Refused(ServerCode.BAD_TOKEN)
    assert service.identify("nope", anna.seat_token) == Refused(ServerCode.UNKNOWN_ROOM)


def test_after_leaving_the_seat_token_lets_nobody_in(service: RoomService) -> None:
    """Leave frees the seat: the old token is refused from then on."""
    room_id, _ = one_room(service)
    anna = service.join(room_id, "Anna", Role.INWONER)
    assert isinstance(anna, Joined)
    assert isinstance(service.act(room_id, anna.player_id, {"type": "leave"}, "k1"), Applied)
    assert service.identify(room_id, anna.seat_token) == Refused(ServerCode.BAD_TOKEN)


def test_names_are_checked_by_the_engine_on_join(service: RoomService) -> None:
    """Trimmed, 1-40 characters, unique in the room (case does not matter)."""
    room_id, _ = one_room(service)
    assert isinstance(service.join(room_id, "  Anna  ", Role.INWONER), Joined)
    assert service.join(room_id, "anna", Role.RAADSLID) == Refused(
        ErrorCode.NAME_TAKEN, {"name": "anna"}
    )
    assert service.join(room_id, "   ", Role.RAADSLID) == Refused(ErrorCode.NAME_EMPTY)
    too_long = service.join(room_id, "x" * 41, Role.RAADSLID)
    assert isinstance(too_long, Refused) and too_long.code == ErrorCode.NAME_TOO_LONG
    assert [p.name for p in service.state(room_id).players] == ["Anna"]  # type: ignore[union-attr]


def test_a_message_the_codec_refuses_becomes_bad_message(service: RoomService) -> None:
    """Wrong field types reach the codec: bad_message, naming the field, never its value."""
    room_id, _ = one_room(service)
    outcome = service.act(room_id, FACILITATOR, {"type": "set_timer", "seconds": "60"}, "k")
    assert outcome == Refused(ErrorCode.BAD_MESSAGE, {"fields": ["seconds"]})


def test_the_shared_view_cache_builds_exactly_what_view_for_builds() -> None:
    """Views with one shared public part equal views.view_for and are built once per version."""
    state = room_with_players([Role.INWONER, Role.RAADSLID, Role.AMBTENAAR])
    cache = ViewCache()
    for key, viewer in (
        ("facilitator", views.FACILITATOR_VIEWER),
        ("screen", views.BIG_SCREEN),
        *((f"p:{p.id}", views.Participant(p.id)) for p in state.players),
    ):
        assert cache.view(state, key) == views.view_for(state, viewer)
    first = cache.view(state, "p:p1")
    assert cache.view(state, "p:p1") is first
    assert cache.view(state, "screen")["public"] is cache.view(state, "facilitator")["public"]
