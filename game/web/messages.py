"""Every error code and notice as a sentence a person can act on, in Dutch (B1) and English.

Clients show `message` as plain text. A sentence may use values from the rejection's detail
(`{max}`); a missing value never breaks the sentence, it just stays out.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from game.codes import ServerCode
from game.engine.errors import ErrorCode
from game.languages import language

SENTENCES: dict[str, dict[str, str]] = {
    # The rules of the game (game.engine.errors.ErrorCode)
    ErrorCode.BAD_MESSAGE: {
        "nl": "Dit bericht klopt niet. Laad de pagina opnieuw en probeer het nog eens.",
        "en": "This message is not valid. Reload the page and try again.",
    },
    ErrorCode.STALE_VERSION: {
        "nl": "Het spel is net veranderd. Kijk opnieuw en probeer het dan nog eens.",
        "en": "The game has just changed. Take another look, then try again.",
    },
    ErrorCode.NOT_FACILITATOR: {
        "nl": "Alleen de spelleider kan dit doen.",
        "en": "Only the workshop leader can do this.",
    },
    ErrorCode.NOT_A_PLAYER: {
        "nl": "Je hebt geen plek meer in dit spel. Doe opnieuw mee met de code.",
        "en": "You no longer have a seat in this game. Join again with the code.",
    },
    ErrorCode.WRONG_PHASE: {
        "nl": "Dat kan nu niet in deze stap van het spel.",
        "en": "You cannot do that in this step of the game.",
    },
    ErrorCode.GAME_PAUSED: {
        "nl": "Het spel staat even stil. Wacht tot de spelleider verdergaat.",
        "en": "The game is paused. Wait until the workshop leader continues.",
    },
    ErrorCode.GAME_CLOSED: {
        "nl": "Het spel is afgelopen. Je kunt de samenvatting nog bekijken.",
        "en": "The game has ended. You can still read the summary.",
    },
    ErrorCode.ROOM_FULL: {
        "nl": "Dit spel is vol. Er kunnen niet meer dan {max} mensen meedoen.",
        "en": "This game is full. No more than {max} people can take part.",
    },
    ErrorCode.ALREADY_JOINED: {
        "nl": "Je doet al mee in dit spel.",
        "en": "You are already taking part in this game.",
    },
    ErrorCode.NAME_EMPTY: {
        "nl": "Vul een naam in.",
        "en": "Please fill in a name.",
    },
    ErrorCode.NAME_TOO_LONG: {
        "nl": "Je naam is te lang. Gebruik hoogstens {max} tekens.",
        "en": "Your name is too long. Use at most {max} characters.",
    },
    ErrorCode.NAME_TAKEN: {
        "nl": "Iemand in dit spel heeft deze naam al. Kies een andere naam.",
        "en": "Someone in this game already uses this name. Choose another name.",
    },
    ErrorCode.NO_PLAYERS: {
        "nl": "Er doet nog niemand mee. Wacht tot er spelers zijn.",
        "en": "Nobody has joined yet. Wait until there are players.",
    },
    ErrorCode.UNKNOWN_PLAYER: {
        "nl": "Deze speler doet niet (meer) mee.",
        "en": "This player is not (or no longer) in the game.",
    },
    ErrorCode.CARD_EMPTY: {
        "nl": "Schrijf eerst iets op je kaartje.",
        "en": "Write something on your card first.",
    },
    ErrorCode.CARD_TOO_LONG: {
        "nl": "Je kaartje is te lang. Gebruik hoogstens {max} tekens.",
        "en": "Your card is too long. Use at most {max} characters.",
    },
    ErrorCode.TOO_MANY_CARDS: {
        "nl": "Je hebt in deze ronde al {max} kaartjes geschreven. Meer kan niet.",
        "en": "You already wrote {max} cards this round. That is the most you can write.",
    },
    ErrorCode.UNKNOWN_CARD: {
        "nl": "Dit kaartje bestaat niet meer.",
        "en": "This card no longer exists.",
    },
    ErrorCode.NOT_YOUR_CARD: {
        "nl": "Je kunt alleen je eigen kaartjes veranderen.",
        "en": "You can only change your own cards.",
    },
    ErrorCode.CARD_OF_OTHER_ROUND: {
        "nl": "Je kunt een kaartje alleen veranderen in de ronde waarin je het schreef.",
        "en": "You can only change a card in the round you wrote it in.",
    },
    ErrorCode.BAD_MERGE: {
        "nl": "Deze kaartjes kun je niet samenvoegen.",
        "en": "These cards cannot be merged.",
    },
    ErrorCode.NOT_MERGED: {
        "nl": "Dit kaartje is niet samengevoegd. Er is niets los te maken.",
        "en": "This card was not merged. There is nothing to take apart.",
    },
    ErrorCode.NOT_ON_PAPER: {
        "nl": "Deze speler speelt niet op papier. Alleen voor een speler op papier typ je mee.",
        "en": "This player does not play on paper. You can only type for a player on paper.",
    },
    ErrorCode.REFLECTION_TOO_LONG: {
        "nl": "Je terugblik is te lang. Gebruik hoogstens {max} tekens.",
        "en": "Your reflection is too long. Use at most {max} characters.",
    },
    ErrorCode.REFLECTION_EMPTY: {
        "nl": "Schrijf eerst iets in je terugblik.",
        "en": "Write something in your reflection first.",
    },
    ErrorCode.TIMER_OUT_OF_RANGE: {
        "nl": "Kies een tijd tussen {min} en {max} seconden.",
        "en": "Choose a time between {min} and {max} seconds.",
    },
    ErrorCode.NO_TIMER: {
        "nl": "Er loopt geen klok.",
        "en": "There is no timer.",
    },
    ErrorCode.TIMER_STATE: {
        "nl": "De klok staat al zo.",
        "en": "The timer is already like that.",
    },
    ErrorCode.PAUSE_STATE: {
        "nl": "Het spel staat al zo.",
        "en": "The game is already like that.",
    },
    ErrorCode.NO_SUCH_PHASE: {
        "nl": "Verder terug of vooruit kan niet.",
        "en": "You cannot go further back or forward.",
    },
    ErrorCode.STEP_TOO_SOON: {
        "nl": "De stap is net veranderd, misschien door een andere spelleider. "
        "Kijk eerst waar het spel is. Wil je toch verder? Bevestig het dan.",
        "en": "The step has just changed, perhaps by another leader. "
        "First look where the game is. Do you still want to move on? Then confirm it.",
    },
    ErrorCode.UNKNOWN_OPTION: {
        "nl": "Deze keuze bestaat niet in dit spel.",
        "en": "This option does not exist in this game.",
    },
    ErrorCode.SCORE_OUT_OF_RANGE: {
        "nl": "Geef een cijfer van {min} tot en met {max}.",
        "en": "Give a score from {min} to {max}.",
    },
    ErrorCode.PROPOSAL_EMPTY: {
        "nl": "Schrijf eerst de tekst van het voorstel.",
        "en": "Write the text of the proposal first.",
    },
    ErrorCode.PROPOSAL_TOO_LONG: {
        "nl": "Het voorstel is te lang. Gebruik hoogstens {max} tekens.",
        "en": "The proposal is too long. Use at most {max} characters.",
    },
    ErrorCode.BAD_CONDITION: {
        "nl": "Een voorwaarde is leeg of te lang, of er zijn te veel voorwaarden.",
        "en": "A condition is empty or too long, or there are too many conditions.",
    },
    ErrorCode.CONDITION_SOURCE: {
        "nl": "Een voorwaarde kan alleen komen van een kaartje uit ronde 2 of 3.",
        "en": "A condition can only come from a card of round 2 or 3.",
    },
    ErrorCode.VOTE_IS_OPEN: {
        "nl": "Er wordt nu gestemd. Het voorstel kan pas daarna veranderen.",
        "en": "A vote is open. The proposal can only change after it.",
    },
    ErrorCode.VOTE_NOT_OPEN: {
        "nl": "Er is nu geen stemming.",
        "en": "There is no vote open now.",
    },
    ErrorCode.NO_VOTE_YET: {
        "nl": "Er is nog niet gestemd.",
        "en": "There has been no vote yet.",
    },
    ErrorCode.REASON_REQUIRED: {
        "nl": "Schrijf op waarom je bezwaar hebt.",
        "en": "Write down why you object.",
    },
    ErrorCode.REASON_TOO_LONG: {
        "nl": "Je uitleg is te lang. Gebruik hoogstens {max} tekens.",
        "en": "Your explanation is too long. Use at most {max} characters.",
    },
    ErrorCode.UNKNOWN_SETTING: {
        "nl": "Deze instelling bestaat niet.",
        "en": "This setting does not exist.",
    },
    ErrorCode.NOTHING_TO_REBALANCE: {
        "nl": "De rollen zijn al zo eerlijk verdeeld als het kan. Opnieuw verdelen is niet nodig.",
        "en": "The roles are already shared out as evenly as they can be. There is no need to "
        "share them out again.",
    },
    ErrorCode.REBALANCE_CANNOT_HELP: {
        "nl": "Opnieuw verdelen lost dit niet op. Met minder dan drie spelers kan niet elke rol "
        "bezet zijn. En wie een ronde miste, kan die rol niet meer spelen.",
        "en": "Sharing out the roles again does not solve this. With fewer than three players "
        "not every role can be taken. And someone who missed a round cannot play that role "
        "any more.",
    },
    # The server and the socket protocol (game.codes.ServerCode)
    ServerCode.NOT_AN_OBJECT: {
        "nl": "Dit bericht klopt niet. Laad de pagina opnieuw.",
        "en": "This message is not valid. Reload the page.",
    },
    ServerCode.MESSAGE_TOO_BIG: {
        "nl": "Dit bericht is te groot. Maak je tekst korter.",
        "en": "This message is too big. Make your text shorter.",
    },
    ServerCode.UNKNOWN_ACTION: {
        "nl": "Dit kent het spel niet. Laad de pagina opnieuw.",
        "en": "The game does not know this. Reload the page.",
    },
    ServerCode.MISSING_KEY: {
        "nl": "Dit bericht mist een kenmerk. Laad de pagina opnieuw.",
        "en": "This message has no key. Reload the page.",
    },
    ServerCode.BAD_FIELD: {
        "nl": "Een deel van dit bericht klopt niet. Laad de pagina opnieuw.",
        "en": "Part of this message is not valid. Reload the page.",
    },
    ServerCode.BAD_AUTH: {
        "nl": "Verbinden lukt niet. Laad de pagina opnieuw.",
        "en": "Could not connect. Reload the page.",
    },
    ServerCode.UNKNOWN_ROOM: {
        "nl": "Dit spel bestaat niet (meer).",
        "en": "This game does not exist (any more).",
    },
    ServerCode.BAD_TOKEN: {
        "nl": "Je plek in dit spel is niet meer geldig. Doe opnieuw mee met de code.",
        "en": "Your seat in this game is no longer valid. Join again with the code.",
    },
    ServerCode.SCREEN_CANNOT_ACT: {
        "nl": "Het grote scherm kan alleen kijken.",
        "en": "The big screen can only watch.",
    },
    ServerCode.UNKNOWN_CODE: {
        "nl": "Deze code kennen we niet. Kijk goed naar de code op het scherm.",
        "en": "We do not know this code. Look carefully at the code on the screen.",
    },
    ServerCode.TOO_MANY_ATTEMPTS: {
        "nl": "Te veel pogingen met een verkeerde code. Wacht een minuut en probeer opnieuw.",
        "en": "Too many tries with a wrong code. Wait a minute and try again.",
    },
    ServerCode.UNKNOWN_SCENARIO: {
        "nl": "Deze casus bestaat niet. Kies een casus uit de lijst.",
        "en": "This case does not exist. Choose a case from the list.",
    },
    ServerCode.CASE_ID_TAKEN: {
        "nl": "Er is al een casus met de id '{id}'. Kies een andere id.",
        "en": "There is already a case with the id '{id}'. Choose another id.",
    },
    ServerCode.CASE_ID_FIXED: {
        "nl": "Een bewaarde casus houdt zijn id '{id}'. Wil je een andere id? Bewaar de casus "
        "dan als nieuwe casus.",
        "en": "A saved case keeps its id '{id}'. Want another id? Then save it as a new case.",
    },
    ServerCode.BAD_REQUEST: {
        "nl": "Dit verzoek klopt niet. Controleer wat je hebt ingevuld.",
        "en": "This request is not valid. Check what you filled in.",
    },
    ServerCode.BAD_ROLE: {
        "nl": "Kies wat je in het echt bent: inwoner, raadslid of ambtenaar.",
        "en": "Choose what you are in real life: resident, council member or civil servant.",
    },
    ServerCode.SEAT_TAKEN_OVER: {
        "nl": "Je speelt nu verder op een ander apparaat. Hier ben je uitgelogd.",
        "en": "You are now playing on another device. You were logged out here.",
    },
    ServerCode.SERVER_RESTARTING: {
        "nl": "De server start opnieuw op. Je wordt zo weer verbonden.",
        "en": "The server is restarting. You will be connected again soon.",
    },
    ServerCode.SERVER_ERROR: {
        "nl": "Er ging iets mis bij de server. Probeer het nog eens.",
        "en": "Something went wrong on the server. Please try again.",
    },
    ServerCode.NO_KEY: {
        "nl": "Deze link is niet compleet: de sleutel ontbreekt. Open de link die je kreeg.",
        "en": "This link is not complete: the key is missing. Open the link you were given.",
    },
    ServerCode.WRONG_KEY: {
        "nl": "Deze sleutel past niet. Open de link die je kreeg.",
        "en": "This key does not fit. Open the link you were given.",
    },
    ServerCode.ROOM_DAMAGED: {
        "nl": "Dit spel is beschadigd en kan niet verder. Vraag de spelleider om hulp.",
        "en": "This game is damaged and cannot go on. Ask the workshop leader for help.",
    },
    ServerCode.TOO_MANY_ACTIONS: {
        "nl": "Je doet te veel tegelijk. Wacht even en probeer het dan opnieuw.",
        "en": "You are doing too much at once. Wait a moment, then try again.",
    },
    ServerCode.TOO_MANY_ROOMS: {
        "nl": "Er zijn hier te veel spellen gemaakt. Probeer het later opnieuw.",
        "en": "Too many games were made from here. Try again later.",
    },
    ServerCode.REMOVED_FROM_GAME: {
        "nl": "De spelleider heeft je uit dit spel gehaald. Vraag de spelleider als je terug wilt.",
        "en": "The workshop leader took you out of this game. Ask them if you want to come back.",
    },
    ServerCode.LEFT_GAME: {
        "nl": "Je bent uit dit spel gegaan.",
        "en": "You have left this game.",
    },
    ServerCode.GAME_DELETED: {
        "nl": "Dit spel is gewist. Er is niets meer van bewaard.",
        "en": "This game has been deleted. Nothing of it is kept.",
    },
    ServerCode.CONFIRM_DELETE: {
        "nl": "Bevestig eerst dat je het spel wilt wissen.",
        "en": "First confirm that you want to delete the game.",
    },
    ServerCode.TOO_MANY_CONNECTIONS: {
        "nl": "Er zijn te veel verbindingen vanaf jouw netwerk. Wacht even en probeer het opnieuw.",
        "en": "There are too many connections from your network. Wait a moment and try again.",
    },
    ServerCode.SERVER_BUSY: {
        "nl": "De server heeft het nu te druk. Probeer het over een minuut opnieuw.",
        "en": "The server is too busy right now. Try again in a minute.",
    },
    ServerCode.SERVER_OVERLOADED: {
        "nl": "Het is nu heel druk. Dit is niet opgeslagen. "
        "Probeer het over een paar seconden opnieuw.",
        "en": "It is very busy right now. This was not saved. Try again in a few seconds.",
    },
    ServerCode.AUTH_TIMEOUT: {
        "nl": "Verbinden duurde te lang. Laad de pagina opnieuw.",
        "en": "Connecting took too long. Reload the page.",
    },
    ServerCode.BODY_TOO_LARGE: {
        "nl": "Wat je stuurt is te groot. Maak het korter en probeer het opnieuw.",
        "en": "What you sent is too large. Make it shorter and try again.",
    },
    ServerCode.BAD_PACKET: {
        "nl": "Dit bericht kan de server niet lezen. Laad de pagina opnieuw.",
        "en": "The server cannot read this message. Reload the page.",
    },
    ServerCode.UNKNOWN_EVENT: {
        "nl": "Dit soort bericht kent de server niet. Laad de pagina opnieuw.",
        "en": "The server does not know this kind of message. Reload the page.",
    },
    ServerCode.BAD_TEXT: {
        "nl": "Je tekst bevat een teken dat niet kan. Haal het weg en probeer het opnieuw.",
        "en": "Your text contains a character that is not allowed. Remove it and try again.",
    },
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def message(code: str, lang: str | None = None, detail: Mapping[str, Any] | None = None) -> str:
    """The sentence for `code` in `lang` (Dutch when unknown), with the detail's values."""
    sentences = SENTENCES.get(code, SENTENCES[ServerCode.SERVER_ERROR])
    text = sentences[language(lang)]
    return string.Formatter().vformat(text, (), _Blank(detail or {}))
