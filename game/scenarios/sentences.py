"""What is wrong with a scenario, in plain sentences: English (the command line) and Dutch (B1,
the case editor).

The loader names each problem by a key and its values; `say(key, values, lang)` makes the
sentence. `rolwissel scenarios check` prints the English one, the editor in the browser shows
the one in the page's language: the same sentence, so a workshop leader who learnt one can
read the other. A list value is written as "a and b" / "a en b".
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from game.engine.wording import join_words
from game.languages import language
from game.words import N_, gettext

# Each sentence by its key: English msgids, translated through game.words.
SENTENCES: dict[str, str] = {
    "no_folder": N_("there is no scenario folder here"),
    "no_files_in_folder": N_("there are no scenario files (*.yaml, *.yml) in this folder"),
    "no_such_file": N_("there is no such file"),
    "not_utf8": N_("the file is not UTF-8 text; save it as UTF-8 in your editor"),
    "unreadable": N_("the file cannot be read ({reason})"),
    "empty_file": N_("the file is empty"),
    "not_a_mapping": N_(
        "the file must start with fields such as 'id:' and 'title:', not a value or list"
    ),
    "id_used": N_("the id '{id}' is already used by {other}; every scenario needs its own id"),
    "id_taken": N_("the id '{id}' is already used by another case; choose another id"),
    "yaml": N_("the YAML is not valid: {problem}"),
    "yaml_hint": N_("the YAML is not valid: {problem} ({hint})"),
    "yaml_key_twice": N_("the YAML is not valid: the field '{field}' is written twice"),
    "hint_tabs": N_("use spaces, not tabs, to indent"),
    "hint_colon": N_("a text with ': ' in it must be put in quotes, or a line is indented wrongly"),
    "hint_missing_colon": N_("a line is missing its ':' or is indented wrongly"),
    "hint_indent": N_("a line is indented wrongly"),
    "hint_alias": N_("a '*' at the start of a text must be put in quotes"),
    "hint_braces": N_("inside { } a text with ':', ',' or '?' must be put in quotes"),
    "rounds_count": N_("there must be exactly 4 rounds, one per lens; this file has {count}"),
    "missing_nl": N_("the Dutch text is missing; write it under 'nl:'"),
    "missing_round": N_(
        "the field 'round' is missing: write 'round: 1', 2 or 3, the round in which whoever "
        "holds this role is dealt this secret"
    ),
    "missing": N_("the field '{name}' is missing"),
    "extra_guess": N_(
        "'{name}' is not a field here; did you mean '{guess}'? the fields here are: {known}"
    ),
    "extra": N_("'{name}' is not a field here; the fields here are: {known}"),
    "not_a_role": N_("'{value}' is not a role; the roles are: {roles}"),
    "text_not_bool": N_(
        "this must be text; put it in quotes (YAML reads yes, no, on, off as true/false)"
    ),
    "not_text": N_("this must be text"),
    "empty_text": N_("the text is empty"),
    "text_too_long": N_("the text is too long: at most {max} characters"),
    "bad_id": N_(
        "'{value}' cannot be used as an id: use 2 to 63 small letters a-z, digits and hyphens, "
        "for example 'budget-ceiling'"
    ),
    "not_a_text": N_("this must be a text: an 'nl:' line, and an 'en:' line under it for English"),
    "not_a_block": N_("this must be a block of fields (name: value lines, indented under it)"),
    "not_a_list": N_("this must be a list: one item per line, each starting with '- '"),
    "list_too_short": N_("this list needs at least {min} item(s); it has {count}"),
    "list_too_long": N_("this list may have at most {max} items"),
    "not_whole_number": N_("this must be a whole number, for example 20"),
    "at_least": N_("this must be {min} or more"),
    "at_most": N_("this must be {max} or less"),
    "not_bool": N_("this must be true or false"),
    "threshold_format": N_("write the threshold as a fraction in quotes, for example '2/3'"),
    "threshold_range": N_("the threshold must be more than 0 and at most 1, for example '2/3'"),
    "secret_round": N_(
        "the round of a secret must be 1, 2 or 3: the round in which whoever holds this role "
        "is dealt it"
    ),
    "missing_role": N_(
        "the role card for {roles} is missing; every scenario needs inwoner, raadslid and ambtenaar"
    ),
    "duplicate_secret_id": N_(
        "the secret id '{id}' is used twice (also at roles.{first}); every secret needs its own id"
    ),
    "duplicate_option_id": N_(
        "the option id '{id}' is used twice; every decision option needs its own id"
    ),
    "secret_in_public_text": N_(
        "this secret also appears word for word in a text everyone sees; rewrite one of them"
    ),
    "other": N_("{message}"),
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def _value(value: object, lang: str) -> object:
    if isinstance(value, list | tuple):
        return join_words([str(v) for v in value], lang)
    return value


def say(key: str, values: Mapping[str, object], lang: str = "en") -> str:
    """The sentence for `key` in `lang`, with its values filled in (hints are sentences too:
    a value that is a key of this table is said in the same language)."""
    lang = language(lang)
    filled = {
        name: say(str(v), {}, lang) if name == "hint" else _value(v, lang)
        for name, v in values.items()
    }
    return string.Formatter().vformat(gettext(SENTENCES[key], lang), (), _Blank(filled))
