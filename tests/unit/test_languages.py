"""One helper says which language to use, for every layer."""

from __future__ import annotations

import pytest

from game.languages import DEFAULT_LANGUAGE, LANGUAGES, language


def test_dutch_is_first_and_the_default() -> None:
    """Dutch is the default language and the first of the two; English is the second."""
    assert LANGUAGES == ("nl", "en") and DEFAULT_LANGUAGE == "nl"


@pytest.mark.parametrize(
    ("asked", "used"),
    [("nl", "nl"), ("en", "en"), ("EN", "nl"), ("fr", "nl"), ("", "nl"), (None, "nl"), (1, "nl")],
)
def test_anything_but_a_supported_code_becomes_dutch(asked: object, used: str) -> None:
    """A supported code is kept as it is; anything else (other case, other type) is Dutch."""
    assert language(asked) == used
