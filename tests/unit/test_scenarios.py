"""Scenario files: the shipped ones are complete, broken ones are refused with precise messages."""

import copy
import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel

from game.engine.roles import ROLE_ORDER, Role
from game.scenarios.cli import scenarios_group
from game.scenarios.loader import (
    ScenarioError,
    check_files,
    check_paths,
    default_folder,
    load_folder,
    load_good,
    load_scenario,
    load_scenarios,
)
from game.scenarios.schema import LANGUAGES, Scenario, Text

SHIPPED = sorted(default_folder().glob("*.yaml"))
SHIPPED_IDS = (
    "bouwplan-oude-remise",
    "buurtkamer-bibliotheek",
    "groen-right-to-challenge",
    "stadspas-wordt-app",
    "vrijwillige-vervoersdienst",
    "windmolens-oudervaart",
)
LENSES_NL = ("Waarden", "Haalbaarheid", "Afweging", "Besluit")


def _texts(obj: object, path: str = "") -> Iterator[tuple[str, Text]]:
    """Every Text in a scenario, with its field path."""
    if isinstance(obj, Text):
        yield path, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _texts(getattr(obj, name), f"{path}.{name}" if path else name)
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from _texts(value, f"{path}.{key}")
    elif isinstance(obj, tuple):
        for index, value in enumerate(obj):
            yield from _texts(value, f"{path}[{index}]")


def _t(nl: str, en: str) -> dict[str, str]:
    return {"nl": nl, "en": en}


def _valid() -> dict[str, Any]:
    """A small valid scenario, as the data a YAML file holds."""

    def card(role: str) -> dict[str, Any]:
        return {
            "title": _t(f"Titel {role}", f"Title {role}"),
            "who": _t("Wie", "Who"),
            "values": _t("Waarden", "Values"),
            "wants": _t("Wil", "Wants"),
            "fears": _t("Vreest", "Fears"),
            "secrets": [
                {"id": f"{role}-secret", "round": 1, "text": _t(f"Geheim {role}", f"Secret {role}")}
            ],
        }

    def round_(lens: str) -> dict[str, Any]:
        return {
            "lens": _t(lens, lens),
            "question": _t("Vraag?", "Question?"),
            "card_prompt": _t("Schrijf.", "Write."),
            "minutes": 15,
        }

    return {
        "id": "test-case",
        "title": _t("Titel", "Title"),
        "summary": _t("Samenvatting", "Summary"),
        "situation": _t("Situatie", "Situation"),
        "roles": {role.value: card(role.value) for role in ROLE_ORDER},
        "rounds": [round_(lens) for lens in LENSES_NL],
        "threshold": "2/3",
        "debrief_questions": [_t("Wat viel op?", "What struck you?")],
    }


def _write(folder: Path, name: str, data: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    lines = str(caught.value).splitlines()
    assert lines == [str(p) for p in caught.value.problems]
    return lines


# --- the shipped scenarios --------------------------------------------------------------------


def test_shipped_folder_loads_the_six_scenarios() -> None:
    """The repository's scenarios folder loads, keyed by id, with no problem reported."""
    scenarios = load_folder(default_folder())
    assert sorted(scenarios) == sorted(SHIPPED_IDS)
    assert check_paths([default_folder()]) == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_has_three_roles_and_four_rounds_in_both_languages(path: Path) -> None:
    """Each shipped file has a card per role and four rounds, every text filled in nl and en."""
    scenario = load_scenario(path)
    assert scenario.id == path.stem
    assert set(scenario.roles) == set(Role)
    assert len(scenario.rounds) == 4
    assert tuple(r.lens.nl for r in scenario.rounds) == LENSES_NL
    for field, text in _texts(scenario):
        for lang in LANGUAGES:
            assert text.get(lang).strip(), f"{field}.{lang} is empty"
        assert text.nl != text.en, f"{field} is not translated"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_has_the_size_the_brief_asks_for(path: Path) -> None:
    """A situation of 120-250 words, 1-3 secrets per role, 4-6 debrief questions, a timing."""
    scenario = load_scenario(path)
    for lang in LANGUAGES:
        words = len(scenario.situation.get(lang).split())
        assert 120 <= words <= 250, f"situation.{lang} has {words} words"
        assert "\n" not in scenario.summary.get(lang)
    for card in scenario.roles.values():
        assert 1 <= len(card.secrets) <= 3
    assert 4 <= len(scenario.debrief_questions) <= 6
    assert all(10 <= r.minutes <= 45 for r in scenario.rounds)
    assert 0 < scenario.threshold <= 1


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_secrets_are_distinctive_strings(path: Path) -> None:
    """Secrets are long, unique, and neither contain nor hide inside any other text."""
    scenario = load_scenario(path)
    texts = [
        (field, lang, text.get(lang)) for field, text in _texts(scenario) for lang in LANGUAGES
    ]
    secrets = [t for t in texts if ".secrets[" in t[0]]
    assert len(secrets) >= 6
    for field, lang, secret in secrets:
        assert len(secret) >= 25, f"{field}.{lang} is too short to scan for"
        for other_field, other_lang, other in texts:
            if (other_field, other_lang) == (field, lang):
                continue
            assert other.lower() not in secret.lower(), f"{field}.{lang} contains {other_field}"
            assert secret.lower() not in other.lower(), f"{other_field} contains {field}.{lang}"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_reveals_most_secrets_but_not_all(path: Path) -> None:
    """Most secrets may be shown at the debrief, and at least one stays private."""
    secrets = [s for card in load_scenario(path).roles.values() for s in card.secrets]
    revealed = [s for s in secrets if s.revealed_at_debrief]
    assert len(secrets) / 2 < len(revealed) < len(secrets)


def test_shipped_scenarios_offer_fixed_options_and_exact_thresholds() -> None:
    """At least one scenario has three fixed options; thresholds are exact, one is not 2/3."""
    scenarios = load_folder(default_folder()).values()
    assert any(len(s.options) == 3 for s in scenarios)
    assert all(isinstance(s.threshold, Fraction) for s in scenarios)
    assert Fraction(2, 3) in {s.threshold for s in scenarios}
    assert {s.threshold for s in scenarios} != {Fraction(2, 3)}


def test_threshold_written_as_fraction_is_exactly_two_thirds(tmp_path: Path) -> None:
    """'2/3' in a YAML file becomes Fraction(2, 3), not a rounded float."""
    path = tmp_path / "case.yaml"
    text = yaml.safe_dump(_valid(), sort_keys=False).replace("threshold: 2/3", "threshold: '2/3'")
    path.write_text(text, encoding="utf-8")
    threshold = load_scenario(path).threshold
    assert threshold == Fraction(2, 3)
    assert type(threshold) is Fraction


def test_scenario_round_trips_through_json() -> None:
    """A scenario survives model_dump_json and back, so the room log can carry it whole."""
    scenario = load_scenario(default_folder() / "buurtkamer-bibliotheek.yaml")
    again = Scenario.model_validate_json(scenario.model_dump_json())
    assert again == scenario
    assert again.threshold == Fraction(2, 3)


def test_example_in_the_guide_is_a_valid_scenario(tmp_path: Path) -> None:
    """The annotated example in docs/scenarios.md passes the same check as a real file."""
    guide = (default_folder().parent / "docs" / "scenarios.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", guide, re.DOTALL)
    assert example is not None
    path = tmp_path / "bankje-op-het-plein.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    assert check_paths([path]) == []
    assert load_scenario(path).id == "bankje-op-het-plein"


# --- broken files -----------------------------------------------------------------------------


def test_missing_role_names_the_role_path(tmp_path: Path) -> None:
    """A scenario without an ambtenaar card is refused at roles.ambtenaar."""
    data = _valid()
    del data["roles"]["ambtenaar"]
    path = _write(tmp_path, "no-ambtenaar.yaml", data)
    (problem,) = _problems(path)
    assert problem.startswith(f"{path}, line ")
    assert "roles.ambtenaar: " in problem
    assert "ambtenaar is missing" in problem


def test_float_threshold_is_refused(tmp_path: Path) -> None:
    """0.67 is refused with a hint to write '2/3', because it is not exactly two thirds."""
    data = _valid() | {"threshold": 0.67}
    path = _write(tmp_path, "float.yaml", data)
    (problem,) = _problems(path)
    assert str(path) in problem
    assert "threshold: write the threshold as a fraction in quotes, for example '2/3'" in problem


@pytest.mark.parametrize("written", ["0.67", "yes", "two thirds"])
def test_threshold_that_is_not_a_fraction_is_refused(tmp_path: Path, written: str) -> None:
    """A decimal string, a YAML boolean or words are refused, not silently turned into numbers."""
    path = tmp_path / "threshold.yaml"
    text = yaml.safe_dump(_valid(), sort_keys=False).replace(
        "threshold: 2/3", f"threshold: {written}"
    )
    path.write_text(text, encoding="utf-8")
    (problem,) = _problems(path)
    assert "threshold: write the threshold as a fraction" in problem


def test_threshold_above_one_is_refused(tmp_path: Path) -> None:
    """A threshold of 3/2 is refused: no group can be more than all in favour."""
    path = _write(tmp_path, "over.yaml", _valid() | {"threshold": "3/2"})
    (problem,) = _problems(path)
    assert "threshold: the threshold must be more than 0 and at most 1" in problem


def test_missing_dutch_text_names_the_full_path(tmp_path: Path) -> None:
    """A secret without Dutch text is refused at roles.ambtenaar.secrets[0].text.nl."""
    data = _valid()
    del data["roles"]["ambtenaar"]["secrets"][0]["text"]["nl"]
    path = _write(tmp_path, "no-dutch.yaml", data)
    (problem,) = _problems(path)
    assert str(path) in problem
    assert "roles.ambtenaar.secrets[0].text.nl: the Dutch text is missing" in problem


def test_a_case_without_english_plays_in_dutch(tmp_path: Path) -> None:
    """English is optional: a text without it reads in Dutch, and the scenario says which
    languages it has."""
    data = _valid()
    assert load_scenario(_write(tmp_path, "both.yaml", data)).languages == ("nl", "en")
    del data["roles"]["ambtenaar"]["secrets"][0]["text"]["en"]
    del data["title"]["en"]
    scenario = load_scenario(_write(tmp_path, "dutch.yaml", data))
    assert scenario.languages == ("nl",)
    assert scenario.title.en is None
    assert scenario.title.get("en") == scenario.title.get("nl") == "Titel"
    assert scenario.summary.get("en") == "Summary"


def test_secret_without_a_round_is_refused_naming_the_field(tmp_path: Path) -> None:
    """Every secret says in which round it is dealt; a missing one is named with its path."""
    data = _valid()
    del data["roles"]["raadslid"]["secrets"][0]["round"]
    path = _write(tmp_path, "no-round.yaml", data)
    (problem,) = _problems(path)
    assert f"{path}, line " in problem
    assert "roles.raadslid.secrets[0].round: the field 'round' is missing" in problem


@pytest.mark.parametrize("written", ["0", "4", "'2'", "yes", "2.0", "-1"])
def test_secret_round_must_be_one_two_or_three(tmp_path: Path, written: str) -> None:
    """A round outside 1-3 (or text, a boolean, a decimal) is refused, naming the field."""
    path = tmp_path / "round.yaml"
    text = yaml.safe_dump(_valid(), sort_keys=False)
    assert text.count("round: 1") == 3
    path.write_text(text.replace("round: 1", f"round: {written}", 1), encoding="utf-8")
    (problem,) = _problems(path)
    assert "roles.inwoner.secrets[0].round: the round of a secret must be 1, 2 or 3" in problem


@pytest.mark.parametrize("round_number", [1, 2, 3])
def test_secret_round_one_two_or_three_is_accepted(tmp_path: Path, round_number: int) -> None:
    """Rounds 1, 2 and 3 are the rounds in which roles rotate: each is a valid round."""
    data = _valid()
    data["roles"]["inwoner"]["secrets"][0]["round"] = round_number
    scenario = load_scenario(_write(tmp_path, "ok.yaml", data))
    assert scenario.roles[Role.INWONER].secrets[0].round == round_number


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_secrets_are_dealt_in_rounds_one_two_three_in_order(path: Path) -> None:
    """Each role's secrets in a shipped file are dealt in rounds 1, 2, 3, in that order."""
    for card in load_scenario(path).roles.values():
        assert [s.round for s in card.secrets] == list(range(1, len(card.secrets) + 1))


def test_unknown_field_is_named_with_a_suggestion(tmp_path: Path) -> None:
    """A misspelt field is refused at its path, with the field it probably meant."""
    data = _valid()
    data["roles"]["raadslid"]["vaules"] = _t("x", "y")
    path = _write(tmp_path, "typo.yaml", data)
    (problem,) = _problems(path)
    assert "roles.raadslid.vaules: 'vaules' is not a field here; did you mean 'values'?" in problem


def test_problem_points_at_the_line_of_the_field(tmp_path: Path) -> None:
    """The line number in a message is the line where the broken field is written."""
    path = _write(tmp_path, "minutes.yaml", _valid())
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[-5] = lines[-5].replace("minutes: 15", "minutes: lots")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "minutes: lots" in lines[-5]
    (problem,) = _problems(path)
    assert problem.startswith(f"{path}, line {len(lines) - 4}: rounds[3].minutes: ")
    assert "whole number" in problem


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    """Broken YAML is refused with the line it breaks on, before any field is checked."""
    path = tmp_path / "syntax.yaml"
    path.write_text(
        "id: syntax\ntitle:\n  nl: Titel\n  en: [Title\nsummary: x\n",
        encoding="utf-8",
    )
    (problem,) = _problems(path)
    assert re.match(rf"{re.escape(str(path))}, line 5: the YAML is not valid: ", problem)


def test_colon_in_unquoted_text_gets_a_hint(tmp_path: Path) -> None:
    """A ': ' inside an unquoted text is explained as a quoting problem, with its line."""
    path = tmp_path / "colon.yaml"
    path.write_text("id: colon\ntitle:\n  nl: Let op: dit\n  en: Mind\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert f"{path}, line 3: " in problem
    assert "must be put in quotes" in problem


def test_key_written_twice_is_refused(tmp_path: Path) -> None:
    """A field written twice in one block is refused; plain YAML would keep only the last."""
    path = tmp_path / "twice.yaml"
    path.write_text("id: one\nid: two\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert f"{path}, line 2: " in problem
    assert "the field 'id' is written twice" in problem


def test_duplicate_secret_ids_name_both_places(tmp_path: Path) -> None:
    """Two secrets with one id are refused at the second, naming the first."""
    data = _valid()
    data["roles"]["ambtenaar"]["secrets"][0]["id"] = "inwoner-secret"
    path = _write(tmp_path, "dup-secret.yaml", data)
    (problem,) = _problems(path)
    assert "roles.ambtenaar.secrets[0].id: the secret id 'inwoner-secret' is used twice" in problem
    assert "roles.inwoner.secrets[0].id" in problem


def test_three_rounds_are_refused(tmp_path: Path) -> None:
    """A scenario with three rounds is told it needs exactly four."""
    data = _valid()
    data["rounds"] = data["rounds"][:3]
    path = _write(tmp_path, "three.yaml", data)
    (problem,) = _problems(path)
    assert "rounds: there must be exactly 4 rounds, one per lens; this file has 3" in problem


def test_unknown_role_is_named(tmp_path: Path) -> None:
    """A role card for a role the game does not have is refused and the roles are listed."""
    data = _valid()
    data["roles"]["burgemeester"] = copy.deepcopy(data["roles"]["raadslid"])
    path = _write(tmp_path, "mayor.yaml", data)
    (problem,) = _problems(path)
    assert "roles.burgemeester: 'burgemeester' is not a role" in problem
    assert "inwoner, raadslid, ambtenaar" in problem


def test_unquoted_no_is_explained(tmp_path: Path) -> None:
    """English text 'No' without quotes (a YAML boolean) gets a hint to use quotes."""
    path = tmp_path / "no.yaml"
    text = yaml.safe_dump(_valid(), sort_keys=False).replace("en: Fears", "en: No")
    path.write_text(text, encoding="utf-8")
    problems = _problems(path)
    assert len(problems) == 3
    # English is optional, but a wrong one is still refused: it is never silently dropped.
    assert "roles.inwoner.fears.en: this must be text; put it in quotes" in problems[0]


def test_every_problem_in_a_file_is_reported(tmp_path: Path) -> None:
    """Two broken fields give two messages, one per line, not just the first."""
    data = _valid()
    del data["summary"]["nl"]
    data["rounds"][1]["minutes"] = 0
    path = _write(tmp_path, "two.yaml", data)
    problems = _problems(path)
    assert len(problems) == 2
    assert "summary.nl: the Dutch text is missing" in problems[0]
    assert "rounds[1].minutes: this must be 1 or more" in problems[1]


def test_empty_and_non_mapping_files_are_refused(tmp_path: Path) -> None:
    """An empty file and a file holding a list are refused with a sentence, not a traceback."""
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n", encoding="utf-8")
    assert _problems(empty) == [f"{empty}: the file is empty"]
    assert "must start with fields such as 'id:'" in _problems(listing)[0]


def test_duplicate_scenario_ids_across_a_folder(tmp_path: Path) -> None:
    """Two files with one id make load_folder fail, naming the second file and the first."""
    first = _write(tmp_path, "a.yaml", _valid())
    second = _write(tmp_path, "b.yml", _valid())
    with pytest.raises(ScenarioError) as caught:
        load_folder(tmp_path)
    (problem,) = caught.value.problems
    assert problem.file == second
    assert problem.path == "id"
    assert str(problem) == (
        f"{second}, line 1: id: the id 'test-case' is already used by {first}; "
        "every scenario needs its own id"
    )


def test_load_folder_reads_yaml_and_yml_and_skips_other_files(tmp_path: Path) -> None:
    """Both suffixes are scenarios; notes and hidden editor files are not."""
    _write(tmp_path, "one.yaml", _valid())
    _write(tmp_path, "two.yml", _valid() | {"id": "second-case"})
    (tmp_path / "notes.txt").write_text("not a scenario", encoding="utf-8")
    (tmp_path / ".#one.yaml").write_text("half-saved: [", encoding="utf-8")
    assert sorted(load_folder(tmp_path)) == ["second-case", "test-case"]


def test_check_paths_lists_problems_of_all_files(tmp_path: Path) -> None:
    """check_paths returns one sentence per problem across files, and nothing for good ones."""
    good = _write(tmp_path, "good.yaml", _valid())
    bad = _write(tmp_path, "bad.yaml", _valid() | {"id": "bad-case", "threshold": "5/4"})
    assert check_paths([good]) == []
    problems = check_paths([good, bad, tmp_path / "missing.yaml"])
    assert len(problems) == 2
    assert problems[0] == f"{tmp_path / 'missing.yaml'}: there is no such file"
    assert problems[1].startswith(f"{bad}, line ")


# --- the command ------------------------------------------------------------------------------


def test_cli_check_passes_on_good_files() -> None:
    """`scenarios check` on the shipped folder prints OK per file and exits 0."""
    result = CliRunner().invoke(scenarios_group, ["check", str(default_folder())])
    assert result.exit_code == 0, result.output
    for path in SHIPPED:
        assert f"OK {path} ({path.stem})" in result.output


def test_cli_check_defaults_to_the_scenarios_folder() -> None:
    """Without a path, `scenarios check` checks the repository's scenarios folder."""
    result = CliRunner().invoke(scenarios_group, ["check"])
    assert result.exit_code == 0, result.output
    assert result.output.count("OK ") == len(SHIPPED)


def test_cli_check_fails_on_a_bad_file_naming_file_and_field(tmp_path: Path) -> None:
    """A broken file makes `scenarios check` exit 1 and print the file and the field path."""
    good = _write(tmp_path, "good.yaml", _valid())
    data = _valid() | {"id": "broken-case"}
    del data["roles"]["inwoner"]["wants"]["nl"]
    bad = _write(tmp_path, "broken.yaml", data)
    result = CliRunner().invoke(scenarios_group, ["check", str(good), str(bad)])
    assert result.exit_code == 1
    assert f"OK {good} (test-case)" in result.output
    assert f"{bad}, line " in result.output
    assert "roles.inwoner.wants.nl: the Dutch text is missing" in result.output
    assert "1 of 2 scenario file(s) have problems." in result.output


def test_cli_check_fails_on_a_missing_path(tmp_path: Path) -> None:
    """A path that does not exist is a problem, not a silent pass."""
    result = CliRunner().invoke(scenarios_group, ["check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "nope.yaml: there is no such file" in result.output


def test_secret_repeated_in_public_text_is_refused(tmp_path: Path) -> None:
    """A secret that also stands in a public text is refused, naming the secret's field."""
    data = _valid()
    secret = data["roles"]["ambtenaar"]["secrets"][0]["text"]["nl"]
    data["situation"]["nl"] += " " + secret
    problems = _problems(_write(tmp_path, "lek.yaml", data))
    assert len(problems) == 1
    assert "roles.ambtenaar.secrets[0].text.nl" in problems[0]
    assert "everyone sees" in problems[0]


# --- a server with a broken file, and the sentences in Dutch ---------------------------------


def test_load_good_keeps_the_good_cases_and_names_the_broken_file(tmp_path: Path) -> None:
    """load_good returns the good scenarios and the broken file with its problems."""
    _write(tmp_path, "good.yaml", _valid())
    data = _valid()
    del data["roles"]["ambtenaar"]
    data["id"] = "broken-case"
    bad = _write(tmp_path, "bad.yaml", data)
    good, broken = load_good(tmp_path)
    assert list(good) == ["test-case"]
    assert [result.file for result in broken] == [bad]
    assert broken[0].problems[0].path == "roles.ambtenaar"


def test_lenient_loading_logs_one_line_per_broken_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """load_scenarios skips a broken file with one warning naming file, line, field and why;
    strict loading raises instead."""
    _write(tmp_path, "good.yaml", _valid())
    data = _valid()
    data["threshold"] = 0.67
    data["id"] = "broken-case"
    _write(tmp_path, "bad.yaml", data)
    with caplog.at_level("WARNING", logger="rolwissel.scenarios"):
        assert list(load_scenarios(tmp_path)) == ["test-case"]
    (record,) = caplog.records
    line = record.getMessage()
    assert line.startswith("scenario_skipped file=")
    assert "bad.yaml" in line and "field=threshold" in line and "line=" in line
    assert "write the threshold as a fraction" in line
    with pytest.raises(ScenarioError):
        load_scenarios(tmp_path, strict=True)


def test_every_problem_reads_in_dutch_too(tmp_path: Path) -> None:
    """The same problem, said in Dutch (the editor) and in English (the command line)."""
    data = _valid()
    data["roles"]["inwoner"]["secrets"][0].pop("round")
    data["threshold"] = "2/3 of meer"
    (first, second) = check_files([_write(tmp_path, "x.yaml", data)])[0].problems
    assert "the field 'round' is missing" in first.message
    assert "het veld 'round' ontbreekt" in first.text("nl")
    assert second.text("nl").startswith("schrijf de drempel als breuk")


def test_every_sentence_has_the_same_values_in_both_languages() -> None:
    """Every sentence has its Dutch, and no Dutch sentence asks for a value the English one
    does not give, nor the reverse."""
    import string

    from game.scenarios.sentences import SENTENCES
    from game.words import gettext

    def names(text: str) -> set[str]:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field}

    for key, english in SENTENCES.items():
        dutch = gettext(english, "nl")
        assert dutch != english or key == "other", key  # translated
        assert names(dutch) == names(english), key
