"""Least privilege on the real server (issue 11, point 3): each key opens only what it must.

Every page, download, HTTP facilitator action, socket connection, socket event and engine
facilitator action is tried with each kind of key — the facilitator's, the big screen's, the
summary's, a seat's, another room's facilitator key, a made-up one, none — against the real
eventlet server as a subprocess, from scripted clients speaking HTTP and Socket.IO.
"""

from __future__ import annotations

import socket as sockets_lib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from integration.realclient import Room, Socket, bearer, connected, new_room, new_rooms
from serverproc import Server, free_port, require_binary, server_env, wait

from game.engine import phases

pytestmark = pytest.mark.slow

KINDS = ("facilitator", "screen", "summary", "seat", "other", "wrong", "none")
NAMES = ("Annaxq-keys", "Bramxq-keys")  # distinctive, so a page that shows them is caught


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real server for the whole module (the matrix sends more actions per second than
    a person would: the rate limits are tested in test_ratelimit.py)."""
    instance = tmp_path_factory.mktemp("keys") / "instance"
    settings = {"ROOM_CREATE_LIMIT": "1000 per hour", "ACTION_RATE": "1000", "ACTION_BURST": "1000"}
    server = Server(free_port(), server_env(instance, **settings))
    server.start()
    yield server
    server.close()


def keys_of(room: Room, seat_token: str, other: Room) -> dict[str, str | None]:
    """Each kind of key for one room."""
    return {
        "facilitator": room.facilitator,
        "screen": room.screen,
        "summary": room.summary,
        "seat": seat_token,
        "other": other.facilitator,
        "wrong": "a" * 43,
        "none": None,
    }


def play_and_close(room: Room) -> dict[str, Any]:
    """Two players join, the game starts and is closed; returns Anna's seat."""
    anna = room.seat(NAMES[0])
    room.seat(NAMES[1], "raadslid")
    host = connected(room.url, room.room_id, room.facilitator)
    try:
        for kind in ("start", "close_game"):
            answer = host.act(kind, f"k-{kind}")
            assert answer["ok"], answer
    finally:
        host.close()
    return anna


@pytest.fixture(scope="module")
def event(live: Server) -> dict[str, Any]:
    """An event of two tables (the first closed, the second still playing) and another room."""
    closed, playing = new_rooms(live.url, tables=2)
    other = new_room(live.url)
    anna = play_and_close(closed)
    bram = playing.seat("Carlaxq-keys")
    return {"closed": closed, "playing": playing, "other": other, "anna": anna, "bram": bram}


def status(method: str, url: str, key: str | None, **kwargs: Any) -> requests.Response:
    return requests.request(method, url, headers=bearer(key), timeout=30, **kwargs)


# HTTP: pages, downloads, facilitator actions

SUMMARY_OPENS = {"facilitator": 200, "summary": 200, "seat": 200}
REFUSED = {"screen": 403, "other": 403, "wrong": 403, "none": 401}


def test_every_page_and_download_with_every_key(live: Server, event: dict[str, Any]) -> None:
    """The table of HTTP answers: summaries open with the summary's, facilitator's or a seat's
    key, the comparison and the event API with the event's facilitator key only; the console,
    big screen and participant pages never carry the code, a name or a QR code, whatever the
    request brings."""
    closed: Room = event["closed"]
    keys = keys_of(closed, event["anna"]["seat_token"], event["other"])
    answers: dict[tuple[str, str], int] = {}
    base = f"{live.url}/room/{closed.room_id}"
    event_base = f"{live.url}/event/{closed.event_id}"
    # (what, method, address); a POST to .../open carries the key in its body.
    resources = [
        *(
            (f"summary{s}", "GET", f"{base}/summary{s}")
            for s in ("", ".pdf", ".md", ".json", ".csv")
        ),
        ("summary/open", "POST", f"{base}/summary/open"),
        *((f"compare{s}", "GET", f"{event_base}/compare{s}") for s in ("", ".json", ".csv")),
        ("compare/open", "POST", f"{event_base}/compare/open"),
        ("api/events", "GET", f"{live.url}/api/events/{closed.event_id}"),
    ]
    for kind, key in keys.items():
        for page in ("play", "host", "screen"):
            reply = status("GET", f"{base}/{page}", key)
            html = reply.text
            assert reply.status_code == 200, (page, kind)
            assert closed.code not in html and "/qr/" not in html, (page, kind)
            assert not any(name in html for name in NAMES), (page, kind)
        for what, method, url in resources:
            if method == "POST":
                reply = requests.post(url, json={"key": key}, timeout=10)
            else:
                reply = status(method, url, key)
            answers[(what, kind)] = reply.status_code
    expected: dict[tuple[str, str], int] = {}
    for kind in KINDS:
        for suffix in ("", ".pdf", ".md", ".json", ".csv", "/open"):
            expected[(f"summary{suffix}", kind)] = SUMMARY_OPENS.get(kind) or REFUSED[kind]
        for resource in ("compare", "compare.json", "compare.csv", "compare/open", "api/events"):
            ok = kind == "facilitator"
            expected[(resource, kind)] = 200 if ok else 401 if kind == "none" else 403
    assert answers == expected

    # What the keys open holds the closed table only: the playing one is never listed.
    compared = status("GET", event_base + "/compare.json", closed.facilitator).json()
    assert [t["room_id"] for t in compared["tables"]] == [closed.room_id]
    page = status("GET", event_base + "/compare", closed.facilitator).text
    assert event["playing"].room_id not in page and event["playing"].code not in page
    summary = status("GET", base + "/summary.json", closed.summary).json()
    assert summary["room_id"] == closed.room_id
    # A summary before its game is closed: the right key gets "not yet", never the content.
    playing: Room = event["playing"]
    early = status("GET", f"{live.url}/room/{playing.room_id}/summary.json", playing.summary)
    assert early.status_code == 409 and early.json()["code"] == "summary_not_ready"


def test_the_facilitators_http_actions_with_every_key(live: Server, event: dict[str, Any]) -> None:
    """Deleting a game and letting a removed device back in: only the room's facilitator key
    does it; every other key is refused with a code and changes nothing."""
    target = new_room(live.url)
    seat = target.seat("Dirkxq-keys")
    keys = keys_of(target, seat["seat_token"], event["other"])
    readmit = f"{live.url}/api/rooms/{target.room_id}/readmit"
    delete = f"{live.url}/api/rooms/{target.room_id}"
    for kind, key in keys.items():
        if kind == "facilitator":
            continue
        for method, url, body in (
            ("POST", readmit, {"player_id": seat["player_id"]}),
            ("DELETE", delete, {"confirm": True}),
        ):
            reply = status(method, url, key, json=body)
            assert reply.status_code == (401 if kind == "none" else 403), (method, kind)
            assert reply.json()["code"] == ("no_key" if kind == "none" else "bad_token")
            assert reply.json()["message"], (method, kind)
    assert status("GET", f"{live.url}/room/{target.room_id}/play", None).status_code == 200
    ok = status("POST", readmit, target.facilitator, json={"player_id": seat["player_id"]})
    assert ok.status_code == 200
    unconfirmed = status("DELETE", delete, target.facilitator, json={"confirm": False})
    assert unconfirmed.status_code == 400 and unconfirmed.json()["code"] == "confirm_delete"
    assert status("DELETE", delete, target.facilitator, json={"confirm": True}).status_code == 200
    assert status("GET", f"{live.url}/room/{target.room_id}/play", None).status_code == 404


# Sockets: connecting, events, facilitator actions

# Valid fields for every facilitator action of the engine, so a refusal is about who sends it.
FACILITATOR_ACTIONS: dict[str, dict[str, Any]] = {
    "start": {},
    "next_phase": {},
    "previous_phase": {},
    "pause_game": {},
    "resume_game": {},
    "set_timer": {"seconds": 60},
    "pause_timer": {},
    "resume_timer": {},
    "extend_timer": {"seconds": 60},
    "highlight_card": {"card_id": "c1", "on": True},
    "merge_cards": {"card_id": "c1", "into_id": "c2"},
    "unmerge_card": {"card_id": "c1"},
    "hide_card": {"card_id": "c1", "hidden": True},
    "rebalance_roles": {},
    "set_player_home_role": {"player_id": "p", "role": "raadslid"},
    "add_paper_player": {"name": "Truus", "home_role": "inwoner"},
    "remove_player": {"player_id": "p"},
    "set_setting": {"name": "show_author_names", "value": True},
    "close_game": {},
    "draft_proposal": {"text": "Ja, mits", "conditions": []},
    "open_vote": {},
    "close_vote": {},
    "show_tally": {},
}
PERMISSION_CODES = {"not_facilitator", "screen_cannot_act"}


def test_the_table_covers_every_facilitator_action_of_the_engine() -> None:
    """A new facilitator action in the engine must be added to the table above."""
    engine = {kind for kind, allowed in phases.ALLOWED.items() if allowed.by_facilitator}
    assert set(FACILITATOR_ACTIONS) == engine


def test_every_socket_key_and_event(live: Server, event: dict[str, Any]) -> None:
    """Connecting with each key: the facilitator, the big screen and a seat get their own
    view (only the first two get the join code, only the facilitator the keyed links); the
    summary's key, another room's, a made-up one and none are refused with a code. Each
    event from each connection is answered; every facilitator action from a seat or the big
    screen is refused and changes nothing."""
    playing: Room = event["playing"]
    keys = keys_of(playing, event["bram"]["seat_token"], event["other"])
    refused = {}
    opened: dict[str, Socket] = {}
    for kind, key in keys.items():
        sock = Socket(live.url)
        if sock.connect(playing.room_id, key):
            opened[kind] = sock
        else:
            refused[kind] = sock.refusal.code if sock.refusal else "?"
    try:
        assert refused == {
            "summary": "bad_token",
            "other": "bad_token",
            "wrong": "bad_token",
            "none": "no_key",
        }
        assert set(opened) == {"facilitator", "screen", "seat"}
        viewers = {kind: sock.view["viewer"] for kind, sock in opened.items()}
        assert viewers == {"facilitator": "facilitator", "screen": "screen", "seat": "participant"}
        opened["screen"].wait(lambda: bool(opened["screen"].links), "the screen's links")
        opened["facilitator"].wait(lambda: bool(opened["facilitator"].links), "the links")
        time.sleep(0.3)  # a seat must get no links at all
        screen_links, host_links = opened["screen"].links[0], opened["facilitator"].links[0]
        assert opened["seat"].links == []
        assert screen_links["code"] == playing.code and "screen_url" not in screen_links
        assert host_links["screen_url"].endswith(f"#k={playing.screen}")
        assert host_links["summary_url"].endswith(f"#k={playing.summary}")
        assert playing.code not in str(opened["seat"].states)

        before = opened["facilitator"].states[-1]["version"]
        for kind in ("seat", "screen"):
            sock = opened[kind]
            assert sock.call("resync", {"last_seq": 0}) == {"ok": True}
            assert sock.call("set_lang", {"lang": "en"}) == {"ok": True}
            for n, (action, fields) in enumerate(FACILITATOR_ACTIONS.items()):
                answer = sock.act(action, f"{kind}-{n}", **fields)
                expected = "not_facilitator" if kind == "seat" else "screen_cannot_act"
                assert answer["ok"] is False and answer["code"] == expected, (kind, action)
                assert answer["message"], (kind, action)
            post = sock.act("post_card", f"{kind}-post", text="Een kaart")
            assert post["code"] == ("wrong_phase" if kind == "seat" else "screen_cannot_act")
        host = opened["facilitator"]
        assert host.call("resync", {"last_seq": 0}) == {"ok": True}
        host.wait(lambda: len(host.states) >= 2, "the resent state")
        assert host.states[-1]["version"] == before, "a refused action changed the room"
    finally:
        for sock in opened.values():
            sock.close()


def test_the_facilitator_key_is_let_through_every_facilitator_action(live: Server) -> None:
    """From the facilitator's connection no facilitator action is refused for who sent it
    (it may be refused by the rules of the moment, with their own code)."""
    room = new_room(live.url)
    room.seat("Evaxq-keys")
    host = connected(live.url, room.room_id, room.facilitator)
    try:
        codes = {
            action: host.act(action, f"f-{action}", **fields).get("code")
            for action, fields in FACILITATOR_ACTIONS.items()
        }
    finally:
        host.close()
    assert not {a: c for a, c in codes.items() if c in PERMISSION_CODES}
    assert codes["start"] is None  # it was applied


# Removing a player


def test_a_removed_player_is_closed_at_once_and_stays_out(live: Server) -> None:
    """Removing a player closes their socket at once (told why), their token opens nothing
    any more (socket, summary), their device cannot join again under another name until the
    facilitator lets it back in; another device can."""
    room = new_room(live.url)
    anna = room.seat(NAMES[0], device="device-anna-0001")
    host = connected(live.url, room.room_id, room.facilitator)
    phone = connected(live.url, room.room_id, anna["seat_token"])
    try:
        answer = host.act("remove_player", "r1", player_id=anna["player_id"])
        acked = time.monotonic()
        assert answer["ok"], answer
        phone.wait(lambda: phone.disconnected_at is not None, "the removed socket closed", 5)
        assert phone.notice_codes() == ["removed_from_game"]
        assert phone.disconnected_at is not None and phone.disconnected_at - acked < 1.0
        assert host.client.connected  # the others stay
    finally:
        host.close()
        phone.close()
    again = Socket(live.url)
    assert not again.connect(room.room_id, anna["seat_token"])
    assert again.refusal is not None and again.refusal.code == "removed_from_game"
    opened = requests.post(
        f"{live.url}/room/{room.room_id}/summary/open", json={"key": anna["seat_token"]}, timeout=10
    )
    assert opened.status_code == 403
    back = room.join("Anna anders", device="device-anna-0001")
    assert back.status_code == 403 and back.json()["code"] == "removed_from_game"
    assert "spelleider" in back.json()["message"]
    assert room.join("Bram", device="device-bram-0001").status_code == 201
    readmit = requests.post(
        f"{live.url}/api/rooms/{room.room_id}/readmit",
        json={"player_id": anna["player_id"]},
        headers=bearer(room.facilitator),
        timeout=10,
    )
    assert readmit.status_code == 200
    assert room.join("Anna weer", device="device-anna-0001").status_code == 201


# In every process: two servers sharing a database and a Redis message queue


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A throwaway redis-server on a free port of 127.0.0.1."""
    binary = require_binary("redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def answers() -> bool:
        with sockets_lib.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    try:
        wait(answers, 10)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.redis
def test_removing_and_deleting_close_sockets_in_every_process(
    tmp_path: Path, redis_url: str
) -> None:
    """The facilitator on one server process removes a player whose phone is connected to
    another process, then deletes the game: the message queue carries the notice and the
    other process closes its sockets, and forgets the room."""
    env = server_env(
        tmp_path / "instance", MESSAGE_QUEUE=redis_url, RATELIMIT_STORAGE_URI=redis_url
    )
    first, second = Server(free_port(), env), Server(free_port(), env)
    first.start()
    second.start()
    try:
        room = new_room(first.url)
        anna = room.seat("Anna")
        bram = room.seat("Bram")
        host = connected(first.url, room.room_id, room.facilitator)
        phone = connected(second.url, room.room_id, anna["seat_token"])
        other = connected(second.url, room.room_id, bram["seat_token"])
        screen = connected(second.url, room.room_id, room.screen)
        try:
            assert host.act("remove_player", "r1", player_id=anna["player_id"])["ok"]
            phone.wait(lambda: phone.disconnected_at is not None, "anna closed on process 2")
            assert phone.notice_codes() == ["removed_from_game"]
            assert other.client.connected and screen.client.connected
            assert room.delete(first.url).status_code == 200
            for sock in (other, screen, host):
                sock.wait(lambda s=sock: s.disconnected_at is not None, "closed after delete")
                assert sock.notice_codes()[-1] == "game_deleted"
        finally:
            for sock in (host, phone, other, screen):
                sock.close()
        for server in (first, second):
            gone = requests.get(f"{server.url}/room/{room.room_id}/play", timeout=10)
            assert gone.status_code == 404
            late = Socket(server.url)
            assert not late.connect(room.room_id, bram["seat_token"])
            assert late.refusal is not None and late.refusal.code == "unknown_room"
    finally:
        first.close()
        second.close()
