"""The room service: actions by message, and the views it builds for the broadcaster."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from factories import make_scenario, room_with_players
from game.engine import views
from game.engine.errors import ErrorCode
from game.engine.roles import Role
from game.engine.state import FACILITATOR
from game.rooms.broadcast import RoomViews
from game.rooms.lifecycle import CreatedRooms
from game.rooms.service import RoomService
from game.rooms.writer import Refused
from rooms_stack import open_rooms


@pytest.fixture
def service(database_url: str) -> Iterator[RoomService]:
    rooms = open_rooms(database_url, {"testcasus": make_scenario()})
    created = rooms.lifecycle.create_rooms("testcasus", 1)
    assert isinstance(created, CreatedRooms)
    yield rooms.service
    rooms.close()


def one_room(service: RoomService) -> str:
    room_ids = service.queries.active_room_ids()
    assert len(room_ids) == 1
    return room_ids[0]


def test_a_message_the_codec_refuses_becomes_bad_message(service: RoomService) -> None:
    """Wrong field types reach the codec: bad_message, naming the field, never its value."""
    room_id = one_room(service)
    outcome = service.act(room_id, FACILITATOR, {"type": "set_timer", "seconds": "60"}, "k")
    assert outcome == Refused(ErrorCode.BAD_MESSAGE, {"fields": ["seconds"]})


def test_the_shared_view_cache_builds_exactly_what_view_for_builds() -> None:
    """Views with one shared public part equal views.view_for and are built once per version."""
    state = room_with_players([Role.INWONER, Role.RAADSLID, Role.AMBTENAAR])
    cache = RoomViews(state)
    for key, viewer in (
        ("facilitator", views.FACILITATOR_VIEWER),
        ("screen", views.BIG_SCREEN),
        *((f"p:{p.id}", views.Participant(p.id)) for p in state.players),
    ):
        assert cache.view(key) == views.view_for(state, viewer)
    first = cache.private("p:p1")
    assert cache.private("p:p1") is first
    assert cache.view("screen")["public"] is cache.view("facilitator")["public"]
