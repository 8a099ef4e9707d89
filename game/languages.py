"""The languages of the game: Dutch first (the default), English second.

Every layer uses these, the engine included, so this module imports nothing but the
standard library.
"""

from __future__ import annotations

from typing import Final, Literal

Lang = Literal["nl", "en"]

LANGUAGES: Final[tuple[Lang, ...]] = ("nl", "en")
DEFAULT_LANGUAGE: Final[Lang] = "nl"


def language(value: object) -> Lang:
    """A supported language code: `value` when it is one, Dutch for anything else."""
    for code in LANGUAGES:
        if value == code:
            return code
    return DEFAULT_LANGUAGE
