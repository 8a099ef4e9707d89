"""`rolwissel simulate`: a whole game played through the real protocol by scripted people.

A facilitator and N participants, each on a Socket.IO connection of their own, play a room
the way browsers do: the room and the seats come from the HTTP API (POST /api/rooms,
POST /api/join), everything else is an `action` message with an idempotency key, answered
with an acknowledgement. When a connection drops before the answer came, the action is sent
again with the same key after the reconnect, as the browser's buffered emit would: the server
applies it once.

`ScriptedGame` is the library the command, the crash test and the load benchmark share: its
`steps()` can be run one by one, every answer is recorded as an `AckRecord` (key, version,
timing), every intention sent is kept in `sent`, and every `state` a connection received is
in its `states`. Given the same seed, the same players say, react and vote the same things;
with `concurrent=False` (the default) the actions also arrive in the same order, so two runs
write the same events.

Only click and the standard library are imported at the top: game/cli.py imports this module
for every command, `serve` included, and `serve` must monkey-patch with eventlet before
python-socketio, requests or pydantic are imported.
"""

from __future__ import annotations

import itertools
import random
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import click

DEFAULT_URL = "http://127.0.0.1:5000"
DEFAULT_SCENARIO = "buurtkamer-bibliotheek"
ROLES = ("inwoner", "raadslid", "ambtenaar")
# The summary page and its downloads, after /room/<id>/summary.
SUMMARY_SUFFIXES = ("", ".pdf", ".md", ".json", ".csv")
# A refusal that means "try again in a moment": the server is stopping (SIGTERM).
RETRY_CODES = frozenset({"server_restarting"})

NAMES = (
    "Anna", "Bram", "Cem", "Dina", "Eva", "Fatima", "Gijs", "Hanna", "Ilse", "Joost",
    "Karim", "Lotte", "Mohamed", "Noor", "Olaf", "Priya", "Quinten", "Rosa", "Sven", "Tess",
    "Umut", "Vera", "Wout", "Xandra", "Yusuf", "Zoë",
)  # fmt: skip

# What the scripted people write, per round and language (the lens of each round).
IDEAS: dict[str, dict[int, tuple[str, ...]]] = {
    "nl": {
        1: (
            "Een plek waar buren elkaar echt ontmoeten",
            "Iedereen moet mee kunnen doen, ook wie weinig geld heeft",
            "Minder eenzaamheid in de wijk",
            "Meer vertrouwen tussen inwoners en gemeente",
            "Jong en oud samen in één ruimte",
            "De buurt krijgt er zelf iets voor terug",
        ),
        2: (
            "Past het binnen de regels voor dit gebouw?",
            "Wie betaalt de huur na het eerste jaar?",
            "Genoeg vrijwilligers voor vaste openingstijden",
            "Een verzekering voor de activiteiten",
            "Duidelijke afspraken over sleutels en schoonmaak",
            "Eén vaste contactpersoon bij de gemeente",
        ),
        3: (
            "Ja, mits de kosten per jaar vastliggen",
            "Wie zit er nu niet aan tafel?",
            "Eerlijk tegenover andere wijken",
            "Ja, mits er na een jaar een evaluatie komt",
            "De opbrengst voor de buurt weegt zwaar",
            "Ja, mits de drempel laag blijft voor iedereen",
        ),
        4: (
            "Begin met een proef van een jaar",
            "De gemeente helpt het eerste jaar met de huur",
            "Een groep bewoners houdt de regie",
            "Elk halfjaar een open avond voor de buurt",
            "Een vast aanspreekpunt bij de gemeente",
            "Een kort verslag voor de raad na elk seizoen",
        ),
    },
    "en": {
        1: (
            "A place where neighbours really meet",
            "Everyone can take part, also people with little money",
            "Less loneliness in the neighbourhood",
            "More trust between residents and the municipality",
            "Young and old together in one room",
            "The neighbourhood gets something back itself",
        ),
        2: (
            "Does it fit the rules for this building?",
            "Who pays the rent after the first year?",
            "Enough volunteers for fixed opening hours",
            "Insurance for the activities",
            "Clear agreements about keys and cleaning",
            "One contact person at the municipality",
        ),
        3: (
            "Yes, provided the yearly costs are fixed",
            "Who is not at the table now?",
            "Fair to other neighbourhoods",
            "Yes, provided there is a review after one year",
            "What it brings the neighbourhood weighs heavily",
            "Yes, provided it stays easy for everyone to join",
        ),
        4: (
            "Start with a one-year trial",
            "The municipality helps with the rent in the first year",
            "A group of residents stays in charge",
            "An open evening for the neighbourhood every six months",
            "One fixed contact at the municipality",
            "A short report to the council after each season",
        ),
    },
}

WORDS = {
    "nl": {
        "round": "ronde",
        "reflection": "Als {role} zag ik in ronde {round} iets wat ik zelf niet zie",
        "decision": "De gemeente zegt ja tegen het plan “{title}”, mits aan deze voorwaarden"
        " wordt voldaan.",
        "amended": " Na een jaar kijken we samen terug.",
        "new_condition": "De buurt kan elk jaar zeggen wat beter kan",
        "reason": "Zonder evaluatie gaan we te lang vast",
        "needed": "Een evaluatie na één jaar",
        "doubt": "Let op de mensen die nu niet aan tafel zitten",
        "resolved": "Met de evaluatie kan ik leven",
        "role": {"inwoner": "inwoner", "raadslid": "raadslid", "ambtenaar": "ambtenaar"},
    },
    "en": {
        "round": "round",
        "reflection": "As a {role} I saw something in round {round} that I do not see myself",
        "decision": "The municipality says yes to the plan “{title}”, provided these conditions"
        " are met.",
        "amended": " After one year we look back together.",
        "new_condition": "The neighbourhood can say every year what could be better",
        "reason": "Without a review we commit for too long",
        "needed": "A review after one year",
        "doubt": "Mind the people who are not at the table now",
        "resolved": "With the review I can live with it",
        "role": {"inwoner": "resident", "raadslid": "council member", "ambtenaar": "civil servant"},
    },
}


class SimulationError(RuntimeError):
    """The game could not go on: the server refused a step or stopped answering."""


@dataclass(frozen=True)
class AckRecord:
    """The answer to one action: ok with the room's version, or a refusal with its code."""

    label: str  # "facilitator" or the player's name
    actor: str  # the actor id the server knows: "facilitator" or the player id
    key: str
    type: str
    ok: bool
    version: int | None
    code: str | None
    sent_at: float  # time.time() when first sent
    answered_at: float  # time.time() when the answer came
    attempts: int  # 1, or more when the connection dropped and the action was sent again

    @property
    def latency_ms(self) -> float:
        return (self.answered_at - self.sent_at) * 1000


@dataclass(frozen=True)
class Sent:
    """An intention as it went over the wire (with its key), by whom."""

    actor: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """What the game decided, said in words, and where its summary is."""

    room_id: str
    gedragen: bool
    sentence: str
    ballots: int
    groups: tuple[dict[str, Any], ...]
    urls: tuple[str, ...]


class Connection:
    """One Socket.IO connection: a seat, the facilitator or (token None) the big screen.

    It records every `state` and `notice` it receives, reconnects by itself, and sends
    actions with a fresh key each, sending one again (same key) when the connection dropped
    before the answer came.
    """

    def __init__(self, game: ScriptedGame, label: str, token: str | None, actor: str | None):
        import socketio

        self.game = game
        self.label = label
        self.token = token
        self.actor = actor  # None for the big screen, which cannot act
        # Every `state` received, in the order the handlers ran (python-engineio runs each
        # message's handler in a thread of its own, so that is not always version order),
        # and when each came (time.time()).
        self.states: list[dict[str, Any]] = []
        self.received_at: list[float] = []
        self._newest: dict[str, Any] | None = None
        self.notices: list[dict[str, Any]] = []
        self.scenario: dict[str, Any] | None = None
        self.connects = 0
        self.max_version = 0
        self._cond = threading.Condition()
        self._online = False
        self._epoch = 0  # +1 on every drop: an answer can no longer come on this socket
        self._keys = itertools.count(1)
        self.client = socketio.Client(reconnection_delay=0.1, reconnection_delay_max=0.5)
        self.client.on("connect", self._on_connect)
        self.client.on("disconnect", self._on_disconnect)
        self.client.on("state", self._on_state)
        self.client.on("notice", self._on_notice)

    # The socket

    def _auth(self) -> dict[str, Any]:
        # Called on every (re)connect: the last version seen goes along, as browsers do.
        return {
            "room": self.game.room_id,
            "token": self.token,
            "last_seq": self.max_version,
            "lang": self.game.lang,
        }

    def connect(self) -> None:
        self.client.connect(
            self.game.url, auth=self._auth, transports=["websocket"], wait_timeout=10
        )
        self.wait_for(lambda: bool(self.states), "the first state")

    def _on_connect(self) -> None:
        with self._cond:
            self._online = True
            self.connects += 1
            self._cond.notify_all()

    def _on_disconnect(self, reason: Any = None) -> None:
        with self._cond:
            self._online = False
            self._epoch += 1
            self._cond.notify_all()
        if reason == self.client.reason.TRANSPORT_ERROR:
            # python-engineio's client drops a websocket the server went away from without
            # closing it (one file descriptor per restart, a ResourceWarning when collected).
            ws = getattr(self.client.eio, "ws", None)
            if ws is not None:
                ws.shutdown()

    def _on_state(self, message: dict[str, Any]) -> None:
        with self._cond:
            self.states.append(message)
            self.received_at.append(time.time())
            if self._newest is None or message["version"] >= self._newest["version"]:
                self._newest = message
            self.max_version = max(self.max_version, int(message["version"]))
            if message.get("scenario"):
                self.scenario = message["scenario"]
            self._cond.notify_all()
        self.game._observe(int(message["version"]))

    def _on_notice(self, message: dict[str, Any]) -> None:
        with self._cond:
            self.notices.append(message)

    @property
    def online(self) -> bool:
        return self._online

    @property
    def latest(self) -> dict[str, Any]:
        """The `state` message with the highest version (the last one of those)."""
        with self._cond:
            assert self._newest is not None, "no state yet"
            return self._newest

    @property
    def view(self) -> dict[str, Any]:
        return dict(self.latest["view"])

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        """Wait until `condition` holds (checked on every message and connect)."""
        deadline = time.monotonic() + self.game.timeout
        with self._cond:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SimulationError(f"{self.label}: timed out waiting for {what}")
                self._cond.wait(min(left, 0.25))

    def wait_version(self, version: int) -> dict[str, Any]:
        """The view once this connection has seen `version` (or later)."""
        self.wait_for(
            lambda: self._newest is not None and self.max_version >= version,
            f"version {version}",
        )
        return self.view

    def close(self) -> None:
        """Disconnect, or stop reconnecting when the server is away (`disconnect` alone
        would leave python-socketio's reconnect loop running)."""
        self.client.shutdown()

    # Acting

    def act(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Send an action with a new key; return the answer (Ack or Refusal)."""
        import socketio

        if self.actor is None:
            raise SimulationError("the big screen cannot act")
        with self._cond:
            key = f"k{next(self._keys)}"
        payload = {**fields, "key": key}
        self.game._record_sent(Sent(self.actor, payload))
        sent_at = time.time()
        deadline = time.monotonic() + self.game.timeout
        attempts = 0
        while True:
            with self._cond:
                while not self._online:
                    self._wait(deadline, payload)
                epoch = self._epoch
            attempts += 1
            box: dict[str, Any] = {}

            def answered(reply: Any = None, box: dict[str, Any] = box) -> None:
                with self._cond:
                    box["reply"] = reply
                    self._cond.notify_all()

            try:
                self.client.emit("action", payload, callback=answered)
            except socketio.exceptions.BadNamespaceError:
                # Dropped between the check and the emit: wait for the reconnect.
                time.sleep(0.05)
                continue
            with self._cond:
                while "reply" not in box and self._epoch == epoch:
                    self._wait(deadline, payload)
            if "reply" not in box:
                continue  # the connection dropped before the answer: same key again
            reply = box["reply"]
            if not isinstance(reply, dict):
                raise SimulationError(f"{self.label}: a strange answer to {payload['type']}")
            if not reply.get("ok") and reply.get("code") in RETRY_CODES:
                time.sleep(0.2)
                continue
            self.game._record_ack(
                AckRecord(
                    label=self.label,
                    actor=self.actor,
                    key=key,
                    type=str(payload["type"]),
                    ok=bool(reply.get("ok")),
                    version=reply.get("version"),
                    code=reply.get("code"),
                    sent_at=sent_at,
                    answered_at=time.time(),
                    attempts=attempts,
                )
            )
            return reply

    def _wait(self, deadline: float, payload: dict[str, Any]) -> None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SimulationError(
                f"{self.label}: no answer to {payload['type']} within {self.game.timeout:.0f} s"
            )
        self._cond.wait(min(left, 0.25))

    def ok(self, fields: dict[str, Any]) -> int:
        """Act and insist on an acknowledgement; returns the room's version after it."""
        reply = self.act(fields)
        if not reply.get("ok"):
            raise SimulationError(
                f"{self.label}: {fields['type']} was refused: {reply.get('code')}"
                f" ({reply.get('message')})"
            )
        return int(reply["version"])


@dataclass
class Seat:
    """A scripted participant."""

    index: int
    name: str
    home_role: str
    player_id: str = ""
    token: str = ""
    conn: Connection | None = None

    @property
    def connection(self) -> Connection:
        assert self.conn is not None, "not connected yet"
        return self.conn


@dataclass(eq=False)
class ScriptedGame:
    """A whole game on a running server, step by step.

    `play()` runs every step; `steps()` gives them by name to run one at a time (the crash
    test kills the server between and during them). With `concurrent=True` the participants
    of a step act at the same time, each from a thread of their own (a burst of actions).
    """

    url: str
    players: int
    scenario_id: str = DEFAULT_SCENARIO
    seed: int = 1
    lang: str = "nl"
    concurrent: bool = False
    cards_per_round: int = 2
    screen: bool = False  # also connect a big screen (it only watches)
    timeout: float = 60.0  # seconds an action may wait for its answer, reconnects included
    log: Callable[[str], None] | None = None

    room_id: str = ""
    code: str = ""
    facilitator_token: str = ""
    seats: list[Seat] = field(default_factory=list)
    host: Connection | None = None
    big_screen: Connection | None = None
    acks: list[AckRecord] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    listeners: list[Callable[[AckRecord], None]] = field(default_factory=list)
    version: int = 0  # the highest room version any answer or state said
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.players < 1:
            raise ValueError("a game needs at least one player")
        if self.lang not in WORDS:
            raise ValueError("lang is nl or en")
        self.url = self.url.rstrip("/")
        names = list(NAMES)
        self._rng("names").shuffle(names)
        for index in range(self.players):
            base = names[index % len(names)]
            name = base if index < len(names) else f"{base} {index // len(names) + 1}"
            self.seats.append(Seat(index, name, ROLES[index % len(ROLES)]))

    # Bookkeeping

    def _rng(self, *parts: object) -> random.Random:
        """A random source for one decision: the same seed gives the same choice, whatever
        order the steps or threads ran in."""
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    def _observe(self, version: int) -> None:
        with self._lock:
            self.version = max(self.version, version)

    def _record_sent(self, sent: Sent) -> None:
        with self._lock:
            self.sent.append(sent)

    def _record_ack(self, record: AckRecord) -> None:
        with self._lock:
            self.acks.append(record)
            if record.ok and record.version is not None:
                self.version = max(self.version, record.version)
            listeners = list(self.listeners)
        for listener in listeners:
            listener(record)

    def _say(self, text: str) -> None:
        if self.log is not None:
            self.log(text)

    @property
    def connections(self) -> list[Connection]:
        """Every open connection: the facilitator, the seats, the big screen."""
        found = [self.host] if self.host else []
        found += [s.conn for s in self.seats if s.conn is not None]
        if self.big_screen is not None:
            found.append(self.big_screen)
        return found

    @property
    def facilitator(self) -> Connection:
        assert self.host is not None, "not connected yet"
        return self.host

    def _each(self, seats: Iterable[Seat], work: Callable[[Seat], None]) -> None:
        """Run `work` for each seat: one after the other, or all at once in threads."""
        seats = list(seats)
        if not self.concurrent:
            for seat in seats:
                work(seat)
            return
        errors: list[BaseException] = []

        def run(seat: Seat) -> None:
            try:
                work(seat)
            except BaseException as error:  # reported in the calling thread
                errors.append(error)

        threads = [
            threading.Thread(target=run, args=(s,), name=f"sim-{s.index}", daemon=True)
            for s in seats
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]

    def _steer(self, kind: str, **fields: Any) -> int:
        """A facilitator's steering button: sent with the version it was pressed at."""
        host = self.facilitator
        for _ in range(3):
            reply = host.act({"type": kind, **fields, "expected_version": self.version})
            if reply.get("ok"):
                return int(reply["version"])
            if reply.get("code") != "stale_version":
                break
            # The room moved on (a state was still under way): look again and press again.
            self._observe(int((reply.get("detail") or {}).get("version", self.version)))
        raise SimulationError(
            f"facilitator: {kind} was refused: {reply.get('code')} ({reply.get('message')})"
        )

    def _fresh_view(self, conn: Connection) -> dict[str, Any]:
        """The connection's view once it has caught up with every answer so far."""
        return conn.wait_version(self.version)

    # The steps

    def steps(self) -> list[tuple[str, Callable[[], None]]]:
        """Every step of the game in order, by name."""
        plan: list[tuple[str, Callable[[], None]]] = [
            ("create_room", self.create_room),
            ("join", self.join),
            ("connect", self.connect),
            ("start", self.start),
        ]
        for number in (1, 2, 3):
            plan += [
                (f"r{number}_cards", lambda n=number: self.post_cards(n)),
                (f"r{number}_reactions", lambda n=number: self.react(n)),
                (f"r{number}_to_reflection", self.next_phase),
                (f"r{number}_reflections", lambda n=number: self.reflect(n)),
                (f"r{number}_next", self.next_phase),
            ]
        plan += [
            ("r4_scores", self.score_options),
            ("r4_cards", lambda: self.post_cards(4)),
            ("r4_to_decision", self.next_phase),
            ("draft", self.draft_proposal),
            ("open_vote_1", self.open_vote),
            ("votes_1", lambda: self.cast_votes(1)),
            ("close_vote_1", self.close_vote),
            ("tally_1", self.show_tally),
        ]
        if self.objection_planned:
            plan += [
                ("amend", self.amend),
                ("open_vote_2", self.open_vote),
                ("votes_2", lambda: self.cast_votes(2)),
                ("close_vote_2", self.close_vote),
                ("tally_2", self.show_tally),
            ]
        plan += [
            ("r4_to_reflection", self.next_phase),
            ("r4_reflections", lambda: self.reflect(4)),
            ("close_game", self.close_game),
        ]
        return plan

    def answers_at_least(self, step: str) -> int:
        """The fewest answers a step of `steps()` gets: the participants' actions of a burst
        (the crash test aims its kills inside one with it); 0 for the facilitator's steps."""
        players = self.players
        if step == "r4_cards":
            return players
        if step.endswith("_cards"):
            return players * self.cards_per_round
        if step.endswith("_reactions"):
            return players if players > 1 else 0
        if step.endswith("_reflections") or step.startswith("votes_"):
            return players
        if step == "r4_scores":
            return players * len((self.facilitator.scenario or {}).get("options") or [])
        return 0

    def play(self) -> Outcome:
        """Every step, then the outcome."""
        for name, step in self.steps():
            self._say(name)
            step()
        return self.outcome()

    @property
    def objection_planned(self) -> bool:
        """With three players or more, the first ballot has a bezwaar (and an amendment)."""
        return self.players >= 3

    def create_room(self) -> None:
        """POST /api/rooms: a room on the scenario, and the facilitator token."""
        body = self._post("/api/rooms", {"scenario_id": self.scenario_id, "lang": self.lang})
        room = body["rooms"][0]
        self.room_id, self.code = room["room_id"], room["code"]
        self.facilitator_token = body["facilitator_token"]

    def join(self) -> None:
        """POST /api/join for every participant, in order (the order fixes the rotation)."""
        for seat in self.seats:
            body = self._post(
                "/api/join",
                {"code": self.code, "name": seat.name, "home_role": seat.home_role,
                 "lang": self.lang},
            )  # fmt: skip
            seat.player_id, seat.token = body["player_id"], body["seat_token"]

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        import requests

        try:
            reply = requests.post(self.url + path, json=body, timeout=self.timeout)
        except requests.RequestException as error:
            raise SimulationError(f"{path}: {error}") from error
        try:
            answer = reply.json()
        except ValueError:
            answer = {}
        if reply.status_code != 201 or not answer.get("ok"):
            raise SimulationError(
                f"{path}: {reply.status_code} {answer.get('code')} ({answer.get('message')})"
            )
        return dict(answer)

    def connect(self) -> None:
        """A socket for the facilitator, each participant and (optionally) the big screen."""
        self.host = Connection(self, "facilitator", self.facilitator_token, "facilitator")
        self.host.connect()
        for seat in self.seats:
            seat.conn = Connection(self, seat.name, seat.token, seat.player_id)
            seat.conn.connect()
        if self.screen:
            self.big_screen = Connection(self, "screen", None, None)
            self.big_screen.connect()

    def start(self) -> None:
        self._steer("start")

    def next_phase(self) -> None:
        self._steer("next_phase", confirm=True)  # a scripted leader moves on on purpose

    def open_vote(self) -> None:
        self._steer("open_vote")

    def close_vote(self) -> None:
        self._steer("close_vote")

    def show_tally(self) -> None:
        self.facilitator.ok({"type": "show_tally"})

    def close_game(self) -> None:
        self._steer("close_game")

    def card_text(self, seat: Seat, round_number: int, k: int, role: str | None) -> str:
        """The text of a participant's k-th card of a round (unique in the game)."""
        ideas = IDEAS[self.lang][round_number]
        idea = ideas[(seat.index + k * 3 + self._rng("idea", round_number).randrange(6)) % 6]
        role_word = WORDS[self.lang]["role"].get(role or seat.home_role, seat.home_role)
        word = WORDS[self.lang]["round"]
        return f"{idea} ({role_word}, {seat.name}, {word} {round_number}.{k + 1})"

    def post_cards(self, round_number: int) -> None:
        """Every participant posts their cards for this round."""
        count = 1 if round_number == 4 else self.cards_per_round

        def post(seat: Seat) -> None:
            role = self._fresh_view(seat.connection)["me"]["role"]
            for k in range(count):
                text = self.card_text(seat, round_number, k, role)
                seat.connection.ok({"type": "post_card", "text": text})

        if self.concurrent:
            self._each(self.seats, post)
            return
        # One card each in turn, as a table does.
        for k in range(count):
            for seat in self.seats:
                role = self._fresh_view(seat.connection)["me"]["role"]
                text = self.card_text(seat, round_number, k, role)
                seat.connection.ok({"type": "post_card", "text": text})

    def react(self, round_number: int) -> None:
        """Everyone supports the round's first card and one or two others; some ask or
        worry. Cards are chosen by their text, so the choice does not depend on card ids."""

        def react(seat: Seat) -> None:
            view = self._fresh_view(seat.connection)
            cards = sorted(
                (c for c in view["public"]["cards"] if c["round"] == round_number),
                key=lambda c: c["text"],
            )
            own = set(view["me"]["card_ids"])
            others = [c for c in cards if c["id"] not in own]
            if not others:
                return
            rng = self._rng("react", round_number, seat.index)
            first = next(
                (c for c in cards if self.seats[0].name in c["text"] and c["id"] not in own),
                others[0],
            )
            chosen: list[tuple[str, str]] = [(first["id"], "support")]
            for card in rng.sample(others, k=min(len(others), 2)):
                kind = rng.choice(("support", "support", "question", "concern"))
                if (card["id"], kind) not in chosen:
                    chosen.append((card["id"], kind))
            for card_id, kind in chosen:
                seat.connection.ok({"type": "react", "card_id": card_id, "kind": kind})

        self._each(self.seats, react)

    def reflect(self, round_number: int) -> None:
        """Each participant writes a reflection; about half of them share it."""

        def reflect(seat: Seat) -> None:
            role = self._fresh_view(seat.connection)["me"]["role"] or seat.home_role
            words = WORDS[self.lang]
            text = words["reflection"].format(role=words["role"][role], round=round_number)
            shared = (seat.index + round_number) % 2 == 0
            seat.connection.ok(
                {"type": "save_reflection", "text": f"{text} ({seat.name})", "shared": shared}
            )

        self._each(self.seats, reflect)

    def score_options(self) -> None:
        """Round 4 with fixed options: everyone scores each, then the facilitator moves on
        to the proposal's cards. Without options the round starts with the cards."""
        options = (self.facilitator.scenario or {}).get("options") or []
        if not options:
            return

        def score(seat: Seat) -> None:
            rng = self._rng("score", seat.index)
            for option in options:
                seat.connection.ok(
                    {"type": "score_option", "option_id": option["id"], "score": rng.randint(1, 5)}
                )

        self._each(self.seats, score)
        self.next_phase()

    def _proposal_sources(self) -> list[dict[str, Any]]:
        """The two strongest cards of rounds 2-3, as a facilitator would take them."""
        view = self._fresh_view(self.facilitator)
        cards = [c for c in view["facilitator"]["cards"] if c["round"] in (2, 3)]
        cards.sort(key=lambda c: (-c["strength"], c["round"], int(c["id"].lstrip("c"))))
        return [{"source_card_id": c["id"]} for c in cards[:2]]

    def _decision_text(self) -> str:
        title = (self.facilitator.scenario or {}).get("title", {}).get(self.lang, "")
        return WORDS[self.lang]["decision"].format(title=title)

    def draft_proposal(self) -> None:
        """The proposal: a decision text, two conditions from cards, one written new."""
        conditions = [*self._proposal_sources(), {"text": WORDS[self.lang]["new_condition"]}]
        self.facilitator.ok(
            {"type": "draft_proposal", "text": self._decision_text(), "conditions": conditions}
        )

    def amend(self) -> None:
        """Answer the objections: the same proposal, plus what the objectors said they need."""
        view = self._fresh_view(self.facilitator)
        ballot = view["public"]["ballots"][-1]
        needed = [o["needed"] or o["reason"] for o in ballot["objections"]]
        if not needed:
            raise SimulationError("the first ballot shows no objection to answer")
        draft = view["public"]["draft"]
        # Unchanged conditions keep their ids: cards by their source, the others by text.
        conditions = [
            {"source_card_id": c["source_card_id"]} if c["source_card_id"] else {"text": c["text"]}
            for c in draft["conditions"]
        ]
        conditions += [{"text": text} for text in dict.fromkeys(needed)]
        text = self._decision_text() + WORDS[self.lang]["amended"]
        self.facilitator.ok({"type": "draft_proposal", "text": text, "conditions": conditions})

    def ballot_plan(self, ballot: int) -> dict[int, dict[str, str]]:
        """Each seat's vote in a ballot: in the first, one bezwaar (with its reason and what
        is needed) and one eens met bedenkingen when there are three players or more."""
        words = WORDS[self.lang]
        plan = {seat.index: {"choice": "eens"} for seat in self.seats}
        if not self.objection_planned:
            return plan
        rng = self._rng("objector")
        objector = rng.randrange(self.players)
        doubter = (objector + 1 + rng.randrange(self.players - 1)) % self.players
        if ballot == 1:
            plan[objector] = {
                "choice": "bezwaar", "reason": words["reason"], "needed": words["needed"]
            }  # fmt: skip
            plan[doubter] = {"choice": "eens_met_bedenkingen", "reason": words["doubt"]}
        else:
            plan[objector] = {"choice": "eens_met_bedenkingen", "reason": words["resolved"]}
        return plan

    def cast_votes(self, ballot: int) -> None:
        plan = self.ballot_plan(ballot)

        def vote(seat: Seat) -> None:
            seat.connection.ok({"type": "cast_vote", **plan[seat.index]})

        self._each(self.seats, vote)

    # The result

    def outcome(self) -> Outcome:
        """The last shown result in words, and the addresses of the summary."""
        from fractions import Fraction

        from game.engine.decision import DecisionResult, GroupSupport
        from game.engine.roles import Role
        from game.engine.wording import result_sentence

        view = self._fresh_view(self.facilitator)
        results = view["facilitator"]["results"]
        if not results:
            raise SimulationError("there was no vote")
        last = results[-1]
        result = DecisionResult(
            gedragen=last["gedragen"],
            threshold=Fraction(last["threshold"]),
            objections=last["objections"],
            ballot=last["ballot"],
            proposal_version=last["proposal_version"],
            groups=tuple(
                GroupSupport(
                    role=Role(g["role"]),
                    members=g["members"],
                    eens=g["eens"],
                    bedenkingen=g["bedenkingen"],
                    bezwaar=g["bezwaar"],
                    not_voted=g["not_voted"],
                    passes=g["passes"],
                )
                for g in last["groups"]
            ),
        )
        return Outcome(
            room_id=self.room_id,
            gedragen=result.gedragen,
            sentence=result_sentence(result, self.lang),
            ballots=len(results),
            groups=tuple(last["groups"]),
            urls=self.summary_urls(),
        )

    def summary_urls(self) -> tuple[str, ...]:
        """The summary page and its downloads (PDF, Markdown, JSON, CSV) in the game's
        language."""
        base = f"{self.url}/room/{self.room_id}/summary"
        return tuple(f"{base}{suffix}?lang={self.lang}" for suffix in SUMMARY_SUFFIXES)

    def close(self) -> None:
        """Close every connection."""
        for conn in self.connections:
            conn.close()


@click.command("simulate")
@click.option("--url", default=DEFAULT_URL, show_default=True, help="The server to play on.")
@click.option("--players", type=click.IntRange(1, 60), required=True, help="How many participants.")
@click.option("--scenario", "scenario_id", default=DEFAULT_SCENARIO, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same game.")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--verbose", is_flag=True, help="Name each step on stderr as it starts.")
def simulate_command(
    url: str, players: int, scenario_id: str, seed: int, lang: str, verbose: bool
) -> None:
    """Play a whole game on a running server with scripted participants and a facilitator.

    Prints the result (gedragen or not, with the support per group), then the addresses of
    the summary page and of each of its downloads, one per line.
    """
    game = ScriptedGame(
        url=url,
        players=players,
        scenario_id=scenario_id,
        seed=seed,
        lang=lang,
        log=(lambda step: print(f"simulate: {step}", file=sys.stderr)) if verbose else None,
    )
    try:
        outcome = game.play()
    except SimulationError as error:
        raise click.ClickException(str(error)) from None
    finally:
        game.close()
    click.echo(outcome.sentence)
    for address in outcome.urls:
        click.echo(address)
