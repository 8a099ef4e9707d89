"""The summary of a room played through the real room service and its SQLite log.

The same scripted game as the unit tests is sent as messages through `RoomService.act`
(the path a socket takes), the summary is read back through the summary pages' source, and
a second service opened on the same database file (a restart) gives the same summary field
by field.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path
from typing import Any

import yaml
from summary_game import (
    DECISION_V2,
    HOMES,
    NAMES,
    Game,
    decide_and_close,
    play_rounds,
)

from factories import make_scenario
from game.engine import actions as A
from game.engine import replay
from game.engine.state import FACILITATOR, RoomState
from game.exports.summary import build_summary
from game.extension import extension
from game.rooms import seats
from game.rooms.lifecycle import CreatedRooms, Joined, RoomLifecycle
from game.rooms.service import RoomService
from game.rooms.writer import Applied
from game.store.db import upgrade
from game.web.summary_pages import ServiceSource
from rooms_stack import Rooms, open_rooms


def open_service(url: str) -> Rooms:
    ticks = itertools.count(1_700_000_000_000, 60_000)
    return open_rooms(url, {"testcasus": make_scenario()}, clock=lambda: next(ticks))


def source_for(rooms: Rooms) -> ServiceSource:
    return ServiceSource(rooms.lifecycle)


class ServiceGame(Game):
    """The scripted game, sent as messages through the room service."""

    def __init__(self, service: RoomService, lifecycle: RoomLifecycle, room_id: str) -> None:
        self.service = service
        self.lifecycle = lifecycle
        self.room_id = room_id
        self.ids: dict[str, str] = {FACILITATOR: FACILITATOR}
        self.keys = itertools.count(1)
        super().__init__(state=self._state())

    def _state(self) -> RoomState:
        state = self.service.state(self.room_id)
        assert state is not None
        return state

    def do(self, actor: str, action_type: type[A.Action], **fields: Any) -> RoomState:
        if action_type is A.Join:
            joined = self.lifecycle.join(self.room_id, fields["name"], fields["home_role"])
            assert isinstance(joined, Joined), joined
            self.ids[actor] = joined.player_id
        else:
            action = action_type(actor="x", at=0, **fields)  # type: ignore[call-arg]
            message = {
                k: v
                for k, v in dataclasses.asdict(action).items()  # type: ignore[call-overload]
                if k not in ("actor", "at", "expected_version")
            }
            if action_type in (A.NextPhase, A.PreviousPhase):
                # The script steps faster than a person: it confirms, as a console would.
                message["confirm"] = True
            outcome = self.service.act(
                self.room_id, self.ids[actor], message, key=f"k{next(self.keys)}"
            )
            assert isinstance(outcome, Applied), (action_type.__name__, outcome)
        self.state = self._state()
        return self.state


def test_summary_through_the_service_survives_a_restart(database_url: str) -> None:
    """A game played by messages gives its summary from the log, the same after a restart
    (on SQLite and on PostgreSQL)."""
    rooms = open_service(database_url)
    created = rooms.lifecycle.create_rooms("testcasus", 1)
    assert isinstance(created, CreatedRooms)
    room_id = created.rooms[0].id
    game = ServiceGame(rooms.service, rooms.lifecycle, room_id)
    for n, (home, name) in enumerate(zip(HOMES, NAMES, strict=True), start=1):
        game.do(f"p{n}", A.Join, name=name, home_role=home)
    play_rounds(game)
    decide_and_close(game)

    source = source_for(rooms)
    events = source.room_events(room_id)
    before = build_summary(replay.fold(events), events)
    assert before == build_summary(source.current_state(room_id), events)
    assert before.closed and before.decision.text == DECISION_V2
    assert before.result.gedragen
    assert [len(b.votes) for b in before.ballots] == [8, 7]
    rooms.close()

    again = open_service(database_url)
    try:
        source2 = source_for(again)
        events2 = source2.room_events(room_id)
        after = build_summary(source2.current_state(room_id), events2)
        assert after == before
        assert source2.event_room_ids("no-such-event") == []
        assert source2.current_state("no-such-room") is None
    finally:
        again.close()


def test_summary_routes_on_the_real_app(make_app: Any, tmp_path: Path, database_url: str) -> None:
    """On the app from create_app the summary is read from the room service and its log
    (on SQLite and on PostgreSQL, set by one database URL)."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    data = make_scenario().model_dump(mode="json")
    (folder / "testcasus.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    app = make_app(SCENARIOS_DIR=str(folder), DATABASE_URL=database_url)
    if not extension(app).reader.is_sqlite:
        upgrade(extension(app).reader.engine)  # what `rolwissel db upgrade` does
    assert "summary" in app.blueprints  # create_app serves the summary
    ext = extension(app)
    created = ext.lifecycle.create_rooms("testcasus", 2)
    assert isinstance(created, CreatedRooms)
    room_id = created.rooms[0].id
    client = app.test_client()
    token = created.facilitator_token
    keyed = {"Authorization": f"Bearer {token}"}
    summary_key = {
        "Authorization": "Bearer " + seats.derived_key(token, room_id, seats.Purpose.SUMMARY)
    }
    assert client.get(f"/room/{room_id}/summary.json").status_code == 401
    waiting = client.get(f"/room/{room_id}/summary.json", headers=summary_key)
    assert waiting.status_code == 409 and waiting.get_json()["code"] == "summary_not_ready"
    assert client.get(f"/event/{created.event_id}/compare.json", headers=keyed).status_code == 409

    game = ServiceGame(ext.service, ext.lifecycle, room_id)
    for n, (home, name) in enumerate(zip(HOMES, NAMES, strict=True), start=1):
        game.do(f"p{n}", A.Join, name=name, home_role=home)
    play_rounds(game)
    decide_and_close(game)

    data = client.get(f"/room/{room_id}/summary.json?lang=nl", headers=summary_key).get_json()
    assert data["decision"]["text"] == DECISION_V2 and data["result"]["gedragen"] is True
    html = client.get(f"/room/{room_id}/summary", headers=keyed).get_data(as_text=True)
    assert DECISION_V2 in html
    # The comparison lists the closed table only (issue 11: an open table is never listed).
    compared = client.get(f"/event/{created.event_id}/compare.json", headers=keyed).get_json()
    assert [t["room_id"] for t in compared["tables"]] == [room_id]
    assert created.rooms[1].id not in str(compared)
