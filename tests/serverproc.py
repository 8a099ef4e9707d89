"""The real server in a test: `rolwissel serve` (eventlet) as a subprocess on 127.0.0.1.

Start it, stop it with SIGTERM, kill it with SIGKILL (from outside, or let it kill itself at
a named point of its write path with ROLWISSEL_CRASH_AT), start it again on the same instance
folder, speak to it (HTTP and python-socketio), and read what its database holds. Used by
test_serve.py, test_simulate.py, test_crash.py, test_summary_after_crash.py,
test_two_processes.py and tests/cluster/.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest
import requests
import socketio

# Shared with `rolwissel bench`, and named here for the tests that import them from serverproc.
from rolwissel_client.bench.procs import free_port as free_port
from rolwissel_client.bench.procs import server_env as server_env
from rolwissel_client.bench.services import MissingProgram, require_program
from rolwissel_client.chromium import CHROMIUM as CHROMIUM
from rolwissel_client.chromium import CHROMIUM_ARGS as CHROMIUM_ARGS
from rolwissel_client.liveview import follow

ROLWISSEL = str(Path(sys.executable).parent / "rolwissel")
ON_CI = os.environ.get("CI", "").lower() == "true"


def require_binary(name: str, *also: Path) -> str:
    """The path of a program a test needs: skipped without it, failed without it on CI."""
    try:
        return require_program(name, *also)
    except MissingProgram as missing:
        missing_program(missing)


def missing_program(missing: MissingProgram) -> NoReturn:
    """A test cannot run without a program: fail under CI=true, skip elsewhere."""
    if ON_CI:
        pytest.fail(str(missing))
    pytest.skip(str(missing))


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

    def start(
        self,
        expect_ready: bool = True,
        extra_env: dict[str, str] | None = None,
        preexec: Callable[[], None] | None = None,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        """Start a process (the previous one must have ended); wait until it answers
        /healthz unless `expect_ready` is False. `preexec` runs in the child before the
        server starts (for example to set a resource limit); `extra_args` go to `serve`."""
        assert not self.running, "the previous server still runs"
        self.starts += 1
        self.output.append(f"--- start {self.starts} ---\n")
        self.process = subprocess.Popen(
            [ROLWISSEL, "serve", "--port", str(self.port), *extra_args],
            env={**self.env, **(extra_env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=preexec,
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
        except (requests.ConnectionError, requests.Timeout):
            return False  # not listening yet, or too busy starting to answer within a second

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


# Speaking to a server

SCENARIO = "buurtkamer-bibliotheek"


class Player:
    """A python-socketio client that records what it is sent: every version it reaches,
    from whole states and patches (rolwissel_client/liveview.py), as a state."""

    def __init__(self, url: str, auth: dict[str, Any]) -> None:
        self.states: list[dict[str, Any]] = []
        self.notices: list[dict[str, Any]] = []
        self.errors: list[Any] = []
        self.presence: list[dict[str, bool]] = []  # the facilitator's `presence` messages
        self.client = socketio.Client(reconnection_delay=0.2, reconnection_delay_max=0.5)
        follow(self.client, self.states.append, self.presence.append)
        self.client.on("notice", self.notices.append)
        self.client.on("connect_error", self.errors.append)
        self.client.connect(url, auth=auth, transports=["websocket"], wait_timeout=5)

    def act(self, payload: dict[str, Any]) -> dict[str, Any]:
        reply = self.client.call("action", payload, timeout=10)
        assert isinstance(reply, dict)
        return reply

    @property
    def version(self) -> int:
        return self.states[-1]["version"] if self.states else -1

    def close(self) -> None:
        self.client.disconnect()


def new_room(server: Server, scenario: str = SCENARIO) -> dict[str, Any]:
    """POST /api/rooms: one table; the whole answer (rooms, facilitator token)."""
    reply = requests.post(server.url + "/api/rooms", json={"scenario_id": scenario}, timeout=10)
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def take_seat(server: Server, code: str, name: str, role: str) -> dict[str, Any]:
    """POST /api/join: a seat; the answer (room id, player id, seat token)."""
    body = {"code": code, "name": name, "home_role": role}
    reply = requests.post(server.url + "/api/join", json=body, timeout=10)
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released at the same moment; their results in order (the
    first error is raised here)."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def servers_sharing(folder: Path, count: int, **settings: str) -> list[Server]:
    """`count` servers (not started) on free ports, each with an instance folder of its own
    and the same settings: one database, one Redis, one secret key (several processes of
    one deployment)."""
    shared = {"SECRET_KEY": "one-key-for-every-process", **settings}
    return [
        Server(port=free_port(), env=server_env(folder / f"instance-{n}", **shared))
        for n in range(1, count + 1)
    ]


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


HTTP_MADE = ("room_created", "player_joined")  # events of HTTP requests, which carry no key


def check_log(stored: StoredRoom, game: Any) -> None:
    """Every acknowledged action is in the log at its version; every event belongs to one
    action a client sent, and that action's events are all there, exactly as the engine
    makes them (all or nothing). `game` is the ScriptedGame that played the room."""
    from game.engine import codec, replay, rules

    for ack in game.acks:
        if ack.ok:
            found = stored.keys.get((ack.actor, ack.key))
            assert found == ack.version, (
                f"{ack.label}'s {ack.type} ({ack.key}) was acknowledged at version "
                f"{ack.version}; the database says {found}"
            )
    sent = {(s.actor, s.payload["key"]): s.payload for s in game.sent}
    owners = {version: actor_key for actor_key, version in stored.keys.items()}
    assert len(owners) == len(stored.keys), "two actions claim the same version"
    state: Any = None
    group: list[Any] = []
    for entry, event in zip(stored.entries, stored.events(), strict=True):
        if not group and entry.type in HTTP_MADE:
            state = replay.evolve(state, event)
            continue
        group.append(entry)
        if entry.seq not in owners:
            continue
        actor, key = owners.pop(entry.seq)
        assert (actor, key) in sent, f"the log holds an action nobody sent: {actor} {key}"
        payload = sent[(actor, key)]
        fields = {k: v for k, v in payload.items() if k != "key"}
        action = codec.action_from_message(fields, actor=actor, at=group[0].at)
        assert state is not None
        result = rules.apply(state, action)
        assert isinstance(result, rules.Accepted), (payload["type"], result)
        made = [codec.event_to_json(e) for e in result.events]
        assert [e.payload for e in group] == made, f"{payload['type']} {key}: not all there"
        state = result.state
        group = []
    assert not group, f"events of no remembered action: {[e.type for e in group]}"
    assert not owners, f"remembered actions without their events: {owners}"


def check_time_left(
    label: str, message: dict[str, Any], record: Any, seconds: int, tolerance_ms: float
) -> float:
    """A `state` message shows a running timer, set by the acknowledged action `record`
    (an AckRecord) to `seconds`, with the time that is really left at its `now`, whichever
    process sent it. Returns how long (s) the timer had run by then, at least."""
    timer = message["view"]["public"]["timer"]
    assert timer["running"], f"{label}: the timer is not running"
    remaining = timer["started_at"] + timer["duration_ms"] - message["now"]
    # The countdown began when the server took the action: after it was first sent, before
    # its answer came (which may have been after a restart). So, at the moment of this
    # message, this much time is left:
    elapsed_most = message["now"] - record.sent_at * 1000
    elapsed_least = message["now"] - record.answered_at * 1000
    least, most = seconds * 1000 - elapsed_most, seconds * 1000 - elapsed_least
    assert least - tolerance_ms <= remaining <= most + tolerance_ms, (
        f"{label}: {remaining} ms left; between {least:.0f} and {most:.0f} expected"
    )
    return float(elapsed_least / 1000)


def player_ids(payloads: list[dict[str, Any]]) -> dict[str, str]:
    """The room id and player ids of a log as neutral names: "room", "p1", "p2", ... (in
    join order), so two plays of the same game can be compared."""
    names: dict[str, str] = {}
    for payload in payloads:
        if payload["type"] == "room_created":
            names[payload["room_id"]] = "room"
        elif payload["type"] == "player_joined":
            names[payload["player_id"]] = f"p{len(names)}"
    return names


def neutral(value: Any, names: dict[str, str], key: str = "") -> Any:
    """`value` (JSON-like, or dicts from dataclasses.asdict) with times (`at`, `*_at`) set to
    0 and the strings in `names` replaced by their neutral names."""
    if key == "at" or key.endswith("_at"):
        return 0 if value is not None else None
    if isinstance(value, dict):
        return {k: neutral(v, names, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [neutral(v, names) for v in value]
    if isinstance(value, str):
        return names.get(value, value)
    return value


def normalised(payloads: list[dict[str, Any]]) -> list[Any]:
    """Event payloads with what differs between two plays of the same game made neutral:
    times, the room id and the player ids."""
    names = player_ids(payloads)
    return [neutral(p, names) for p in payloads]


# Killing a server while a scripted game plays on it

RANDOM = "random"  # a kill from outside (os.kill) at a random moment in a burst of actions


@dataclass(frozen=True)
class Death:
    """One SIGKILL: how, when, and how far the game had got."""

    number: int
    kind: str  # RANDOM or the ROLWISSEL_CRASH_AT point
    returncode: int
    step: str
    answered: int  # actions answered before the kill
    sent: int  # actions sent before the kill (sent - answered were in flight or queued)
    at: float  # time.time() when the death was seen


class Crasher:
    """Plays a ScriptedGame on `server` and kills the server by plan, restarting it on the
    same database after each death.

    Each plan item is RANDOM (kill from outside, once a random number of the answers of the
    next burst step have come) or a crash point, `<point>` or `<point>:<n>` (the server is
    started with ROLWISSEL_CRASH_AT=<point>:<n> and kills itself the n-th time its write path
    gets there; without n, n is 1 to 3 at random). A supervisor thread sees each death,
    calls `on_death` while the server is down (the database is what survived), then starts
    the server again with the next item armed.
    The game's connections reconnect by themselves and send their unanswered actions again
    with the same keys.
    """

    def __init__(
        self,
        server: Server,
        game: Any,  # rolwissel_client.scripted.ScriptedGame
        plan: list[str],
        *,
        seed: int = 0,
        on_death: Callable[[Death], None] | None = None,
    ) -> None:
        import random

        self.server = server
        self.game = game
        self.plan = list(plan)
        self.on_death = on_death
        self.rng = random.Random(seed)
        self.deaths: list[Death] = []
        self.errors: list[BaseException] = []
        self.step = ""
        self._index = 0  # the plan item the running server is for
        self._answered = 0
        self._cond = threading.Condition()
        self._killed: set[int] = set()  # pids this class killed from outside
        self._burst_over = False
        self._stopping = False
        self._supervisor: threading.Thread | None = None
        game.listeners.append(self._on_answer)

    @property
    def current(self) -> str | None:
        return self.plan[self._index] if self._index < len(self.plan) else None

    def _on_answer(self, _record: Any) -> None:
        with self._cond:
            self._answered += 1
            self._cond.notify_all()

    def _armed(self) -> dict[str, str]:
        item = self.current
        if item is None or item == RANDOM:
            return {}
        point, _, nth = item.partition(":")
        return {"ROLWISSEL_CRASH_AT": f"{point}:{nth or self.rng.randint(1, 3)}"}

    def start(self) -> None:
        """Start the server (the first plan item armed) and watch it."""
        self.server.start(extra_env=self._armed())
        self._supervisor = threading.Thread(target=self._supervise, daemon=True)
        self._supervisor.start()

    def run(self, name: str, step: Callable[[], None], burst: int = 0) -> None:
        """Run one step of the game; a burst of `burst` answers may get a RANDOM kill."""
        self.step = name
        killer = None
        if self.current == RANDOM and burst >= 2:
            with self._cond:
                target = self._answered + self.rng.randint(1, burst - 1)
                self._burst_over = False
            assert self.server.process is not None
            killer = threading.Thread(
                target=self._kill_when, args=(target, self.server.process), daemon=True
            )
            killer.start()
        try:
            step()
        finally:
            if killer is not None:
                with self._cond:
                    self._burst_over = True
                    self._cond.notify_all()
                killer.join(10)
        if self.errors:
            raise self.errors[0]

    def _kill_when(self, target: int, process: subprocess.Popen[str]) -> None:
        with self._cond:
            while self._answered < target and not self._burst_over:
                self._cond.wait(0.5)
            if self._answered < target:
                return  # the burst was smaller than thought: the next one gets the kill
        if process.poll() is None:
            self._killed.add(process.pid)
            os.kill(process.pid, signal.SIGKILL)

    def _supervise(self) -> None:
        while True:
            process = self.server.process
            assert process is not None
            code = process.wait()
            if self._stopping:
                return
            try:
                self._died(process, code)
            except BaseException as error:  # reported by run() in the test's thread
                self.errors.append(error)
            self._index += 1
            try:
                self.server.start(extra_env=self._armed())
            except BaseException as error:
                self.errors.append(error)
                return

    def _died(self, process: subprocess.Popen[str], code: int) -> None:
        kind = (self.current or "").partition(":")[0]
        with self._cond:
            answered = self._answered
        death = Death(
            number=len(self.deaths) + 1,
            kind=kind,
            returncode=code,
            step=self.step,
            answered=answered,
            sent=len(self.game.sent),
            at=time.time(),
        )
        self.deaths.append(death)
        assert code == -signal.SIGKILL, f"the server ended with {code}, not SIGKILL"
        if kind == RANDOM:
            assert process.pid in self._killed, "the server died without being killed"
        else:
            # The last lines of a dead process may still sit in the pipe: read them all first.
            self.server.readers[-1].join(5)
            marker = f"--- start {self.server.starts} ---\n"
            said = self.server.text.rpartition(marker)[2]
            assert f"crash_at point={kind} " in said, f"died, but not at {kind}:\n{said}"
        # Let the connections notice (their last messages are handled in threads of their own).
        deadline = time.monotonic() + 5
        while any(c.online for c in self.game.connections) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)
        if self.on_death is not None:
            self.on_death(death)

    def stop(self) -> None:
        """Stop the server with SIGTERM and the supervisor with it."""
        self._stopping = True
        if self.server.running:
            self.server.stop()
        if self._supervisor is not None:
            self._supervisor.join(10)
