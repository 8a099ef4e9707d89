"""One room, two server processes: actions reaching both at the same moment are ordered by the
database, neither lost nor applied twice, and both processes' copies catch up from the log.

Two real `rolwissel serve` processes (eventlet) share one database and one Redis: once a SQLite
file both write to, once a PostgreSQL database. Half the players are connected to each
process, and pairs of actions are fired at both at the same moment, many times.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from serverproc import (
    Player,
    Server,
    StoredRoom,
    at_once,
    new_room,
    read_room,
    servers_sharing,
    take_seat,
    wait,
)
from services import PostgresCluster, RedisServer

from game.engine import replay, views
from game.store.db import Database, upgrade

pytestmark = [pytest.mark.slow, pytest.mark.redis]

PAIRS = 50  # pairs of different actions, one at each process
SAME_KEY_PAIRS = 25  # the same action (same key) at both processes
ROLES = ("inwoner", "raadslid", "ambtenaar")


@dataclass
class TwoProcesses:
    """Two servers on one database and one Redis, with a started room: the facilitator on
    the first, three players on each."""

    database_url: str
    servers: list[Server]  # two
    room_id: str
    host: Player
    players: tuple[list[Player], list[Player]]  # connected to servers[0], servers[1]
    seats: list[dict[str, Any]]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def two(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TwoProcesses]:
    folder = tmp_path_factory.mktemp(f"two-{request.param}")
    if request.param == "sqlite":
        database_url = f"sqlite:///{folder / 'shared.sqlite3'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
        database_url = cluster.new_database()
        database = Database.open(database_url)
        upgrade(database.engine)  # `rolwissel db upgrade`
        database.close()
    redis = RedisServer.start(folder / "redis")
    # ACTION_RATE 0: the same-key test sends 25 pairs from one seat faster than a person can,
    # which is not what it is about (the per-connection limit is test_ratelimit.py's).
    servers = servers_sharing(
        folder,
        2,
        DATABASE_URL=database_url,
        REDIS_URL=redis.url,
        JOIN_FAIL_LIMIT="3 per minute",
        ACTION_RATE="0",
    )
    opened: list[Player] = []
    try:
        for server in servers:  # one after the other: SQLite upgrades itself at start
            server.start()
        created = new_room(servers[0])
        room = created["rooms"][0]
        seats = [
            take_seat(servers[n % 2], room["code"], f"Speler {n}", ROLES[n % 3]) for n in range(6)
        ]
        host = Player(
            servers[0].url, {"room": room["room_id"], "token": created["facilitator_token"]}
        )
        opened.append(host)
        players: tuple[list[Player], list[Player]] = ([], [])
        for n, seat in enumerate(seats):
            player = Player(
                servers[n % 2].url, {"room": room["room_id"], "token": seat["seat_token"]}
            )
            players[n % 2].append(player)
            opened.append(player)
        assert host.act({"type": "start", "key": "start"})["ok"]
        yield TwoProcesses(database_url, servers, room["room_id"], host, players, seats)
    finally:
        for player in opened:
            player.close()
        for server in servers:
            if server.running:
                server.stop()
            server.close()
        redis.stop()


def test_pairs_at_two_processes_are_ordered_by_the_database(two: TwoProcesses) -> None:
    """50 pairs of cards, one sent to each process at the same moment: every card is in the
    log once, every acknowledged version is the one its key produced, the log has no gap,
    both processes then show the same room, and every client, on either process, followed
    it through the patches both processes made to the log's view of each version."""
    acked: dict[tuple[str, str], int] = {}
    left, right = two.players
    for i in range(PAIRS):
        a, b = left[i % 3], right[i % 3]
        replies = at_once(
            [
                lambda p=a, i=i: p.act({"type": "post_card", "text": f"Links {i}", "key": f"l{i}"}),
                lambda p=b, i=i: p.act(
                    {"type": "post_card", "text": f"Rechts {i}", "key": f"r{i}"}
                ),
            ]
        )
        assert all(r["ok"] for r in replies), replies
        assert replies[0]["version"] != replies[1]["version"]
        acked[(seat_of(two, a), f"l{i}")] = replies[0]["version"]
        acked[(seat_of(two, b), f"r{i}")] = replies[1]["version"]
    stored = read_room(two.database_url, two.room_id)
    assert [e.seq for e in stored.entries] == list(range(1, stored.last_seq + 1))
    for key, version in acked.items():
        assert stored.keys[key] == version
    texts = sorted(c.text for c in stored.state().cards)
    assert texts == sorted(
        [f"Links {i}" for i in range(PAIRS)] + [f"Rechts {i}" for i in range(PAIRS)]
    )
    conflicts = sum(s.text.count("writer_conflict") for s in two.servers)
    print(f"pairs={PAIRS} events={stored.last_seq} conflicts={conflicts}")
    assert_processes_agree(two, stored.last_seq)
    assert_every_view_seen_is_the_logs(two, stored)


def test_the_same_action_at_two_processes_is_applied_once(two: TwoProcesses) -> None:
    """One seat connected to both processes sends the same intention (same key) to both at
    the same moment, 25 times: one event each time, and both answers name its version."""
    seat = two.seats[0]  # connected to the first process; a second socket on the second
    twin = Player(two.servers[1].url, {"room": two.room_id, "token": seat["seat_token"]})
    original = two.players[0][0]
    try:
        before = read_room(two.database_url, two.room_id).last_seq
        for i in range(SAME_KEY_PAIRS):
            # Support on, off, on, ...: every one of them changes the room.
            message = {"type": "react", "card_id": "c1", "kind": "support", "on": i % 2 == 0,
                       "key": f"same{i}"}  # fmt: skip
            replies = at_once([lambda p=p, m=message: p.act(m) for p in (original, twin)])
            assert replies[0] == replies[1] and replies[0]["ok"], replies
        stored = read_room(two.database_url, two.room_id)
        versions = {stored.keys[(seat["player_id"], f"same{i}")] for i in range(SAME_KEY_PAIRS)}
        assert stored.last_seq - before == SAME_KEY_PAIRS == len(versions)
        assert_processes_agree(two, stored.last_seq)
    finally:
        twin.close()


def test_the_facilitator_sees_players_of_the_other_process_online(two: TwoProcesses) -> None:
    """Presence lives in Redis: the facilitator (first process) sees the players connected
    to the second; one of them leaves and is shown offline."""
    assert two.host.client.call("resync", {}, timeout=10) == {"ok": True}
    wait(lambda: two.host.states[-1].get("presence", {}).get(two.seats[1]["player_id"]) is True)
    presence = two.host.states[-1]["presence"]
    assert all(presence[s["player_id"]] for s in two.seats)
    leaving = two.players[1][2]  # seat 5, on the second process
    gone = two.seats[5]["player_id"]
    leaving.close()
    wait(lambda: any(p.get(gone) is False for p in two.host.presence))
    assert all(two.host.presence[-1][s["player_id"]] for s in two.seats[:5])


def test_failed_joins_are_counted_across_processes(two: TwoProcesses) -> None:
    """The join limit (3 per minute here) lives in Redis: two wrong codes at one process and
    one at the other use it up, and the next attempt is refused at either."""
    body = {"code": "2222-2222", "name": "Raden", "home_role": "inwoner"}
    urls = [two.servers[0].url, two.servers[0].url, two.servers[1].url]
    assert [requests.post(u + "/api/join", json=body, timeout=10).status_code for u in urls] == [
        404, 404, 404,
    ]  # fmt: skip
    for server in two.servers:
        assert requests.post(server.url + "/api/join", json=body, timeout=10).status_code == 429


def seat_of(two: TwoProcesses, player: Player) -> str:
    side = 0 if player in two.players[0] else 1
    index = two.players[side].index(player)
    return str(two.seats[index * 2 + side]["player_id"])


def assert_every_view_seen_is_the_logs(two: TwoProcesses, stored: StoredRoom) -> None:
    """Every version each client reached (through patches made by either process, or a whole
    state) holds exactly the view the log gives that viewer at that version."""
    states: dict[int, Any] = {}
    state = None
    for entry, event in zip(stored.entries, stored.events(), strict=True):
        state = replay.evolve(state, event)
        states[entry.seq] = state
    everyone: list[tuple[Player, views.Viewer]] = [(two.host, views.FACILITATOR_VIEWER)]
    everyone += [(p, views.Participant(seat_of(two, p))) for side in two.players for p in side]
    patched = 0
    for client, viewer in everyone:
        wait(lambda c=client: c.version == stored.last_seq)
        for record in list(client.states):
            expected = json.loads(json.dumps(views.view_for(states[record["version"]], viewer)))
            assert record["view"] == expected, (viewer, record["version"])
            patched += bool(record.get("patched"))
    assert patched >= PAIRS, "the clients followed the game by whole states, not patches"


def assert_processes_agree(two: TwoProcesses, version: int) -> None:
    """A resync at each process answers with the room at `version`."""
    for player in (two.players[0][0], two.players[1][0]):
        assert player.client.call("resync", {}, timeout=10) == {"ok": True}
        wait(lambda p=player: p.version >= version)
        assert player.version == version
