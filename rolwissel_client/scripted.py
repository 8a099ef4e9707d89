"""A whole game played through the real protocol by a scripted facilitator and participants.

The room and the seats come from the HTTP API (POST /api/rooms, POST /api/join); everything
else is an `action` message on a Connection of each person (rolwissel_client/connection.py).

`ScriptedGame` is what `rolwissel simulate`, the crash tests and the benchmark share: its
`steps()` can be run one by one, every answer is recorded as an `AckRecord` (key, version,
timing), every intention sent is kept in `sent`, and every `state` a connection received is
in its `states`. Given the same seed, the same players say, react and vote the same things;
with `concurrent=False` (the default) the actions also arrive in the same order, so two runs
write the same events. What the people say is data (rolwissel_client/words.py).

Only the standard library is imported at the top (see `__post_init__` for why).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.languages import DEFAULT_LANGUAGE, LANGUAGES, language
from rolwissel_client.connection import AckRecord, Connection, Sent, SimulationError

if TYPE_CHECKING:
    from rolwissel_client.words import LanguageWords

DEFAULT_URL = "http://127.0.0.1:5000"
DEFAULT_SCENARIO = "buurtkamer-bibliotheek"
ROLES = ("inwoner", "raadslid", "ambtenaar")
# The summary page and its downloads, after /room/<id>/summary.
SUMMARY_SUFFIXES = ("", ".pdf", ".md", ".json", ".csv")


@dataclass(frozen=True)
class Outcome:
    """What the game decided, said in words, and where its summary is."""

    room_id: str
    gedragen: bool
    sentence: str
    ballots: int
    groups: tuple[dict[str, Any], ...]
    # The summary page (its key in the fragment, `#k=`, for a browser) and its downloads
    # (for a script: `Authorization: Bearer <summary_key>`).
    urls: tuple[str, ...]
    summary_key: str = ""


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
    lang: str = DEFAULT_LANGUAGE
    concurrent: bool = False
    cards_per_round: int = 2
    screen: bool = False  # also connect a big screen (it only watches)
    timeout: float = 60.0  # seconds an action may wait for its answer, reconnects included
    log: Callable[[str], None] | None = None
    words_folder: Path | None = None  # scenarios/simulate/ unless told otherwise
    words: LanguageWords = field(init=False)  # what the people say, in the game's language

    room_id: str = ""
    code: str = ""
    facilitator_token: str = ""
    screen_key: str = ""  # from the fragment of the big screen's link
    summary_key: str = ""  # from the fragment of the summary's link
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
        if self.lang not in LANGUAGES:
            raise ValueError("lang is nl or en")
        self.url = self.url.rstrip("/")
        # Imported here: game/cli.py imports this module for every command, `serve` included,
        # and `serve` must monkey-patch with eventlet before pydantic is imported.
        from rolwissel_client.words import load_words, words_in

        all_words = load_words(self.scenario_id, self.words_folder)
        self.words = words_in(all_words, language(self.lang))
        names = list(all_words.names)
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

    def observe(self, version: int) -> None:
        """A connection saw this version of the room."""
        with self._lock:
            self.version = max(self.version, version)

    def record_sent(self, sent: Sent) -> None:
        """An intention went out."""
        with self._lock:
            self.sent.append(sent)

    def record_ack(self, record: AckRecord) -> None:
        """An intention was answered; the listeners hear of it."""
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
            self.observe(int((reply.get("detail") or {}).get("version", self.version)))
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
                (f"r{number}_cards", partial(self.post_cards, number)),
                (f"r{number}_reactions", partial(self.react, number)),
                (f"r{number}_to_reflection", self.next_phase),
                (f"r{number}_reflections", partial(self.reflect, number)),
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
        self.screen_key = room["screen_url"].partition("#k=")[2]
        self.summary_key = room["summary_url"].partition("#k=")[2]

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
        self.host = self._connection("facilitator", self.facilitator_token, "facilitator")
        for seat in self.seats:
            seat.conn = self._connection(seat.name, seat.token, seat.player_id)
        if self.screen:
            self.big_screen = self._connection("screen", self.screen_key, None)

    def _connection(self, label: str, token: str | None, actor: str | None) -> Connection:
        conn = Connection(
            self.url,
            self.room_id,
            label,
            token,
            actor,
            lang=self.lang,
            timeout=self.timeout,
            recorder=self,
        )
        conn.connect()
        return conn

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
        ideas = self.words.ideas[round_number]
        pick = seat.index + k * 3 + self._rng("idea", round_number).randrange(len(ideas))
        role_word = self.words.roles.get(role or seat.home_role, seat.home_role)
        place = f"{self.words.round} {round_number}.{k + 1}"
        return f"{ideas[pick % len(ideas)]} ({role_word}, {seat.name}, {place})"

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
            words = self.words
            text = words.reflection.format(role=words.roles.get(role, role), round=round_number)
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
        return self.words.decision.format(title=title)

    def draft_proposal(self) -> None:
        """The proposal: a decision text, two conditions from cards, one written new."""
        conditions = [*self._proposal_sources(), {"text": self.words.new_condition}]
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
        text = self._decision_text() + self.words.amended
        self.facilitator.ok({"type": "draft_proposal", "text": text, "conditions": conditions})

    def ballot_plan(self, ballot: int) -> dict[int, dict[str, str]]:
        """Each seat's vote in a ballot: in the first, one bezwaar (with its reason and what
        is needed) and one eens met bedenkingen when there are three players or more."""
        words = self.words
        plan = {seat.index: {"choice": "eens"} for seat in self.seats}
        if not self.objection_planned:
            return plan
        rng = self._rng("objector")
        objector = rng.randrange(self.players)
        doubter = (objector + 1 + rng.randrange(self.players - 1)) % self.players
        if ballot == 1:
            plan[objector] = {
                "choice": "bezwaar", "reason": words.reason, "needed": words.needed
            }  # fmt: skip
            plan[doubter] = {"choice": "eens_met_bedenkingen", "reason": words.doubt}
        else:
            plan[objector] = {"choice": "eens_met_bedenkingen", "reason": words.resolved}
        return plan

    def cast_votes(self, ballot: int) -> None:
        plan = self.ballot_plan(ballot)

        def vote(seat: Seat) -> None:
            seat.connection.ok({"type": "cast_vote", **plan[seat.index]})

        self._each(self.seats, vote)

    # The result

    def outcome(self) -> Outcome:
        """The last shown result in words (the sentence the server's view gives), and the
        addresses of the summary."""
        view = self._fresh_view(self.facilitator)
        results = view["facilitator"]["results"]
        if not results:
            raise SimulationError("there was no vote")
        last = results[-1]
        return Outcome(
            room_id=self.room_id,
            gedragen=bool(last["gedragen"]),
            sentence=str(last["sentence"][self.lang]),
            ballots=len(results),
            groups=tuple(last["groups"]),
            urls=self.summary_urls(),
            summary_key=self.summary_key,
        )

    def summary_urls(self) -> tuple[str, ...]:
        """The summary page (with its key in the fragment: a browser opens it, and then its
        downloads) and its downloads (PDF, Markdown, JSON, CSV) in the game's language."""
        base = f"{self.url}/room/{self.room_id}/summary"
        urls = [f"{base}{suffix}?lang={self.lang}" for suffix in SUMMARY_SUFFIXES]
        urls[0] += f"#k={self.summary_key}"
        return tuple(urls)

    def close(self) -> None:
        """Close every connection."""
        for conn in self.connections:
            conn.close()
