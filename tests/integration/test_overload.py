"""Overload never lies (issue 13, point 9): a real server flooded far beyond what its writer
takes refuses actions early with `server_overloaded`, and every answer matches the log: an
acknowledged action is in the log at the version it was acknowledged with, a refused one is
not there, and sending it again with its key never gives another answer than the log's."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import pytest
import socketio
from serverproc import Server, new_room, read_room, server_env, take_seat

pytestmark = pytest.mark.slow

PLAYERS = 20
EDITS = 60  # per player, all sent at once: 1,200 actions in about a second


class Flooder:
    """One player's socket that sends its edits without waiting and writes down each answer."""

    def __init__(self, url: str, room_id: str, seat: dict[str, Any]) -> None:
        self.player_id = seat["player_id"]
        self.answers: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        auth = {"room": room_id, "token": seat["seat_token"], "lang": "en"}
        self.client.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)

    def answered(self, key: str) -> Any:
        def record(reply: Any = None) -> None:
            with self._lock:
                self.answers.setdefault(key, []).append(reply)

        return record

    def send(self, fields: dict[str, Any], key: str) -> None:
        self.client.emit("action", {**fields, "key": key}, callback=self.answered(key))

    def call(self, fields: dict[str, Any], key: str) -> dict[str, Any]:
        reply = self.client.call("action", {**fields, "key": key}, timeout=60)
        assert isinstance(reply, dict), reply
        return reply


def test_a_flood_is_refused_early_and_every_answer_matches_the_log(server: Server) -> None:
    """1,200 edits at once against a writer that takes 40 waiting jobs: many are refused
    with server_overloaded, none with server_error; each got one answer; acknowledged ones
    are in the log with their version, refused ones are not; sent again with the same keys,
    the acknowledged ones get the same version and are not applied twice."""
    server.env = server_env(
        server.instance, WRITE_QUEUE_LIMIT="40", WRITE_WAIT_MS="300", ACTION_RATE="0"
    )
    server.start()
    made = new_room(server)
    room = made["rooms"][0]
    room_id = room["room_id"]
    seats = [take_seat(server, room["code"], f"Speler {n}", "inwoner") for n in range(PLAYERS)]
    host = Flooder(
        server.url, room_id, {"player_id": "facilitator", "seat_token": made["facilitator_token"]}
    )
    players = [Flooder(server.url, room_id, seat) for seat in seats]
    try:
        assert host.call({"type": "start"}, "start")["ok"]
        cards = {}
        for player in players:
            player.call({"type": "post_card", "text": f"kaart van {player.player_id}"}, "card")
        stored = read_room(server.database_url, room_id)
        for entry in stored.entries:
            if entry.type == "card_posted":
                cards[entry.payload["author_id"]] = entry.payload["card_id"]
        sent = [
            (
                player,
                {"type": "edit_card", "card_id": cards[player.player_id], "text": f"{n}"},
                f"e{n}",
            )
            for n in range(EDITS)
            for player in players
        ]
        for player, fields, key in sent:
            player.send(fields, key)
        deadline = time.monotonic() + 120
        while sum(len(p.answers) for p in players) < len(sent):
            assert time.monotonic() < deadline, "some actions were never answered"
            time.sleep(0.1)
        time.sleep(1)  # a second answer to one emit would arrive by now

        stored = read_room(server.database_url, room_id)
        codes: Counter[str] = Counter()
        for player, _fields, key in sent:
            (reply,) = player.answers[key]  # one answer each
            logged = stored.keys.get((player.player_id, key))
            if reply.get("ok"):
                codes["ok"] += 1
                assert logged == reply["version"], (key, reply, logged)
            else:
                codes[reply["code"]] += 1
                assert logged is None, (key, reply, logged)
        assert codes["ok"] > 0 and codes["server_overloaded"] > 0, codes
        assert set(codes) <= {"ok", "server_overloaded"}, codes

        # The same actions again, with the same keys, one at a time: what was acknowledged
        # is acknowledged with the same version and not applied again.
        events_before = len(stored.entries)
        for player, fields, key in sent[:300]:
            first = player.answers[key][0]
            again = player.call(fields, key)
            if first.get("ok"):
                assert again == {"ok": True, "version": first["version"]}, (key, again)
        stored = read_room(server.database_url, room_id)
        applied_again = len(stored.entries) - events_before
        refused_first = sum(1 for p, _f, k in sent[:300] if not p.answers[k][0].get("ok"))
        assert applied_again <= refused_first
    finally:
        for player in [host, *players]:
            player.client.disconnect()
    assert "writer_timeout" not in server.text and "Traceback" not in server.text
