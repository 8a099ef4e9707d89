"""Random games played by a hypothesis state machine, checking what must always hold:

no viewer ever sees a secret it does not hold, replaying the log gives the same state,
a rejected action changes nothing, and no view contains an unshared reflection of another.
"""

import json
from fractions import Fraction

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from factories import T0, make_scenario
from game.engine import actions as A
from game.engine import codec, decision, replay, rules, views
from game.engine.roles import Role
from game.engine.state import FACILITATOR, ReactionKind, RoomState
from strategies import home_roles, vote_choices

SCENARIO = make_scenario(options=2)
SECRETS = {
    role: [t for s in card.secrets for t in (s.text.nl, s.text.en)]
    for role, card in SCENARIO.roles.items()
}
PLAYER_IDS = [f"p{n}" for n in range(8)]


class Game(RuleBasedStateMachine):
    @initialize()
    def create(self) -> None:
        accepted = rules.create_room("room-1", SCENARIO, T0)
        self.state: RoomState = accepted.state
        self.log = list(accepted.events)
        self.clock = T0
        self.reflection_n = 0

    def act(self, action: A.AnyAction) -> None:
        before = self.state
        result = rules.apply(self.state, action)
        if isinstance(result, rules.Rejected):
            assert self.state == before  # a rejection changes nothing
            return
        assert result.state.version == before.version + len(result.events)
        self.state = result.state
        self.log.extend(result.events)

    def tick(self) -> int:
        self.clock += 1234
        return self.clock

    @rule(pid=st.sampled_from(PLAYER_IDS), home=home_roles)
    def join(self, pid: str, home: Role) -> None:
        self.act(
            A.Join(actor=pid, at=self.tick(), player_id=pid, name=f"Naam {pid}", home_role=home)
        )

    @rule(pid=st.sampled_from(PLAYER_IDS))
    def leave(self, pid: str) -> None:
        self.act(A.Leave(actor=pid, at=self.tick()))

    STEERING = ("next_phase", "next_phase", "next_phase", "previous_phase", "pause_game",
                "resume_game", "rebalance_roles", "open_vote", "close_vote", "show_tally",
                "pause_timer", "resume_timer")  # fmt: skip

    @rule(steer=st.sampled_from(STEERING))
    def facilitator(self, steer: str) -> None:
        action = codec.action_from_message({"type": steer}, FACILITATOR, self.tick())
        self.act(action)

    @rule(steps=st.integers(1, 9))
    def advance(self, steps: int) -> None:
        # Several steps at once, so random games reach round 4 and its votes.
        for _ in range(steps):
            self.act(A.NextPhase(actor=FACILITATOR, at=self.tick()))

    @rule(seconds=st.integers(0, 4000))
    def timer(self, seconds: int) -> None:
        self.act(A.SetTimer(actor=FACILITATOR, at=self.tick(), seconds=seconds))

    @rule(pid=st.sampled_from(PLAYER_IDS), n=st.integers(0, 200))
    def post(self, pid: str, n: int) -> None:
        self.act(A.PostCard(actor=pid, at=self.tick(), text=f"kaart {n} van {pid}"))

    @rule(pid=st.sampled_from(PLAYER_IDS), card=st.integers(1, 30),
          kind=st.sampled_from(list(ReactionKind)), on=st.booleans())  # fmt: skip
    def react(self, pid: str, card: int, kind: ReactionKind, on: bool) -> None:
        self.act(A.React(actor=pid, at=self.tick(), card_id=f"c{card}", kind=kind, on=on))

    @rule(card=st.integers(1, 30), how=st.sampled_from(["highlight", "hide", "unhide", "merge"]))
    def moderate(self, card: int, how: str) -> None:
        at, cid = self.tick(), f"c{card}"
        self.act(
            {
                "highlight": A.HighlightCard(actor=FACILITATOR, at=at, card_id=cid),
                "hide": A.HideCard(actor=FACILITATOR, at=at, card_id=cid),
                "unhide": A.HideCard(actor=FACILITATOR, at=at, card_id=cid, hidden=False),
                "merge": A.MergeCards(actor=FACILITATOR, at=at, card_id=cid, into_id="c1"),
            }[how]
        )

    @rule(pid=st.sampled_from(PLAYER_IDS), shared=st.booleans())
    def reflect(self, pid: str, shared: bool) -> None:
        self.reflection_n += 1
        text = f"REFLECTIE-{self.reflection_n}-{pid}"
        self.act(A.SaveReflection(actor=pid, at=self.tick(), text=text, shared=shared))

    @rule(pid=st.sampled_from(PLAYER_IDS), option=st.sampled_from(["optie-1", "optie-2"]),
          score=st.integers(0, 6))  # fmt: skip
    def score(self, pid: str, option: str, score: int) -> None:
        self.act(A.ScoreOption(actor=pid, at=self.tick(), option_id=option, score=score))

    @rule(card=st.integers(1, 30), n=st.integers(0, 3))
    def draft(self, card: int, n: int) -> None:
        conditions = (
            A.ConditionInput(source_card_id=f"c{card}"),
            A.ConditionInput(text=f"mits {n}"),
        )
        self.act(
            A.DraftProposal(
                actor=FACILITATOR, at=self.tick(), text=f"Besluit {n}", conditions=conditions
            )
        )

    @rule(
        pid=st.sampled_from(PLAYER_IDS),
        choice=vote_choices,
        reason=st.sampled_from(["", "te duur"]),
    )
    def vote(self, pid: str, choice: str, reason: str) -> None:
        self.act(A.CastVote(actor=pid, at=self.tick(), choice=choice, reason=reason))

    @precondition(lambda self: self.state.phase == "decision")
    @rule(choices=st.lists(vote_choices, min_size=8, max_size=8), amend=st.booleans())
    def whole_vote(self, choices: list[str], amend: bool) -> None:
        # A whole ballot in one step: draft, open, everyone votes, close, show the tally.
        if amend or not self.state.draft.text:
            self.draft(card=3, n=len(self.state.ballots))  # refused unless c3 is of round 2-3
            text = f"Besluit {len(self.state.ballots)}"
            self.act(A.DraftProposal(actor=FACILITATOR, at=self.tick(), text=text))
        self.act(A.OpenVote(actor=FACILITATOR, at=self.tick()))
        for pid, choice in zip(PLAYER_IDS, choices, strict=True):
            self.vote(pid, choice, "te duur" if choice == "bezwaar" else "")
        self.act(A.CloseVote(actor=FACILITATOR, at=self.tick()))
        self.act(A.ShowTally(actor=FACILITATOR, at=self.tick()))
        event(f"ballots opened: {min(len(self.state.ballots), 3)}")

    @precondition(lambda self: self.state.round == 4)
    @rule()
    def close(self) -> None:
        self.act(A.CloseGame(actor=FACILITATOR, at=self.tick()))

    @invariant()
    def no_view_shows_a_secret_its_viewer_does_not_hold(self) -> None:
        state = self.state
        screen = json.dumps(views.view_for(state, views.BIG_SCREEN), ensure_ascii=False)
        assert not any(s in screen for texts in SECRETS.values() for s in texts)
        unshared = {r.text for r in state.reflections if not r.shared}
        host = json.dumps(views.view_for(state, views.FACILITATOR_VIEWER), ensure_ascii=False)
        assert not any(t in host for t in unshared)
        for player in state.players:
            seen = json.dumps(
                views.view_for(state, views.Participant(player.id)), ensure_ascii=False
            )
            held = state.role_of(player.id)
            for role, texts in SECRETS.items():
                if role != held:
                    assert not any(t in seen for t in texts), (player.id, held, role)
            others = {
                r.text for r in state.reflections if not r.shared and r.player_id != player.id
            }
            assert not any(t in seen for t in others)

    @invariant()
    def replaying_the_log_gives_the_same_state(self) -> None:
        stored = [
            codec.event_from_json(json.loads(json.dumps(codec.event_to_json(e)))) for e in self.log
        ]
        assert replay.fold(stored) == self.state
        assert self.state.version == len(self.log)

    @invariant()
    def the_decision_rule_matches_its_definition(self) -> None:
        for ballot in self.state.ballots:
            result = decision.decide(self.state, ballot)
            active = {p.id: p.home_role for p in self.state.active_players()}
            choices = {v.player_id: v.choice for v in ballot.votes if v.player_id in active}
            ok = "bezwaar" not in choices.values() and bool(active)
            for role in set(active.values()):
                members = [p for p, h in active.items() if h == role]
                support = sum(
                    1 for p in members if choices.get(p) in ("eens", "eens_met_bedenkingen")
                )
                ok = ok and Fraction(support, len(members)) >= SCENARIO.threshold
            assert result.gedragen == ok


TestGame = Game.TestCase
TestGame.settings = settings(max_examples=150, stateful_step_count=60, deadline=None)
