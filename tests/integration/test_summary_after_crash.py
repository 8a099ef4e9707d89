"""The summary survives a crash (issue 6, point 6).

One seeded game is played twice, in order, on the real eventlet server: once calmly, once
with the server killed seven times across it (from outside at random moments, and at every
named point of its write path). The crashed room, restored from its log, must give the same
events and, field by field, the same joint-decision summary as the calm one; only the times
and the room id may differ.
"""

from __future__ import annotations

from dataclasses import asdict, fields

import pytest
import requests
from serverproc import RANDOM, Crasher, Server, StoredRoom, neutral, normalised, read_room

from game.rooms.runtime import Runtime
from game.rooms.writer import RoomWriter
from game.store.db import Database
from rolwissel_client.scripted import ScriptedGame

pytestmark = pytest.mark.slow

PLAYERS = 5
SEED = 21
# About 150 actions; the named points are counted from each restart, so the kills spread
# from round 1 to the votes of round 4.
PLAN = [
    RANDOM,
    "before_commit:30",
    "after_commit_before_ack:30",
    "after_ack_before_broadcast:30",
    "mid_broadcast:20",
    RANDOM,
    "after_commit_before_ack:10",
]


def summary_of(stored: StoredRoom) -> object:
    from game.exports.summary import build_summary

    return build_summary(stored.state(), stored.events())


def restored_state(server: Server, room_id: str) -> object:
    """The room as the server's own restore path rebuilds it: the newest snapshot and the
    events after it."""
    database = Database.open(server.database_url, pool_size=1)
    try:
        loaded = RoomWriter(database, Runtime.for_mode("threading")).load(room_id)
    finally:
        database.close()
    assert loaded is not None and loaded.snapshot_seq > 0, "no snapshot was used"
    return loaded.state


def test_the_summary_after_sigkills_equals_the_summary_without_them(server: Server) -> None:
    """Seven SIGKILLs across a game: the same events and, field by field, the same summary."""
    from game.exports.summary import Summary, build_summary

    server.env["ROLWISSEL_SNAPSHOT_EVERY"] = "20"
    server.start()
    calm = ScriptedGame(url=server.url, players=PLAYERS, seed=SEED)
    try:
        calm_outcome = calm.play()
    finally:
        calm.close()
    assert server.stop() == 0

    crashed = ScriptedGame(url=server.url, players=PLAYERS, seed=SEED)
    crasher = Crasher(server, crashed, PLAN, seed=SEED)
    crasher.start()
    try:
        for name, step in crashed.steps():
            crasher.run(name, step, crashed.answers_at_least(name))
        crashed_outcome = crashed.outcome()
        # The JSON downloads, as the restarted server serves them, in both languages.
        served = {
            (game.room_id, lang): requests.get(
                f"{server.url}/room/{game.room_id}/summary.json?lang={lang}",
                headers={"Authorization": f"Bearer {game.summary_key}"},
                timeout=30,
            ).json()
            for game in (calm, crashed)
            for lang in ("nl", "en")
        }
    finally:
        crashed.close()
        crasher.stop()
    assert [d.kind for d in crasher.deaths] == [p.partition(":")[0] for p in PLAN]
    # From round 1 to the second ballot, after the amendment.
    assert crasher.deaths[0].step.startswith("r1_")
    assert crasher.deaths[-1].step in {"open_vote_2", "votes_2", "close_vote_2", "tally_2"}

    calm_room = read_room(server.database_url, calm.room_id)
    crashed_room = read_room(server.database_url, crashed.room_id)
    assert calm_room.status == crashed_room.status == "closed"
    # The same events in the same order: every action once, none lost, none doubled.
    assert normalised(crashed_room.payloads()) == normalised(calm_room.payloads())

    calm_summary = summary_of(calm_room)
    crashed_summary = summary_of(crashed_room)
    assert isinstance(calm_summary, Summary) and isinstance(crashed_summary, Summary)
    calm_fields = neutral(asdict(calm_summary), {calm_room.room_id: "room"})
    crashed_fields = neutral(asdict(crashed_summary), {crashed_room.room_id: "room"})
    for field in fields(Summary):
        assert crashed_fields[field.name] == calm_fields[field.name], (
            f"the summary's {field.name} differs after the crash"
        )
    # ... and the summary has something to compare: the decision, two ballots, reflections.
    assert crashed_summary.result is not None and crashed_summary.result.gedragen
    assert len(crashed_summary.ballots) == 2 and crashed_summary.ballots[0].objections
    assert crashed_summary.decision is not None and crashed_summary.decision.conditions
    assert crashed_summary.reflections and crashed_summary.ranking
    assert len(crashed_summary.timeline) > 50
    assert crashed_outcome.sentence == calm_outcome.sentence

    for lang in ("nl", "en"):
        calm_json = neutral(served[(calm.room_id, lang)], {calm.room_id: "room"})
        crashed_json = neutral(served[(crashed.room_id, lang)], {crashed.room_id: "room"})
        assert crashed_json["result"]["gedragen"] is True
        assert crashed_json.keys() == calm_json.keys()
        for key in calm_json:
            assert crashed_json[key] == calm_json[key], f"summary.json?lang={lang}: {key}"

    # The server's restore path (snapshot + the events after it) gives the same summary as
    # the whole log folded from the start.
    restored = restored_state(server, crashed.room_id)
    assert build_summary(restored, crashed_room.events()) == crashed_summary
    assert "Traceback" not in server.text
