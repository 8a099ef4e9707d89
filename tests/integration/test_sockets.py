"""The socket protocol end to end in one process (Flask-SocketIO's test client, threading):
who you are decides what you see and may do; every change arrives as a new state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient
from integration.helpers import join, last_state, new_room, received, state_reaching
from sqlalchemy import func, select

from game.extension import extension
from game.store.models import RoomEvent

Connect = Callable[..., SocketIOTestClient]


def count_events(app: Flask) -> int:
    with extension(app).reader.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(RoomEvent)) or 0)


def test_each_viewer_gets_its_own_view_on_connect(client: FlaskClient, sockets: Connect) -> None:
    """Facilitator, participant and big screen each get their own kind of view on connect."""
    room = new_room(client)
    anna = join(client, room.code, "Anna")
    player = sockets({"room": room.room_id, "token": anna.token, "last_seq": 0})
    host = sockets({"room": room.room_id, "token": room.token})
    screen = sockets({"room": room.room_id, "token": room.screen_key})
    assert host.is_connected() and player.is_connected() and screen.is_connected()
    host_state, player_state, screen_state = (last_state(s) for s in (host, player, screen))
    assert host_state["view"]["viewer"] == "facilitator"
    assert host_state["presence"] == {anna.player_id: True}
    assert player_state["view"]["viewer"] == "participant"
    assert player_state["view"]["me"]["id"] == anna.player_id  # type: ignore[index]
    assert "presence" not in player_state
    assert screen_state["view"] == {"viewer": "screen", "public": screen_state["view"]["public"]}
    assert host_state["version"] == player_state["version"] == screen_state["version"] == 2
    assert isinstance(host_state["now"], int)


def test_bad_auth_unknown_rooms_and_unknown_tokens_are_refused(
    client: FlaskClient, sockets: Connect
) -> None:
    """No auth, a malformed one, a room that does not exist, a token nobody has, no token
    and the summary's key: refused (issue 11: no token used to open the big screen)."""
    room = new_room(client)
    for auth in (
        None,
        {"token": room.token},
        {"room": room.room_id, "last_seq": "x"},
        {"room": "no-such-room", "token": None},
        {"room": room.room_id, "token": "made-up-token"},
        {"room": room.room_id, "token": None},
        {"room": room.room_id},
        {"room": room.room_id, "token": room.summary_key},
    ):
        assert not sockets(auth).is_connected(), auth


def test_a_participant_cannot_steer_and_gets_the_code_and_sentence(
    app: Flask, client: FlaskClient, sockets: Connect
) -> None:
    """`start` from a participant: not_facilitator in their language; nothing written."""
    room = new_room(client)
    anna = join(client, room.code, "Anna")
    player = sockets({"room": room.room_id, "token": anna.token, "lang": "en"})
    had = received(player, "state")
    assert had
    events = count_events(app)
    reply = player.emit("action", {"type": "start", "key": "k1"}, callback=True)
    assert reply["ok"] is False and reply["code"] == "not_facilitator"
    assert reply["message"] == "Only the workshop leader can do this."
    assert count_events(app) == events
    # Nothing changed, so nobody is told of a change. (The join's own broadcast may land
    # after the connect's state: a copy of the version the socket had is no news.)
    newer = [s["version"] for s in received(player, "state") if s["version"] > had[-1]["version"]]
    assert newer == []


def test_an_action_is_acknowledged_after_its_commit_and_every_viewer_gets_the_new_state(
    app: Flask, client: FlaskClient, sockets: Connect
) -> None:
    """An action is acked after its commit, and every viewer then gets the new version."""
    room = new_room(client)
    anna, ben = join(client, room.code, "Anna"), join(client, room.code, "Ben", "raadslid")
    host = sockets({"room": room.room_id, "token": room.token})
    players = [sockets({"room": room.room_id, "token": s.token}) for s in (anna, ben)]
    screen = sockets({"room": room.room_id, "token": room.screen_key})
    for sock in (host, *players, screen):
        received(sock, "state")
    reply = host.emit(
        "action", {"type": "start", "key": "go", "expected_version": 3}, callback=True
    )
    # The start is two events: the game started, and the round-1 secrets dealt.
    assert reply == {"ok": True, "version": 5}
    assert count_events(app) == 5
    for sock in (host, *players, screen):
        state = state_reaching(sock, 5)
        assert state["version"] == 5
        assert state["view"]["public"]["phase"] == "play"
    assert last_state_role(players[0]) is not None


def last_state_role(sock: SocketIOTestClient) -> Any:
    sock.emit("resync", {"last_seq": 0}, callback=True)
    return last_state(sock)["view"]["role"]


def test_a_card_posted_twice_with_one_key_is_applied_once(
    app: Flask, client: FlaskClient, sockets: Connect
) -> None:
    """A resent emit (same key) gets the same acknowledgement; the board has one card."""
    room = new_room(client)
    anna = join(client, room.code, "Anna")
    host = sockets({"room": room.room_id, "token": room.token})
    host.emit("action", {"type": "start", "key": "go"}, callback=True)
    player = sockets({"room": room.room_id, "token": anna.token})
    message = {"type": "post_card", "text": "Een plek voor iedereen", "key": "card-1"}
    first = player.emit("action", message, callback=True)
    events = count_events(app)
    again = player.emit("action", message, callback=True)
    assert first == again == {"ok": True, "version": 5}  # the start was two events
    assert count_events(app) == events
    cards = state_reaching(player, 5)["view"]["public"]["cards"]
    assert [c["text"] for c in cards] == ["Een plek voor iedereen"]


def test_malformed_actions_get_their_codes_and_change_nothing(
    app: Flask, client: FlaskClient, sockets: Connect
) -> None:
    """Not an object, too big, unknown type, no key, wrong field types: each its own code."""
    room = new_room(client)
    host = sockets({"room": room.room_id, "token": room.token})
    events = count_events(app)
    cases = [
        (["start"], "not_an_object"),
        ({"type": "start", "key": "k", "padding": "x" * 9000}, "message_too_big"),
        ({"type": "fly", "key": "k"}, "unknown_action"),
        ({"type": "start"}, "missing_key"),
        ({"type": "start", "key": 1}, "bad_field"),
        ({"type": "set_timer", "seconds": "ten", "key": "k"}, "bad_message"),
    ]
    for payload, code in cases:
        reply = host.emit("action", payload, callback=True)
        assert reply["ok"] is False and reply["code"] == code, (payload, reply)
        assert reply["message"]
    assert count_events(app) == events


def test_the_big_screen_only_watches(client: FlaskClient, sockets: Connect) -> None:
    """An action from the big screen is refused with screen_cannot_act."""
    room = new_room(client)
    screen = sockets({"room": room.room_id, "token": room.screen_key})
    reply = screen.emit("action", {"type": "start", "key": "k"}, callback=True)
    assert reply["code"] == "screen_cannot_act"


def test_a_second_device_takes_the_seat_over(client: FlaskClient, sockets: Connect) -> None:
    """The same seat token on a second device: the first is told and disconnected."""
    room = new_room(client)
    anna = join(client, room.code, "Anna")
    phone = sockets({"room": room.room_id, "token": anna.token, "lang": "nl"})
    laptop = sockets({"room": room.room_id, "token": anna.token})
    notices = received(phone, "notice")
    assert [n["code"] for n in notices] == ["seat_taken_over"]
    assert "ander apparaat" in notices[0]["message"]
    assert not phone.is_connected() and laptop.is_connected()
    assert last_state(laptop)["view"]["me"]["id"] == anna.player_id


def test_presence_follows_connections_and_never_enters_the_log(
    app: Flask, client: FlaskClient, sockets: Connect
) -> None:
    """A participant dropping keeps the seat (presence offline); coming back is online."""
    room = new_room(client)
    anna = join(client, room.code, "Anna")
    host = sockets({"room": room.room_id, "token": room.token})
    events = count_events(app)
    player = sockets({"room": room.room_id, "token": anna.token})
    assert received(host, "presence")[-1] == {"presence": {anna.player_id: True}}
    player.disconnect()
    assert received(host, "presence")[-1] == {"presence": {anna.player_id: False}}
    again = sockets({"room": room.room_id, "token": anna.token})
    assert last_state(again)["view"]["me"]["id"] == anna.player_id
    assert count_events(app) == events


def test_set_lang_changes_the_language_of_later_sentences(
    client: FlaskClient, sockets: Connect
) -> None:
    """Refusals come in the language the connection asked for last."""
    room = new_room(client)
    anna = join(client, room.code, "Anna")
    player = sockets({"room": room.room_id, "token": anna.token, "lang": "nl"})
    dutch = player.emit("action", {"type": "start", "key": "a"}, callback=True)
    assert player.emit("set_lang", {"lang": "en"}, callback=True) == {"ok": True}
    english = player.emit("action", {"type": "start", "key": "b"}, callback=True)
    assert dutch["message"] == "Alleen de spelleider kan dit doen."
    assert english["message"] == "Only the workshop leader can do this."
    assert player.emit("set_lang", {"lang": "fr"}, callback=True)["code"] == "bad_field"


def test_resync_sends_the_current_state_again(client: FlaskClient, sockets: Connect) -> None:
    """A browser that may have missed something asks again and gets the current version."""
    room = new_room(client)
    host = sockets({"room": room.room_id, "token": room.token})
    received(host, "state")
    assert host.emit("resync", {"last_seq": 1}, callback=True) == {"ok": True}
    assert last_state(host)["version"] == 1
    assert host.emit("resync", {"last_seq": -5}, callback=True)["code"] == "bad_field"


def test_a_closed_room_leaves_memory_with_its_last_socket(
    app: Flask, client: FlaskClient, sockets: Connect
) -> None:
    """After the game is closed and the last socket has gone, this process holds nothing of
    the room (writer cache, views, room facts); its summary is still read from the log."""
    room = new_room(client)
    anna = join(client, room.code, "Anna")
    host = sockets({"room": room.room_id, "token": room.token})
    player = sockets({"room": room.room_id, "token": anna.token})
    for n, kind in enumerate(("start", "close_game")):
        reply = host.emit("action", {"type": kind, "key": f"k{n}"}, callback=True)
        assert reply["ok"], reply
    closed = state_reaching(player, reply["version"])
    assert closed["view"]["public"]["phase"] == "closed"
    lifecycle = extension(app).lifecycle
    host.disconnect()
    assert lifecycle.remembers(room.room_id)  # Anna is still looking at the closed game
    player.disconnect()
    assert not lifecycle.remembers(room.room_id)
    keyed = {"Authorization": f"Bearer {room.summary_key}"}
    assert client.get(f"/room/{room.room_id}/summary.json", headers=keyed).status_code == 200


def test_unknown_and_argumentless_events_are_answered(
    client: FlaskClient, sockets: Connect
) -> None:
    """An event nobody handles, and a known one without its argument, get a code and sentence
    (python-socketio alone would answer neither and raise on the second)."""
    room = new_room(client)
    anna = join(client, room.code, "Anna")
    player = sockets({"room": room.room_id, "token": anna.token, "lang": "en"})
    unknown = player.emit("steal_secrets", {"all": True}, callback=True)
    assert unknown["code"] == "unknown_event"
    assert unknown["message"] == "The server does not know this kind of message. Reload the page."
    assert player.emit("action", callback=True)["code"] == "not_an_object"
    assert player.emit("resync", callback=True)["code"] == "not_an_object"


def test_a_bug_behind_an_action_is_answered_server_error_and_logged(
    app: Flask, client: FlaskClient, sockets: Connect, caplog: Any
) -> None:
    """The action handler runs without Flask-SocketIO's wrapper: a handler that raises still
    answers the sender (server_error, in its language) and leaves the traceback in the log."""
    room = new_room(client)
    anna = join(client, room.code, "Anna")
    player = sockets({"room": room.room_id, "token": anna.token, "lang": "en"})
    lifecycle = extension(app).lifecycle

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    lifecycle.act = broken  # type: ignore[method-assign]
    reply = player.emit("action", {"type": "start", "key": "k1"}, callback=True)
    assert reply["ok"] is False and reply["code"] == "server_error"
    assert reply["message"] == "Something went wrong on the server. Please try again."
    failed = [r for r in caplog.records if "event_failed" in r.getMessage()]
    assert failed and failed[0].exc_info is not None
