"""Privacy by design on the real server (issue 11, point 7): games are deleted with
everything in them — at once by the facilitator, by hand with `rolwissel purge`, and by the
server itself after their retention — and what was deleted cannot be read back from the
database file or its write-ahead log.

Each game is played with distinctive marker strings (names, a card, a reflection, a vote's
reason); a control game keeps its own markers, which must still be found, so the byte check
is shown to see what is there.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from integration.realclient import Room, Socket, bearer, connected, new_room
from serverproc import ROLWISSEL, Server, free_port, server_env

pytestmark = pytest.mark.slow


def markers(tag: str) -> dict[str, str]:
    """Strings that appear nowhere else: names, card text, reflection, a vote's reason."""
    return {
        "name": f"Naamq{tag}Zorgvlied",
        "other": f"Naamq{tag}Overkant",
        "card": f"Kaartq{tag}Bibliotheekplan",
        "reflection": f"Reflectieq{tag}Anderebril",
        "reason": f"Redenq{tag}Geldzorg",
        "proposal": f"Voorstelq{tag}Buurtkamer",
    }


def database_bytes(server: Server) -> bytes:
    """The database file and its write-ahead log, as bytes (what a stolen disk would give)."""
    path = Path(server.database_url.removeprefix("sqlite:///"))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def found(data: bytes, strings: dict[str, str]) -> set[str]:
    return {key for key, text in strings.items() if text.encode() in data}


def play(room: Room, words: dict[str, str], *, to_the_vote: bool = True) -> dict[str, Any]:
    """Two players type every kind of thing a game keeps (up to round 1's reflection, or on
    to a vote with a bezwaar and its reason); returns the first seat."""
    anna = room.seat(words["name"])
    bram = room.seat(words["other"], "raadslid")
    host = connected(room.url, room.room_id, room.facilitator)
    phone = connected(room.url, room.room_id, anna["seat_token"])
    other = connected(room.url, room.room_id, bram["seat_token"])
    try:
        assert host.act("start", "h0")["ok"]
        assert phone.act("post_card", "a1", text=words["card"])["ok"]
        # A script steps faster than a person: it confirms, as a console would after asking.
        assert host.act("next_phase", "h1", confirm=True)["ok"]
        assert phone.act("save_reflection", "a2", text=words["reflection"], shared=True)["ok"]
        if to_the_vote:
            n = 2
            phase = ""
            while phase != "decision":
                answer = host.act("next_phase", f"h{n}", confirm=True)
                assert answer["ok"], answer
                phase = host.view_at(answer["version"])["public"]["phase"]
                n += 1
            assert host.act("draft_proposal", "d1", text=words["proposal"], conditions=[])["ok"]
            assert host.act("open_vote", "v1")["ok"]
            vote = {"choice": "bezwaar", "reason": words["reason"], "needed": ""}
            assert other.act("cast_vote", "b1", **vote)["ok"]
    finally:
        for sock in (host, phone, other):
            sock.close()
    return anna


def close(room: Room) -> None:
    """The facilitator closes the game (starting it first when it is still in the lobby)."""
    host = connected(room.url, room.room_id, room.facilitator)
    try:
        if host.view["public"]["phase"] == "lobby":
            assert host.act("start", "c0")["ok"]
        assert host.act("close_game", "c1")["ok"]
    finally:
        host.close()


def test_deleting_a_game_leaves_nothing_of_it_in_the_database_file(tmp_path: Path) -> None:
    """The facilitator deletes a game: its console, big screen and phones are told and
    closed, its summary is gone, and neither the database file nor its -wal holds a name,
    card, reflection or vote reason of it; the other game's are all still there."""
    server = Server(free_port(), server_env(tmp_path / "instance"))
    server.start()
    try:
        target, control = new_room(server.url), new_room(server.url)
        gone, kept = markers("X"), markers("K")
        anna = play(target, gone)
        play(control, kept)
        assert found(database_bytes(server), gone) == set(gone)  # the check sees them
        watching = [
            connected(server.url, target.room_id, key)
            for key in (target.facilitator, target.screen, anna["seat_token"])
        ]
        try:
            assert target.delete().status_code == 200
            for sock in watching:
                sock.wait(lambda s=sock: s.disconnected_at is not None, "closed after delete")
                assert sock.notice_codes() == ["game_deleted"]
        finally:
            for sock in watching:
                sock.close()
        data = database_bytes(server)
        assert found(data, gone) == set()
        assert found(data, kept) == set(kept)
        summary = requests.get(
            f"{server.url}/room/{target.room_id}/summary.json",
            headers=bearer(target.summary),
            timeout=10,
        )
        assert summary.status_code == 404
        late = Socket(server.url)
        assert not late.connect(target.room_id, target.facilitator)
        assert late.refusal is not None and late.refusal.code == "unknown_room"
    finally:
        server.close()
    assert "deleted room=" in server.text and "Traceback" not in server.text


def purge(server: Server, *args: str) -> str:
    done = subprocess.run(
        [ROLWISSEL, "purge", *args], env=server.env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_purge_by_hand_with_a_dry_run_first(tmp_path: Path) -> None:
    """`rolwissel purge --dry-run` names the closed game past its retention and deletes
    nothing; `rolwissel purge` deletes it (the running server then forgets it too) and no
    byte of it is left; the open game, within its longer idle time, stays."""
    settings = {
        "RETENTION_DAYS": "0.00002",
        "IDLE_RETENTION_DAYS": "1",
        "PURGE_INTERVAL_S": "86400",
    }
    server = Server(free_port(), server_env(tmp_path / "instance", **settings))
    server.start()
    try:
        finished, playing = new_room(server.url), new_room(server.url)
        early = ("name", "other", "card", "reflection")  # what round 1 holds
        gone = {k: v for k, v in markers("P").items() if k in early}
        kept = {k: v for k, v in markers("Q").items() if k in early}
        play(finished, gone, to_the_vote=False)
        close(finished)
        play(playing, kept, to_the_vote=False)
        summary_url = f"{server.url}/room/{finished.room_id}/summary.json"
        assert requests.get(summary_url, headers=bearer(finished.summary), timeout=10).ok
        time.sleep(2.0)  # 0.00002 days is 1.7 s

        dry = purge(server, "--dry-run")
        assert f"room={finished.room_id} status=closed" in dry
        assert playing.room_id not in dry and "Would delete 1 game(s)" in dry
        assert found(database_bytes(server), gone) == set(gone)

        done = purge(server)
        assert f"room={finished.room_id} status=closed" in done and "Deleted 1 game(s)." in done
        data = database_bytes(server)
        assert found(data, gone) == set() and found(data, kept) == set(kept)
        assert (
            requests.get(summary_url, headers=bearer(finished.summary), timeout=10).status_code
            == 404
        )
        late = Socket(server.url)
        assert not late.connect(finished.room_id, finished.facilitator)
        assert late.refusal is not None and late.refusal.code == "unknown_room"
        assert "Deleted 0 game(s)." in purge(server)  # idempotent
    finally:
        server.close()


def test_the_server_purges_by_itself_after_the_retention(tmp_path: Path) -> None:
    """With a short retention the server's own purge (every PURGE_INTERVAL_S) deletes a
    closed game, telling its big screen, and later an open game without events, while an
    open game that keeps having events stays."""
    settings = {
        "RETENTION_DAYS": "0.00003",  # 2.6 s after the close
        "IDLE_RETENTION_DAYS": "0.0001",  # 8.6 s after the last event
        "PURGE_INTERVAL_S": "1",
    }
    server = Server(free_port(), server_env(tmp_path / "instance", **settings))
    server.start()
    try:
        finished, idle, busy = (new_room(server.url) for _ in range(3))
        busy_seat = busy.seat("Bezig")
        close_seat = finished.seat("Klaar")
        close(finished)
        screen = connected(server.url, finished.room_id, finished.screen)
        closed_at = time.monotonic()
        phone = connected(server.url, busy.room_id, busy_seat["seat_token"])
        try:
            screen.wait(lambda: screen.disconnected_at is not None, "the purge", 15)
            assert screen.notice_codes() == ["game_deleted"]
            assert screen.disconnected_at is not None
            assert 2.0 < screen.disconnected_at - closed_at < 6.0
            assert requests.get(f"{server.url}/room/{idle.room_id}/play", timeout=10).ok
            # Keep the busy game alive while the idle one runs out.
            deadline = time.monotonic() + 20
            n = 0
            while requests.get(f"{server.url}/room/{idle.room_id}/play", timeout=10).ok:
                assert time.monotonic() < deadline, "the idle game was not purged"
                assert phone.act("rename", f"r{n}", name=f"Bezig {n}")["ok"]
                n += 1
                time.sleep(1.0)
        finally:
            screen.close()
            phone.close()
        assert requests.get(f"{server.url}/room/{busy.room_id}/play", timeout=10).ok
        assert close_seat["room_id"] == finished.room_id
    finally:
        server.close()
    assert "purge deleted=1" in server.text and "Traceback" not in server.text
