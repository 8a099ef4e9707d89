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
        server = Server(free_port(), server_env(tmp_path / f"instance{len(started)}", **settings))
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.close()
