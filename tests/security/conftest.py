"""The security tests attack the real eventlet server (`rolwissel serve` as a subprocess) with
clients that speak the wire protocol themselves (wire.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from attack import Start
from serverproc import Server, free_port, server_env


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Start]:
    """Start a server with settings (`serve(MAX_PENDING="50")`); killed after the test."""
    started: list[Server] = []

    def start(**settings: str) -> Server:
        # The probe player acts every 100 ms and the fuzz sends thousands of messages per
        # connection: more than a person, so the per-connection token bucket is opened wide
        # here (tests/integration/test_ratelimit.py tests it at its defaults).
        settings.setdefault("ACTION_RATE", "1000")
        settings.setdefault("ACTION_BURST", "1000")
        server = Server(free_port(), server_env(tmp_path / f"instance{len(started)}", **settings))
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.close()
