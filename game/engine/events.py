"""The facts written to a room's log, named in the past tense: one dataclass each.

Events carry every value they need (ids, rotations, timestamps), so folding them needs no
clock, no random source and no scenario file.
"""

from dataclasses import dataclass
from typing import Literal

from game.engine.roles import Role
from game.engine.state import Condition, ProposalVersion, ReactionKind, Settings, VoteChoice
from game.scenarios.schema import Scenario

Rotation = tuple[Role | None, Role | None, Role | None]


@dataclass(frozen=True, kw_only=True)
class Event:
    at: int


@dataclass(frozen=True, kw_only=True)
class PlayerRotation:
    player_id: str
    rotation: Rotation


@dataclass(frozen=True, kw_only=True)
class RoomCreated(Event):
    type: Literal["room_created"] = "room_created"
    room_id: str
    scenario: Scenario
    settings: Settings


@dataclass(frozen=True, kw_only=True)
class PlayerJoined(Event):
    type: Literal["player_joined"] = "player_joined"
    player_id: str
    name: str
    home_role: Role
    joined_round: int
    rotation: Rotation
    # Added by the facilitator for a player without a phone ("speelt op papier").
    on_paper: bool = False


@dataclass(frozen=True, kw_only=True)
class PlayerLeft(Event):
    type: Literal["player_left"] = "player_left"
    player_id: str
    reason: Literal["left", "removed"]


@dataclass(frozen=True, kw_only=True)
class PlayerRenamed(Event):
    type: Literal["player_renamed"] = "player_renamed"
    player_id: str
    name: str


@dataclass(frozen=True, kw_only=True)
class HomeRoleChanged(Event):
    type: Literal["home_role_changed"] = "home_role_changed"
    player_id: str
    role: Role


@dataclass(frozen=True, kw_only=True)
class GameStarted(Event):
    type: Literal["game_started"] = "game_started"
    rotations: tuple[PlayerRotation, ...]


@dataclass(frozen=True, kw_only=True)
class Deal:
    """The secrets one player is dealt: those of the role they hold in a round."""

    player_id: str
    role: Role
    secret_ids: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class SecretsDealt(Event):
    type: Literal["secrets_dealt"] = "secrets_dealt"
    round: int
    deals: tuple[Deal, ...]


@dataclass(frozen=True, kw_only=True)
class PhaseChanged(Event):
    type: Literal["phase_changed"] = "phase_changed"
    round: int
    phase: str


@dataclass(frozen=True, kw_only=True)
class RolesRebalanced(Event):
    type: Literal["roles_rebalanced"] = "roles_rebalanced"
    rotations: tuple[PlayerRotation, ...]


@dataclass(frozen=True, kw_only=True)
class GamePaused(Event):
    type: Literal["game_paused"] = "game_paused"
    # The remaining time of a timer this pause stopped, or None if no timer was running.
    timer_remaining_ms: int | None


@dataclass(frozen=True, kw_only=True)
class GameResumed(Event):
    type: Literal["game_resumed"] = "game_resumed"


@dataclass(frozen=True, kw_only=True)
class TimerSet(Event):
    type: Literal["timer_set"] = "timer_set"
    duration_ms: int


@dataclass(frozen=True, kw_only=True)
class TimerPaused(Event):
    type: Literal["timer_paused"] = "timer_paused"
    remaining_ms: int


@dataclass(frozen=True, kw_only=True)
class TimerResumed(Event):
    type: Literal["timer_resumed"] = "timer_resumed"


@dataclass(frozen=True, kw_only=True)
class TimerExtended(Event):
    type: Literal["timer_extended"] = "timer_extended"
    extra_ms: int


@dataclass(frozen=True, kw_only=True)
class CardPosted(Event):
    type: Literal["card_posted"] = "card_posted"
    card_id: str
    round: int
    author_id: str
    role: Role
    text: str
    # The facilitator typed it for a paper player ("via de spelleider").
    via_facilitator: bool = False


@dataclass(frozen=True, kw_only=True)
class CardEdited(Event):
    type: Literal["card_edited"] = "card_edited"
    card_id: str
    text: str


@dataclass(frozen=True, kw_only=True)
class CardWithdrawn(Event):
    type: Literal["card_withdrawn"] = "card_withdrawn"
    card_id: str


@dataclass(frozen=True, kw_only=True)
class ReactionAdded(Event):
    type: Literal["reaction_added"] = "reaction_added"
    card_id: str
    player_id: str
    kind: ReactionKind


@dataclass(frozen=True, kw_only=True)
class ReactionRemoved(Event):
    type: Literal["reaction_removed"] = "reaction_removed"
    card_id: str
    player_id: str
    kind: ReactionKind


@dataclass(frozen=True, kw_only=True)
class CardHighlighted(Event):
    type: Literal["card_highlighted"] = "card_highlighted"
    card_id: str
    on: bool


@dataclass(frozen=True, kw_only=True)
class CardsMerged(Event):
    type: Literal["cards_merged"] = "cards_merged"
    card_id: str
    into_id: str


@dataclass(frozen=True, kw_only=True)
class CardUnmerged(Event):
    type: Literal["card_unmerged"] = "card_unmerged"
    card_id: str


@dataclass(frozen=True, kw_only=True)
class CardHidden(Event):
    type: Literal["card_hidden"] = "card_hidden"
    card_id: str
    hidden: bool


@dataclass(frozen=True, kw_only=True)
class SettingChanged(Event):
    type: Literal["setting_changed"] = "setting_changed"
    name: str
    value: bool


@dataclass(frozen=True, kw_only=True)
class ReflectionSaved(Event):
    type: Literal["reflection_saved"] = "reflection_saved"
    player_id: str
    round: int
    text: str
    shared: bool
    via_facilitator: bool = False


@dataclass(frozen=True, kw_only=True)
class OptionScored(Event):
    type: Literal["option_scored"] = "option_scored"
    player_id: str
    option_id: str
    score: int
    via_facilitator: bool = False


@dataclass(frozen=True, kw_only=True)
class ProposalDrafted(Event):
    type: Literal["proposal_drafted"] = "proposal_drafted"
    text: str
    conditions: tuple[Condition, ...]
    condition_counter: int


@dataclass(frozen=True, kw_only=True)
class VoteOpened(Event):
    type: Literal["vote_opened"] = "vote_opened"
    ballot: int
    # A new proposal version frozen from the draft, or None when the draft did not change
    # since the last version (a re-vote on the same text).
    new_version: ProposalVersion | None
    proposal_version: int


@dataclass(frozen=True, kw_only=True)
class VoteCast(Event):
    type: Literal["vote_cast"] = "vote_cast"
    ballot: int
    player_id: str
    choice: VoteChoice
    reason: str
    needed: str
    via_facilitator: bool = False


@dataclass(frozen=True, kw_only=True)
class VoteClosed(Event):
    type: Literal["vote_closed"] = "vote_closed"
    ballot: int


@dataclass(frozen=True, kw_only=True)
class TallyShown(Event):
    type: Literal["tally_shown"] = "tally_shown"
    ballot: int


@dataclass(frozen=True, kw_only=True)
class GameClosed(Event):
    type: Literal["game_closed"] = "game_closed"


AnyEvent = (
    RoomCreated | PlayerJoined | PlayerLeft | PlayerRenamed | HomeRoleChanged | GameStarted
    | SecretsDealt | PhaseChanged | RolesRebalanced | GamePaused | GameResumed | TimerSet
    | TimerPaused | TimerResumed | TimerExtended | CardPosted | CardEdited | CardWithdrawn
    | ReactionAdded | ReactionRemoved | CardHighlighted | CardsMerged | CardUnmerged | CardHidden
    | SettingChanged | ReflectionSaved | OptionScored | ProposalDrafted | VoteOpened | VoteCast
    | VoteClosed | TallyShown | GameClosed
)  # fmt: skip
