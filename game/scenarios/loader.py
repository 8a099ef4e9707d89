"""Read scenario files and refuse a broken one with sentences a workshop leader can act on.

Every problem names the file, the line, the field path (``roles.ambtenaar.secrets[0].text.en``)
and what is wrong in plain words. The rules themselves live in `schema.py`; this module only
reads YAML and translates pydantic's errors.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from game.engine.roles import Role
from game.scenarios.schema import Scenario, Text

SUFFIXES = (".yaml", ".yml")


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
        raise ScenarioError([Problem(folder, "there is no scenario folder here")])
    results = _check_all(scenario_files(folder))
    problems = [p for result in results for p in result.problems]
    if problems:
        raise ScenarioError(problems)
    return {r.scenario.id: r.scenario for r in results if r.scenario is not None}


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
                message = "there are no scenario files (*.yaml, *.yml) in this folder"
                missing.append(Checked(path, None, (Problem(path, message),)))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            missing.append(Checked(path, None, (Problem(path, "there is no such file"),)))
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
        problem = Problem(
            result.file,
            f"the id '{scenario_id}' is already used by {first_file[scenario_id]}; "
            "every scenario needs its own id",
            path="id",
            line=_read_id_line(result.file),
        )
        results[index] = Checked(result.file, None, (problem,))
    return results


def _check_file(file: Path) -> Checked:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Checked(file, None, (Problem(file, "there is no such file"),))
    except UnicodeDecodeError:
        message = "the file is not UTF-8 text; save it as UTF-8 in your editor"
        return Checked(file, None, (Problem(file, message),))
    except OSError as exc:
        return Checked(file, None, (Problem(file, f"the file cannot be read ({exc.strerror})"),))

    try:
        node, data = _parse(text)
    except yaml.YAMLError as exc:
        return Checked(file, None, (_yaml_problem(file, exc),))
    if node is None:
        return Checked(file, None, (Problem(file, "the file is empty"),))
    if not isinstance(data, dict):
        message = "the file must start with fields such as 'id:' and 'title:', not a value or list"
        return Checked(file, None, (Problem(file, message, line=_line(node)),))

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
    "found character '\\t' that cannot start any token": "use spaces, not tabs, to indent",
    "mapping values are not allowed here": (
        "a text with ': ' in it must be put in quotes, or a line is indented wrongly"
    ),
    "could not find expected ':'": "a line is missing its ':' or is indented wrongly",
    "did not find expected key": "a line is indented wrongly",
    "found undefined alias": "a '*' at the start of a text must be put in quotes",
    "expected ',' or '}'": "inside { } a text with ':', ',' or '?' must be put in quotes",
}


def _yaml_problem(file: Path, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    hint = next((h for key, h in _YAML_HINTS.items() if problem.startswith(key)), None)
    message = f"the YAML is not valid: {problem}" + (f" ({hint})" if hint else "")
    return Problem(file, message, line=None if mark is None else mark.line + 1)


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


def _field_problem(file: Path, root: yaml.Node, err: ErrorDetails) -> Problem:
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
        message = f"there must be exactly 4 rounds, one per lens; this file has {len(given)}"
        return Problem(file, message, "rounds", _line_at(root, ["rounds"]))
    return Problem(file, _sentence(err, loc), _dotted(loc), _line_at(root, loc))


def _sentence(err: ErrorDetails, loc: Sequence[int | str]) -> str:
    kind, ctx, inp = err["type"], err.get("ctx") or {}, err["input"]
    name = str(loc[-1]) if loc else ""
    if kind == "missing":
        if name == "nl":
            return "the Dutch text is missing; write it under 'nl:'"
        if name == "round" and "secrets" in loc:
            return (
                "the field 'round' is missing: write 'round: 1', 2 or 3, the round in which "
                "whoever holds this role is dealt this secret"
            )
        return f"the field '{name}' is missing"
    if kind == "extra_forbidden":
        known = _known_fields(loc[:-1])
        guess = difflib.get_close_matches(name, known, n=1)
        tip = f"did you mean '{guess[0]}'? " if guess else ""
        return f"'{name}' is not a field here; {tip}the fields here are: {', '.join(known)}"
    if kind == "enum" and loc[:1] == ["roles"]:
        roles = ", ".join(r.value for r in Role)
        return f"'{inp}' is not a role; the roles are: {roles}"
    if kind in ("string_type", "string_sub_type"):
        if isinstance(inp, bool):
            # YAML reads yes/no/on/off/true/false as true or false unless they are quoted.
            return "this must be text; put it in quotes (YAML reads yes, no, on, off as true/false)"
        return "this must be text"
    if kind == "string_too_short":
        return "the text is empty"
    if kind == "string_too_long":
        return f"the text is too long: at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        return (
            f"'{inp}' cannot be used as an id: use 2 to 63 small letters a-z, digits and "
            "hyphens, for example 'budget-ceiling'"
        )
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if ctx.get("class_name") == Text.__name__:
            return "this must be a text: an 'nl:' line, and an 'en:' line under it for English"
        return "this must be a block of fields (name: value lines, indented under it)"
    if kind in ("tuple_type", "list_type"):
        return "this must be a list: one item per line, each starting with '- '"
    if kind == "too_short":
        count = len(inp) if isinstance(inp, list | tuple) else 0
        return f"this list needs at least {ctx.get('min_length')} item(s); it has {count}"
    if kind == "too_long":
        return f"this list may have at most {ctx.get('max_length')} items"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "this must be a whole number, for example 20"
    if kind == "greater_than_equal":
        return f"this must be {ctx.get('ge')} or more"
    if kind == "less_than_equal":
        return f"this must be {ctx.get('le')} or less"
    if kind in ("bool_type", "bool_parsing"):
        return "this must be true or false"
    if kind in ("fraction_parsing", "fraction_type"):
        return "write the threshold as a fraction in quotes, for example '2/3'"
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    # schema.py's own errors are already sentences; anything else keeps pydantic's words.
    message = err["msg"]
    return message[:1].lower() + message[1:]


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
