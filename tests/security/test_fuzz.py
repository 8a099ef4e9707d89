"""Fuzz: at least 10,000 generated messages over real connections with valid keys (players and
facilitators of two rooms), on the real eventlet server (issue 11, point 2).

Invalid messages are sent in bursts of their own; after each burst both rooms' logs must be
exactly as before. Valid messages come in bursts between them; after each, every log still
starts with what it had, and ends at the newest version acknowledged. Every message that asked
for an answer got exactly one, with a code and the sentence in the connection's language; the
ones that asked for none but could not be read got a `refusal` event. No traceback.

The quick variant (10,000 messages, seed 11) runs in the normal suite. The long one runs by
hand, for example:

    FUZZ_MESSAGES=200000 FUZZ_SEED=7 .venv/bin/python -m pytest tests/security/test_fuzz.py -s
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from attack import PlayingRoom, Start, tracebacks
from fuzz import Fuzzer, Message, Sender
from serverproc import read_room
from wire import HOST, SocketIO

from game.web.messages import message

pytestmark = pytest.mark.slow

# Read when the module is imported: the tests' own fixtures clear ROLWISSEL_* settings.
MESSAGES = int(os.environ.get("FUZZ_MESSAGES", "10000"))
SEED = int(os.environ.get("FUZZ_SEED", "11"))
INVALID_BURST = 400
VALID_BURST = 40


@dataclass
class Connection:
    """One fuzzed connection: its client, what the generator knows, and its language."""

    client: SocketIO
    sender: Sender
    room: PlayingRoom
    player_id: str | None
    lang: str = "nl"


def _connections(rooms: list[PlayingRoom]) -> list[Connection]:
    found = []
    for room in rooms:
        found.append(Connection(room.facilitator, Sender("facilitator", [], []), room, None))
        for player in room.players:
            state = player.events("state")[-1][0]
            found.append(
                Connection(player, Sender("player", [], []), room, state["view"]["me"]["id"])
            )
    return found


def _learn_cards(server_url: str, connections: list[Connection]) -> None:
    """Tell the generator which cards each player wrote and which are others'."""
    for room in {c.room.room_id: c.room for c in connections}.values():
        state = read_room(server_url, room.room_id).state()
        for conn in (c for c in connections if c.room is room and c.player_id):
            cards = [c for c in state.cards if not c.withdrawn and c.round == 1]
            conn.sender.own_cards = [c.id for c in cards if c.author_id == conn.player_id]
            conn.sender.other_cards = [c.id for c in cards if c.author_id != conn.player_id]


def _send(burst: list[tuple[Connection, Message]]) -> None:
    for conn, msg in burst:
        for frame in msg.frames:
            conn.client.send_packet(frame)


def _answer(conn: Connection, msg: Message) -> list[Any]:
    assert msg.ack_id is not None
    try:
        return conn.client.wait_ack(msg.ack_id, timeout=30)
    except TimeoutError:
        raise AssertionError(f"no answer to {msg}") from None


def _wait_refusal_events(connections: list[Connection], expected: dict[int, int]) -> None:
    deadline = time.monotonic() + 30
    for n, conn in enumerate(connections):
        while len(conn.client.events("refusal")) < expected[n]:
            assert time.monotonic() < deadline, "a refusal event did not come"
            time.sleep(0.01)
        assert len(conn.client.events("refusal")) == expected[n]


def test_fuzzed_messages_are_all_answered_and_none_changes_a_log(serve: Start) -> None:
    """MESSAGES generated messages (SEED): 0 tracebacks, 0 log changes from invalid messages,
    one answer with a code and sentence to every message that asked for one."""
    server = serve()
    rooms = [
        PlayingRoom.start(server.port, sources=(HOST, HOST, HOST)),
        PlayingRoom.start(server.port, sources=(HOST,)),
    ]
    connections = _connections(rooms)
    fuzzer = Fuzzer(SEED)
    rng = fuzzer.rng
    refusal_events = {n: 0 for n in range(len(connections))}
    kinds: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    sent = answered = applied = 0
    started = time.monotonic()
    while sent < MESSAGES:
        _learn_cards(server.database_url, connections)
        # Invalid messages only: nothing may change.
        before = {r.room_id: read_room(server.database_url, r.room_id).payloads() for r in rooms}
        burst = []
        for _ in range(min(INVALID_BURST, MESSAGES - sent)):
            n = rng.randrange(len(connections))
            msg = fuzzer.invalid(connections[n].sender)
            burst.append((connections[n], msg))
            refusal_events[n] += msg.refusal_event
        _send(burst)
        for conn, msg in burst:
            kinds[msg.kind] += 1
            if msg.ack_id is None:
                continue
            (answer,) = _answer(conn, msg)
            answered += 1
            assert answer["ok"] is False, (msg, answer)
            codes[answer["code"]] += 1
            wanted = message(answer["code"], conn.lang, answer.get("detail"))
            assert answer["message"] == wanted, (msg, answer, conn.lang)
        _wait_refusal_events(connections, refusal_events)
        for room in rooms:
            after = read_room(server.database_url, room.room_id).payloads()
            assert after == before[room.room_id], "an invalid message changed a room's log"
        sent += len(burst)

        # Valid messages: the log grows by what was acknowledged, and nothing else.
        burst = []
        for _ in range(min(VALID_BURST, max(0, MESSAGES - sent))):
            conn = rng.choice(connections)
            burst.append((conn, fuzzer.valid(conn.sender)))
        _send(burst)
        newest: dict[str, int] = {}
        for conn, msg in burst:
            kinds[msg.kind] += 1
            (answer,) = _answer(conn, msg)
            answered += 1
            if "version" in answer:
                applied += 1
                room_id = conn.room.room_id
                newest[room_id] = max(newest.get(room_id, 0), answer["version"])
            elif answer.get("ok") is False:
                codes[answer["code"]] += 1
                sentences = {
                    message(answer["code"], lang, answer.get("detail")) for lang in ("nl", "en")
                }
                assert answer["message"] in sentences, (msg, answer)
        for room in rooms:
            after = read_room(server.database_url, room.room_id).payloads()
            assert after[: len(before[room.room_id])] == before[room.room_id]
            if room.room_id in newest:
                assert len(after) == newest[room.room_id], "the log ends at the newest ack"
        sent += len(burst)
        for conn in connections:  # a known language for the next burst's sentences
            conn.lang = rng.choice(["nl", "en"])
            assert conn.client.call("set_lang", {"lang": conn.lang}) == {"ok": True}

    took = time.monotonic() - started
    for room in rooms:
        room.close()
    print(
        f"fuzz seed={SEED}: {sent} messages in {took:.1f} s, {answered} answered, {applied} "
        f"applied, {sum(refusal_events.values())} refusal events; kinds {dict(kinds)}; "
        f"codes {dict(codes.most_common())}"
    )
    assert sent >= MESSAGES
    assert not tracebacks(server), tracebacks(server)
