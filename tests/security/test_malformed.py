"""Every malformed message gets an answer (a code and a sentence in the sender's language),
nothing raises, and nothing is written (issue 11, point 2)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from attack import PlayingRoom, Start, tracebacks
from serverproc import read_room
from wire import HOST, Refused, SocketIO

from game.web.messages import message

pytestmark = pytest.mark.slow

DEEP = "[" * 1000 + "]" * 1000


def act(fields: str) -> str:
    """An `action` event whose object has these JSON fields."""
    return '["action",{' + fields + "}]"


CARD, START = '"type":"post_card","key":"a"', '"type":"start","key":"a"'
TIMER = '"type":"set_timer","key":"a","seconds":'
# (what it is, the Socket.IO packet after its type and ack id, the code it must be answered with)
EVENTS: list[tuple[str, str, str]] = [
    ("a lone surrogate in a card", act(CARD + ',"text":"x\\ud800"'), "bad_text"),
    ("a lone surrogate in the type", act('"type":"post_card\\udc00","key":"a"'), "bad_text"),
    ("a lone surrogate in the key", act('"type":"post_card","key":"\\udfff"'), "bad_text"),
    ("a lone surrogate as event name", '["\\ud83d"]', "bad_text"),
    ("nesting a thousand deep in a field", act(CARD + ',"text":' + DEEP), "bad_packet"),
    ("nesting a thousand deep as the argument", '["action",' + DEEP + "]", "bad_packet"),
    ("nesting a thousand deep as the packet", DEEP, "bad_packet"),
    ("a missing argument", '["action"]', "not_an_object"),
    ("a missing argument to set_lang", '["set_lang"]', "not_an_object"),
    ("a missing argument to resync", '["resync"]', "not_an_object"),
    ("an extra argument", '["action",{' + START + '},{"more":1}]', "not_facilitator"),
    ("an unknown event", '["steal_secrets",{}]', "unknown_event"),
    ("an unknown event with a newline", '["act\\nion",{}]', "unknown_event"),
    ("the reserved name connect", '["connect",{"room":"x"}]', "unknown_event"),
    ("the reserved name disconnect", '["disconnect"]', "unknown_event"),
    ("the reserved name connect_error", '["connect_error",{}]', "unknown_event"),
    ("python-socketio's own __disconnect_final", '["__disconnect_final"]', "unknown_event"),
    ("an empty event", "[]", "bad_packet"),
    ("an event name that is a number", "[5,{}]", "bad_packet"),
    ("an event name that is null", "[null]", "bad_packet"),
    ("an object instead of a list", '{"type":"post_card"}', "bad_packet"),
    ("a string instead of a list", '"action"', "bad_packet"),
    ("no JSON at all", "", "bad_packet"),
    ("broken JSON", '["action",{', "bad_packet"),
    ("NaN", act(TIMER + "NaN"), "bad_packet"),
    ("a number too large for a float", act(TIMER + "1e999"), "bad_packet"),
    ("5,000 digits", act(TIMER + "9" * 5000), "bad_packet"),
    ("an action that is a list", '["action",[1,2]]', "not_an_object"),
    ("an action without a key", act('"type":"post_card","text":"x"'), "missing_key"),
    ("an unknown action type", act('"type":"become_facilitator","key":"a"'), "unknown_action"),
    (
        "control characters in the type",
        act('"type":"\\r\\n\\u001b[31m","key":"a"'),
        "unknown_action",
    ),
    ("a key that is a number", act('"type":"post_card","key":7,"text":"x"'), "bad_field"),
    ("a text that is an object", act(CARD + ',"text":{"a":1}'), "bad_message"),
    ("a version that is a string", act(START + ',"expected_version":"1"'), "bad_field"),
    ("a language that does not exist", '["set_lang",{"lang":"fr"}]', "bad_field"),
]
BINARY_PLACEHOLDER = '{"_placeholder":true,"num":0}'


@pytest.fixture
def room(serve: Start) -> Iterator[PlayingRoom]:
    """A room in round 1 on a fresh server, with two players (both on 127.0.0.1)."""
    server = serve()
    playing = PlayingRoom.start(server.port, sources=(HOST, HOST))
    playing.server = server  # type: ignore[attr-defined]
    yield playing
    playing.close()


def ask(client: SocketIO, packet_after_id: str, kind: str = "2") -> dict[str, Any]:
    """Send a Socket.IO packet of `kind` with a fresh ack id; its acknowledgement."""
    ack_id = client.next_id()
    client.send_packet(f"{kind}{ack_id}{packet_after_id}")
    answer = client.wait_ack(ack_id, timeout=10)
    assert len(answer) == 1, answer
    return dict(answer[0])


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_malformed_message_is_answered_in_the_senders_language(
    room: PlayingRoom, lang: str
) -> None:
    """Each malformed event (table EVENTS) and each binary one is answered with its code and
    the sentence in the player's language; the room's log is untouched and nothing raised."""
    server = room.server  # type: ignore[attr-defined]
    player = room.players[0] if lang == "nl" else room.players[1]
    if lang == "en":
        assert player.call("set_lang", {"lang": "en"}) == {"ok": True}
    before = read_room(server.database_url, room.room_id).payloads()

    answers = {what: ask(player, packet) for what, packet, _code in EVENTS}
    # Binary attachments: in a field, instead of the argument, and a bare binary message.
    in_field = f'["action",{{"type":"post_card","key":"b","text":{BINARY_PLACEHOLDER}}}]'
    ack_id = player.next_id()
    player.send_packet(f"51-{ack_id}{in_field}")
    player.send_packet(b"\x00\x01binary")
    answers["a binary attachment in a field"] = player.wait_ack(ack_id)[0]
    ack_id = player.next_id()
    player.send_packet(f'51-{ack_id}["action",{BINARY_PLACEHOLDER}]')
    player.send_packet(b"\xff" * 100)
    answers["a binary attachment as the argument"] = player.wait_ack(ack_id)[0]
    player.send_packet(b"\x00 no header before me")
    deadline = time.monotonic() + 5
    while not player.events("refusal") and time.monotonic() < deadline:
        time.sleep(0.02)

    expected = {what: code for what, _packet, code in EVENTS}
    expected["a binary attachment in a field"] = "bad_packet"
    expected["a binary attachment as the argument"] = "bad_packet"
    for what, answer in answers.items():
        assert answer["ok"] is False, what
        assert answer["code"] == expected[what], (what, answer)
        assert answer["message"] == message(answer["code"], lang, answer.get("detail")), what
    # The bare binary message asked for no answer: it got a `refusal` event instead; the
    # attachments of the refused packets got nothing more.
    assert [args[0]["code"] for args in player.events("refusal")] == ["bad_packet"]
    assert read_room(server.database_url, room.room_id).payloads() == before
    assert room.act(0 if lang == "nl" else 1)["ok"]  # and the connection still works
    assert not tracebacks(server)


def test_malformed_connects_are_refused_with_a_connect_error(room: PlayingRoom) -> None:
    """A Socket.IO connect with unreadable auth, or a second one on a connected socket, gets a
    connect error with a code and sentence; the session can still connect properly after."""
    server = room.server  # type: ignore[attr-defined]
    cases = [
        ('{"room":"x\\ud800"}', "bad_text"),
        ("[1,2]", "bad_auth"),
        ('{"room":' + DEEP + "}", "bad_packet"),
        ('{"room":', "bad_packet"),
        ('{"room":"x","lang":"en"}', "unknown_room"),
    ]
    for auth, code in cases:
        client = SocketIO.open(server.port)
        client.send_packet("0" + auth)
        deadline = time.monotonic() + 5
        while not client.got.connect_errors and time.monotonic() < deadline:
            time.sleep(0.02)
        error = client.got.connect_errors[0]
        assert error["data"]["code"] == code, (auth, error)
        assert error["message"] == message(code, "en" if code == "unknown_room" else "nl")
        client.close()
    player = room.players[0]
    player.send_packet("0" + json.dumps({"room": room.room_id, "token": "x"}))
    deadline = time.monotonic() + 5
    while not player.got.connect_errors and time.monotonic() < deadline:
        time.sleep(0.02)
    assert player.got.connect_errors[0]["data"]["code"] == "bad_packet"
    assert room.act(0)["ok"]  # the first connection is still the one that counts
    with pytest.raises(Refused):
        SocketIO.join(server.port, {"room": room.room_id, "token": "not-a-token"})
    assert not tracebacks(server)


def test_client_acks_and_unknown_packet_types_change_nothing(room: PlayingRoom) -> None:
    """Packets a browser never sends (acks of nothing, connect errors, types 7-9, events on a
    namespace nobody serves) are dropped or refused without a traceback; the game goes on."""
    server = room.server  # type: ignore[attr-defined]
    player = room.players[0]
    before = read_room(server.database_url, room.room_id).payloads()
    dropped = ['31[{"ok":true}]', '4{"message":"x"}']
    for packet in ["7", "9[]", "²[]", '2/admin,["action",{}]', *dropped]:
        player.send_packet(packet)
    deadline = time.monotonic() + 5
    while len(player.events("refusal")) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    codes = [args[0]["code"] for args in player.events("refusal")]
    assert codes == ["bad_packet"] * 3 + ["unknown_event"]  # nothing is served on /admin
    assert read_room(server.database_url, room.room_id).payloads() == before
    assert room.act(0)["ok"]
    assert not tracebacks(server)
