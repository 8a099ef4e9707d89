"""The scripted people's words are data beside the scenarios, checked, and never a scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.engine.roles import Role
from game.scenarios.loader import default_folder, load_folder, scenario_files
from rolwissel_client.words import default_words_folder, load_words, words_in

SCENARIO_IDS = sorted(load_folder(default_folder()))


def test_the_words_live_beside_the_scenarios_and_are_no_scenario() -> None:
    """scenarios/simulate/ holds words.yaml; the loader reads only the scenario files next to
    it, so the words are never mistaken for a scenario."""
    folder = default_words_folder()
    assert folder.parent == default_folder() and (folder / "words.yaml").is_file()
    assert all(path.parent == default_folder() for path in scenario_files(default_folder()))
    assert "simulate" not in SCENARIO_IDS and len(SCENARIO_IDS) >= 3


@pytest.mark.parametrize("scenario_id", [*SCENARIO_IDS, "a-scenario-without-own-words"])
def test_every_scenario_has_words_in_both_languages(scenario_id: str) -> None:
    """For every shipped scenario (and any other) both languages have cards for each of
    the four rounds and a name for each role; the sentences take the values they get."""
    words = load_words(scenario_id)
    assert len(words.names) == len(set(words.names)) >= 20
    for lang in ("nl", "en"):
        said = words_in(words, lang)
        assert sorted(said.ideas) == [1, 2, 3, 4]
        assert all(len(ideas) == len(set(ideas)) >= 2 for ideas in said.ideas.values())
        assert set(said.roles) == {role.value for role in Role}
        assert said.reflection.format(role="x", round=1) != said.reflection
        assert "{title}" in said.decision


def test_a_scenario_file_overrides_only_what_it_names() -> None:
    """buurtkamer-bibliotheek has cards of its own; everything else is the generic words."""
    generic = load_words("a-scenario-without-own-words")
    own = load_words("buurtkamer-bibliotheek")
    assert own.nl.ideas[1] != generic.nl.ideas[1]
    assert own.nl.ideas[1][0] == "Een plek waar buren elkaar echt ontmoeten"
    assert own.names == generic.names and own.nl.reflection == generic.nl.reflection
    assert own.en.roles == generic.en.roles


def test_words_that_cannot_be_used_are_refused_naming_the_folder(tmp_path: Path) -> None:
    """A round without cards is refused with a sentence that names the words folder."""
    generic = (default_words_folder() / "words.yaml").read_text(encoding="utf-8")
    (tmp_path / "words.yaml").write_text(generic, encoding="utf-8")
    (tmp_path / "kapot.yaml").write_text("nl:\n  ideas:\n    2: []\n", encoding="utf-8")
    assert load_words("heel", tmp_path).nl.ideas[2]
    with pytest.raises(ValueError, match=str(tmp_path)):
        load_words("kapot", tmp_path)
