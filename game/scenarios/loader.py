"""Read scenario files and refuse a broken one with sentences a workshop leader can act on.

Every problem names the file, the line, the field path (``roles.ambtenaar.secrets[0].text.en``)
and what is wrong in plain words. The rules themselves live in `schema.py`; this module only
reads YAML and translates pydantic's errors.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from game.engine.roles import Role
from game.logfmt import line as log_line
from game.scenarios.schema import Scenario, Text
from game.scenarios.sentences import SENTENCES, say

SUFFIXES = (".yaml", ".yml")

logger = logging.getLogger("rolwissel.scenarios")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one scenario file: a sentence (game/scenarios/sentences.py) by
    its key and values, so it can be said in English and in Dutch."""

    file: Path
    key: str
    values: tuple[tuple[str, Any], ...] = ()
    path: str = ""  # the field path, empty when the problem is about the whole file
    line: int | None = None  # 1-based, when known

    @property
    def message(self) -> str:
        """What is wrong, in English (as `rolwissel scenarios check` prints it)."""
        return self.text("en")

    def text(self, lang: str) -> str:
        """What is wrong, in `lang` (nl or en)."""
        return say(self.key, dict(self.values), lang)

    def __str__(self) -> str:
        where = str(self.file) if self.line is None else f"{self.file}, line {self.line}"
        field = f"{self.path}: " if self.path else ""
        return f"{where}: {field}{self.message}"


def problem(
    file: Path, key: str, path: str = "", line: int | None = None, **values: Any
) -> Problem:
    """A Problem with its sentence's values given by name."""
    return Problem(file, key, tuple(values.items()), path, line)


class ScenarioError(Exception):
    """One or more scenario files are broken; the message lists every problem, one per line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Checked:
    """The result of checking one file: a scenario, or the problems that stop it."""

    file: Path
    scenario: Scenario | None
    problems: tuple[Problem, ...] = ()


def default_folder() -> Path:
    """The `scenarios/` folder at the root of the repository."""
    return Path(__file__).resolve().parents[2] / "scenarios"


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate one scenario file; raise `ScenarioError` naming every problem."""
    checked = _check_file(Path(path))
    if checked.scenario is None:
        raise ScenarioError(checked.problems)
    return checked.scenario


def load_folder(folder: str | Path) -> dict[str, Scenario]:
    """Load every *.yaml and *.yml file in a folder, keyed by scenario id.

    Raises `ScenarioError` listing the problems of all broken files, including an id used twice.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ScenarioError([problem(folder, "no_folder")])
    results = _check_all(scenario_files(folder))
    problems = [p for result in results for p in result.problems]
    if problems:
        raise ScenarioError(problems)
    return {r.scenario.id: r.scenario for r in results if r.scenario is not None}


def load_good(folder: str | Path) -> tuple[dict[str, Scenario], list[Checked]]:
    """The good scenarios of a folder keyed by id, and the broken files (each with its
    problems): a server starts with the good cases and says which files it skipped."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}, [Checked(folder, None, (problem(folder, "no_folder"),))]
    results = _check_all(scenario_files(folder))
    good = {r.scenario.id: r.scenario for r in results if r.scenario is not None}
    return good, [r for r in results if r.scenario is None]


def load_scenarios(folder: str | Path, strict: bool = False) -> dict[str, Scenario]:
    """The scenarios a server plays. Strict: any broken file raises `ScenarioError`. Otherwise
    each broken file is skipped with one warning line naming file, line, field and problem."""
    if strict:
        return load_folder(folder)
    good, broken = load_good(folder)
    for result in broken:
        logger.warning(skipped_line(result))
    return good


def skipped_line(result: Checked) -> str:
    """The one log line for a skipped file: its first problem in full, and how many more."""
    first = result.problems[0]
    return (
        log_line(
            "scenario_skipped",
            file=str(first.file),
            line=first.line,
            field=first.path or None,
            problems=len(result.problems),
        )
        + f" what={json.dumps(first.message)}"
    )


def check_paths(paths: Iterable[str | Path]) -> list[str]:
    """Check scenario files and folders; return every problem as a sentence (empty means OK)."""
    return [str(p) for result in check_files(paths) for p in result.problems]


def check_files(paths: Iterable[str | Path]) -> list[Checked]:
    """Check each file given, and each scenario file in each folder given, one result per file."""
    files: list[Path] = []
    missing: list[Checked] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = scenario_files(path)
            if not found:
                missing.append(Checked(path, None, (problem(path, "no_files_in_folder"),)))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            missing.append(Checked(path, None, (problem(path, "no_such_file"),)))
    return missing + _check_all(files)


def scenario_files(folder: Path) -> list[Path]:
    """The scenario files directly in a folder, sorted by name; hidden files are skipped."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
    )


def _check_all(files: Sequence[Path]) -> list[Checked]:
    # Each file on its own first, then an id that a second file uses again.
    results = [_check_file(f) for f in files]
    first_file: dict[str, Path] = {}
    for index, result in enumerate(results):
        if result.scenario is None:
            continue
        scenario_id = result.scenario.id
        if scenario_id not in first_file:
            first_file[scenario_id] = result.file
            continue
        twice = problem(
            result.file,
            "id_used",
            "id",
            _read_id_line(result.file),
            id=scenario_id,
            other=str(first_file[scenario_id]),
        )
        results[index] = Checked(result.file, None, (twice,))
    return results


def _check_file(file: Path) -> Checked:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Checked(file, None, (problem(file, "no_such_file"),))
    except UnicodeDecodeError:
        return Checked(file, None, (problem(file, "not_utf8"),))
    except OSError as exc:
        return Checked(file, None, (problem(file, "unreadable", reason=exc.strerror),))
    return check_text(text, file)


def check_text(text: str, file: Path = Path("casus.yaml")) -> Checked:
    """Check a scenario written as YAML text (a file's content, or a case from the editor)."""
    try:
        node, data = _parse(text)
    except yaml.YAMLError as exc:
        return Checked(file, None, (_yaml_problem(file, exc),))
    if node is None:
        return Checked(file, None, (problem(file, "empty_file"),))
    if not isinstance(data, dict):
        return Checked(file, None, (problem(file, "not_a_mapping", line=_line(node)),))
    return check_data(data, file, node)


def check_data(
    data: object, file: Path = Path("casus.yaml"), node: yaml.Node | None = None
) -> Checked:
    """Check a scenario given as data (what a YAML file holds); `node`, when known, gives lines."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = [_field_problem(file, node, err) for err in _real_errors(exc.errors())]
        return Checked(file, None, tuple(problems))
    return Checked(file, scenario)


# --- YAML ---------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice in one block (plain YAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, typing.Hashable):
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        "while reading a block of fields",
                        node.start_mark,
                        f"the field '{key}' is written twice",
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _parse(text: str) -> tuple[yaml.Node | None, object]:
    # Keep the node tree: it knows the line of every field, for the messages.
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()
    return node, data


# PyYAML's wording, and what it usually means in a hand-written scenario.
_YAML_HINTS = {
    "found character '\\t' that cannot start any token": "hint_tabs",
    "mapping values are not allowed here": "hint_colon",
    "could not find expected ':'": "hint_missing_colon",
    "did not find expected key": "hint_indent",
    "found undefined alias": "hint_alias",
    "expected ',' or '}'": "hint_braces",
}


def _yaml_problem(file: Path, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    line = None if mark is None else mark.line + 1
    said = getattr(exc, "problem", None) or str(exc)
    twice = re.fullmatch(r"the field '(.*)' is written twice", said)
    if twice:
        return problem(file, "yaml_key_twice", line=line, field=twice.group(1))
    hint = next((h for key, h in _YAML_HINTS.items() if said.startswith(key)), None)
    if hint:
        return problem(file, "yaml_hint", line=line, problem=said, hint=hint)
    return problem(file, "yaml", line=line, problem=said)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _line_at(root: yaml.Node, loc: Sequence[int | str]) -> int:
    """The line of the deepest part of `loc` that the file has: a field's key, or a list item."""
    node, line = root, _line(root)
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next((kv for kv in node.value if str(kv[0].value) == str(part)), None)
            if pair is None:
                break
            line, node = _line(pair[0]), pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
            line = _line(node)
        else:
            break
    return line


def _read_id_line(file: Path) -> int | None:
    # Only called for files that parsed before, so this parse succeeds.
    node, _ = _parse(file.read_text(encoding="utf-8"))
    return None if node is None else _line_at(node, ["id"])


# --- pydantic errors into sentences -----------------------------------------------------------


def _real_errors(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop the echoes: a list reported 'too short' only because one of its items failed."""
    kept = []
    for err in errors:
        ctx = err.get("ctx") or {}
        inp = err["input"]
        if (
            err["type"] == "too_short"
            and isinstance(inp, list | tuple)
            and len(inp) >= int(ctx.get("min_length", 0))
        ):
            continue
        kept.append(err)
    return kept


def _dotted(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _field_problem(file: Path, root: yaml.Node | None, err: ErrorDetails) -> Problem:
    loc: list[int | str] = [p for p in err["loc"] if p != "[key]"]
    ctx = err.get("ctx") or {}
    # schema.py's own checks say where below the field the problem is.
    at = str(ctx.get("at", ""))
    if at:
        parts = at.replace("[", ".").replace("]", "").split(".")
        loc += [int(p) if p.isdigit() else p for p in parts if p]
    # A fixed list of four rounds reports a short list as 'rounds[3] missing'.
    if loc and loc[0] == "rounds" and err["type"] in ("missing", "too_long") and len(loc) <= 2:
        given = err["input"] if isinstance(err["input"], list) else []
        line = None if root is None else _line_at(root, ["rounds"])
        return problem(file, "rounds_count", "rounds", line, count=len(given))
    key, values = _sentence(err, loc)
    line = None if root is None else _line_at(root, loc)
    return Problem(file, key, tuple(values.items()), _dotted(loc), line)


def _sentence(err: ErrorDetails, loc: Sequence[int | str]) -> tuple[str, dict[str, Any]]:
    """The key of the sentence in sentences.py that says what is wrong, and its values."""
    kind, ctx, inp = err["type"], err.get("ctx") or {}, err["input"]
    name = str(loc[-1]) if loc else ""
    if kind == "missing":
        if name == "nl":
            return "missing_nl", {}
        if name == "round" and "secrets" in loc:
            return "missing_round", {}
        return "missing", {"name": name}
    if kind == "extra_forbidden":
        known = _known_fields(loc[:-1])
        guess = difflib.get_close_matches(name, known, n=1)
        if guess:
            return "extra_guess", {"name": name, "guess": guess[0], "known": ", ".join(known)}
        return "extra", {"name": name, "known": ", ".join(known)}
    if kind == "enum" and loc[:1] == ["roles"]:
        return "not_a_role", {"value": inp, "roles": ", ".join(r.value for r in Role)}
    if kind in ("string_type", "string_sub_type"):
        # YAML reads yes/no/on/off/true/false as true or false unless they are quoted.
        return ("text_not_bool" if isinstance(inp, bool) else "not_text"), {}
    if kind == "string_too_short":
        return "empty_text", {}
    if kind == "string_too_long":
        return "text_too_long", {"max": ctx.get("max_length")}
    if kind == "string_pattern_mismatch":
        return "bad_id", {"value": inp}
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if ctx.get("class_name") == Text.__name__:
            return "not_a_text", {}
        return "not_a_block", {}
    if kind in ("tuple_type", "list_type"):
        return "not_a_list", {}
    if kind == "too_short":
        count = len(inp) if isinstance(inp, list | tuple) else 0
        return "list_too_short", {"min": ctx.get("min_length"), "count": count}
    if kind == "too_long":
        return "list_too_long", {"max": ctx.get("max_length")}
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "not_whole_number", {}
    if kind == "greater_than_equal":
        return "at_least", {"min": ctx.get("ge")}
    if kind == "less_than_equal":
        return "at_most", {"max": ctx.get("le")}
    if kind in ("bool_type", "bool_parsing"):
        return "not_bool", {}
    if kind in ("fraction_parsing", "fraction_type"):
        return "threshold_format", {}
    if kind in SENTENCES:
        # schema.py's own checks: their error type is the sentence's key.
        return kind, {k: v for k, v in ctx.items() if k != "at"}
    # Anything else keeps pydantic's (English) words.
    message = err["msg"]
    return "other", {"message": message[:1].lower() + message[1:]}


def _known_fields(loc: Sequence[int | str]) -> list[str]:
    """The field names of the model at `loc`, walking the schema's type hints."""
    current: object = Scenario
    for part in loc:
        current = _inner(current, part)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner(annotation: object, part: int | str) -> object:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return None if field is None else field.annotation
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is dict and len(args) == 2:
        return args[1]
    if origin is tuple and args:
        if isinstance(part, int) and len(args) > part and args[-1] is not Ellipsis:
            return args[part]
        return args[0]
    return None
