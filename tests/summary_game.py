"""A whole game played with the engine, for the summary and export tests.

Eight players (three inwoners, three raadsleden, two ambtenaren) play four rounds: cards with
Dutch characters, quotes and markup, reactions, a highlight, a hidden and a withdrawn card,
shared and private reflections, a proposal that draws an objection, an amendment and a second
vote that carries it. Every string a test looks for is unique.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from factories import T0, make_scenario
from game.engine import actions as A
from game.engine import events as E
from game.engine import rules
from game.engine.roles import Role
from game.engine.state import FACILITATOR, ReactionKind, RoomState, VoteChoice

HOMES = [Role.INWONER] * 3 + [Role.RAADSLID] * 3 + [Role.AMBTENAAR] * 2
NAMES = [f"Naam{n}Zebra" for n in range(1, len(HOMES) + 1)]

DECISION_V1 = "De coöperatie beheert het groen vier jaar — met “garanties” voor het Werkbedrijf…"
DECISION_V2 = "De coöperatie beheert het groen twee jaar als proef — met “garanties” voor werk."
CONDITION_KEPT = "Het Werkbedrijf houdt het snoeiwerk van de bomen"
CONDITION_DROPPED = "Budget van €40.000 per jaar, vier jaar vast"
CONDITION_ADDED = "Evaluatie na één jaar door een onafhankelijk bureau"
OBJECTION_REASON = "Vier jaar vast is te lang zonder evaluatie"
OBJECTION_NEEDED = "Een evaluatie na één jaar"
BEDENKING_REASON = "Zorg dat de buren die kort gras willen ook gehoord worden"
MARKUP_CARD = "<script>alert('x')</script> & *vet* [link](javascript:alert(1)) =SUM(A1)"
STRONG_CARD = "Natuur dichtbij huis: bijen én vlinders in de straat"
COMMON_CARD = "Werk voor iedereen blijft, ook met de coöperatie"
HIDDEN_CARD = "VERBORGEN-kaart-spelleider-77"
WITHDRAWN_CARD = "INGETROKKEN-kaart-88"
SHARED_REFLECTION = "Als ambtenaar zag ik pas hoe krap de planning is — “echt” krap."
PRIVATE_REFLECTION = "PRIVÉ-reflectie-niet-delen-42"
ROUND4_CARD = "Mits het Werkbedrijf meedoet"


@dataclass
class Game:
    """A room being played, keeping every event for the log."""

    state: RoomState
    events: list[E.AnyEvent] = field(default_factory=list)
    clock: int = T0

    def do(self, actor: str, action_type: type[A.Action], **fields: object) -> RoomState:
        self.clock += 60_000  # one minute between actions, so the timeline reads naturally
        action = action_type(actor=actor, at=self.clock, **fields)  # type: ignore[call-arg]
        result = rules.apply(self.state, action)  # type: ignore[arg-type]
        assert isinstance(result, rules.Accepted), result
        self.state = result.state
        self.events.extend(result.events)
        return self.state

    def facilitator(self, action_type: type[A.Action], **fields: object) -> RoomState:
        return self.do(FACILITATOR, action_type, **fields)

    def card_id(self, text: str) -> str:
        return next(c.id for c in self.state.cards if c.text == text)

    def post(self, player: str, text: str) -> str:
        self.do(player, A.PostCard, text=text)
        return self.card_id(text)

    def support(self, card_id: str, *players: str) -> None:
        for player in players:
            self.do(player, A.React, card_id=card_id, kind=ReactionKind.SUPPORT)


def new_game(*, options: int = 0, room_id: str = "room-1") -> Game:
    """A room with the eight players seated, in the lobby."""
    created = rules.create_room(room_id, make_scenario(options=options), T0)
    game = Game(state=created.state, events=list(created.events))
    for n, (home, name) in enumerate(zip(HOMES, NAMES, strict=True), start=1):
        game.do(f"p{n}", A.Join, player_id=f"p{n}", name=name, home_role=home)
    return game


def play_rounds(game: Game) -> None:
    """Rounds 1-3: cards, reactions, a highlight, a hidden and a withdrawn card, reflections."""
    game.facilitator(A.Start)
    strong = game.post("p1", STRONG_CARD)
    game.post("p2", MARKUP_CARD)
    game.support(strong, "p2", "p3", "p4")
    game.facilitator(A.HighlightCard, card_id=strong)
    markup = game.card_id(MARKUP_CARD)
    game.support(markup, "p5")
    hidden = game.post("p6", HIDDEN_CARD)
    game.support(hidden, "p1", "p4", "p7", "p8")
    game.facilitator(A.HideCard, card_id=hidden)
    withdrawn = game.post("p7", WITHDRAWN_CARD)
    game.support(withdrawn, "p1")
    game.do("p7", A.WithdrawCard, card_id=withdrawn)
    game.facilitator(A.NextPhase)  # round 1 reflection
    game.do("p7", A.SaveReflection, text=SHARED_REFLECTION, shared=True)
    game.do("p8", A.SaveReflection, text=PRIVATE_REFLECTION, shared=False)
    game.facilitator(A.NextPhase)  # round 2 play
    kept = game.post("p4", CONDITION_KEPT)
    common = game.post("p5", COMMON_CARD)
    game.support(common, "p1", "p4", "p6", "p8")
    game.support(kept, "p7")
    game.facilitator(A.NextPhase)  # round 2 reflection
    game.facilitator(A.NextPhase)  # round 3 play
    game.post("p8", CONDITION_DROPPED)
    game.facilitator(A.NextPhase)  # round 3 reflection
    game.facilitator(A.NextPhase)  # round 4 (scoring or play)


def score_options(game: Game) -> None:
    """Every player scores the options; optie-2 comes out on top."""
    for n in range(1, len(HOMES) + 1):
        game.do(f"p{n}", A.ScoreOption, option_id="optie-1", score=2 + n % 2)
        game.do(f"p{n}", A.ScoreOption, option_id="optie-2", score=4)
    game.facilitator(A.NextPhase)  # round 4 play


def decide_and_close(game: Game) -> None:
    """A proposal, an objection, an amendment, a second vote that carries, and the close."""
    game.post("p1", ROUND4_CARD)
    game.facilitator(A.NextPhase)  # decision
    kept, dropped = game.card_id(CONDITION_KEPT), game.card_id(CONDITION_DROPPED)
    game.facilitator(
        A.DraftProposal,
        text=DECISION_V1,
        conditions=(
            A.ConditionInput(source_card_id=kept),
            A.ConditionInput(source_card_id=dropped),
        ),
    )
    game.facilitator(A.OpenVote)
    for n in range(1, 8):
        game.do(f"p{n}", A.CastVote, choice=VoteChoice.EENS)
    game.do(
        "p8",
        A.CastVote,
        choice=VoteChoice.BEZWAAR,
        reason=OBJECTION_REASON,
        needed=OBJECTION_NEEDED,
    )
    game.facilitator(A.CloseVote)
    game.facilitator(A.ShowTally)
    game.facilitator(
        A.DraftProposal,
        text=DECISION_V2,
        conditions=(A.ConditionInput(source_card_id=kept), A.ConditionInput(text=CONDITION_ADDED)),
    )
    game.facilitator(A.OpenVote)
    for n in (1, 2, 3, 4, 7, 8):
        game.do(f"p{n}", A.CastVote, choice=VoteChoice.EENS)
    game.do("p5", A.CastVote, choice=VoteChoice.EENS_MET_BEDENKINGEN, reason=BEDENKING_REASON)
    # p6 does not vote: raadsleden 2 of 3, just at the threshold of 2/3.
    game.facilitator(A.CloseVote)
    game.facilitator(A.ShowTally)
    game.facilitator(A.CloseGame)


def played_game(*, options: int = 0, room_id: str = "room-1") -> Game:
    """A closed game of eight players, from the first join to the close."""
    game = new_game(options=options, room_id=room_id)
    play_rounds(game)
    if options:
        score_options(game)
    decide_and_close(game)
    return game


def objected_game(room_id: str = "room-2") -> Game:
    """A closed game whose only vote ended in an objection: not gedragen."""
    game = new_game(room_id=room_id)
    play_rounds(game)
    game.post("p1", ROUND4_CARD)
    game.facilitator(A.NextPhase)
    game.facilitator(A.DraftProposal, text=DECISION_V1, conditions=())
    game.facilitator(A.OpenVote)
    for n in range(1, 8):
        game.do(f"p{n}", A.CastVote, choice=VoteChoice.EENS)
    game.do("p8", A.CastVote, choice=VoteChoice.BEZWAAR, reason=OBJECTION_REASON, needed="")
    game.facilitator(A.CloseGame)
    return game


SECRETS_HIDDEN = [
    text
    for role in Role
    for text in (f"GEHEIM-{role.value}-2-zilvervos", f"SECRET-{role.value}-2-silverfox")
]
SECRETS_REVEALED = {
    "nl": [f"GEHEIM-{role.value}-1-zilvervos" for role in Role],
    "en": [f"SECRET-{role.value}-1-silverfox" for role in Role],
}
