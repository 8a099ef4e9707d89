"""The state of one room as frozen data. `apply` returns new states; nothing mutates one."""

from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter, indexOf

from game.engine.roles import Role
from game.scenarios.schema import Scenario

FACILITATOR = "facilitator"  # the actor id of the room's facilitator

# Limits that keep a room small enough to hold in memory and to show on a phone.
MAX_PLAYERS = 60
MAX_NAME = 40
MAX_CARD = 280
MAX_CARDS_PER_ROUND = 20
MAX_REFLECTION = 1000
MAX_PROPOSAL = 1500
MAX_CONDITIONS = 12
MAX_REASON = 500
MAX_BEDENKING = 280  # the short text that may come with "eens met bedenkingen"
MIN_TIMER_S = 10
MAX_TIMER_S = 60 * 60
MAX_TIMER_TOTAL_S = 2 * 60 * 60
# A step change this soon after the previous one needs `confirm`: two consoles, or a double
# press on one, never skip a step that nobody saw.
STEP_GUARD_MS = 3000


class Phase(StrEnum):
    LOBBY = "lobby"
    PLAY = "play"  # players post cards and react
    REFLECTION = "reflection"  # each player writes a private reflection
    SCORING = "scoring"  # round 4, only with fixed options: players score them
    DECISION = "decision"  # round 4: proposal and consent votes
    CLOSED = "closed"


class ReactionKind(StrEnum):
    SUPPORT = "support"
    QUESTION = "question"
    CONCERN = "concern"


class VoteChoice(StrEnum):
    EENS = "eens"
    EENS_MET_BEDENKINGEN = "eens_met_bedenkingen"
    BEZWAAR = "bezwaar"


@dataclass(frozen=True, kw_only=True)
class Player:
    id: str
    name: str
    home_role: Role
    joined_at: int
    joined_round: int
    # The role in rounds 1, 2 and 3; None where the player has no role (not yet placed).
    rotation: tuple[Role | None, Role | None, Role | None] = (None, None, None)
    active: bool = True
    left_reason: str | None = None  # "left" or "removed"
    # Plays on paper, without a phone: the facilitator types their cards, reflection and vote.
    on_paper: bool = False

    def role_in(self, round_number: int) -> Role | None:
        """The role this player holds in a round: rotated in 1-3, the home role in 4."""
        if 1 <= round_number <= 3:
            return self.rotation[round_number - 1]
        if round_number == 4:
            return self.home_role
        return None


@dataclass(frozen=True, kw_only=True)
class Card:
    id: str
    round: int
    author_id: str
    role: Role  # the role the author held when writing it
    text: str
    created_at: int
    edited_at: int | None = None
    withdrawn: bool = False
    hidden: bool = False
    highlighted: bool = False
    merged_into: str | None = None
    via_facilitator: bool = False  # typed by the facilitator for a paper player


@dataclass(frozen=True, kw_only=True)
class DealtSecret:
    """A secret dealt to a player because they held its role in its round; kept for good."""

    player_id: str
    secret_id: str
    role: Role
    round: int
    at: int


@dataclass(frozen=True, kw_only=True)
class Reaction:
    card_id: str
    player_id: str
    kind: ReactionKind


# A reaction's fields as a plain tuple. A board holds a thousand reactions and more; a
# search compares these tuples in C, where the dataclass's own `==` would call Python once
# per reaction (a cost that grew with the board in a soak, docs/benchmarks.md).
_reaction_fields = attrgetter("card_id", "player_id", "kind")


@dataclass(frozen=True, kw_only=True)
class Reflection:
    player_id: str
    round: int
    text: str
    shared: bool
    saved_at: int
    via_facilitator: bool = False


@dataclass(frozen=True, kw_only=True)
class Timer:
    """A countdown stored so that the remaining time can be computed after a restart."""

    started_at: int
    duration_ms: int
    paused_remaining_ms: int | None = None

    @property
    def running(self) -> bool:
        return self.paused_remaining_ms is None

    def remaining_ms(self, now: int) -> int:
        if self.paused_remaining_ms is not None:
            return self.paused_remaining_ms
        return max(0, self.started_at + self.duration_ms - now)


@dataclass(frozen=True, kw_only=True)
class Condition:
    id: str
    text: str
    source_card_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class ProposalDraft:
    text: str = ""
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ProposalVersion:
    number: int
    text: str
    conditions: tuple[Condition, ...]
    created_at: int


@dataclass(frozen=True, kw_only=True)
class Vote:
    player_id: str
    choice: VoteChoice
    reason: str = ""
    needed: str = ""  # what would be needed to agree
    at: int
    via_facilitator: bool = False


@dataclass(frozen=True, kw_only=True)
class Ballot:
    number: int
    proposal_version: int
    opened_at: int
    closed_at: int | None = None
    tally_shown: bool = False
    votes: tuple[Vote, ...] = ()

    @property
    def open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True, kw_only=True)
class Score:
    player_id: str
    option_id: str
    score: int


@dataclass(frozen=True, kw_only=True)
class Settings:
    show_author_names: bool = False
    # A soft chime on the big screen when the timer runs out; the console can mute it.
    chime: bool = True
    # The session plan chosen at the start page (60, 90 or 120 minutes; 0: none, the
    # scenario's own minutes per round): the console's suggested timer per step.
    plan_minutes: int = 0


@dataclass(frozen=True, kw_only=True)
class RoomState:
    room_id: str
    scenario: Scenario
    created_at: int
    version: int = 0  # the sequence number of the last event folded into this state
    phase: Phase = Phase.LOBBY
    round: int = 0
    paused: bool = False
    timer: Timer | None = None
    # Set when pausing the game stopped a running timer, so resuming restarts it.
    timer_paused_by_game: bool = False
    # When the game last moved to another step (start, next, previous); None in the lobby.
    step_changed_at: int | None = None
    players: tuple[Player, ...] = ()
    # Every secret dealt so far, in the order it was dealt: facts from the log, never
    # recomputed from a rotation that changed later.
    dealt: tuple[DealtSecret, ...] = ()
    cards: tuple[Card, ...] = ()
    reactions: tuple[Reaction, ...] = ()
    reflections: tuple[Reflection, ...] = ()
    scores: tuple[Score, ...] = ()
    draft: ProposalDraft = field(default_factory=ProposalDraft)
    condition_counter: int = 0
    versions: tuple[ProposalVersion, ...] = ()
    ballots: tuple[Ballot, ...] = ()
    settings: Settings = field(default_factory=Settings)
    closed_at: int | None = None

    # Lookups. Rooms are small (at most MAX_PLAYERS seats, a few hundred cards), so a
    # linear scan is cheaper to keep right than an index that must follow every change.
    def player(self, player_id: str) -> Player | None:
        return next((p for p in self.players if p.id == player_id), None)

    def active_players(self) -> tuple[Player, ...]:
        return tuple(p for p in self.players if p.active)

    def card(self, card_id: str) -> Card | None:
        return next((c for c in self.cards if c.id == card_id), None)

    def live_cards(self) -> tuple[Card, ...]:
        """Cards that were not withdrawn by their author."""
        return tuple(c for c in self.cards if not c.withdrawn)

    def has_reaction(self, reaction: Reaction) -> bool:
        return _reaction_fields(reaction) in map(_reaction_fields, self.reactions)

    def reactions_without(self, reaction: Reaction) -> tuple[Reaction, ...]:
        """The reactions but this one (there is at most one of each: `decide` adds a reaction
        only when it is not there). The search stops where it is found."""
        try:
            at = indexOf(map(_reaction_fields, self.reactions), _reaction_fields(reaction))
        except ValueError:
            return self.reactions
        return self.reactions[:at] + self.reactions[at + 1 :]

    def current_ballot(self) -> Ballot | None:
        return self.ballots[-1] if self.ballots else None

    def dealt_to(self, player_id: str) -> tuple[DealtSecret, ...]:
        """The secrets dealt to one player so far ("Wat je weet")."""
        return tuple(d for d in self.dealt if d.player_id == player_id)

    def role_of(self, player_id: str) -> Role | None:
        """The role a player holds right now (None in the lobby or without a seat)."""
        player = self.player(player_id)
        if player is None or not player.active:
            return None
        return player.role_in(self.round)
