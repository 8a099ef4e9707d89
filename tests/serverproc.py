"""The real server in a test: `rolwissel serve` (eventlet) as a subprocess on 127.0.0.1.

Start it, stop it with SIGTERM, kill it with SIGKILL (from outside, or let it kill itself at
a named point of its write path with ROLWISSEL_CRASH_AT), start it again on the same instance
folder, and read what its database holds. Used by test_serve.py, test_simulate.py,
test_crash.py and test_summary_after_crash.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROLWISSEL = str(Path(sys.executable).parent / "rolwissel")


def server_env(instance: Path, **settings: str) -> dict[str, str]:
    """The environment of a server: none of the caller's ROLWISSEL_* settings, its own
    instance folder, and `settings` as ROLWISSEL_<name>."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROLWISSEL_")}
    env["ROLWISSEL_INSTANCE_PATH"] = str(instance)
    for name, value in settings.items():
        env[f"ROLWISSEL_{name}"] = value
    return env


def wait(condition: Callable[[], bool], seconds: float = 10) -> None:
    """Poll `condition` until it holds; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@dataclass
class Server:
    """One `rolwissel serve` on a port, started as often as a test likes, with everything it
    printed in every run."""

    port: int
    env: dict[str, str]
    process: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)
    readers: list[threading.Thread] = field(default_factory=list)
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def instance(self) -> Path:
        return Path(self.env["ROLWISSEL_INSTANCE_PATH"])

    @property
    def database_url(self) -> str:
        """The database the server writes to (the SQLite file in its instance folder)."""
        return self.env.get(
            "ROLWISSEL_DATABASE_URL", f"sqlite:///{self.instance / 'rolwissel.sqlite3'}"
        )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, expect_ready: bool = True, extra_env: dict[str, str] | None = None) -> None:
        """Start a process (the previous one must have ended); wait until it answers
        /healthz unless `expect_ready` is False."""
        assert not self.running, "the previous server still runs"
        self.starts += 1
        self.output.append(f"--- start {self.starts} ---\n")
        self.process = subprocess.Popen(
            [ROLWISSEL, "serve", "--port", str(self.port)],
            env={**self.env, **(extra_env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        reader = threading.Thread(target=self._read, args=(self.process,), daemon=True)
        reader.start()
        self.readers.append(reader)
        if expect_ready:
            marker = f"--- start {self.starts} ---\n"
            self.wait_for(lambda: "Rolwissel draait op" in self.text.rpartition(marker)[2], 20)
            self.wait_for(self._healthy, 10)

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        with process.stdout:
            for line in process.stdout:
                self.output.append(line)

    def _healthy(self) -> bool:
        try:
            return requests.get(self.url + "/healthz", timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    @property
    def text(self) -> str:
        return "".join(self.output)

    def wait_for(self, condition: Callable[[], bool], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process is not None and self.process.poll() is not None and not condition():
                raise AssertionError(f"server exited {self.process.returncode}:\n{self.text}")
            time.sleep(0.05)
        raise AssertionError(f"timed out; server said:\n{self.text}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        return self.process.wait(timeout)

    def kill(self) -> int:
        """SIGKILL from outside, at whatever moment this is; returns the exit status."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        return self.process.wait(10)

    def close(self) -> None:
        """End a process still running (a failed test) and collect its output."""
        if self.running:
            assert self.process is not None
            self.process.kill()
            self.process.wait(5)
        for thread in self.readers:
            thread.join(5)


# What the database holds


@dataclass(frozen=True)
class StoredRoom:
    """A room as its database holds it: status, log, idempotency keys and seats."""

    room_id: str
    status: str
    entries: tuple[Any, ...]  # game.store.log.Entry, in seq order
    keys: dict[tuple[str, str], int]  # (actor, key) -> the version its action produced
    seats: frozenset[str]  # player ids with a seat token

    @property
    def last_seq(self) -> int:
        return self.entries[-1].seq if self.entries else 0

    def events(self, upto: int | None = None) -> list[Any]:
        """The engine's events with seq <= `upto` (all without it)."""
        from game.engine import codec

        return [
            codec.event_from_json(e.payload) for e in self.entries if upto is None or e.seq <= upto
        ]

    def state(self, upto: int | None = None) -> Any:
        """The room's state rebuilt from its log (up to and including seq `upto`)."""
        from game.engine import replay

        return replay.fold(self.events(upto))

    def payloads(self) -> list[dict[str, Any]]:
        return [e.payload for e in self.entries]


def read_room(database_url: str, room_id: str) -> StoredRoom:
    """Read a room straight from the database file (while the server runs or after it died)."""
    from sqlalchemy import select

    from game.store import log
    from game.store.db import Database
    from game.store.models import Room, Seat

    database = Database.open(database_url, pool_size=1)
    try:
        with database.sessions() as session:
            room = session.get(Room, room_id)
            assert room is not None, f"no room {room_id} in the database"
            entries = tuple(log.read_after(session, room_id, 0))
            keys = log.known_keys(session, room_id)
            seats = frozenset(
                session.scalars(select(Seat.player_id).where(Seat.room_id == room_id)).all()
            )
            return StoredRoom(room_id, room.status, entries, keys, seats)
    finally:
        database.close()


def normalised(payloads: list[dict[str, Any]]) -> list[Any]:
    """Event payloads with the parts that differ between two plays of the same game made
    neutral: times (`at`, `*_at`) become 0, the room id and player ids (in join order) become
    "room", "p1", "p2", ..."""
    names: dict[str, str] = {}
    for payload in payloads:
        if payload["type"] == "room_created":
            names[payload["room_id"]] = "room"
        elif payload["type"] == "player_joined":
            names[payload["player_id"]] = f"p{len(names)}"

    def neutral(value: Any, key: str = "") -> Any:
        if key == "at" or key.endswith("_at"):
            return 0 if value is not None else None
        if isinstance(value, dict):
            return {k: neutral(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [neutral(v) for v in value]
        if isinstance(value, str):
            return names.get(value, value)
        return value

    return [neutral(p) for p in payloads]
