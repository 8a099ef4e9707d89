"""Every code a person can meet has a plain sentence in Dutch and in English."""

from __future__ import annotations

import string

from game.codes import ServerCode
from game.engine.errors import ErrorCode
from game.languages import language
from game.web.messages import SENTENCES, message, sentence


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_error_code_has_a_dutch_and_an_english_sentence() -> None:
    """No ErrorCode or ServerCode member is missing a sentence in nl or en."""
    for code in [*ErrorCode, *ServerCode]:
        assert code in SENTENCES, f"no sentences for {code}"
        assert sentence(code, "nl").strip(), f"no Dutch sentence for {code}"
        assert sentence(code, "en").strip(), f"no English sentence for {code}"
        assert sentence(code, "nl") != sentence(code, "en"), f"{code}: the Dutch is not translated"


def test_no_sentence_is_kept_for_a_code_that_does_not_exist() -> None:
    """Sentences follow the enums: a renamed code cannot leave an orphan behind."""
    known = {c.value for c in ErrorCode} | {c.value for c in ServerCode}
    assert set(SENTENCES) == known


def test_engine_and_server_codes_never_share_a_value() -> None:
    """A code means one thing, wherever it comes from."""
    assert not {c.value for c in ErrorCode} & {c.value for c in ServerCode}


def test_both_languages_use_the_same_values() -> None:
    """When the Dutch says {max}, so does the English, and the other way round."""
    for code in SENTENCES:
        assert _placeholders(sentence(code, "nl")) == _placeholders(sentence(code, "en")), code


def test_a_sentence_is_filled_in_from_the_detail() -> None:
    """The rejection's detail gives the numbers in the sentence."""
    assert "40" in message(ErrorCode.NAME_TOO_LONG, "nl", {"max": 40})
    assert message(ErrorCode.NAME_TOO_LONG, "en", {"max": 40}).startswith("Your name")


def test_a_missing_value_or_language_never_breaks_a_sentence() -> None:
    """No KeyError, no leftover braces; an unknown language gets Dutch."""
    text = message(ErrorCode.CARD_TOO_LONG, "de")
    assert "{" not in text and text == message(ErrorCode.CARD_TOO_LONG, "nl")
    assert message("no_such_code", "en") == sentence(ServerCode.SERVER_ERROR, "en")
    assert message("no_such_code", "en") == "Something went wrong on the server. Please try again."
    assert language("en") == "en" and language("fr") == "nl" and language(None) == "nl"
