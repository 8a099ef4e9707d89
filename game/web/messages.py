"""Every error code and notice as a sentence a person can act on, in Dutch (B1) and English.

The table holds the English msgids; the Dutch (and any rewording of the English) lives in
translations/<lang>/LC_MESSAGES/messages.po, read through game.words. Clients show
`message` as plain text. A sentence may use values from the rejection's detail
(`{max}`); a missing value never breaks the sentence, it just stays out.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from game.codes import ServerCode
from game.engine.errors import ErrorCode
from game.words import N_, gettext

SENTENCES: dict[str, str] = {
    # The rules of the game (game.engine.errors.ErrorCode)
    ErrorCode.BAD_MESSAGE: N_("This message is not valid. Reload the page and try again."),
    ErrorCode.STALE_VERSION: N_("The game has just changed. Take another look, then try again."),
    ErrorCode.NOT_FACILITATOR: N_("Only the workshop leader can do this."),
    ErrorCode.NOT_A_PLAYER: N_("You no longer have a seat in this game. Join again with the code."),
    ErrorCode.WRONG_PHASE: N_("You cannot do that in this step of the game."),
    ErrorCode.GAME_PAUSED: N_("The game is paused. Wait until the workshop leader continues."),
    ErrorCode.GAME_CLOSED: N_("The game has ended. You can still read the summary."),
    ErrorCode.ROOM_FULL: N_("This game is full. No more than {max} people can take part."),
    ErrorCode.ALREADY_JOINED: N_("You are already taking part in this game."),
    ErrorCode.NAME_EMPTY: N_("Please fill in a name."),
    ErrorCode.NAME_TOO_LONG: N_("Your name is too long. Use at most {max} characters."),
    ErrorCode.NAME_TAKEN: N_("Someone in this game already uses this name. Choose another name."),
    ErrorCode.NO_PLAYERS: N_("Nobody has joined yet. Wait until there are players."),
    ErrorCode.UNKNOWN_PLAYER: N_("This player is not (or no longer) in the game."),
    ErrorCode.CARD_EMPTY: N_("Write something on your card first."),
    ErrorCode.CARD_TOO_LONG: N_("Your card is too long. Use at most {max} characters."),
    ErrorCode.TOO_MANY_CARDS: N_(
        "You already wrote {max} cards this round. That is the most you can write."
    ),
    ErrorCode.UNKNOWN_CARD: N_("This card no longer exists."),
    ErrorCode.NOT_YOUR_CARD: N_("You can only change your own cards."),
    ErrorCode.CARD_OF_OTHER_ROUND: N_("You can only change a card in the round you wrote it in."),
    ErrorCode.BAD_MERGE: N_("These cards cannot be merged."),
    ErrorCode.NOT_MERGED: N_("This card was not merged. There is nothing to take apart."),
    ErrorCode.NOT_ON_PAPER: N_(
        "This player does not play on paper. You can only type for a player on paper."
    ),
    ErrorCode.REFLECTION_TOO_LONG: N_("Your reflection is too long. Use at most {max} characters."),
    ErrorCode.REFLECTION_EMPTY: N_("Write something in your reflection first."),
    ErrorCode.TIMER_OUT_OF_RANGE: N_("Choose a time between {min} and {max} seconds."),
    ErrorCode.NO_TIMER: N_("There is no timer."),
    ErrorCode.TIMER_STATE: N_("The timer is already like that."),
    ErrorCode.PAUSE_STATE: N_("The game is already like that."),
    ErrorCode.NO_SUCH_PHASE: N_("You cannot go further back or forward."),
    ErrorCode.STEP_TOO_SOON: N_(
        "The step has just changed, perhaps by another leader. First look where the game is. "
        "Do you still want to move on? Then confirm it."
    ),
    ErrorCode.UNKNOWN_OPTION: N_("This option does not exist in this game."),
    ErrorCode.SCORE_OUT_OF_RANGE: N_("Give a score from {min} to {max}."),
    ErrorCode.PROPOSAL_EMPTY: N_("Write the text of the proposal first."),
    ErrorCode.PROPOSAL_TOO_LONG: N_("The proposal is too long. Use at most {max} characters."),
    ErrorCode.BAD_CONDITION: N_(
        "A condition is empty or too long, or there are too many conditions."
    ),
    ErrorCode.CONDITION_SOURCE: N_("A condition can only come from a card of round 2 or 3."),
    ErrorCode.VOTE_IS_OPEN: N_("A vote is open. The proposal can only change after it."),
    ErrorCode.VOTE_NOT_OPEN: N_("There is no vote open now."),
    ErrorCode.NO_VOTE_YET: N_("There has been no vote yet."),
    ErrorCode.REASON_REQUIRED: N_("Write down why you object."),
    ErrorCode.REASON_TOO_LONG: N_("Your explanation is too long. Use at most {max} characters."),
    ErrorCode.UNKNOWN_SETTING: N_("This setting does not exist."),
    ErrorCode.NOTHING_TO_REBALANCE: N_(
        "The roles are already shared out as evenly as they can be. There is no need to share "
        "them out again."
    ),
    ErrorCode.REBALANCE_CANNOT_HELP: N_(
        "Sharing out the roles again does not solve this. With fewer than three players not "
        "every role can be taken. And someone who missed a round cannot play that role any "
        "more."
    ),
    # The server and the socket protocol (game.codes.ServerCode)
    ServerCode.NOT_AN_OBJECT: N_("This message is not valid. Reload the page."),
    ServerCode.MESSAGE_TOO_BIG: N_("This message is too big. Make your text shorter."),
    ServerCode.UNKNOWN_ACTION: N_("The game does not know this. Reload the page."),
    ServerCode.MISSING_KEY: N_("This message has no key. Reload the page."),
    ServerCode.BAD_FIELD: N_("Part of this message is not valid. Reload the page."),
    ServerCode.BAD_AUTH: N_("Could not connect. Reload the page."),
    ServerCode.UNKNOWN_ROOM: N_("This game does not exist (any more)."),
    ServerCode.BAD_TOKEN: N_(
        "Your seat in this game is no longer valid. Join again with the code."
    ),
    ServerCode.SCREEN_CANNOT_ACT: N_("The big screen can only watch."),
    ServerCode.UNKNOWN_CODE: N_(
        "We do not know this code. Look carefully at the code on the screen."
    ),
    ServerCode.TOO_MANY_ATTEMPTS: N_(
        "Too many tries with a wrong code. Wait a minute and try again."
    ),
    ServerCode.UNKNOWN_SCENARIO: N_("This case does not exist. Choose a case from the list."),
    ServerCode.CASE_ID_TAKEN: N_("There is already a case with the id '{id}'. Choose another id."),
    ServerCode.CASE_ID_FIXED: N_(
        "A saved case keeps its id '{id}'. Want another id? Then save it as a new case."
    ),
    ServerCode.BAD_REQUEST: N_("This request is not valid. Check what you filled in."),
    ServerCode.BAD_ROLE: N_(
        "Choose what you are in real life: resident, council member or civil servant."
    ),
    ServerCode.SEAT_TAKEN_OVER: N_(
        "You are now playing on another device. You were logged out here."
    ),
    ServerCode.SERVER_RESTARTING: N_("The server is restarting. You will be connected again soon."),
    ServerCode.SERVER_ERROR: N_("Something went wrong on the server. Please try again."),
    ServerCode.NO_KEY: N_(
        "This link is not complete: the key is missing. Open the link you were given."
    ),
    ServerCode.WRONG_KEY: N_("This key does not fit. Open the link you were given."),
    ServerCode.ROOM_DAMAGED: N_(
        "This game is damaged and cannot go on. Ask the workshop leader for help."
    ),
    ServerCode.TOO_MANY_ACTIONS: N_(
        "You are doing too much at once. Wait a moment, then try again."
    ),
    ServerCode.TOO_MANY_ROOMS: N_("Too many games were made from here. Try again later."),
    ServerCode.REMOVED_FROM_GAME: N_(
        "The workshop leader took you out of this game. Ask them if you want to come back."
    ),
    ServerCode.LEFT_GAME: N_("You have left this game."),
    ServerCode.GAME_DELETED: N_("This game has been deleted. Nothing of it is kept."),
    ServerCode.CONFIRM_DELETE: N_("First confirm that you want to delete the game."),
    ServerCode.TOO_MANY_CONNECTIONS: N_(
        "There are too many connections from your network. Wait a moment and try again."
    ),
    ServerCode.SERVER_BUSY: N_("The server is too busy right now. Try again in a minute."),
    ServerCode.SERVER_OVERLOADED: N_(
        "It is very busy right now. This was not saved. Try again in a few seconds."
    ),
    ServerCode.AUTH_TIMEOUT: N_("Connecting took too long. Reload the page."),
    ServerCode.BODY_TOO_LARGE: N_("What you sent is too large. Make it shorter and try again."),
    ServerCode.BAD_PACKET: N_("The server cannot read this message. Reload the page."),
    ServerCode.UNKNOWN_EVENT: N_("The server does not know this kind of message. Reload the page."),
    ServerCode.BAD_TEXT: N_(
        "Your text contains a character that is not allowed. Remove it and try again."
    ),
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def sentence(code: str, lang: str | None = None) -> str:
    """The sentence for `code` in `lang` (Dutch when unknown) with its `{placeholders}`;
    an unknown code gets the server-error sentence."""
    return gettext(SENTENCES.get(code, SENTENCES[ServerCode.SERVER_ERROR]), lang)


def message(code: str, lang: str | None = None, detail: Mapping[str, Any] | None = None) -> str:
    """The sentence for `code` in `lang` (Dutch when unknown), with the detail's values."""
    text = sentence(code, lang)
    return string.Formatter().vformat(text, (), _Blank(detail or {}))
