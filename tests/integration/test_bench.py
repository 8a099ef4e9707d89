"""`rolwissel bench`: the CI smoke (fails on errors only, never on timing), the raw Socket.IO
client against the real server, and the benchmark's servers always ending."""

from __future__ import annotations

import asyncio
import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from serverproc import ROLWISSEL, Server

from rolwissel_client.bench import procs
from rolwissel_client.bench.client import ConnectRefused, Http, open_connection

pytestmark = pytest.mark.slow


def test_quick_bench_plays_both_servers_without_errors(tmp_path: Path) -> None:
    """`rolwissel bench --quick` runs the echo and the game server, acts, sees every action
    arrive, and reports no refusal, time-out, disconnect, protocol error or crash."""
    out = tmp_path / "quick.json"
    done = subprocess.run(
        [ROLWISSEL, "bench", "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=170,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    result = json.loads(out.read_text())
    runs = {run["kind"]: run for run in result["runs"]}
    assert set(runs) == {"echo", "game"}
    for kind, run in runs.items():
        assert run["errors"] == {}, (kind, run["errors"], run.get("server_log_tail"))
        assert run["protocol_errors"] == [], kind
        assert run["sockets"] == 22 and run["deflate_sockets"] == 22, kind
        assert run["actions_sent"] > 0 and run["latency_ms"]["count"] > 0, kind
        assert run["deliveries"] > 0, kind
    game = runs["game"]
    assert "1:play" in game["phases_seen"]
    assert game["server_log"]["outcomes"].get("ok", 0) > 0
    assert set(game["server_log"]["outcomes"]) == {"ok"}
    assert "| game | on | 20 |" in done.stdout  # the Markdown table


def _speak(server: Server, compression: bool) -> dict[str, Any]:
    """Create a room, join, connect a player and the facilitator, start and post a card."""
    http = Http(procs.HOST, server.port)
    _, created = http.request("POST", "/api/rooms", {"scenario_id": "buurtkamer-bibliotheek"})
    room = created["rooms"][0]
    _, joined = http.request(
        "POST", "/api/join", {"code": room["code"], "name": "Ada", "home_role": "inwoner"}
    )
    http.close()

    async def play() -> dict[str, Any]:
        seen: list[tuple[str, str]] = []

        def on_event(conn: Any, name: str, text: str) -> None:
            seen.append((conn.tag, name))

        auth = {"room": room["room_id"], "lang": "nl"}
        host = await open_connection(
            procs.HOST, server.port, {**auth, "token": created["facilitator_token"]},
            compression=compression, on_event=on_event, tag="facilitator",
        )  # fmt: skip
        player = await open_connection(
            procs.HOST, server.port, {**auth, "token": joined["seat_token"]},
            compression=compression, on_event=on_event, tag="player",
        )  # fmt: skip
        started = await host.call("action", {"type": "start", "key": "s1"})
        posted = await player.call("action", {"type": "post_card", "key": "k1", "text": "Hoi"})
        wrong = await player.call("action", {"type": "next_phase", "key": "k2"})
        await asyncio.sleep(0.3)
        try:
            await open_connection(
                procs.HOST, server.port, {"room": room["room_id"], "token": "nope"},
                compression=compression,
            )  # fmt: skip
            refused = None
        except ConnectRefused as error:
            refused = error.code
        deflate = host.deflate
        host.close()
        player.close()
        return {
            "started": started, "posted": posted, "wrong": wrong, "refused": refused,
            "seen": seen, "deflate": deflate,
        }  # fmt: skip

    # In its own thread: pytest-playwright's sync API keeps a loop running in this one.
    with ThreadPoolExecutor(1) as worker:
        return worker.submit(asyncio.run, play()).result(timeout=120)


@pytest.mark.parametrize("compression", [True, False])
def test_raw_client_speaks_the_protocol_with_and_without_compression(
    server: Server, compression: bool
) -> None:
    """The generator's own client: connect with auth, acks with versions, refusals with their
    code, the whole `state` on connect and a `patch` after each change to both sockets, and
    permessage-deflate only when asked for."""
    server.start()
    said = _speak(server, compression)
    assert said["deflate"] is compression
    assert said["started"]["ok"] is True
    assert said["posted"] == {"ok": True, "version": said["started"]["version"] + 1}
    assert said["wrong"]["ok"] is False and said["wrong"]["code"] == "not_facilitator"
    assert said["refused"] == "bad_token"
    for who in ("facilitator", "player"):
        names = [name for tag, name in said["seen"] if tag == who]
        assert names.count("state") >= 1 and names.count("patch") >= 2, (who, names)


def test_a_benchmark_server_is_killed_when_the_bench_fails() -> None:
    """An exception inside the bench ends its server and removes its instance folder."""
    server = procs.ServerProcess("echo", core=None)
    with pytest.raises(RuntimeError), server:
        server.start()
        assert server.process is not None and server.process.poll() is None
        raise RuntimeError("the bench broke")
    assert server.process is not None and server.process.poll() is not None
    assert not server.instance.exists()
