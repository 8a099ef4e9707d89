"""The gedragen rule, the option ranking, the facts of each card and the warnings about
groups: pure counting."""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

from game.engine.roles import ROLE_ORDER, Role
from game.engine.state import Ballot, Card, Reaction, ReactionKind, RoomState, VoteChoice

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
        support = sum(tally[choice] for choice in SUPPORTING)
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


@dataclass(frozen=True, kw_only=True)
class CardFacts:
    """What the room did with one card: the counts every view and the summary show."""

    supports: int
    questions: int
    concerns: int
    strength: int
    common_ground: bool
    # Supports per home-role group, of players still in the room (counts, never names).
    supporters: Mapping[Role, int]


def card_facts(state: RoomState) -> dict[str, CardFacts]:
    """The facts of every card, by card id, counted in one pass over the reactions."""
    homes = home_roles(state)
    by_card: dict[str, list[Reaction]] = {}
    for reaction in state.reactions:
        by_card.setdefault(reaction.card_id, []).append(reaction)
    return {card.id: facts_of(card, by_card.get(card.id, ()), homes) for card in state.cards}


def home_roles(state: RoomState) -> dict[str, Role]:
    """The home role of each player still in the room: whose support counts, and for which
    group."""
    return {p.id: p.home_role for p in state.players if p.active}


def facts_of(card: Card, reactions: Iterable[Reaction], homes: Mapping[str, Role]) -> CardFacts:
    """The facts of one card from the reactions on it and the home roles of `home_roles`."""
    supports = questions = concerns = 0
    groups: Counter[Role] = Counter()
    for reaction in reactions:
        if reaction.kind == ReactionKind.SUPPORT:
            supports += 1
            home = homes.get(reaction.player_id)
            if home is not None:
                groups[home] += 1
        elif reaction.kind == ReactionKind.QUESTION:
            questions += 1
        else:
            concerns += 1
    supporters = MappingProxyType({role: groups[role] for role in ROLE_ORDER})
    return CardFacts(
        supports=supports,
        questions=questions,
        concerns=concerns,
        strength=card_strength(supports, card.highlighted),
        # Without any support there is no common ground: the set of groups is not needed.
        common_ground=bool(groups) and _common_ground(card, set(homes.values()), supporters),
        supporters=supporters,
    )


def _common_ground(card: Card, present: set[Role], supporters: Mapping[Role, int]) -> bool:
    """Support from at least one player of every home-role group present (overeenkomsten)."""
    if not present or card.withdrawn or card.hidden:
        return False
    return all(supporters[role] > 0 for role in present)


# A highlight by the facilitator weighs as much as three supports.
HIGHLIGHT_WEIGHT = 3


def card_strength(supports: int, highlighted: bool) -> int:
    """How strongly the room backed a card: its supports, plus a bonus for a highlight."""
    return supports + (HIGHLIGHT_WEIGHT if highlighted else 0)


@dataclass(frozen=True, kw_only=True)
class GroupWarning:
    """A home-role group the decision rule will be weak for: absent, or one person alone."""

    role: Role
    members: int
    kind: str  # "absent" | "alone"


def group_warnings(state: RoomState) -> tuple[GroupWarning, ...]:
    """Each home-role group with no active member, or with only one, in role order."""
    counts = Counter(p.home_role for p in state.active_players())
    warnings = []
    for role in ROLE_ORDER:
        members = counts[role]
        if members < 2:
            kind = "absent" if members == 0 else "alone"
            warnings.append(GroupWarning(role=role, members=members, kind=kind))
    return tuple(warnings)
