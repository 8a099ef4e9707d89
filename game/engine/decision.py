"""The gedragen rule, the option ranking and common ground: pure counting."""

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from game.engine.roles import ROLE_ORDER, Role
from game.engine.state import Ballot, Card, ReactionKind, RoomState, VoteChoice

SUPPORTING = frozenset({VoteChoice.EENS, VoteChoice.EENS_MET_BEDENKINGEN})


@dataclass(frozen=True, kw_only=True)
class GroupSupport:
    """How one home-role group voted."""

    role: Role
    members: int
    eens: int
    bedenkingen: int
    bezwaar: int
    not_voted: int
    passes: bool

    @property
    def support(self) -> int:
        return self.eens + self.bedenkingen


@dataclass(frozen=True, kw_only=True)
class DecisionResult:
    """Whether a proposal is gedragen, with the counts to explain it in words."""

    gedragen: bool
    threshold: Fraction
    objections: int
    groups: tuple[GroupSupport, ...]
    ballot: int
    proposal_version: int


def decide(state: RoomState, ballot: Ballot) -> DecisionResult:
    """Gedragen: no standing bezwaar, and in each home-role group present at least the
    threshold share voted eens or eens met bedenkingen. Not voting is not support."""
    threshold = state.scenario.threshold
    voters = {p.id: p.home_role for p in state.active_players()}
    # Only the votes of players still in the room count.
    choices = {v.player_id: v.choice for v in ballot.votes if v.player_id in voters}
    groups = []
    for role in ROLE_ORDER:
        members = [pid for pid, home in voters.items() if home == role]
        if not members:
            continue
        tally = Counter(choices.get(pid) for pid in members)
        support = tally[VoteChoice.EENS] + tally[VoteChoice.EENS_MET_BEDENKINGEN]
        groups.append(
            GroupSupport(
                role=role,
                members=len(members),
                eens=tally[VoteChoice.EENS],
                bedenkingen=tally[VoteChoice.EENS_MET_BEDENKINGEN],
                bezwaar=tally[VoteChoice.BEZWAAR],
                not_voted=tally[None],
                passes=Fraction(support, len(members)) >= threshold,
            )
        )
    objections = sum(1 for c in choices.values() if c == VoteChoice.BEZWAAR)
    gedragen = objections == 0 and bool(groups) and all(g.passes for g in groups)
    return DecisionResult(
        gedragen=gedragen,
        threshold=threshold,
        objections=objections,
        groups=tuple(groups),
        ballot=ballot.number,
        proposal_version=ballot.proposal_version,
    )


@dataclass(frozen=True, kw_only=True)
class OptionRank:
    option_id: str
    mean: Fraction | None  # None when nobody scored it
    count: int


def rank_options(state: RoomState) -> tuple[OptionRank, ...]:
    """The scenario's fixed options by mean score (exact), highest first; ties keep file order."""
    active = {p.id for p in state.active_players()}
    ranks = []
    for option in state.scenario.options:
        scores = [
            s.score for s in state.scores if s.option_id == option.id and s.player_id in active
        ]
        mean = Fraction(sum(scores), len(scores)) if scores else None
        ranks.append(OptionRank(option_id=option.id, mean=mean, count=len(scores)))
    return tuple(sorted(ranks, key=lambda r: -(r.mean if r.mean is not None else -1)))


def supporters_by_group(state: RoomState, card: Card) -> dict[Role, int]:
    """How many players of each home-role group supported a card (counts, never names)."""
    homes = {p.id: p.home_role for p in state.active_players()}
    counts = Counter(
        homes[r.player_id]
        for r in state.reactions
        if r.card_id == card.id and r.kind == ReactionKind.SUPPORT and r.player_id in homes
    )
    return {role: counts.get(role, 0) for role in ROLE_ORDER}


def is_common_ground(state: RoomState, card: Card) -> bool:
    """Support from at least one player of every home-role group present (overeenkomsten)."""
    present = {p.home_role for p in state.active_players()}
    if not present or card.withdrawn or card.hidden:
        return False
    support = supporters_by_group(state, card)
    return all(support[role] > 0 for role in present)


def card_strength(state: RoomState, card: Card) -> int:
    """How strongly the room backed a card: supports, plus a bonus for a highlight."""
    supports = sum(
        1 for r in state.reactions if r.card_id == card.id and r.kind == ReactionKind.SUPPORT
    )
    return supports + (3 if card.highlighted else 0)
