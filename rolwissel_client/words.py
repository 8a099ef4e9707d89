"""What the scripted people say: read from scenarios/simulate/, checked, in one language.

`words.yaml` holds the words for any scenario; `<scenario id>.yaml` beside it may override
any of them for one scenario (mappings are merged key by key, anything else is replaced).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from game.languages import Lang
from game.scenarios.loader import default_folder

Line = Annotated[str, StringConstraints(min_length=1, max_length=280)]
Lines = Annotated[tuple[Line, ...], Field(min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LanguageWords(_Frozen):
    """The words of one language."""

    ideas: dict[Annotated[int, Field(ge=1, le=4)], Lines]  # the cards of each round
    round: Line
    reflection: Line  # with {role} and {round}
    decision: Line  # with {title}
    amended: Line  # added to the decision text after the objections
    new_condition: Line
    reason: Line  # a bezwaar's reason
    needed: Line  # what the objector needs to go along
    doubt: Line  # an eens met bedenkingen's reservation
    resolved: Line  # the objector's reservation in the second ballot
    roles: dict[str, Line]  # role value -> its name


class WordsFile(_Frozen):
    """A whole words file after the overrides: names and both languages."""

    names: Lines
    nl: LanguageWords
    en: LanguageWords


def default_words_folder() -> Path:
    """scenarios/simulate/, beside the scenarios."""
    return default_folder() / "simulate"


def load_words(scenario_id: str, folder: Path | None = None) -> WordsFile:
    """The words for a scenario: words.yaml with `<scenario id>.yaml` over it when there is
    one. Raises ValueError naming the file when the words are not usable."""
    folder = folder or default_words_folder()
    data = _read(folder / "words.yaml")
    override = folder / f"{scenario_id}.yaml"
    if override.is_file():
        data = _merged(data, _read(override))
    try:
        return WordsFile.model_validate(data)
    except ValueError as error:
        raise ValueError(f"{folder}: the words for {scenario_id} are not usable: {error}") from None


def words_in(words: WordsFile, lang: Lang) -> LanguageWords:
    """The words of one language."""
    return words.en if lang == "en" else words.nl


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of words")
    return data


def _merged(base: dict[Any, Any], over: dict[Any, Any]) -> dict[Any, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged
