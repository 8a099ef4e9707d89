"""The load generator: rooms of players who act at a fixed rate, and what they see.

`python -m rolwissel_client.bench.loadgen CONFIG.json` reads a `LoadConfig` as JSON and prints
its result as JSON on stdout. One process and one asyncio loop hold every socket.

Game rooms (`kind` "game") are made through the HTTP API (POST /api/rooms, POST /api/join),
then each player and the facilitator connect, the facilitator starts the game, and every
player sends one valid action every `interval_s` seconds at a random phase of that interval:
in a play phase a new card, a reaction switched on or off, or an edit of an own card of this
round; in a reflection phase a reflection. The facilitator moves the game on (and back from
round 3, so play never ends): after `play_s` in a play phase and `reflection_s` in a
reflection phase. Before it moves, the players of that room hold new actions until those in
flight are answered (at most STEER_WAIT_S), so a healthy server never sees an action arrive in
the wrong phase; under overload one may, and that refusal is counted apart as a race. A
player writes at most `cards_per_round` cards a round, so a long run keeps a real board.

Echo rooms (`kind` "echo") are the same sockets on the bare echo server (echo.py).

What is measured, for actions sent in the window (after the warm-up):
- fan-out latency: from send until every other member of the room has seen the version the
  action produced (the `version` of any later `state`, `patch` or echo message counts);
  cards, reactions and edits in game rooms (reflections are private and the facilitator's
  steps are measured by their acknowledgement), every message in echo rooms;
- acknowledgement latency per action type;
- deliveries (messages that brought a socket a newer version), errors by code, server CPU and
  RSS from /proc, the generator's own CPU, and a timeline.
"""

from __future__ import annotations

import asyncio
import gc
import json
import math
import os
import random
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import jsonpatch
from jsonpointer import JsonPointerException

from rolwissel_client.bench import procs
from rolwissel_client.bench.client import ConnectRefused, Http, SioConnection, open_connection
from rolwissel_client.bench.wire import event_body, scan_version

# Rounds 1-3 in order; the facilitator walks forward to the end and back again.
PHASES: tuple[tuple[int, str], ...] = (
    (1, "play"),
    (1, "reflection"),
    (2, "play"),
    (2, "reflection"),
    (3, "play"),
    (3, "reflection"),
)
FANOUT_TYPES = frozenset({"post_card", "react", "edit_card"})
VERSIONED_EVENTS = frozenset({"state", "patch", "echo"})
REACTION_KINDS = ("support", "question", "concern")
HOME_ROLES = ("inwoner", "raadslid", "ambtenaar")
# The engine's limit of cards per player per round (game/engine/state.py), kept here so the
# generator never asks for a refusal.
MAX_CARDS_PER_ROUND = 20
# A refusal a correct run may get: an action that was on its way while the facilitator's phase
# change went ahead of it (only when answers take longer than STEER_WAIT_S). It is counted
# apart ("raced"); every other refusal is an error.
RACE_REFUSALS = frozenset({"wrong_phase"})
MAX_OUTSTANDING = 20  # a player's unanswered actions before it skips a turn
# The facilitator waits this long at most for the players' actions in flight to be answered
# before changing the phase (players hold new actions while it waits): long enough for a
# healthy server, short enough that an overloaded one still gets the offered load.
STEER_WAIT_S = 1.0
HOLD_MAX_S = 2 * STEER_WAIT_S  # players act again after this, even if the change is unanswered
MIRROR_REFRESH_S = 1.0  # how stale the generator's copy of the board may get
EDIT_SHARE, REACT_SHARE = 0.15, 0.45  # the rest of the play actions are new cards

IDEAS = (
    "Een plek waar buren elkaar echt ontmoeten",
    "Wie betaalt de huur na het eerste jaar?",
    "Genoeg vrijwilligers voor vaste openingstijden",
    "Ja, mits de kosten per jaar vastliggen",
    "Jong en oud samen in één ruimte",
    "Eén vaste contactpersoon bij de gemeente",
)


@dataclass
class LoadConfig:
    """One run of the generator (all times in seconds)."""

    kind: str = "game"  # "game" or "echo"
    host: str = procs.HOST
    port: int = 5000
    players: int = 20
    room_size: int = 10
    interval_s: float = 2.0  # each player acts once per interval
    warmup_s: float = 5.0
    duration_s: float = 20.0
    drain_s: float = 5.0
    play_s: float = 8.0
    reflection_s: float = 4.0
    steer: bool = True  # the facilitator moves the game on
    compression: bool = True
    scenario: str = "buurtkamer-bibliotheek"
    seed: int = 1
    server_pids: list[int] = field(default_factory=list)  # their CPU is summed
    # The cluster's other programs by name (redis, postgresql, nginx): the root process of
    # each, whose CPU is read with its children's.
    service_pids: dict[str, int] = field(default_factory=dict)
    tls: bool = False  # through the cluster's nginx: HTTPS and WSS
    server_log: str | None = None
    ack_timeout_s: float = 10.0
    fanout_timeout_s: float = 10.0
    slice_s: float = 5.0
    # A player writes at most this many cards per round during the load (then reacts and
    # edits), so a long run keeps a real game's board (10 players: up to 150 cards).
    cards_per_round: int = 5
    prefill_cards: int = 0  # per room, posted before the warm-up
    prefill_reactions: int = 0  # per room, after the cards
    setup_only: bool = False  # make and fill the rooms, report their tokens, no load
    connect_concurrency: int = 32
    setup_timeout_s: float = 300.0
    window_file: str | None = None  # written when the window begins (the profiler starts then)


@dataclass(frozen=True)
class Card:
    id: str
    round: int
    text: str


class PublicMirror:
    """The facilitator connection's copy of the public board, parsed only when needed.

    A `state` is kept as raw text and parsed at most once per MIRROR_REFRESH_S when a player
    needs the card list; a public `patch` is applied to the parsed copy.
    """

    def __init__(self) -> None:
        self.raw: str | None = None
        self.public: dict[str, Any] | None = None
        self.changed = False
        self.parsed_at = -math.inf
        self.cards: list[Card] = []
        self.broken = False  # a patch did not fit: ask for the whole view

    def take(self, name: str, text: str) -> None:
        if name == "state":
            self.raw = text
            self.changed = True
            return
        body = event_body(text)
        if not isinstance(body, dict) or body.get("part") not in ("public", "view"):
            return
        ops = list(body.get("ops") or [])
        if body["part"] == "view":  # the whole view's patch: only its public ops matter here
            ops = [public_op(op) for op in ops if str(op.get("path", "")).startswith("/public/")]
        if not self._materialise():
            return
        try:
            self.public = jsonpatch.apply_patch(self.public, ops, True)
            self.changed = True
        except (jsonpatch.JsonPatchException, JsonPointerException, KeyError, TypeError):
            self.public, self.broken = None, True

    def _materialise(self) -> bool:
        if self.raw is not None:
            body = event_body(self.raw)
            self.raw = None
            self.public = body["view"]["public"]
        return self.public is not None

    def card_list(self, now: float, force: bool = False) -> list[Card]:
        if self.changed and (force or now - self.parsed_at >= MIRROR_REFRESH_S):
            if self._materialise():
                assert self.public is not None
                self.cards = [
                    Card(str(c["id"]), int(c["round"]), str(c["text"]))
                    for c in self.public.get("cards", [])
                ]
            self.changed = False
            self.parsed_at = now
        return self.cards


def public_op(op: dict[str, Any]) -> dict[str, Any]:
    """An op of a whole-view patch with its path inside `view.public`."""
    moved = {**op, "path": op["path"].removeprefix("/public")}
    if "from" in op:
        moved["from"] = op["from"].removeprefix("/public")
    return moved


@dataclass(eq=False)
class Member:
    """One socket of a room: the facilitator (or the echo room's listener, index 0) or a player."""

    room: Room
    index: int
    token: str | None = None
    player_id: str | None = None
    conn: SioConnection | None = None
    max_seen: int = 0
    alive: bool = False
    outstanding: int = 0
    keys: int = 0
    made: int = 0  # cards and reflections written, to keep texts unique
    posts: Counter[int] = field(default_factory=Counter)  # cards per round (sent, not refused)
    load_posts: Counter[int] = field(default_factory=Counter)  # of those, during the load
    reactions: set[tuple[str, str]] = field(default_factory=set)
    pending_reacts: set[tuple[str, str]] = field(default_factory=set)
    next_at: float = 0.0

    @property
    def tag(self) -> str:
        """What starts each of this player's texts: how it finds its own cards on the board."""
        return f"[p{self.index}]"

    def auth(self, kind: str) -> dict[str, Any]:
        if kind == "echo":
            return {"room": self.room.room_id}
        return {"room": self.room.room_id, "token": self.token, "last_seq": 0, "lang": "nl"}


@dataclass(eq=False)
class Room:
    index: int
    room_id: str
    code: str = ""
    facilitator_token: str = ""
    members: list[Member] = field(default_factory=list)
    waiting: list[Pending] = field(default_factory=list)
    outstanding: int = 0  # players' actions not answered yet
    step: int = 0  # index in PHASES
    direction: int = 1
    steering: bool = False  # a phase change is under way (waiting for quiet, or sent)
    steer_began: float = 0.0
    steer_sent_at: float = 0.0  # 0 until it is sent
    steer_late: bool = False  # its answer took longer than the time-out (counted once)
    epoch: int = 0  # phase changes sent so far
    mirror: PublicMirror = field(default_factory=PublicMirror)

    @property
    def players(self) -> list[Member]:
        return self.members[1:]

    @property
    def facilitator(self) -> Member:
        return self.members[0]


@dataclass(eq=False, slots=True)
class Pending:
    """An action on its way: sent, then acknowledged, then seen by every other member."""

    member: Member
    type: str
    sent_at: float
    in_window: bool
    fanout: bool
    round: int = 0
    epoch: int = 0
    uncertain: bool = False  # sent while a phase change was under way
    react_key: tuple[str, str] | None = None
    version: int = 0
    remaining: set[int] = field(default_factory=set)
    over: bool = False


def summarize(values: list[float]) -> dict[str, Any]:
    """Count, p50, p95, p99 and max in ms; a timeout counts as infinitely late."""
    if not values:
        return {"count": 0, "p50": None, "p95": None, "p99": None, "max": None, "timeouts": 0}
    ordered = sorted(values)
    count = len(ordered)

    def at(share: float) -> float | None:
        value = ordered[min(count - 1, max(0, math.ceil(share * count) - 1))]
        return None if math.isinf(value) else round(value, 1)

    return {
        "count": count,
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": at(1.0),
        "timeouts": sum(1 for v in ordered if math.isinf(v)),
    }


class ServerProbe:
    """The servers' CPU (summed), memory and log size, and the CPU of the cluster's other
    programs, read from /proc and the file system."""

    def __init__(self, pids: list[int], log: str | None, services: dict[str, int]) -> None:
        self.pids, self.log, self.services = pids, log, services

    def cpu(self) -> float | None:
        each = self.cpu_each()
        return sum(each) if each else None

    def cpu_each(self) -> list[float]:
        """Each server's CPU seconds so far (none when one of them cannot be read)."""
        try:
            return [procs.cpu_seconds(pid) for pid in self.pids]
        except OSError:
            return []

    def service_cpu(self) -> dict[str, float | None]:
        """Per program of the cluster (redis, postgresql, nginx): its CPU seconds so far."""
        seconds: dict[str, float | None] = {}
        for name, pid in self.services.items():
            try:
                seconds[name] = procs.tree_cpu_seconds(pid)
            except OSError:
                seconds[name] = None
        return seconds

    def rss(self) -> int | None:
        try:
            return sum(procs.rss_bytes(pid) for pid in self.pids) if self.pids else None
        except OSError:
            return None

    def log_size(self) -> int | None:
        try:
            return os.path.getsize(self.log) if self.log else None
        except OSError:
            return None


class LoadGenerator:
    def __init__(self, config: LoadConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.rooms: list[Room] = []
        self.probe = ServerProbe(config.server_pids, config.server_log, config.service_pids)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.running = False  # players act and the facilitators steer
        self.measuring = False  # inside the window
        self.errors: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self.raced: Counter[str] = Counter()
        self.protocol_errors: list[str] = []
        self.unacked: set[Pending] = set()
        self.fanout_ms: list[float] = []
        self.fanout_sent: list[float] = []  # send times of fanout_ms, for the timeline
        self.ack_ms: dict[str, list[float]] = {}
        self.lateness_ms: list[float] = []
        self.sent = 0
        self.sent_in_window = 0
        self.deliveries = 0
        self.messages = 0
        self.phases_seen: set[tuple[int, str]] = set()
        self.slices: list[dict[str, Any]] = []
        self.rss_samples: list[int] = []
        self.window: dict[str, Any] = {}

    # Helpers

    @property
    def game(self) -> bool:
        return self.config.kind == "game"

    def members(self) -> list[Member]:
        return [m for room in self.rooms for m in room.members]

    def now(self) -> float:
        assert self.loop is not None
        return self.loop.time()

    # The run

    async def run(self) -> dict[str, Any]:
        """Set up, warm up, measure, drain; returns the result."""
        self.loop = asyncio.get_running_loop()
        result: dict[str, Any] = {"config": asdict(self.config)}
        result["server_rss_idle"] = self.probe.rss()
        started = time.perf_counter()
        await asyncio.wait_for(self.setup(), self.config.setup_timeout_s)
        result["setup_s"] = round(time.perf_counter() - started, 2)
        result["server_rss_connected"] = self.probe.rss()
        result["rooms"] = len(self.rooms)
        result["players"] = sum(len(r.players) for r in self.rooms)
        result["sockets"] = sum(1 for m in self.members() if m.alive)
        result["deflate_sockets"] = sum(1 for m in self.members() if m.conn and m.conn.deflate)
        if self.config.setup_only:
            result["tokens"] = self.tokens()
        else:
            gc.collect()
            gc.freeze()  # the set-up's objects live to the end: no collector passes over them
            await self.load()
            result.update(self.results())
        self.close()
        result["errors"] = dict(self.errors)
        result["protocol_errors"] = self.protocol_errors[:20]
        return result

    async def setup(self) -> None:
        if self.game:
            await asyncio.get_running_loop().run_in_executor(None, self.make_rooms)
        else:
            self.make_echo_rooms()
        await self.connect_all()
        if self.game:
            await self.wait_first_state()
            await self.start_games()
            await self.prefill()

    def make_rooms(self) -> None:
        """POST /api/rooms (up to 12 tables a call) and POST /api/join for every seat."""
        config = self.config
        count = max(1, config.players // config.room_size)
        http = Http(config.host, config.port, tls=config.tls)
        while len(self.rooms) < count:
            tables = min(12, count - len(self.rooms))
            body = {"scenario_id": config.scenario, "tables": tables, "lang": "nl"}
            status, answer = http.request("POST", "/api/rooms", body)
            if status != 201:
                raise RuntimeError(f"POST /api/rooms: {status} {answer.get('code')}")
            for made in answer["rooms"]:
                room = Room(len(self.rooms), made["room_id"], made["code"])
                room.facilitator_token = answer["facilitator_token"]
                room.members.append(Member(room, 0, token=room.facilitator_token))
                room.members += [Member(room, i) for i in range(1, config.room_size + 1)]
                self.rooms.append(room)
        http.close()
        seats = [m for room in self.rooms for m in room.players]
        local = threading.local()

        def join(member: Member) -> None:
            if not hasattr(local, "http"):
                local.http = Http(config.host, config.port, tls=config.tls)
            body = {
                "code": member.room.code,
                "name": f"Speler {member.index}",
                "home_role": HOME_ROLES[member.index % 3],
                "lang": "nl",
            }
            status, answer = local.http.request("POST", "/api/join", body)
            if status != 201:
                self.errors[f"join:{status}:{answer.get('code')}"] += 1
                return
            member.token, member.player_id = answer["seat_token"], answer["player_id"]

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(join, seats))
        for room in self.rooms:
            room.members = [m for m in room.members if m.token is not None]

    def make_echo_rooms(self) -> None:
        count = max(1, self.config.players // self.config.room_size)
        for index in range(count):
            room = Room(index, f"echo-{index}")
            room.members = [Member(room, i) for i in range(self.config.room_size + 1)]
            self.rooms.append(room)

    async def connect_all(self) -> None:
        limit = asyncio.Semaphore(self.config.connect_concurrency)

        async def connect(member: Member) -> None:
            async with limit:
                try:
                    member.conn = await open_connection(
                        self.config.host,
                        self.config.port,
                        member.auth(self.config.kind),
                        compression=self.config.compression,
                        on_event=self.on_event,
                        on_close=self.on_close,
                        tag=member,
                        tls=self.config.tls,
                    )
                except ConnectRefused as refused:
                    self.errors[f"connect_refused:{refused.code}"] += 1
                    return
                except (TimeoutError, OSError, ConnectionError) as error:
                    self.errors[f"connect_failed:{type(error).__name__}"] += 1
                    return
                member.alive = True

        await asyncio.gather(*(connect(m) for m in self.members()))

    async def wait_first_state(self, seconds: float = 60.0) -> None:
        deadline = self.now() + seconds
        while any(m.alive and m.max_seen == 0 for m in self.members()):
            if self.now() > deadline:
                self.errors["first_state_timeout"] += 1
                return
            await asyncio.sleep(0.05)

    async def start_games(self) -> None:
        async def start(room: Room) -> None:
            fac = room.facilitator
            if not fac.alive or fac.conn is None:
                return
            answer = await self.call(fac, {"type": "start", "key": "start"})
            if answer is not None:
                self.phases_seen.add(PHASES[0])

        await asyncio.gather(*(start(room) for room in self.rooms))

    async def call(self, member: Member, payload: dict[str, Any], timeout: float = 120.0) -> Any:
        """A scripted action (set-up): its answer, or None with the error counted."""
        assert member.conn is not None
        if "key" not in payload:
            member.keys += 1
            payload["key"] = f"k{member.keys}"
        try:
            answer = await member.conn.call("action", payload, timeout)
        except TimeoutError:
            self.errors["ack_timeout"] += 1
            return None
        if not isinstance(answer, dict) or not answer.get("ok"):
            code = answer.get("code") if isinstance(answer, dict) else "bad_answer"
            self.errors[f"refused:{code}"] += 1
            return None
        return answer

    async def prefill(self) -> None:
        """Cards, then reactions, sent all at once by the players (a room that has played)."""
        config = self.config
        if not (config.prefill_cards or config.prefill_reactions):
            return
        sends = []
        for room in self.rooms:
            players = [m for m in room.players if m.alive]
            for n in range(config.prefill_cards):
                member = players[n % len(players)]
                sends.append(self.call(member, self.post_card(member, 1)))
        answers = await asyncio.gather(*sends)
        newest = max((a["version"] for a in answers if a), default=0)
        await self.wait_seen(newest)
        sends = []
        for room in self.rooms:
            cards = room.mirror.card_list(self.now(), force=True)
            players = [m for m in room.players if m.alive]
            for n in range(config.prefill_reactions):
                member = players[n % len(players)]
                reaction = self.reaction(member, cards, attempts=50, fresh=True)
                if reaction is None:
                    self.errors["prefill_no_card"] += 1
                    continue
                member.reactions.add(reaction[1])
                member.pending_reacts.discard(reaction[1])
                sends.append(self.call(member, reaction[0]))
        answers = await asyncio.gather(*sends)
        newest = max((a["version"] for a in answers if a), default=newest)
        await self.wait_seen(newest)
        for room in self.rooms:
            room.mirror.card_list(self.now(), force=True)

    async def wait_seen(self, version: int, seconds: float = 120.0) -> None:
        """Until every facilitator has seen `version` of its room (set-up only)."""
        deadline = self.now() + seconds
        while any(r.facilitator.alive and r.facilitator.max_seen < version for r in self.rooms):
            if self.now() > deadline:
                return
            await asyncio.sleep(0.05)

    async def load(self) -> None:
        """Warm up, measure for the window, stop sending, wait for what is in flight."""
        config = self.config
        loop = asyncio.get_running_loop()
        self.running = True
        now = loop.time()
        for room in self.rooms:
            for member in room.players:
                if member.alive:
                    member.next_at = now + self.rng.uniform(0, config.interval_s)
                    loop.call_at(member.next_at, self.tick, member)
            if self.game and config.steer:
                loop.call_at(now + self.rng.uniform(0, config.play_s), self.steer, room)
        loop.call_later(0.5, self.janitor)
        await asyncio.sleep(config.warmup_s)
        self.begin_window()
        sample_every = min(0.5, config.slice_s)
        end = loop.time() + config.duration_s
        next_slice = loop.time() + config.slice_s
        while loop.time() < end:
            await asyncio.sleep(min(sample_every, max(0.0, end - loop.time())))
            rss = self.probe.rss()
            if rss is not None:
                self.rss_samples.append(rss)
            if loop.time() >= next_slice:
                self.take_slice()
                next_slice += config.slice_s
        self.end_window()
        self.running = False
        deadline = loop.time() + config.drain_s
        while (self.unacked or any(r.waiting for r in self.rooms)) and loop.time() < deadline:
            await asyncio.sleep(0.05)
        self.expire(-1.0)  # what is still on its way after the drain never arrived

    def begin_window(self) -> None:
        self.measuring = True
        self.window = {
            "start": self.now(),
            "server_cpu": self.probe.cpu(),
            "server_cpu_each": self.probe.cpu_each(),
            "service_cpu": self.probe.service_cpu(),
            "own_cpu": time.process_time(),
            "machine_cpu": procs.busy_cpu_seconds(),
            "cpu_pressure": procs.cpu_pressure(),
            "log_start": self.probe.log_size(),
            "wire_bytes": self.wire_bytes(),
        }
        self.take_slice()
        if self.config.window_file:
            with open(self.config.window_file, "w", encoding="ascii") as marker:
                marker.write(f"{time.time()}\n")

    def end_window(self) -> None:
        self.measuring = False
        if self.now() - self.slices[-1]["t"] > self.config.slice_s / 4:
            self.take_slice()  # the last part of the window, unless it is a sliver
        self.window.update(
            end=self.now(),
            server_cpu_end=self.probe.cpu(),
            server_cpu_each_end=self.probe.cpu_each(),
            service_cpu_end=self.probe.service_cpu(),
            own_cpu_end=time.process_time(),
            machine_cpu_end=procs.busy_cpu_seconds(),
            cpu_pressure_end=procs.cpu_pressure(),
            log_end=self.probe.log_size(),
            wire_bytes_end=self.wire_bytes(),
            server_rss_end=self.probe.rss(),
        )

    def wire_bytes(self) -> int:
        return sum(m.conn.reader.wire_bytes for m in self.members() if m.conn and m.conn.reader)

    def take_slice(self) -> None:
        self.slices.append(
            {
                "t": self.now(),
                "deliveries": self.deliveries,
                "sent": self.sent_in_window,
                "server_cpu": self.probe.cpu(),
                "server_rss": self.probe.rss(),
            }
        )

    # Players

    def tick(self, member: Member) -> None:
        """A player's turn; the next one is `interval_s` later (missed turns are skipped)."""
        if not self.running or not member.alive:
            return
        loop = self.loop
        assert loop is not None
        now = loop.time()
        if self.measuring:
            self.lateness_ms.append((now - member.next_at) * 1000)
        interval = self.config.interval_s
        member.next_at += interval
        if member.next_at < now:
            self.skipped["generator_behind"] += 1
            member.next_at = now + interval
        loop.call_at(member.next_at, self.tick, member)
        room = member.room
        if room.steering and now - room.steer_began < HOLD_MAX_S:
            self.skipped["phase_change"] += 1
            return
        if member.outstanding >= MAX_OUTSTANDING:
            self.skipped["backlog"] += 1
            return
        chosen = self.choose(member, now)
        if chosen is None:
            self.skipped["nothing_to_do"] += 1
            return
        payload, react_key = chosen
        self.send(member, payload, react_key, now)

    def choose(
        self, member: Member, now: float
    ) -> tuple[dict[str, Any], tuple[str, str] | None] | None:
        """A valid action for this player in the room's current phase."""
        room = member.room
        round_number, phase = PHASES[room.step]
        if not self.game:
            member.made += 1
            return {"type": "post_card", "text": self.card_text(member, round_number)}, None
        if phase == "reflection":
            member.made += 1
            text = f"{member.tag} Wat ik leerde in ronde {round_number} ({member.made})"
            shared = self.rng.random() < 0.5
            return {"type": "save_reflection", "text": text, "shared": shared}, None
        cards = room.mirror.card_list(now)
        roll = self.rng.random()
        full = (
            member.posts[round_number] >= MAX_CARDS_PER_ROUND
            or member.load_posts[round_number] >= self.config.cards_per_round
        )
        if roll < EDIT_SHARE:
            own = [c for c in cards if c.round == round_number and c.text.startswith(member.tag)]
            if own:
                card = self.rng.choice(own)
                member.made += 1
                text = f"{self.card_text(member, round_number)} (bewerkt)"
                return {"type": "edit_card", "card_id": card.id, "text": text}, None
        if roll < EDIT_SHARE + REACT_SHARE or full:
            reaction = self.reaction(member, cards)
            if reaction is not None:
                return reaction
        if full:
            return None
        member.load_posts[round_number] += 1
        return self.post_card(member, round_number), None

    def card_text(self, member: Member, round_number: int) -> str:
        member.made += 1
        idea = IDEAS[(member.index + member.made) % len(IDEAS)]
        return f"{member.tag} {idea} (ronde {round_number}, #{member.made})"

    def post_card(self, member: Member, round_number: int) -> dict[str, Any]:
        member.posts[round_number] += 1
        return {"type": "post_card", "text": self.card_text(member, round_number)}

    def reaction(
        self, member: Member, cards: list[Card], attempts: int = 4, fresh: bool = False
    ) -> tuple[dict[str, Any], tuple[str, str]] | None:
        """Switch one of this player's reactions on another's card (on when off, off when on;
        with `fresh`, only reactions this player has not given yet)."""
        if not cards:
            return None
        for _ in range(attempts):
            card = self.rng.choice(cards)
            if card.text.startswith(member.tag):
                continue
            kind = self.rng.choice(REACTION_KINDS)
            key = (card.id, kind)
            if key in member.pending_reacts or (fresh and key in member.reactions):
                continue
            member.pending_reacts.add(key)
            on = key not in member.reactions
            return {"type": "react", "card_id": card.id, "kind": kind, "on": on}, key
        return None

    def send(
        self,
        member: Member,
        payload: dict[str, Any],
        react_key: tuple[str, str] | None,
        now: float,
    ) -> None:
        assert member.conn is not None
        member.keys += 1
        payload["key"] = f"k{member.keys}"
        kind = str(payload["type"])
        pending = Pending(
            member,
            kind,
            now,
            self.measuring,
            fanout=(kind in FANOUT_TYPES) or not self.game,
            round=PHASES[member.room.step][0],
            epoch=member.room.epoch,
            uncertain=member.room.steering,
            react_key=react_key,
        )
        member.outstanding += 1
        member.room.outstanding += 1
        self.unacked.add(pending)
        self.sent += 1
        if self.measuring:
            self.sent_in_window += 1
        member.conn.emit("action", payload, partial(self.on_ack, pending))

    def on_ack(self, pending: Pending, answer: Any) -> None:
        if pending.over:
            return  # already counted as a timeout
        now = self.now()
        member, room = pending.member, pending.member.room
        self.unacked.discard(pending)
        member.outstanding -= 1
        room.outstanding -= 1
        if pending.react_key is not None:
            member.pending_reacts.discard(pending.react_key)
        if pending.in_window:
            self.ack_ms.setdefault(pending.type, []).append((now - pending.sent_at) * 1000)
        if not isinstance(answer, dict) or not isinstance(answer.get("ok"), bool):
            self.errors["bad_answer"] += 1
            pending.over = True
            return
        if not answer["ok"]:
            code = answer.get("code")
            if code in RACE_REFUSALS and (pending.epoch < room.epoch or pending.uncertain):
                self.raced[str(code)] += 1
            else:
                self.errors[f"refused:{code}"] += 1
            if pending.type == "post_card":
                member.posts[pending.round] -= 1
                member.load_posts[pending.round] -= 1
            pending.over = True
            return
        if pending.react_key is not None:
            member.reactions ^= {pending.react_key}
        version = answer.get("version")
        if not pending.fanout:
            pending.over = True
            return
        if not isinstance(version, int):
            self.errors["bad_answer"] += 1
            pending.over = True
            return
        pending.version = version
        pending.remaining = {
            m.index for m in room.members if m is not member and m.alive and m.max_seen < version
        }
        if pending.remaining:
            room.waiting.append(pending)
        else:
            self.fanned_out(pending, now)

    def fanned_out(self, pending: Pending, now: float) -> None:
        pending.over = True
        if pending.in_window:
            self.fanout_ms.append((now - pending.sent_at) * 1000)
            self.fanout_sent.append(pending.sent_at)

    # What the sockets receive

    def on_event(self, conn: SioConnection, name: str, text: str) -> None:
        member: Member = conn.tag
        if self.measuring:
            self.messages += 1
        if name in VERSIONED_EVENTS:
            room = member.room
            if member.index == 0 and self.game:
                room.mirror.take(name, text)
                if room.mirror.broken:
                    room.mirror.broken = False
                    self.errors["patch_did_not_apply"] += 1
                    conn.emit("resync", {"last_seq": member.max_seen}, lambda _answer: None)
            version = scan_version(text)
            if version is None:
                self.errors["message_without_version"] += 1
                return
            if version > member.max_seen:
                member.max_seen = version
                if self.measuring:
                    self.deliveries += 1
                if room.waiting:
                    self.seen(room, member.index, version)
        elif name == "notice":
            body = event_body(text)
            code = body.get("code") if isinstance(body, dict) else None
            self.errors[f"notice:{code}"] += 1

    def seen(self, room: Room, index: int, version: int) -> None:
        finished: list[Pending] | None = None
        for pending in room.waiting:
            if pending.version <= version and index in pending.remaining:
                pending.remaining.discard(index)
                if not pending.remaining:
                    finished = finished or []
                    finished.append(pending)
        if finished:
            now = self.now()
            for pending in finished:
                room.waiting.remove(pending)
                self.fanned_out(pending, now)

    def on_close(self, conn: SioConnection, reason: str) -> None:
        member: Member = conn.tag
        member.alive = False
        self.errors[f"disconnect:{reason}"] += 1
        self.protocol_errors.extend(conn.protocol_errors)
        room = member.room
        for pending in list(room.waiting):
            pending.remaining.discard(member.index)
            if not pending.remaining:
                room.waiting.remove(pending)
                self.fanned_out(pending, self.now())

    # The facilitator

    def steer(self, room: Room) -> None:
        """Time for the next phase: hold the players' new actions until those in flight are
        answered (at most STEER_WAIT_S), then move. One phase change at a time per room."""
        if not self.running or not room.facilitator.alive or room.steering:
            return
        room.steering = True
        room.steer_began = self.now()
        room.steer_sent_at = 0.0
        room.steer_late = False
        self.steer_when_quiet(room)

    def steer_when_quiet(self, room: Room) -> None:
        assert self.loop is not None
        if not self.running:
            room.steering = False
            return
        now = self.now()
        if room.outstanding > 0 and now - room.steer_began < STEER_WAIT_S:
            self.loop.call_later(0.01, self.steer_when_quiet, room)
            return
        target = room.step + room.direction
        if not 0 <= target < len(PHASES):
            room.direction = -room.direction
            target = room.step + room.direction
        kind = "next_phase" if room.direction > 0 else "previous_phase"
        room.epoch += 1
        fac = room.facilitator
        assert fac.conn is not None
        room.steer_sent_at = now
        on_answer = partial(self.on_steered, room, target, now, self.measuring)
        # The bench steps faster than a person: it confirms, as a console would after asking.
        message = {"type": kind, "key": f"s{room.epoch}", "confirm": True}
        fac.conn.emit("action", message, on_answer)

    def on_steered(
        self, room: Room, target: int, sent_at: float, in_window: bool, answer: Any
    ) -> None:
        """The phase change's answer, however late: the room's phase is what the server says."""
        now = self.now()
        room.steering = False
        if in_window:
            self.ack_ms.setdefault("phase_change", []).append((now - sent_at) * 1000)
        if isinstance(answer, dict) and answer.get("ok"):
            room.step = target
            self.phases_seen.add(PHASES[target])
        else:
            code = answer.get("code") if isinstance(answer, dict) else "bad_answer"
            self.errors[f"refused:{code}"] += 1
        self.schedule_steer(room, now)

    def schedule_steer(self, room: Room, now: float) -> None:
        assert self.loop is not None
        if self.running:
            phase = PHASES[room.step][1]
            wait = self.config.play_s if phase == "play" else self.config.reflection_s
            self.loop.call_at(now + wait, self.steer, room)

    # Time-outs

    def janitor(self) -> None:
        assert self.loop is not None
        self.expire(self.config.ack_timeout_s)
        if self.running or self.unacked:
            self.loop.call_later(0.5, self.janitor)

    def expire(self, older_than: float) -> None:
        """Count what waited longer than `older_than` seconds as timed out (inf latency)."""
        now = self.now()
        for pending in list(self.unacked):
            if now - pending.sent_at > older_than:
                self.unacked.discard(pending)
                pending.over = True
                pending.member.outstanding -= 1
                pending.member.room.outstanding -= 1
                self.errors["ack_timeout"] += 1
                if pending.in_window:
                    self.ack_ms.setdefault(pending.type, []).append(math.inf)
                    if pending.fanout:
                        self.fanout_ms.append(math.inf)
                        self.fanout_sent.append(pending.sent_at)
        fanout_limit = min(older_than, self.config.fanout_timeout_s)
        for room in self.rooms:
            for pending in list(room.waiting):
                if now - pending.sent_at > fanout_limit:
                    room.waiting.remove(pending)
                    pending.over = True
                    self.errors["fanout_timeout"] += 1
                    if pending.in_window:
                        self.fanout_ms.append(math.inf)
                        self.fanout_sent.append(pending.sent_at)
            sent = room.steer_sent_at
            if room.steering and sent and now - sent > older_than and not room.steer_late:
                # Counted once; the room still waits for the answer before it steers again.
                room.steer_late = True
                self.errors["ack_timeout"] += 1

    # The end

    def close(self) -> None:
        for member in self.members():
            if member.conn is not None:
                self.protocol_errors.extend(member.conn.protocol_errors)
                member.conn.close()

    def tokens(self) -> list[dict[str, Any]]:
        """The rooms' ids, codes and tokens (set-up only runs: other steps use them)."""
        return [
            {
                "room_id": room.room_id,
                "code": room.code,
                "facilitator_token": room.facilitator_token,
                "players": [
                    {"player_id": m.player_id, "token": m.token, "max_seen": m.max_seen}
                    for m in room.players
                ],
                "version": room.facilitator.max_seen,
            }
            for room in self.rooms
        ]

    def results(self) -> dict[str, Any]:
        window = self.window
        seconds = max(1e-9, window["end"] - window["start"])
        server_cpu = None
        if window.get("server_cpu") is not None and window.get("server_cpu_end") is not None:
            server_cpu = window["server_cpu_end"] - window["server_cpu"]
        own_cpu = window["own_cpu_end"] - window["own_cpu"]
        services = self.service_figures(seconds)
        service_cpu = sum(figures["cpu_s"] or 0.0 for figures in services.values())
        # Everything else the machine ran meanwhile (other work sharing the cores): noise.
        others = (
            window["machine_cpu_end"] - window["machine_cpu"]
            - own_cpu - (server_cpu or 0) - service_cpu
        )  # fmt: skip
        received = window["wire_bytes_end"] - window["wire_bytes"]
        fanouts = summarize(self.fanout_ms)
        rss_max = max(self.rss_samples) if self.rss_samples else window.get("server_rss_end")
        return {
            "window_s": round(seconds, 2),
            "actions_sent": self.sent_in_window,
            "actions_per_s": round(self.sent_in_window / seconds, 1),
            "latency_ms": fanouts,
            "ack_ms": {kind: summarize(values) for kind, values in sorted(self.ack_ms.items())},
            "deliveries": self.deliveries,
            "deliveries_per_s": round(self.deliveries / seconds, 1),
            "messages_per_s": round(self.messages / seconds, 1),
            "received_mb_per_s": round(received / seconds / 1e6, 3),
            "server": {
                "cpu_s": None if server_cpu is None else round(server_cpu, 3),
                "cpu_s_each": [
                    round(end - start, 3)
                    for start, end in zip(
                        window["server_cpu_each"], window["server_cpu_each_end"], strict=False
                    )
                ],
                "cpu_percent": None if server_cpu is None else round(100 * server_cpu / seconds, 1),
                "ms_per_delivery": (
                    round(1000 * server_cpu / self.deliveries, 4)
                    if server_cpu is not None and self.deliveries
                    else None
                ),
                "ms_per_action": (
                    round(1000 * server_cpu / self.sent_in_window, 3)
                    if server_cpu is not None and self.sent_in_window
                    else None
                ),
                "rss_max": rss_max,
                "rss_end": window.get("server_rss_end"),
            },
            "services": services,
            "generator": {
                "cpu_s": round(own_cpu, 3),
                "cpu_percent": round(100 * own_cpu / seconds, 1),
                "tick_lateness_ms": summarize(self.lateness_ms),
            },
            "noise": {
                "other_cpu_percent": round(100 * max(0.0, others) / seconds, 1),
                "cpu_pressure_some_avg10": [window["cpu_pressure"], window["cpu_pressure_end"]],
            },
            "skipped": dict(self.skipped),
            "raced_phase_change": dict(self.raced),
            "phases_seen": [f"{r}:{p}" for r, p in sorted(self.phases_seen)],
            "log_window": [window.get("log_start"), window.get("log_end")],
            "timeline": self.timeline(),
        }

    def service_figures(self, seconds: float) -> dict[str, dict[str, float | None]]:
        """Per program of the cluster: CPU seconds in the window, % of a core, and ms per
        delivered message."""
        start, end = self.window["service_cpu"], self.window["service_cpu_end"]
        figures: dict[str, dict[str, float | None]] = {}
        for name in self.config.service_pids:
            before, after = start.get(name), end.get(name)
            used = None if before is None or after is None else after - before
            figures[name] = {
                "cpu_s": None if used is None else round(used, 3),
                "cpu_percent": None if used is None else round(100 * used / seconds, 1),
                "ms_per_delivery": (
                    round(1000 * used / self.deliveries, 4)
                    if used is not None and self.deliveries
                    else None
                ),
            }
        return figures

    def timeline(self) -> list[dict[str, Any]]:
        """Per slice of the window: deliveries/s, p99 of the actions sent in it, server CPU."""
        rows = []
        pairs = sorted(zip(self.fanout_sent, self.fanout_ms, strict=True))
        for before, after in zip(self.slices, self.slices[1:], strict=False):
            seconds = max(1e-9, after["t"] - before["t"])
            latencies = [ms for sent, ms in pairs if before["t"] <= sent < after["t"]]
            cpu = None
            if before["server_cpu"] is not None and after["server_cpu"] is not None:
                cpu = round(100 * (after["server_cpu"] - before["server_cpu"]) / seconds, 1)
            rows.append(
                {
                    "t_s": round(before["t"] - self.window["start"], 1),
                    "deliveries_per_s": round(
                        (after["deliveries"] - before["deliveries"]) / seconds, 1
                    ),
                    "actions": after["sent"] - before["sent"],
                    "p99_ms": summarize(latencies)["p99"],
                    "server_cpu_percent": cpu,
                    "server_rss": after["server_rss"],
                }
            )
        return rows


def run(config: LoadConfig) -> dict[str, Any]:
    """One generator run in this process (a fresh event loop)."""
    procs.raise_file_limit()
    # Fewer collector passes: the generator's pauses would show up as server latency.
    gc.set_threshold(50_000, 50, 100)
    return asyncio.run(LoadGenerator(config).run())


def main(argv: list[str] | None = None) -> None:
    """`python -m rolwissel_client.bench.loadgen [CONFIG.json]`: the config as JSON (from the
    file, or stdin without one) in, the result as JSON on stdout."""
    args = sys.argv[1:] if argv is None else argv
    text = Path(args[0]).read_text(encoding="utf-8") if args else sys.stdin.read()
    config = LoadConfig(**json.loads(text))
    result = run(config)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
