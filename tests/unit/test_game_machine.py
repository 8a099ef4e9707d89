"""Random games played by a hypothesis state machine, checking what must always hold:

no view (nor the summary, nor a paper player's sheet) ever holds a secret its viewer was not
dealt, whoever holds a role in a round was dealt its secrets of that round, replaying the log
gives the same state, a rejected action changes nothing, and no view contains an unshared
reflection of another.
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
from game.exports import json as json_export
from game.exports.summary import build_summary
from strategies import home_roles, vote_choices

SCENARIO = make_scenario(options=2)
# Each secret's texts, by its id; the texts are unique strings, so a search cannot miss one.
SECRETS = {
    s.id: (s.text.nl, s.text.get("en")) for card in SCENARIO.roles.values() for s in card.secrets
}
SECRET_ROLES = {s.id: role for role, card in SCENARIO.roles.items() for s in card.secrets}
KEPT_AFTER_THE_GAME = {
    s.id for card in SCENARIO.roles.values() for s in card.secrets if not s.revealed_at_debrief
}


def secrets_in(text: str) -> set[str]:
    """The ids of the secrets whose text appears in a piece of JSON."""
    return {sid for sid, texts in SECRETS.items() if any(t in text for t in texts)}


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

    @rule(n=st.integers(1, 3), home=home_roles)
    def add_paper_player(self, n: int, home: Role) -> None:
        self.act(
            A.AddPaperPlayer(actor=FACILITATOR, at=self.tick(), name=f"Papier {n}", home_role=home)
        )

    @rule(
        n=st.integers(1, 3),
        kind=st.sampled_from(["post", "reflect", "vote"]),
        choice=vote_choices,
        actor=st.sampled_from([FACILITATOR, FACILITATOR, "p1"]),
    )
    def for_paper_player(self, n: int, kind: str, choice: str, actor: str) -> None:
        # The facilitator types for a player on paper (a player may not: refused, nothing
        # changes); the action counts as the paper player's own.
        pid, at = f"papier-{n}", self.tick()
        if kind == "post":
            action: A.AnyAction = A.PostCard(actor=actor, at=at, text="van papier", for_player=pid)
        elif kind == "reflect":
            self.reflection_n += 1
            text = f"papieren terugblik {self.reflection_n}"
            action = A.SaveReflection(actor=actor, at=at, text=text, for_player=pid)
        else:
            action = A.CastVote(actor=actor, at=at, choice=choice, reason="r", for_player=pid)
        self.act(action)

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
        # Several steps at once (each confirmed, as they come fast), so random games reach
        # round 4 and its votes.
        for _ in range(steps):
            self.act(A.NextPhase(actor=FACILITATOR, at=self.tick(), confirm=True))

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

    @rule(
        card=st.integers(1, 30),
        how=st.sampled_from(["highlight", "hide", "unhide", "merge", "unmerge"]),
    )
    def moderate(self, card: int, how: str) -> None:
        at, cid = self.tick(), f"c{card}"
        self.act(
            {
                "highlight": A.HighlightCard(actor=FACILITATOR, at=at, card_id=cid),
                "hide": A.HideCard(actor=FACILITATOR, at=at, card_id=cid),
                "unhide": A.HideCard(actor=FACILITATOR, at=at, card_id=cid, hidden=False),
                "merge": A.MergeCards(actor=FACILITATOR, at=at, card_id=cid, into_id="c1"),
                "unmerge": A.UnmergeCard(actor=FACILITATOR, at=at, card_id=cid),
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
    def no_view_holds_a_secret_its_viewer_was_not_dealt(self) -> None:
        state = self.state
        common = views.shared(state)
        screen = json.dumps(views.compose(state, views.BIG_SCREEN, common), ensure_ascii=False)
        assert secrets_in(screen) == set()
        unshared = {r.text for r in state.reflections if not r.shared}
        host = views.compose(state, views.FACILITATOR_VIEWER, common)
        assert host == views.view_for(state, views.FACILITATOR_VIEWER)
        assert not any(t in json.dumps(host, ensure_ascii=False) for t in unshared)
        for player in state.players:
            view = views.compose(state, views.Participant(player.id), common)
            seen = json.dumps(view, ensure_ascii=False)
            dealt = {d.secret_id for d in state.dealt_to(player.id)}
            assert secrets_in(seen) <= dealt, (player.id, secrets_in(seen) - dealt)
            # "Wat je weet" is exactly what was dealt; the role card only this round's.
            assert {k["id"] for k in view["me"].get("known_secrets", [])} == dealt
            if view["role"] is not None:
                shown = {s["id"] for s in view["role"]["card"]["secrets"]}
                assert all(SECRET_ROLES[sid].value == view["role"]["role"] for sid in shown)
                assert all(sid.endswith(f"-{state.round}") for sid in shown)
            others = {
                r.text for r in state.reflections if not r.shared and r.player_id != player.id
            }
            assert not any(t in seen for t in others)

    @invariant()
    def a_paper_sheet_holds_only_what_its_player_was_dealt(self) -> None:
        for player in self.state.players:
            sheet = views.paper_sheet(self.state, player.id)
            if not player.on_paper or not player.active:
                assert sheet is None
                continue
            dealt = {d.secret_id for d in self.state.dealt_to(player.id)}
            assert secrets_in(json.dumps(sheet, ensure_ascii=False)) == dealt

    @invariant()
    def the_summary_holds_no_secret_kept_after_the_game(self) -> None:
        summary = json_export.to_data(build_summary(self.state, self.log))
        assert secrets_in(json.dumps(summary, ensure_ascii=False)) & KEPT_AFTER_THE_GAME == set()

    @invariant()
    def whoever_holds_a_role_was_dealt_its_secrets_of_this_round(self) -> None:
        state = self.state
        dealt = {(d.player_id, d.secret_id) for d in state.dealt}
        assert len(dealt) == len(state.dealt)  # nothing is dealt twice
        if not 1 <= state.round <= 3 or state.phase == "closed":
            return
        for player in state.active_players():
            role = player.role_in(state.round)
            if role is not None:
                assert (player.id, f"{role.value}-{state.round}") in dealt

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
