"""The benchmark's pure parts: websocket frames, Socket.IO packets, JSON patches, the server
log reader, percentiles, the knee and the cost of scaling out; a process tree's CPU."""

from __future__ import annotations

import json
import math
import os
import zlib

import pytest

from rolwissel_client.bench import procs, wire
from rolwissel_client.bench.cli import parse_levels
from rolwissel_client.bench.loadgen import Card, PublicMirror, summarize
from rolwissel_client.bench.report import late_share
from rolwissel_client.bench.runner import knees, read_log, real_errors, scaling
from rolwissel_client.connection import RETRY_PAUSE_S, retry_pause


def server_frame(payload: bytes, opcode: int = wire.OP_TEXT, *, final: bool = True,
                 rsv1: bool = False) -> bytes:  # fmt: skip
    """An unmasked frame as a server sends it."""
    first = (0x80 if final else 0) | (0x40 if rsv1 else 0) | opcode
    size = len(payload)
    if size < 126:
        return bytes((first, size)) + payload
    if size < 1 << 16:
        return bytes((first, 126)) + size.to_bytes(2, "big") + payload
    return bytes((first, 127)) + size.to_bytes(8, "big") + payload


def reader(deflate: bool = False) -> tuple[wire.FrameReader, list[str], list[tuple[int, bytes]]]:
    texts: list[str] = []
    controls: list[tuple[int, bytes]] = []
    upgrade = wire.Upgrade(deflate=deflate, server_no_context_takeover=False)
    return (
        wire.FrameReader(texts.append, lambda o, p: controls.append((o, p)), upgrade),
        texts,
        controls,
    )


def test_frames_split_anywhere_come_out_whole() -> None:
    """Small, 16-bit and 64-bit lengths, fed one byte at a time, give the same messages."""
    messages = ["2", "x" * 300, "é" * 40_000]
    stream = b"".join(server_frame(m.encode()) for m in messages) + server_frame(
        b"hi", wire.OP_PING
    )
    frames, texts, controls = reader()
    for index in range(len(stream)):
        frames.feed(stream[index : index + 1])
    assert texts == messages
    assert controls == [(wire.OP_PING, b"hi")]


def test_fragmented_and_compressed_messages_are_joined_and_inflated() -> None:
    """A compressed message in two fragments, then a second one on the same context."""
    deflater = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)

    def deflated(text: str) -> bytes:
        data = deflater.compress(text.encode()) + deflater.flush(zlib.Z_SYNC_FLUSH)
        return data[:-4]

    first = deflated('42["state",{"version":7}]')
    second = deflated('42["state",{"version":8}]')
    stream = (
        server_frame(first[:5], final=False, rsv1=True)
        + server_frame(first[5:], wire.OP_CONT)
        + server_frame(second, rsv1=True)
    )
    frames, texts, _ = reader(deflate=True)
    frames.feed(stream)
    assert [wire.scan_version(t) for t in texts] == [7, 8]


def test_a_masked_server_frame_is_a_protocol_error() -> None:
    """Servers never mask; a masked frame means the peer is not speaking RFC 6455."""
    frames, _, _ = reader()
    with pytest.raises(wire.WireError):
        frames.feed(bytes((0x81, 0x80 | 1)) + b"\x00\x00\x00\x00x")


def test_client_frames_are_masked_and_unmask_to_the_payload() -> None:
    """The client's frame carries the mask bit and its payload XOR the mask."""
    payload = b'42["action",{"type":"post_card"}]' * 10
    frame = wire.client_frame(payload)
    assert frame[0] == 0x81 and frame[1] & 0x80
    size = frame[1] & 0x7F
    offset = 2 if size < 126 else 4
    mask, body = frame[offset : offset + 4], frame[offset + 4 :]
    assert bytes(b ^ mask[i % 4] for i, b in enumerate(body)) == payload


def test_upgrade_answer_checks_the_accept_key_and_reads_deflate() -> None:
    """A 101 with the right accept key and permessage-deflate; a wrong key is refused."""
    key = wire.new_key()
    head = (
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        f"Sec-WebSocket-Accept: {wire.accept_for(key)}\r\n"
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=15"
    ).encode()
    assert wire.parse_upgrade(head, key) == wire.Upgrade(True, False)
    with pytest.raises(wire.WireError):
        wire.parse_upgrade(head, wire.new_key())


def test_packets() -> None:
    """Events with and without ack ids, acks, and the version read from a message's head."""
    assert wire.event_packet("action", {"a": 1}, 5) == '425["action",{"a":1}]'
    assert wire.connect_packet({"room": "r"}) == '40{"room":"r"}'
    assert wire.split_ack('4312[{"ok":true,"version":3}]') == (12, {"ok": True, "version": 3})
    state = '42["state",{"version":41,"now":1,"view":{}}]'
    patch = '42["patch",{"base":40,"version": 41,"part":"public","ops":[]}]'
    late = '42["state",{"view":{"x":"' + "y" * 300 + '"},"version":41}]'
    assert [wire.scan_version(t) for t in (state, patch, late)] == [41, 41, 41]
    assert wire.event_name(patch) == "patch"


def test_server_log_reader_finds_action_times_lag_and_disconnects() -> None:
    """`ms=` of action lines per type, `loop_lag` lines when there are any, disconnect reasons."""
    text = "\n".join(
        [
            "2026 INFO rolwissel.actions action room=r seq=4 actor_role=participant "
            "type=post_card ms=7.5 outcome=ok",
            "2026 INFO rolwissel.actions action room=r seq=- actor_role=participant "
            "type=react ms=0.0 outcome=wrong_phase",
            "2026 INFO rolwissel.lag loop_lag samples=20 p99_ms=12.5 max_ms=30 over_20ms=1",
            "2026 INFO rolwissel.lag loop_lag samples=20 p99_ms=2 max_ms=2 over_20ms=0",
            "2026 INFO rolwissel.sockets disconnect room=r viewer=participant "
            'reason="ping timeout"',
        ]
    )
    found = read_log(text)
    assert found["server_action_ms_by_type"]["post_card"]["p99"] == 7.5
    assert found["outcomes"] == {"ok": 1, "wrong_phase": 1}
    assert found["loop_lag_ms"]["max"] == 12.5
    assert found["loop_lag_samples"] == {"samples": 40, "over_20ms": 1}
    assert late_share(found["loop_lag_samples"], 20) == 2.5
    assert late_share(found["loop_lag_samples"], 50) is None
    assert found["disconnect_reasons"] == {"ping timeout": 1}
    assert read_log("nothing")["loop_lag_ms"] is None


def test_percentiles_count_timeouts_as_infinitely_late() -> None:
    """p99 of 100 values is the 99th; one timeout in 50 makes p99 a time-out (None)."""
    assert summarize([float(v) for v in range(1, 101)])["p99"] == 99.0
    with_timeout = summarize([1.0] * 49 + [math.inf])
    assert with_timeout["p99"] is None and with_timeout["timeouts"] == 1


def test_knee_and_ratio() -> None:
    """The largest passing level per kind, game / echo, and the CPU-based figures from the
    median CPU time per action of the passing runs."""

    def run(kind: str, level: int, p99: float, cpu_ms: float) -> dict[str, object]:
        latency = {"count": 10, "p99": p99}
        server = {"ms_per_action": cpu_ms}
        return {"kind": kind, "level": level, "compression": True, "latency_ms": latency,
                "server": server}  # fmt: skip

    runs = [run("echo", 100, 10, 1.6), run("game", 100, 150, 8.0), run("echo", 200, 20, 1.6),
            run("game", 200, 900, 4.0), run("echo", 400, 250, 0.5)]  # fmt: skip
    assert knees(runs, 200, interval_s=2.0) == [
        {
            "compression": True,
            "echo": 200,
            "echo_cpu_ms_per_action": 1.6,
            "echo_cpu_players": 1000,  # 0.8 of a core * 1000 ms * 2 s / 1.6 ms
            "game": 100,
            "game_cpu_ms_per_action": 8.0,
            "game_cpu_players": 200,
            "ratio": 0.5,
            "cpu_ratio": 0.2,
        }
    ]


def test_scaling_per_number_of_processes() -> None:
    """Per number of processes: the largest passing level with its latencies, and the CPU per
    delivery of the servers and each program from the passing runs only (all runs when none
    passed), summed into the cost of the whole path."""

    def run(processes: int, level: int, p99: float, server_ms: float,
            services: dict[str, float]) -> dict[str, object]:  # fmt: skip
        return {
            "processes": processes, "level": level, "latency_ms": {"count": 10, "p99": p99},
            "server": {"ms_per_delivery": server_ms},
            "services": {name: {"ms_per_delivery": ms} for name, ms in services.items()},
            "errors": {"ack_timeout": 1} if p99 > 200 else {},
        }  # fmt: skip

    cluster = {"redis": 0.05, "postgresql": 0.1, "nginx": 0.05}
    runs = [run(0, 100, 50, 0.4, {}), run(0, 200, 150, 0.3, {}), run(2, 100, 90, 1.0, cluster),
            run(2, 200, 900, 5.0, cluster), run(3, 100, 400, 2.0, cluster)]  # fmt: skip
    rows = {row["processes"]: row for row in scaling(runs, 200)}
    assert rows[0]["players"] == 200 and rows[0]["latency_ms"]["p99"] == 150
    assert rows[0]["server_ms_per_delivery"] == 0.35 and rows[0]["total_ms_per_delivery"] == 0.35
    assert rows[2]["players"] == 100 and rows[2]["server_ms_per_delivery"] == 1.0  # not 5.0
    assert rows[2]["services_ms_per_delivery"] == {"nginx": 0.05, "postgresql": 0.1, "redis": 0.05}
    assert rows[2]["total_ms_per_delivery"] == 1.2 and rows[2]["errors"] == 1
    assert rows[3]["players"] == 0 and rows[3]["latency_ms"] is None
    assert rows[3]["server_ms_per_delivery"] == 2.0 and rows[3]["cost_from"] == "all runs"


def test_time_outs_are_timing_not_errors() -> None:
    """The smoke fails on errors, never on timing: time-outs are left out of real_errors."""
    errors = {"ack_timeout": 2, "fanout_timeout": 1, "refused:server_overloaded": 3}
    assert real_errors({"errors": errors}) == {"refused:server_overloaded": 3}


def test_a_process_tree_counts_its_children() -> None:
    """tree_cpu_seconds of this test's process includes a child that is still burning CPU."""
    import subprocess
    import sys
    import time

    child = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        deadline = time.monotonic() + 30  # a loaded machine gives the child its CPU late
        while procs.cpu_seconds(child.pid) < 0.1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert child.pid in procs.children(os.getpid())
        burnt = procs.cpu_seconds(child.pid)  # read first: the tree is read later, with more
        assert burnt >= 0.1
        assert procs.tree_cpu_seconds(os.getpid()) >= burnt + procs.cpu_seconds(os.getpid())
    finally:
        child.kill()
        child.wait()


def test_player_levels_from_a_list_or_a_range() -> None:
    """'a,b,c' and 'start:step:max'."""
    assert parse_levels("100,300") == (100, 300)
    assert parse_levels("100:100:400") == (100, 200, 300, 400)
    assert json.dumps(parse_levels(None))


def test_the_facilitators_mirror_takes_public_and_whole_view_patches() -> None:
    """The bench's copy of the board follows a public patch and the public ops of a
    whole-view patch (`part` "view", paths under /public), and ignores a private one."""
    mirror = PublicMirror()
    card = {"id": "c1", "round": 1, "text": "Een bankje"}
    mirror.take("state", '42["state",{"version":1,"view":{"public":{"cards":[]}}}]')
    mirror.take("patch", _patch("public", [{"op": "add", "path": "/cards/0", "value": card}]))
    edited = {"op": "replace", "path": "/public/cards/0/text", "value": "Twee bankjes"}
    mine = {"op": "replace", "path": "/facilitator/x", "value": 1}
    mirror.take("patch", _patch("view", [mine, edited]))
    mirror.take("patch", _patch("private", [{"op": "remove", "path": "/cards/0"}]))
    assert not mirror.broken
    assert mirror.card_list(0.0, force=True) == [Card("c1", 1, "Twee bankjes")]


def _patch(part: str, ops: list[dict[str, object]]) -> str:
    body = {"base": 1, "version": 2, "part": part, "ops": ops}
    return f'42["patch",{json.dumps(body)}]'


def test_a_refused_action_waits_what_the_server_asks_before_it_is_sent_again() -> None:
    """retry_after_ms from the refusal's detail (capped at 5 s), else a short pause."""
    assert retry_pause({"code": "too_many_actions", "detail": {"retry_after_ms": 350}}) == 0.35
    assert retry_pause({"code": "too_many_actions", "detail": {"retry_after_ms": 60_000}}) == 5.0
    assert retry_pause({"code": "server_overloaded", "detail": {}}) == RETRY_PAUSE_S
    assert retry_pause({"code": "server_restarting", "detail": {"retry_after_ms": True}}) == 0.2
