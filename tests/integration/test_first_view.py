"""The first view over HTTP (`POST /api/rooms/<id>/view`): the socket's first `state` for
whoever holds the token, hidden the same way, refused with the socket's codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient
from integration.helpers import join, last_state, new_room

Connect = Callable[..., SocketIOTestClient]


def first_view(client: FlaskClient, room_id: str, body: Any) -> tuple[int, dict[str, Any]]:
    reply = client.post(f"/api/rooms/{room_id}/view", json=body)
    return reply.status_code, reply.get_json()


def secret_texts(view: dict[str, Any]) -> list[str]:
    """The texts of the secrets a participant's view holds (its role card's)."""
    return [s["text"]["nl"] for s in view["role"]["card"]["secrets"]]


def test_each_player_gets_the_sockets_first_view_and_only_their_own_secrets(
    client: FlaskClient, sockets: Connect
) -> None:
    """After the start (secrets dealt) each player's HTTP view is the view its socket gets,
    with its own secret and none of the other player's."""
    room = new_room(client)
    anna, ben = join(client, room.code, "Anna"), join(client, room.code, "Ben", "raadslid")
    host = sockets({"room": room.room_id, "token": room.token})
    assert host.emit("action", {"type": "start", "key": "go"}, callback=True)["ok"]
    seen: dict[str, dict[str, Any]] = {}
    for seat in (anna, ben):
        status, body = first_view(client, room.room_id, {"token": seat.token})
        assert status == 200
        socket_state = last_state(sockets({"room": room.room_id, "token": seat.token}))
        assert body["version"] == socket_state["version"] == 5
        assert body["view"] == socket_state["view"]
        assert body["scenario"] == socket_state["scenario"]
        assert body["view"]["me"]["id"] == seat.player_id
        seen[seat.player_id] = body
    anna_secrets, ben_secrets = (secret_texts(seen[s.player_id]["view"]) for s in (anna, ben))
    assert anna_secrets and ben_secrets
    anna_text = json.dumps(seen[anna.player_id], ensure_ascii=False)
    ben_text = json.dumps(seen[ben.player_id], ensure_ascii=False)
    assert not any(secret in anna_text for secret in ben_secrets)
    assert not any(secret in ben_text for secret in anna_secrets)


def test_bad_tokens_get_a_clear_refusal(client: FlaskClient) -> None:
    """A token nobody holds, no token, a room that does not exist and a body that is not the
    request's shape: each refused with its code and a sentence, in the language asked."""
    room = new_room(client)
    join(client, room.code, "Anna")
    cases = [
        (room.room_id, {"token": "made-up-token", "lang": "en"}, 403, "bad_token"),
        (room.room_id, {"token": room.summary_key}, 403, "bad_token"),
        (room.room_id, {"token": ""}, 400, "bad_request"),
        (room.room_id, {"seat": "x"}, 400, "bad_request"),
        ("no-such-room-0000", {"token": room.token}, 404, "unknown_room"),
    ]
    for room_id, body, status, code in cases:
        got_status, reply = first_view(client, room_id, body)
        assert (got_status, reply["ok"], reply["code"]) == (status, False, code), body
        assert reply["message"]
    english = first_view(client, room.room_id, {"token": "made-up-token", "lang": "en"})[1]
    dutch = first_view(client, room.room_id, {"token": "made-up-token"})[1]
    assert english["message"] != dutch["message"]
    assert client.get(f"/api/rooms/{room.room_id}/view").status_code == 405


def test_first_views_are_limited_per_address(make_app: Callable[..., Flask]) -> None:
    """Over VIEW_LIMIT from one address: `too_many_actions` (429), the view is not built."""
    client = make_app(VIEW_LIMIT="2 per minute").test_client()
    room = new_room(client)
    seat = join(client, room.code, "Anna")
    answers = [first_view(client, room.room_id, {"token": seat.token}) for _ in range(3)]
    assert [status for status, _ in answers] == [200, 200, 429]
    assert answers[2][1]["code"] == "too_many_actions" and "view" not in answers[2][1]


def test_the_view_comes_compressed_and_is_never_kept(client: FlaskClient) -> None:
    """The view (with the case text, several KB) comes gzip-compressed when the browser
    accepts it, and no cache may keep it."""
    room = new_room(client)
    seat = join(client, room.code, "Anna")
    reply = client.post(
        f"/api/rooms/{room.room_id}/view",
        json={"token": seat.token},
        headers={"Accept-Encoding": "gzip"},
    )
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.headers["Cache-Control"] == "no-store"
