"""What the attack tests share: a room in play with real players, and a probe that measures how
quickly /healthz and a player's action are answered while an attack runs.

The players and the probe use 127.0.0.1 unless told otherwise; attackers use 127.0.0.2 and up,
so that the per-address caps meet the attacker, not the people playing.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from serverproc import Server
from wire import HOST, SocketIO, new_room, take_seat

Start = Callable[..., Server]  # the `serve` fixture: start a server with these settings


def source(n: int) -> str:
    """The n-th attacker address: 127.0.0.2, 127.0.0.3, ... (n from 0)."""
    return f"127.0.{n // 250}.{2 + n % 250}"


@dataclass
class PlayingRoom:
    """A room in round 1 with a facilitator and players connected over raw websockets; each
    player has posted one card, which `act` edits (an action that is always applied)."""

    port: int
    room_id: str
    facilitator: SocketIO
    players: list[SocketIO]
    cards: list[str]
    edits: int = 0

    @classmethod
    def start(cls, port: int, sources: tuple[str, ...] = (HOST,), lang: str = "nl") -> PlayingRoom:
        url = f"http://{HOST}:{port}"
        created = new_room(url)
        room = created["rooms"][0]
        seats = [take_seat(url, room["code"], f"Speler{n}") for n in range(len(sources))]
        auth = {"room": room["room_id"], "token": created["facilitator_token"], "lang": lang}
        facilitator = SocketIO.join(port, auth)
        players = [
            SocketIO.join(
                port, {"room": room["room_id"], "token": s["seat_token"], "lang": lang}, source=at
            )
            for s, at in zip(seats, sources, strict=True)
        ]
        version = len(seats) + 1  # created, then one join each
        started = facilitator.call(
            "action", {"type": "start", "key": "start", "expected_version": version}
        )
        assert started["ok"], started
        cards = []
        for n, player in enumerate(players):
            posted = player.call(
                "action", {"type": "post_card", "key": f"c{n}", "text": f"kaart {n}"}
            )
            assert posted["ok"], posted
            cards.append(_own_card(player))
        return cls(port, room["room_id"], facilitator, players, cards)

    def act(self, n: int = 0) -> dict[str, Any]:
        """Player n edits their card (a new text each time): the answer to a real action."""
        self.edits += 1
        fields = {"card_id": self.cards[n], "text": f"bewerkt {self.edits}"}
        return dict(
            self.players[n].call(
                "action", {"type": "edit_card", "key": f"e{self.edits}", **fields}, timeout=5
            )
        )

    def close(self) -> None:
        for client in [self.facilitator, *self.players]:
            client.close()


def _own_card(player: SocketIO) -> str:
    # After an action the server sends patches: ask for the whole view, which lists the card.
    player.call("resync", {})
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for (state,) in reversed(player.events("state")):
            mine = state["view"]["me"]["card_ids"]
            if mine:
                return str(mine[-1])
        time.sleep(0.02)
    raise AssertionError("the player's card did not arrive")


@dataclass
class Probe:
    """Every `every` seconds: GET /healthz and one player action, each timed (ms)."""

    port: int
    room: PlayingRoom
    every: float = 0.1
    healthz_ms: list[float] = field(default_factory=list)
    action_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    players: tuple[int, ...] = (0,)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Probe:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join(10)

    def _run(self) -> None:
        session = requests.Session()
        turn = 0
        while not self._stop.is_set():
            started = time.perf_counter()
            try:
                reply = session.get(f"http://{HOST}:{self.port}/healthz", timeout=5)
                self._took(started, self.healthz_ms)
                if reply.status_code != 200:
                    self.failures.append(f"healthz {reply.status_code}")
            except requests.RequestException as error:
                self.failures.append(f"healthz {error}")
            player = self.players[turn % len(self.players)]
            turn += 1
            started = time.perf_counter()
            try:
                answer = self.room.act(player)
                self._took(started, self.action_ms)
                if not answer.get("ok"):
                    self.failures.append(f"action {answer}")
            except (TimeoutError, OSError) as error:
                self.failures.append(f"action {error}")
            self._stop.wait(self.every)

    @staticmethod
    def _took(started: float, into: list[float]) -> None:
        into.append((time.perf_counter() - started) * 1000)

    def summary(self) -> str:
        def line(name: str, values: list[float]) -> str:
            if not values:
                return f"{name}: none"
            return (
                f"{name}: n={len(values)} median={statistics.median(values):.1f} ms "
                f"max={max(values):.1f} ms"
            )

        return "; ".join([line("healthz", self.healthz_ms), line("action", self.action_ms)])

    def assert_fast(self, limit_ms: float = 500.0, at_least: int = 5) -> None:
        assert not self.failures, self.failures[:5]
        assert len(self.healthz_ms) >= at_least and len(self.action_ms) >= at_least, self.summary()
        assert max(self.healthz_ms) < limit_ms, self.summary()
        assert max(self.action_ms) < limit_ms, self.summary()


def tracebacks(server: Server) -> list[str]:
    """The lines of the server's output that start a traceback."""
    return [row for row in server.text.splitlines() if "Traceback" in row]
