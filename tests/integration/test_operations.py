"""Operations that tell the truth, on the real server (issue 11, point 8).

/healthz says 503 when the database cannot be written (a full disk: the server runs with a
file-size limit, so SQLite gets "database or disk is full"), a write that fails leaves one
log line per action and no traceback, a new or empty instance is said in one line, a damaged
database stops the server with one sentence, a damaged room is set aside while the others
play, and an acknowledged action that changed nothing keeps its idempotency key, also after
a restart.
"""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
from pathlib import Path

import pytest
import requests
from integration.realclient import Socket, connected, new_room
from serverproc import Server, free_port, server_env

pytestmark = pytest.mark.slow

# The most bytes the server process may write into any one file: its database's write-ahead
# log reaches it after some twenty new games.
FILE_LIMIT = 1024 * 1024


def full_disk() -> None:
    """In the server's process, before it starts: files cannot grow past FILE_LIMIT, and
    growing one fails with EFBIG (SQLITE_FULL) instead of killing the process."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def test_healthz_says_so_when_the_database_cannot_be_written(tmp_path: Path) -> None:
    """Games are made until the disk is full: each refused one is answered server_error with
    one log line, the batch with one line and no traceback; /healthz then answers 503 naming
    database_write, while reading still works; rooms made before still play."""
    server = Server(
        free_port(), server_env(tmp_path / "instance", ROOM_CREATE_LIMIT="1000 per hour")
    )
    server.start(preexec=full_disk)
    try:
        first = new_room(server.url)
        first.seat("Anna")
        body = {"scenario_id": "buurtkamer-bibliotheek", "lang": "en"}
        answers = []
        for _ in range(60):
            reply = requests.post(f"{server.url}/api/rooms", json=body, timeout=30)
            answers.append(reply.status_code)
            if reply.status_code != 201:
                refused = reply.json()
                break
        assert answers[-1] == 500 and set(answers[:-1]) == {201}, answers
        assert refused["code"] == "server_error" and refused["message"]
        # A smaller write (the health row's one page) may still fit in what is left; a few
        # more and nothing fits: /healthz must then say so.
        for _ in range(40):
            health = requests.get(f"{server.url}/healthz", timeout=30)
            if health.status_code != 200:
                break
        assert health.status_code == 503
        assert health.json() == {
            "ok": False,
            "database": True,
            "database_write": False,
            "failed": ["database_write"],
        }
        late = Socket(server.url)
        assert late.connect(first.room_id, first.facilitator)  # reading still works
        answer = late.act("start", "s1")
        assert answer["ok"] is False and answer["code"] == "server_error"
        late.close()
    finally:
        server.close()
    said = server.text
    failed_actions = [line for line in said.splitlines() if "outcome=server_error" in line]
    assert len(failed_actions) == 2  # the game that did not fit, the start
    assert any("type=create_room" in line for line in failed_actions)
    batches = [line for line in said.splitlines() if "writer_batch_failed" in line]
    # SQLite says "database or disk is full" or "disk I/O error" for a write past the limit.
    said_why = (
        "error=OperationalError:database_or_disk_is_full",
        "error=OperationalError:disk_I/O_error",
    )
    assert batches and all(any(why in line for why in said_why) for line in batches)
    assert "Traceback" not in said


def test_a_new_instance_is_said_once_in_one_line(tmp_path: Path) -> None:
    """A missing instance folder (an unmounted volume) is said in one line at start; a
    restart on the same folder does not say it again."""
    instance = tmp_path / "not-yet-there" / "instance"
    server = Server(free_port(), server_env(instance))
    server.start()
    assert server.stop() == 0
    server.start()
    assert server.stop() == 0
    first, _, second = server.text.partition("--- start 2 ---")
    assert first.count(f"new, empty instance created at {instance}") == 1
    assert "new, empty instance" not in second


def test_an_empty_database_in_an_existing_folder_is_said_too(tmp_path: Path) -> None:
    """A folder that exists but holds no database yet: the same one line."""
    instance = tmp_path / "instance"
    instance.mkdir()
    server = Server(free_port(), server_env(instance))
    server.start()
    server.close()
    assert f"new, empty instance created at {instance}" in server.text


def test_a_damaged_database_stops_the_server_with_one_sentence(tmp_path: Path) -> None:
    """A database file of garbage bytes: the server exits with status 1 and one sentence
    that says what is wrong, without a traceback."""
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "rolwissel.sqlite3").write_bytes(os.urandom(64 * 1024))
    server = Server(free_port(), server_env(instance))
    server.start(expect_ready=False)
    assert server.process is not None
    assert server.process.wait(30) == 1
    server.close()
    said = [line for line in server.text.splitlines() if line and not line.startswith("---")]
    assert "Traceback" not in server.text
    sentence = [line for line in said if "Rolwissel start niet" in line]
    assert len(sentence) == 1, said
    assert "beschadigd" in sentence[0] and "not a database" in sentence[0]


def test_a_damaged_room_is_set_aside_and_the_others_play(tmp_path: Path) -> None:
    """One room's log gets a row that does not decode: after a restart that room is set
    aside with one log line and its players get room_damaged, while the other room is
    rebuilt and plays on."""
    server = Server(free_port(), server_env(tmp_path / "instance"))
    server.start()
    damaged, healthy = new_room(server.url), new_room(server.url)
    anna = damaged.seat("Anna")
    bram = healthy.seat("Bram")
    assert server.stop() == 0
    database = sqlite3.connect(server.instance / "rolwissel.sqlite3")
    with database:
        database.execute(
            "UPDATE room_events SET payload = '{not json' WHERE room_id = ? AND seq = 2",
            (damaged.room_id,),
        )
    database.close()
    server.start()
    try:
        refused = Socket(server.url)
        assert not refused.connect(damaged.room_id, anna["seat_token"])
        assert refused.refusal is not None and refused.refusal.code == "room_damaged"
        assert refused.refusal.message.startswith("Dit spel is beschadigd")
        joining = damaged.join("Carla")
        assert joining.status_code == 409 and joining.json()["code"] == "room_damaged"
        host = connected(server.url, healthy.room_id, healthy.facilitator)
        phone = connected(server.url, healthy.room_id, bram["seat_token"])
        try:
            assert host.act("start", "s1")["ok"]
            assert phone.act("post_card", "p1", text="Het spel gaat door")["ok"]
        finally:
            host.close()
            phone.close()
    finally:
        server.close()
    restart = server.text.partition("--- start 2 ---")[2]
    lines = [line for line in restart.splitlines() if "rolwissel.writer room_damaged" in line]
    assert len(lines) == 1 and f"room={damaged.room_id} error=JSONDecodeError" in lines[0]
    assert "rebuilt rooms=1 damaged=1" in restart
    assert "Traceback" not in server.text


def test_an_action_that_changed_nothing_keeps_its_key_across_a_restart(tmp_path: Path) -> None:
    """A reaction that was already there is acknowledged with the room's version and its key
    kept: sent again later (after the reaction was taken back, and after a restart) it gets
    the same version and is never applied."""
    server = Server(free_port(), server_env(tmp_path / "instance"))
    server.start()
    room = new_room(server.url)
    anna, bram = room.seat("Anna"), room.seat("Bram")
    host = connected(server.url, room.room_id, room.facilitator)
    phone = connected(server.url, room.room_id, anna["seat_token"])
    other = connected(server.url, room.room_id, bram["seat_token"])
    try:
        assert host.act("start", "s1")["ok"]
        posted = other.act("post_card", "p1", text="Een kaart")
        card = other.view_at(posted["version"])["public"]["cards"][0]["id"]
        react = {"card_id": card, "kind": "support"}
        on = phone.act("react", "k1", on=True, **react)
        same = phone.act("react", "k2", on=True, **react)  # already there: nothing changes
        assert same == {"ok": True, "version": on["version"]}
        off = phone.act("react", "k3", on=False, **react)
        assert off["version"] == on["version"] + 1
        assert phone.act("react", "k2", on=True, **react) == same
    finally:
        for sock in (host, phone, other):
            sock.close()
    assert server.stop() == 0
    server.start()
    try:
        again = connected(server.url, room.room_id, anna["seat_token"])
        try:
            assert again.act("react", "k2", on=True, **react) == same
            assert again.states[-1]["version"] == off["version"]  # nothing was applied
            cards = {c["id"]: c for c in again.view["public"]["cards"]}
            assert cards[card]["reactions"]["support"] == 0
        finally:
            again.close()
    finally:
        server.close()
