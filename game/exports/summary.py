"""The joint-decision summary: one read model, built once from a room's state and log.

Every export (the page, PDF, Markdown, JSON, CSV) renders this model and nothing else, so
they cannot disagree and none can show more than the summary holds. The summary is the same
for every viewer: no names, no secret except those the scenario reveals at the debrief, only
the reflections their writers shared. What may be shown comes from `game.engine.views`; this
module only picks and orders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from game.engine import events as E
from game.engine import views
from game.engine.decision import (
    CardFacts,
    DecisionResult,
    GroupSupport,
    card_facts,
    decide,
    rank_options,
)
from game.engine.roles import ROLE_ORDER, Role
from game.engine.state import (
    Ballot,
    Card,
    Condition,
    ProposalVersion,
    RoomState,
    VoteChoice,
)
from game.engine.wording import result_sentence
from game.scenarios.schema import Text

# How many of the most-backed cards of each round the summary lists.
STRONGEST_PER_ROUND = 3


@dataclass(frozen=True)
class Texts:
    """A text in both languages of the game."""

    nl: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


@dataclass(frozen=True)
class GroupCount:
    role: Role
    count: int


@dataclass(frozen=True, kw_only=True)
class CardItem:
    """A card from the shared board, with the role it was written from (never its author)."""

    id: str
    round: int
    role: Role
    text: str
    supports: int
    questions: int
    concerns: int
    highlighted: bool
    strength: int
    common_ground: bool
    merged_into: str | None


@dataclass(frozen=True, kw_only=True)
class CommonGround:
    """A card with support from every home-role group present, and how many per group."""

    card: CardItem
    supporters: tuple[GroupCount, ...]


@dataclass(frozen=True, kw_only=True)
class RoundItem:
    number: int
    lens: Texts
    question: Texts
    cards: int  # cards on the board for this round
    strongest: tuple[CardItem, ...]


@dataclass(frozen=True, kw_only=True)
class ConditionItem:
    """One "ja, mits…" condition; taken from a card when `source_card_id` is set.
    `source_text` is that card's text while it is on the board (so a hidden or withdrawn
    card's words never reach the summary through a condition)."""

    id: str
    text: str
    source_card_id: str | None
    source_round: int | None
    source_role: Role | None
    source_text: str | None = None


@dataclass(frozen=True, kw_only=True)
class Changes:
    """What changed from the version before: the decision text and the conditions."""

    text_changed: bool
    previous_text: str
    added: tuple[ConditionItem, ...]
    removed: tuple[ConditionItem, ...]

    @property
    def any(self) -> bool:
        return self.text_changed or bool(self.added) or bool(self.removed)


@dataclass(frozen=True, kw_only=True)
class Result:
    """Whether a ballot's proposal is gedragen, the counts, and the sentence that says so."""

    ballot: int
    proposal_version: int
    gedragen: bool
    threshold: Fraction
    objections: int
    groups: tuple[GroupSupport, ...]  # the engine's counts per home-role group, as they are
    sentence: Texts


@dataclass(frozen=True, kw_only=True)
class Objection:
    """A bezwaar: its reason and what would be needed to agree. Never who made it."""

    reason: str
    needed: str


@dataclass(frozen=True, kw_only=True)
class VoteRow:
    """One vote, for analysis: the voter's home-role group and choice, no name or id."""

    ballot: int
    proposal_version: int
    home_role: Role
    choice: VoteChoice
    reason: str
    needed: str


@dataclass(frozen=True, kw_only=True)
class BallotItem:
    number: int
    proposal_version: int
    opened_at: int
    closed_at: int | None
    result: Result | None  # None while the ballot is still open
    objections: tuple[Objection, ...]
    # The reasons given with "eens met bedenkingen" (reservations), when there was one.
    reservations: tuple[str, ...]
    votes: tuple[VoteRow, ...]


@dataclass(frozen=True, kw_only=True)
class VersionItem:
    """One frozen version of the proposal, with what changed since the one before."""

    number: int
    text: str
    conditions: tuple[ConditionItem, ...]
    created_at: int
    changes: Changes | None  # None for the first version
    ballots: tuple[int, ...]  # the ballots held on this version


@dataclass(frozen=True, kw_only=True)
class Decision:
    """The decision text and conditions of the last version of the proposal."""

    version: int
    text: str
    conditions: tuple[ConditionItem, ...]


@dataclass(frozen=True, kw_only=True)
class RankItem:
    place: int
    option_id: str
    title: Texts
    description: Texts
    mean: Fraction | None
    count: int


@dataclass(frozen=True, kw_only=True)
class ReflectionItem:
    """A reflection its writer chose to share, with the role they wrote it in (no name)."""

    round: int
    role: Role | None
    text: str


@dataclass(frozen=True, kw_only=True)
class TimelineItem:
    """One public fact from the log (from `views.public_timeline`), typed."""

    at: int
    type: str
    round: int | None = None
    phase: str | None = None
    role: Role | None = None
    ballot: int | None = None
    proposal_version: int | None = None
    players: int | None = None
    reason: str | None = None
    card_id: str | None = None
    # A player on paper joined, or the facilitator typed a card for one ("via de spelleider").
    on_paper: bool = False
    via_facilitator: bool = False


@dataclass(frozen=True, kw_only=True)
class RoleItem:
    """A role card as shown at the debrief: only the secrets the scenario reveals there."""

    role: Role
    title: Texts
    who: Texts
    values: Texts
    wants: Texts
    fears: Texts
    revealed: tuple[Texts, ...]


@dataclass(frozen=True, kw_only=True)
class Summary:
    """The joint-decision summary of one room."""

    room_id: str
    scenario_id: str
    version: int  # the room's version (last log seq) the summary was made from
    created_at: int
    started_at: int | None
    closed_at: int | None
    title: Texts
    casus: Texts  # the scenario's short summary
    situation: Texts
    threshold: Fraction
    participants: tuple[GroupCount, ...]  # players at the end, per home-role group present
    decision: Decision | None
    result: Result | None  # of the last closed ballot
    versions: tuple[VersionItem, ...]
    ballots: tuple[BallotItem, ...]
    rounds: tuple[RoundItem, ...]
    cards: tuple[CardItem, ...]
    common_ground: tuple[CommonGround, ...]
    ranking: tuple[RankItem, ...]
    reflections: tuple[ReflectionItem, ...]
    timeline: tuple[TimelineItem, ...]
    debrief_questions: tuple[Texts, ...]
    roles: tuple[RoleItem, ...]

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def final_ballot(self) -> BallotItem | None:
        """The ballot the result comes from: the last one that was closed."""
        if self.result is None:
            return None
        return next(b for b in self.ballots if b.number == self.result.ballot)


def _texts(value: dict[str, str]) -> Texts:
    return Texts(nl=value["nl"], en=value["en"])


def _of(text: Text) -> Texts:
    # A scenario without English is read in Dutch in the English summary.
    return Texts(nl=text.nl, en=text.get("en"))


Facts = dict[str, CardFacts]


def _card_item(card: Card, facts: Facts) -> CardItem:
    fact = facts[card.id]
    return CardItem(
        id=card.id,
        round=card.round,
        role=card.role,
        text=card.text,
        supports=fact.supports,
        questions=fact.questions,
        concerns=fact.concerns,
        highlighted=card.highlighted,
        strength=fact.strength,
        common_ground=fact.common_ground,
        merged_into=card.merged_into,
    )


def _public_cards(state: RoomState) -> tuple[Card, ...]:
    # The same cards the shared board shows: not withdrawn by their author, not hidden.
    return tuple(c for c in state.cards if not c.withdrawn and not c.hidden)


def _strongest(cards: Sequence[Card], facts: Facts) -> tuple[CardItem, ...]:
    # A card merged into another lives on in that card; a card nobody backed is not "strong".
    candidates = [c for c in cards if c.merged_into is None and facts[c.id].strength > 0]
    ranked = sorted(candidates, key=lambda c: -facts[c.id].strength)  # stable: board order
    return tuple(_card_item(c, facts) for c in ranked[:STRONGEST_PER_ROUND])


def _rounds(state: RoomState, cards: Sequence[Card], facts: Facts) -> tuple[RoundItem, ...]:
    items = []
    for number, spec in enumerate(state.scenario.rounds, start=1):
        of_round = [c for c in cards if c.round == number]
        items.append(
            RoundItem(
                number=number,
                lens=_of(spec.lens),
                question=_of(spec.question),
                cards=len(of_round),
                strongest=_strongest(of_round, facts),
            )
        )
    return tuple(items)


def _present_roles(state: RoomState) -> list[Role]:
    present = {p.home_role for p in state.active_players()}
    return [role for role in ROLE_ORDER if role in present]


def _common_ground(
    state: RoomState, cards: Sequence[Card], facts: Facts
) -> tuple[CommonGround, ...]:
    present = _present_roles(state)
    found = []
    for card in cards:
        fact = facts[card.id]
        if card.merged_into is not None or not fact.common_ground:
            continue
        found.append(
            CommonGround(
                card=_card_item(card, facts),
                supporters=tuple(GroupCount(role, fact.supporters[role]) for role in present),
            )
        )
    return tuple(found)


def _condition(state: RoomState, condition: Condition) -> ConditionItem:
    source = state.card(condition.source_card_id) if condition.source_card_id else None
    return ConditionItem(
        id=condition.id,
        text=condition.text,
        source_card_id=condition.source_card_id,
        source_round=source.round if source is not None else None,
        source_role=source.role if source is not None else None,
        source_text=(
            source.text
            if source is not None and not source.withdrawn and not source.hidden
            else None
        ),
    )


def _changes(
    state: RoomState, before: ProposalVersion | None, now: ProposalVersion
) -> Changes | None:
    if before is None:
        return None
    # Unchanged conditions keep their id from draft to draft, so ids say what stayed.
    old = {c.id for c in before.conditions}
    new = {c.id for c in now.conditions}
    return Changes(
        text_changed=before.text != now.text,
        previous_text=before.text,
        added=tuple(_condition(state, c) for c in now.conditions if c.id not in old),
        removed=tuple(_condition(state, c) for c in before.conditions if c.id not in new),
    )


def _versions(state: RoomState) -> tuple[VersionItem, ...]:
    items = []
    before = None
    for version in state.versions:
        items.append(
            VersionItem(
                number=version.number,
                text=version.text,
                conditions=tuple(_condition(state, c) for c in version.conditions),
                created_at=version.created_at,
                changes=_changes(state, before, version),
                ballots=tuple(
                    b.number for b in state.ballots if b.proposal_version == version.number
                ),
            )
        )
        before = version
    return tuple(items)


def _result(result: DecisionResult) -> Result:
    return Result(
        ballot=result.ballot,
        proposal_version=result.proposal_version,
        gedragen=result.gedragen,
        threshold=result.threshold,
        objections=result.objections,
        groups=result.groups,
        sentence=Texts(nl=result_sentence(result, "nl"), en=result_sentence(result, "en")),
    )


_CHOICE_ORDER = {choice: n for n, choice in enumerate(VoteChoice)}


def _ballot(state: RoomState, ballot: Ballot) -> BallotItem:
    homes = {p.id: p.home_role for p in state.active_players()}
    # Only votes that count (players still in the room), in an order that does not follow
    # the order people voted in, so a row cannot be matched to a moment in the room.
    counted = sorted(
        (v for v in ballot.votes if v.player_id in homes),
        key=lambda v: (ROLE_ORDER.index(homes[v.player_id]), _CHOICE_ORDER[v.choice], v.reason),
    )
    closed = ballot.closed_at is not None
    return BallotItem(
        number=ballot.number,
        proposal_version=ballot.proposal_version,
        opened_at=ballot.opened_at,
        closed_at=ballot.closed_at,
        result=_result(decide(state, ballot)) if closed else None,
        objections=tuple(
            Objection(reason=v.reason, needed=v.needed)
            for v in counted
            if v.choice == VoteChoice.BEZWAAR
        )
        if closed
        else (),
        reservations=tuple(
            v.reason for v in counted if v.choice == VoteChoice.EENS_MET_BEDENKINGEN and v.reason
        )
        if closed
        else (),
        votes=tuple(
            VoteRow(
                ballot=ballot.number,
                proposal_version=ballot.proposal_version,
                home_role=homes[v.player_id],
                choice=v.choice,
                reason=v.reason,
                needed=v.needed,
            )
            for v in counted
        )
        if closed
        else (),
    )


def _ranking(state: RoomState) -> tuple[RankItem, ...]:
    options = {o.id: o for o in state.scenario.options}
    return tuple(
        RankItem(
            place=place,
            option_id=rank.option_id,
            title=_of(options[rank.option_id].title),
            description=_of(options[rank.option_id].description),
            mean=rank.mean,
            count=rank.count,
        )
        for place, rank in enumerate(rank_options(state), start=1)
    )


def _reflections(state: RoomState) -> tuple[ReflectionItem, ...]:
    shared = views.shared_reflections(state)
    # The writer's name stays out: the summary is the same for everyone who reads it.
    items = [
        ReflectionItem(
            round=r["round"], role=Role(r["role"]) if r["role"] else None, text=r["text"]
        )
        for r in shared
    ]
    return tuple(sorted(items, key=lambda r: r.round))


def _timeline(events: Iterable[E.AnyEvent]) -> tuple[TimelineItem, ...]:
    items = []
    for entry in views.public_timeline(events):
        role = entry.get("role")
        items.append(
            TimelineItem(
                at=entry["at"],
                type=entry["type"],
                round=entry.get("round"),
                phase=entry.get("phase"),
                role=Role(role) if role else None,
                ballot=entry.get("ballot"),
                proposal_version=entry.get("proposal_version"),
                players=entry.get("players"),
                reason=entry.get("reason"),
                card_id=entry.get("card_id"),
                on_paper=bool(entry.get("on_paper")),
                via_facilitator=bool(entry.get("via_facilitator")),
            )
        )
    return tuple(items)


def _roles(state: RoomState) -> tuple[RoleItem, ...]:
    cards = views.debrief_roles(state.scenario)
    items = []
    for role in ROLE_ORDER:
        card = cards.get(role.value)
        if card is None:
            continue
        items.append(
            RoleItem(
                role=role,
                title=_texts(card["title"]),
                who=_texts(card["who"]),
                values=_texts(card["values"]),
                wants=_texts(card["wants"]),
                fears=_texts(card["fears"]),
                revealed=tuple(_texts(s["text"]) for s in card["secrets"]),
            )
        )
    return tuple(items)


def build_summary(state: RoomState, events: Iterable[E.AnyEvent]) -> Summary:
    """The summary of a room from its state and its log (the log gives the timeline)."""
    events = tuple(events)  # read twice: for the start time and for the timeline
    scenario = state.scenario
    cards = _public_cards(state)
    facts = card_facts(state)  # counted once, for every card the summary lists
    closed = [b for b in state.ballots if b.closed_at is not None]
    last = state.versions[-1] if state.versions else None
    started = next((e.at for e in events if isinstance(e, E.GameStarted)), None)
    present = _present_roles(state)
    active = state.active_players()
    return Summary(
        room_id=state.room_id,
        scenario_id=scenario.id,
        version=state.version,
        created_at=state.created_at,
        started_at=started,
        closed_at=state.closed_at,
        title=_of(scenario.title),
        casus=_of(scenario.summary),
        situation=_of(scenario.situation),
        threshold=scenario.threshold,
        participants=tuple(
            GroupCount(role, sum(1 for p in active if p.home_role == role)) for role in present
        ),
        decision=Decision(
            version=last.number,
            text=last.text,
            conditions=tuple(_condition(state, c) for c in last.conditions),
        )
        if last is not None
        else None,
        result=_result(decide(state, closed[-1])) if closed else None,
        versions=_versions(state),
        ballots=tuple(_ballot(state, b) for b in state.ballots),
        rounds=_rounds(state, cards, facts),
        cards=tuple(_card_item(c, facts) for c in cards),
        common_ground=_common_ground(state, cards, facts),
        ranking=_ranking(state) if scenario.options else (),
        reflections=_reflections(state),
        timeline=_timeline(events),
        debrief_questions=tuple(_of(q) for q in scenario.debrief_questions),
        roles=_roles(state),
    )
