"""A whole game over real sockets, followed through patches (issue 13, point 3): every client
(the facilitator, each player, the big screen) gets one whole `state` on connect and then
patches only; every version it reached by applying them in order holds exactly the view the
log gives that viewer, and no message it received holds a secret it was not dealt by then,
nor another player's unshared reflection."""

from __future__ import annotations

import json
from typing import Any

import pytest
from logviews import jsonable, states_by_seq, viewer_of
from serverproc import Server, read_room, server_env

from game.engine import views
from game.engine.state import RoomState
from rolwissel_client.connection import Connection
from rolwissel_client.scripted import ScriptedGame

pytestmark = pytest.mark.slow


def test_every_client_follows_a_whole_game_through_patches_and_sees_only_its_own(
    server: Server,
) -> None:
    """Five players, a facilitator and the big screen through every round and the vote."""
    # The scripted players act at machine speed, beyond a person's 5 actions a second; the
    # per-connection limit has its own tests (test_ratelimit.py).
    server.env = server_env(server.instance, ACTION_RATE="0")
    server.start()
    game = ScriptedGame(url=server.url, players=5, seed=11, concurrent=True, screen=True)
    try:
        game.play()
        for conn in game.connections:
            conn.wait_version(game.version)
        stored = read_room(server.database_url, game.room_id)
        states = states_by_seq(stored)
        final = states[stored.last_seq]
        secrets = {
            s.id: (s.text.nl, s.text.en)
            for card in final.scenario.roles.values()
            for s in card.secrets
        }
        for conn in game.connections:
            viewer = viewer_of(game, conn)
            kinds = [event for event, _message in conn.messages]
            assert kinds[0] == "state" and kinds.count("state") == conn.connects, conn.label
            # After its first state, every version it reached came from patches, in order,
            # up to the room's last version (a count of messages would depend on how the
            # writer batched the game, and on a viewer getting one message or two per step).
            reached = [record["version"] for record in conn.states]
            patched = [record for record in conn.states if record.get("patched")]
            assert len(patched) == len(conn.states) - conn.connects, conn.label
            assert reached == sorted(set(reached)) and reached[-1] == final.version, conn.label
            assert len(patched) >= 20, (conn.label, len(patched))
            assert conn.live.failed == 0 and conn.live.resyncs == 0, conn.label
            for record in conn.states:
                expected = jsonable(views.view_for(states[record["version"]], viewer))
                assert record["view"] == expected, (conn.label, record["version"])
            check_messages(conn, viewer, states, secrets)
    finally:
        game.close()


def check_messages(
    conn: Connection,
    viewer: views.Viewer,
    states: dict[int, RoomState],
    secrets: dict[str, tuple[str, Any]],
) -> None:
    """No message holds a secret its viewer had not been dealt at that message's version, nor
    a reflection of another player that was not shared by then."""
    for _event, message in conn.messages:
        text = json.dumps(message, ensure_ascii=False)
        state = states[message["version"]]
        if isinstance(viewer, views.Facilitator):
            allowed = set(secrets)
        elif isinstance(viewer, views.Participant):
            allowed = {d.secret_id for d in state.dealt_to(viewer.player_id)}
        else:
            allowed = set()
        for secret_id, texts in secrets.items():
            if secret_id not in allowed:
                assert not any(t and t in text for t in texts), (conn.label, secret_id)
        own = viewer.player_id if isinstance(viewer, views.Participant) else None
        for reflection in state.reflections:
            if not reflection.shared and reflection.player_id != own:
                assert reflection.text not in text, (conn.label, message["version"])
