"""Stable error codes: why an action was refused. The sentence per language lives in
game/web/messages.py; clients and tests rely on these values, so never rename one."""

from enum import StrEnum


class ErrorCode(StrEnum):
    # The message itself is malformed: not an object, unknown type, wrong field types.
    BAD_MESSAGE = "bad_message"
    # The action was made against an older state than the room has now.
    STALE_VERSION = "stale_version"
    # Only the facilitator of the room may do this.
    NOT_FACILITATOR = "not_facilitator"
    # The sender has no (active) seat in this room.
    NOT_A_PLAYER = "not_a_player"
    # The action is not allowed in the current round or phase.
    WRONG_PHASE = "wrong_phase"
    # The facilitator paused the game; players wait until it resumes.
    GAME_PAUSED = "game_paused"
    # The game is closed; only the summary remains.
    GAME_CLOSED = "game_closed"
    # The room has the most players it can take.
    ROOM_FULL = "room_full"
    # This seat already exists (a join was sent twice with the same player id).
    ALREADY_JOINED = "already_joined"
    # A display name must have at least one visible character.
    NAME_EMPTY = "name_empty"
    # A display name is longer than allowed.
    NAME_TOO_LONG = "name_too_long"
    # Another player in the room already uses this display name.
    NAME_TAKEN = "name_taken"
    # The game cannot start without players.
    NO_PLAYERS = "no_players"
    # No player with this id in the room.
    UNKNOWN_PLAYER = "unknown_player"
    # A card must have text.
    CARD_EMPTY = "card_empty"
    # A card text is longer than allowed.
    CARD_TOO_LONG = "card_too_long"
    # A player wrote the most cards allowed in one round.
    TOO_MANY_CARDS = "too_many_cards"
    # No card with this id (or it was withdrawn).
    UNKNOWN_CARD = "unknown_card"
    # Only the author may edit or withdraw a card.
    NOT_YOUR_CARD = "not_your_card"
    # Cards can only be changed in the round they were written in.
    CARD_OF_OTHER_ROUND = "card_of_other_round"
    # A card cannot be merged into itself or into a card that was merged away.
    BAD_MERGE = "bad_merge"
    # Only a card that was merged into another can be taken apart again.
    NOT_MERGED = "not_merged"
    # A reflection is longer than allowed.
    REFLECTION_TOO_LONG = "reflection_too_long"
    # A reflection must have text.
    REFLECTION_EMPTY = "reflection_empty"
    # A timer length outside the allowed range.
    TIMER_OUT_OF_RANGE = "timer_out_of_range"
    # There is no timer to pause, resume or extend.
    NO_TIMER = "no_timer"
    # The timer is not running (pause) or not paused (resume).
    TIMER_STATE = "timer_state"
    # The game is (not) paused already.
    PAUSE_STATE = "pause_state"
    # The game is at its first or last step; there is nowhere to move.
    NO_SUCH_PHASE = "no_such_phase"
    # The step changed a moment ago (perhaps from another console); send again with confirm.
    STEP_TOO_SOON = "step_too_soon"
    # The scenario has no decision option with this id.
    UNKNOWN_OPTION = "unknown_option"
    # A score must be between 1 and 5.
    SCORE_OUT_OF_RANGE = "score_out_of_range"
    # The decision text is empty.
    PROPOSAL_EMPTY = "proposal_empty"
    # The decision text is longer than allowed.
    PROPOSAL_TOO_LONG = "proposal_too_long"
    # A condition is empty or longer than allowed, or there are too many.
    BAD_CONDITION = "bad_condition"
    # A condition can only be taken from a card of round 2 or 3.
    CONDITION_SOURCE = "condition_source"
    # The proposal cannot change while a vote is open.
    VOTE_IS_OPEN = "vote_is_open"
    # There is no open vote.
    VOTE_NOT_OPEN = "vote_not_open"
    # There has been no vote yet.
    NO_VOTE_YET = "no_vote_yet"
    # An objection (bezwaar) needs a reason.
    REASON_REQUIRED = "reason_required"
    # A reason is longer than allowed.
    REASON_TOO_LONG = "reason_too_long"
    # The setting does not exist.
    UNKNOWN_SETTING = "unknown_setting"
    # The roles are already spread as evenly as they can be: there is no problem to solve.
    NOTHING_TO_REBALANCE = "nothing_to_rebalance"
    # There are problems, but none a rebalance can solve (too few players, or a player who
    # missed a round cannot play that role any more).
    REBALANCE_CANNOT_HELP = "rebalance_cannot_help"
    # `for_player` names nobody who plays on paper: a player with a phone acts for themself.
    NOT_ON_PAPER = "not_on_paper"
