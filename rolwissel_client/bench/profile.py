"""Where the server's time goes: py-spy samples during the measured window, and their top
functions with shares.

`py-spy` is an optional tool (`pip install py-spy`); it samples the server from outside, so
the server's code is not changed. Samples are taken without pausing the server
(`--nonblocking`), and idle samples (the hub waiting for sockets) are left out, so the shares
are shares of the time the server was busy.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

RATE = 100  # samples per second

# Where a sample is counted, the first match in this order (a substring of the stack): the
# costs issue 13 names. Everything else is "other".
BUCKETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Socket.IO looks for binary data (Packet.data_is_binary)", ("Packet.data_is_binary",)),
    ("JSON encoding (json.dumps, orjson, msgspec)", ("dumps (json", "orjson", "msgspec")),
    ("websocket send and permessage-deflate", ("RFC6455WebSocket.send", "_pack_message")),
    ("views (engine/views.py)", ("engine/views.py", "Broadcaster.view")),
    (
        "database writes (commit, fsync, SQLAlchemy)",
        ("sqlalchemy/", "tworker", "RoomWriter._write"),
    ),
    ("engine rules and replay", ("engine/rules.py", "engine/replay.py")),
    ("message checks (pydantic)", ("pydantic", "web/protocol.py")),
    ("the rest of emit (Socket.IO, Engine.IO)", ("socketio/", "engineio/")),
    ("eventlet hub and green sockets", ("eventlet/",)),
)


def py_spy() -> str | None:
    """The py-spy binary next to this Python, or on PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


def start(pid: int, output: Path, seconds: float) -> subprocess.Popen[bytes]:
    """Sample `pid` for `seconds` into `output` (collapsed stacks, one line per stack)."""
    binary = py_spy()
    if binary is None:
        raise RuntimeError("--profile needs py-spy: pip install py-spy")
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [binary, "record", "--pid", str(pid), "--duration", str(max(1, round(seconds)))]
    command += ["--rate", str(RATE), "--format", "raw", "--nolineno"]
    command += ["--nonblocking", "--gil", "--output", str(output)]
    return subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def top(path: Path, count: int = 15) -> dict[str, Any]:
    """The functions with the largest shares of the samples: inclusive (anywhere on the stack)
    and self (the frame that was running)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    grouped: Counter[str] = Counter()
    total = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if not stack or not number.isdigit():
            continue
        samples = int(number)
        frames = [f for f in stack.split(";") if f and not f.startswith("process ")]
        if not frames:
            continue
        total += samples
        own[frames[-1]] += samples
        for frame in set(frames):
            inclusive[frame] += samples
        grouped[_bucket(stack)] += samples

    def shares(counter: Counter[str]) -> list[dict[str, Any]]:
        return [
            {"function": name, "share": round(100 * n / total, 1)}
            for name, n in counter.most_common(count)
        ]

    return {
        "samples": total,
        "buckets": shares(grouped),
        "inclusive": shares(inclusive),
        "self": shares(own),
    }


def _bucket(stack: str) -> str:
    for name, markers in BUCKETS:
        if any(marker in stack for marker in markers):
            return name
    return "other"
