"""The real thing: `rolwissel serve` (eventlet) as a subprocess, spoken to by python-socketio
clients over a real websocket, stopped with SIGTERM and started again."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
import socketio
from serverproc import ROLWISSEL, Player, Server, new_room, take_seat, wait

pytestmark = pytest.mark.slow


def test_a_game_on_the_real_server_comes_back_after_sigterm(server: Server) -> None:
    """A game survives SIGTERM and restart: same seats, same board, no typed text in the log."""
    server.start()
    created = new_room(server)
    room = created["rooms"][0]
    people = (("Anna", "inwoner"), ("Bram", "raadslid"), ("Cem", "ambtenaar"))
    seats = [take_seat(server, room["code"], name, role) for name, role in people]
    host = Player(server.url, {"room": room["room_id"], "token": created["facilitator_token"]})
    players = [
        Player(server.url, {"room": room["room_id"], "token": s["seat_token"]}) for s in seats
    ]
    everyone = [host, *players]

    # The start is two events: the game started, and the round-1 secrets dealt.
    assert host.act({"type": "start", "key": "start", "expected_version": 4}) == {
        "ok": True,
        "version": 6,
    }
    versions = []
    for n, player in enumerate(players):
        reply = player.act({"type": "post_card", "text": f"geheime-tekst-{n}", "key": f"c{n}"})
        assert reply["ok"], reply
        versions.append(reply["version"])
    again = players[0].act({"type": "post_card", "text": "geheime-tekst-0", "key": "c0"})
    assert again == {"ok": True, "version": versions[0]}  # a resent emit, applied once
    wait(lambda: all(p.version == versions[-1] for p in everyone))
    board = sorted(c["text"] for c in host.states[-1]["view"]["public"]["cards"])
    assert board == ["geheime-tekst-0", "geheime-tekst-1", "geheime-tekst-2"]

    assert server.stop(signal.SIGTERM) == 0
    for client in everyone:
        assert [n["code"] for n in client.notices] == ["server_restarting"]
    first_run = server.text
    assert "Traceback" not in first_run
    assert "actor_role=participant type=post_card" in first_run
    assert "geheime-tekst" not in first_run and "Anna" not in first_run

    for client in everyone:
        client.states.clear()
    server.start()
    wait(lambda: all(c.client.connected and c.states for c in everyone), 20)
    for client in everyone:
        assert client.version == versions[-1]
        cards = sorted(c["text"] for c in client.states[-1]["view"]["public"]["cards"])
        assert cards == board
    for seat, player in zip(seats, players, strict=True):
        assert player.states[-1]["view"]["me"]["id"] == seat["player_id"]
    assert "rebuilt rooms=1" in server.text
    reply = players[1].act(
        {
            "type": "react",
            "card_id": host.states[-1]["view"]["public"]["cards"][0]["id"],
            "kind": "support",
            "key": "r1",
        }
    )
    assert reply == {"ok": True, "version": versions[-1] + 1}
    for client in everyone:
        client.close()
    assert server.stop() == 0


def test_a_second_device_takes_the_seat_over_on_the_real_server(server: Server) -> None:
    """Under eventlet too: the older socket gets seat_taken_over and is disconnected."""
    server.start()
    room = new_room(server)["rooms"][0]
    seat = take_seat(server, room["code"], "Dina", "raadslid")
    auth = {"room": room["room_id"], "token": seat["seat_token"]}
    phone = Player(server.url, auth)
    phone.client.reconnection = False  # as the browser does after seat_taken_over
    laptop = Player(server.url, auth)
    wait(lambda: bool(phone.notices) and not phone.client.connected)
    assert [n["code"] for n in phone.notices] == ["seat_taken_over"]
    reply = laptop.act({"type": "rename", "name": "Dina B", "key": "r"})
    assert reply == {"ok": True, "version": 3}
    laptop.close()
    assert server.stop() == 0


def test_refused_connections_carry_a_code_and_a_sentence(server: Server) -> None:
    """A made-up token: connect_error with data.code bad_token and the sentence."""
    server.start()
    created = new_room(server)
    client = socketio.Client(reconnection=False)
    errors: list[Any] = []
    client.on("connect_error", errors.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            server.url,
            transports=["websocket"],
            wait_timeout=5,
            auth={"room": created["rooms"][0]["room_id"], "token": "x" * 43, "lang": "en"},
        )
    # Socket.IO's connect_error: {"message": sentence, "data": {"code", "message"}}.
    assert errors and errors[0]["data"]["code"] == "bad_token"
    assert errors[0]["message"].startswith("Your seat in this game is no longer valid")
    assert server.stop() == 0


def test_a_second_server_on_a_busy_port_refuses_to_start(server: Server, tmp_path: Path) -> None:
    """eventlet would share the port silently (SO_REUSEPORT); we check first and exit 2."""
    server.start()
    env = {**server.env, "ROLWISSEL_INSTANCE_PATH": str(tmp_path / "other")}
    second = subprocess.run(
        [ROLWISSEL, "serve", "--port", str(server.port)],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert second.returncode == 2
    assert "al in gebruik" in second.stderr and "Rolwissel draait op" not in second.stdout
    assert server._healthy()
    assert server.stop() == 0


def test_a_broken_scenario_file_stops_a_strict_start_with_the_loaders_message(
    server: Server, tmp_path: Path
) -> None:
    """`serve --strict` on a folder with a broken file: exit 1, naming the file, before
    listening (without --strict the file is skipped: test_broken_scenario.py)."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "kapot.yaml").write_text("id: kapot\ntitle: [unclosed\n", encoding="utf-8")
    server.env["ROLWISSEL_SCENARIOS_DIR"] = str(folder)
    server.start(expect_ready=False, extra_args=("--strict",))
    assert server.process is not None
    assert server.process.wait(30) == 1
    server.wait_for(lambda: "kapot.yaml" in server.text, 5)
    assert "Rolwissel draait op" not in server.text
