"""The intentions a browser (or the server on its behalf) may send: one dataclass each.

`actor` and `at` are always set by the server: the actor from the seat or facilitator token,
`at` from the server's clock. The `type` field names the action on the wire.
"""

from dataclasses import dataclass
from typing import ClassVar, Literal

from pydantic import ConfigDict

from game.engine.roles import Role
from game.engine.state import ReactionKind, VoteChoice


@dataclass(frozen=True, kw_only=True)
class Action:
    # Unknown fields are refused, so a typo in a client never passes silently.
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")

    actor: str
    at: int
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class PlayerAction(Action):
    """What a player does at the table, which the facilitator may also type for a player on
    paper: cards, reactions, a reflection, scores and a vote."""

    # Sent by the facilitator on behalf of a paper player (their id): the action counts as
    # that player's, marked "via de spelleider".
    for_player: str | None = None


# The lobby and the seat


@dataclass(frozen=True, kw_only=True)
class Join(Action):
    type: Literal["join"] = "join"
    player_id: str
    name: str
    home_role: Role


@dataclass(frozen=True, kw_only=True)
class Leave(Action):
    type: Literal["leave"] = "leave"


@dataclass(frozen=True, kw_only=True)
class Rename(Action):
    type: Literal["rename"] = "rename"
    name: str


@dataclass(frozen=True, kw_only=True)
class SetHomeRole(Action):
    type: Literal["set_home_role"] = "set_home_role"
    role: Role


# Steering (facilitator)


@dataclass(frozen=True, kw_only=True)
class Start(Action):
    type: Literal["start"] = "start"


@dataclass(frozen=True, kw_only=True)
class NextPhase(Action):
    type: Literal["next_phase"] = "next_phase"
    # True: the facilitator saw that the step changed a moment ago and moves on anyway.
    confirm: bool = False


@dataclass(frozen=True, kw_only=True)
class PreviousPhase(Action):
    type: Literal["previous_phase"] = "previous_phase"
    confirm: bool = False


@dataclass(frozen=True, kw_only=True)
class PauseGame(Action):
    type: Literal["pause_game"] = "pause_game"


@dataclass(frozen=True, kw_only=True)
class ResumeGame(Action):
    type: Literal["resume_game"] = "resume_game"


@dataclass(frozen=True, kw_only=True)
class SetTimer(Action):
    type: Literal["set_timer"] = "set_timer"
    seconds: int


@dataclass(frozen=True, kw_only=True)
class PauseTimer(Action):
    type: Literal["pause_timer"] = "pause_timer"


@dataclass(frozen=True, kw_only=True)
class ResumeTimer(Action):
    type: Literal["resume_timer"] = "resume_timer"


@dataclass(frozen=True, kw_only=True)
class ExtendTimer(Action):
    type: Literal["extend_timer"] = "extend_timer"
    seconds: int = 60


@dataclass(frozen=True, kw_only=True)
class HighlightCard(Action):
    type: Literal["highlight_card"] = "highlight_card"
    card_id: str
    on: bool = True


@dataclass(frozen=True, kw_only=True)
class MergeCards(Action):
    type: Literal["merge_cards"] = "merge_cards"
    card_id: str  # the card that goes
    into_id: str  # the card that stays


@dataclass(frozen=True, kw_only=True)
class UnmergeCard(Action):
    type: Literal["unmerge_card"] = "unmerge_card"
    card_id: str  # the card that was merged away and comes back on its own


@dataclass(frozen=True, kw_only=True)
class HideCard(Action):
    type: Literal["hide_card"] = "hide_card"
    card_id: str
    hidden: bool = True


@dataclass(frozen=True, kw_only=True)
class RebalanceRoles(Action):
    type: Literal["rebalance_roles"] = "rebalance_roles"


@dataclass(frozen=True, kw_only=True)
class SetPlayerHomeRole(Action):
    type: Literal["set_player_home_role"] = "set_player_home_role"
    player_id: str
    role: Role


@dataclass(frozen=True, kw_only=True)
class AddPaperPlayer(Action):
    """A player without a phone: the facilitator adds them and acts for them."""

    type: Literal["add_paper_player"] = "add_paper_player"
    name: str
    home_role: Role


@dataclass(frozen=True, kw_only=True)
class RemovePlayer(Action):
    type: Literal["remove_player"] = "remove_player"
    player_id: str


@dataclass(frozen=True, kw_only=True)
class SetSetting(Action):
    type: Literal["set_setting"] = "set_setting"
    name: str
    value: bool


@dataclass(frozen=True, kw_only=True)
class CloseGame(Action):
    type: Literal["close_game"] = "close_game"


# Playing a round (participants)


@dataclass(frozen=True, kw_only=True)
class PostCard(PlayerAction):
    type: Literal["post_card"] = "post_card"
    text: str


@dataclass(frozen=True, kw_only=True)
class EditCard(PlayerAction):
    type: Literal["edit_card"] = "edit_card"
    card_id: str
    text: str


@dataclass(frozen=True, kw_only=True)
class WithdrawCard(PlayerAction):
    type: Literal["withdraw_card"] = "withdraw_card"
    card_id: str


@dataclass(frozen=True, kw_only=True)
class React(PlayerAction):
    type: Literal["react"] = "react"
    card_id: str
    kind: ReactionKind
    on: bool = True  # False takes the reaction back


@dataclass(frozen=True, kw_only=True)
class SaveReflection(PlayerAction):
    type: Literal["save_reflection"] = "save_reflection"
    text: str
    shared: bool = False


# Round 4: options, proposal and votes


@dataclass(frozen=True, kw_only=True)
class ScoreOption(PlayerAction):
    type: Literal["score_option"] = "score_option"
    option_id: str
    score: int


@dataclass(frozen=True, kw_only=True)
class ConditionInput:
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")

    text: str = ""  # may stay empty when taken from a card: the card's text is used
    source_card_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class DraftProposal(Action):
    type: Literal["draft_proposal"] = "draft_proposal"
    text: str
    conditions: tuple[ConditionInput, ...] = ()


@dataclass(frozen=True, kw_only=True)
class OpenVote(Action):
    type: Literal["open_vote"] = "open_vote"


@dataclass(frozen=True, kw_only=True)
class CastVote(PlayerAction):
    type: Literal["cast_vote"] = "cast_vote"
    choice: VoteChoice
    reason: str = ""
    needed: str = ""


@dataclass(frozen=True, kw_only=True)
class CloseVote(Action):
    type: Literal["close_vote"] = "close_vote"


@dataclass(frozen=True, kw_only=True)
class ShowTally(Action):
    type: Literal["show_tally"] = "show_tally"


AnyAction = (
    Join | Leave | Rename | SetHomeRole | Start | NextPhase | PreviousPhase | PauseGame
    | ResumeGame | SetTimer | PauseTimer | ResumeTimer | ExtendTimer | HighlightCard
    | MergeCards | UnmergeCard | HideCard | RebalanceRoles | SetPlayerHomeRole
    | AddPaperPlayer | RemovePlayer
    | SetSetting | CloseGame | PostCard | EditCard | WithdrawCard | React | SaveReflection
    | ScoreOption | DraftProposal | OpenVote | CastVote | CloseVote | ShowTally
)  # fmt: skip
