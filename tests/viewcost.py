"""What the views and patches cost per action, without sockets: a micro-benchmark.

`.venv/bin/python tests/viewcost.py` plays one room of 10 players (the sweep's room), or
`--rooms` such rooms whose steps take turns, with a board of `--cards` cards and
`--reactions` reactions, then a fixed mix of the sweep's play actions (reactions switched on
and off, edits of own cards, new cards), and times `Broadcaster.publish` for each step with
an emit that does nothing: the views of the new version, the diffs and the encoding, for the
facilitator, the big screen and every player, as a server process does when a message queue
makes it emit to every viewer. The figure is the mean CPU time per action in ms, the best of
`--repeat` runs (so another process's work on the machine counts less). Pure Python and
deterministic: a steadier measure of this part than a load run. It lives with the tests
because it drives the server's own modules, which the protocol clients of rolwissel_client/
never import.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from typing import Any

from game.engine import actions as A
from game.engine import rules
from game.engine.roles import ROLE_ORDER
from game.engine.state import FACILITATOR, ReactionKind, RoomState
from game.rooms.broadcast import Broadcaster, Step
from game.rooms.connections import Connections
from game.scenarios.loader import default_folder, load_scenario

ROOM_SIZE = 10
KINDS = list(ReactionKind)


class Play:
    """One room played with valid actions only, each giving a new state."""

    def __init__(self, seed: int, room_id: str = "room") -> None:
        scenario = load_scenario(default_folder() / "buurtkamer-bibliotheek.yaml")
        self.clock = 1_000_000
        self.state: RoomState = rules.create_room(room_id, scenario, self.clock).state
        self.rng = random.Random(seed)
        self.players = [f"p{n}" for n in range(ROOM_SIZE)]
        self.reactions: set[tuple[str, str, ReactionKind]] = set()

    def act(self, action: A.AnyAction) -> RoomState:
        result = rules.apply(self.state, action)
        if isinstance(result, rules.Rejected):
            raise RuntimeError(f"{action} refused: {result.code}")
        self.state = result.state
        return self.state

    def at(self) -> int:
        self.clock += 500
        return self.clock

    def setup(self, cards: int, reactions: int) -> None:
        """Players joined and the game in round 1's play, with a board of this size."""
        for n, pid in enumerate(self.players):
            role = ROLE_ORDER[n % len(ROLE_ORDER)]
            self.act(A.Join(actor=pid, at=self.at(), player_id=pid, name=f"Speler {n}",
                            home_role=role))  # fmt: skip
        self.act(A.NextPhase(actor=FACILITATOR, at=self.at(), confirm=True))
        for n in range(cards):
            self.post(self.players[n % ROOM_SIZE])
        for _ in range(reactions):
            self.react()

    def post(self, pid: str) -> RoomState:
        return self.act(A.PostCard(actor=pid, at=self.at(), text=f"Kaart van {pid} ({self.at()})"))

    def react(self) -> RoomState:
        """Switch a random reaction of a random player on another's card."""
        while True:
            pid = self.rng.choice(self.players)
            card = self.rng.choice(self.state.cards)
            if card.author_id != pid:
                break
        key = (pid, card.id, self.rng.choice(KINDS))
        on = key not in self.reactions
        (self.reactions.add if on else self.reactions.discard)(key)
        return self.act(A.React(actor=pid, at=self.at(), card_id=card.id, kind=key[2], on=on))

    def edit(self) -> RoomState:
        card = self.rng.choice(self.state.cards)
        text = f"Bewerkt ({self.at()})"
        return self.act(A.EditCard(actor=card.author_id, at=self.at(), card_id=card.id, text=text))

    def step(self) -> RoomState:
        """One action of the sweep's mix: 45 % reactions, 15 % edits, the rest new cards
        (a new card only while its author may still post in this round)."""
        roll = self.rng.random()
        if roll < 0.45:
            return self.react()
        if roll < 0.60:
            return self.edit()
        pid = self.rng.choice(self.players)
        if sum(1 for c in self.state.cards if c.author_id == pid) >= 20:
            return self.react()
        return self.post(pid)


def measure(cards: int, reactions: int, steps: int, seed: int, rooms: int = 1) -> float:
    """ms per action of `Broadcaster.publish` over `steps` steps of each of `rooms` rooms,
    the rooms' steps taken in turn (as a server holding many rooms does)."""
    played = []
    for n in range(rooms):
        play = Play(seed + n, f"room-{n}")
        play.setup(cards, reactions)
        played.append([play.state] + [play.step() for _ in range(steps)])

    def emit(*_args: Any, **_kwargs: Any) -> None:
        return None

    broadcaster = Broadcaster(emit, lambda: 0, Connections(), shared=True)
    for states in played:  # the base, as a running room has it
        broadcaster.views_at(states[0]).view("facilitator")
    started = time.process_time()  # CPU time: other work on the machine counts less
    for n in range(steps):
        for states in played:
            broadcaster.publish([Step(states[n], states[n + 1])])
    return (time.process_time() - started) * 1000 / (steps * rooms)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=150)
    parser.add_argument("--reactions", type=int, default=300)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--rooms", type=int, default=1, help="rooms whose steps take turns")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    runs = [
        measure(args.cards, args.reactions, args.steps, args.seed, args.rooms)
        for _ in range(args.repeat)
    ]
    print(json.dumps({"cards": args.cards, "reactions": args.reactions, "steps": args.steps,
                      "rooms": args.rooms, "ms_per_action": round(min(runs), 4),
                      "runs": [round(r, 4) for r in runs]}))  # fmt: skip


if __name__ == "__main__":
    main()
