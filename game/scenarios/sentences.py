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

from game.languages import language

SENTENCES: dict[str, dict[str, str]] = {
    # The file or folder
    "no_folder": {
        "en": "there is no scenario folder here",
        "nl": "hier is geen map met casussen",
    },
    "no_files_in_folder": {
        "en": "there are no scenario files (*.yaml, *.yml) in this folder",
        "nl": "in deze map staan geen casus-bestanden (*.yaml, *.yml)",
    },
    "no_such_file": {
        "en": "there is no such file",
        "nl": "dit bestand bestaat niet",
    },
    "not_utf8": {
        "en": "the file is not UTF-8 text; save it as UTF-8 in your editor",
        "nl": "het bestand is geen UTF-8-tekst; bewaar het als UTF-8 in je teksteditor",
    },
    "unreadable": {
        "en": "the file cannot be read ({reason})",
        "nl": "het bestand kan niet gelezen worden ({reason})",
    },
    "empty_file": {
        "en": "the file is empty",
        "nl": "het bestand is leeg",
    },
    "not_a_mapping": {
        "en": "the file must start with fields such as 'id:' and 'title:', not a value or list",
        "nl": "het bestand moet beginnen met velden zoals 'id:' en 'title:', niet met een "
        "waarde of een lijst",
    },
    "id_used": {
        "en": "the id '{id}' is already used by {other}; every scenario needs its own id",
        "nl": "de id '{id}' wordt al gebruikt door {other}; elke casus heeft een eigen id nodig",
    },
    "id_taken": {
        "en": "the id '{id}' is already used by another case; choose another id",
        "nl": "de id '{id}' wordt al gebruikt door een andere casus; kies een andere id",
    },
    # The YAML itself
    "yaml": {
        "en": "the YAML is not valid: {problem}",
        "nl": "de YAML klopt niet: {problem}",
    },
    "yaml_hint": {
        "en": "the YAML is not valid: {problem} ({hint})",
        "nl": "de YAML klopt niet: {problem} ({hint})",
    },
    "yaml_key_twice": {
        "en": "the YAML is not valid: the field '{field}' is written twice",
        "nl": "de YAML klopt niet: het veld '{field}' staat er twee keer",
    },
    "hint_tabs": {
        "en": "use spaces, not tabs, to indent",
        "nl": "spring in met spaties, niet met tabs",
    },
    "hint_colon": {
        "en": "a text with ': ' in it must be put in quotes, or a line is indented wrongly",
        "nl": "zet een tekst met ': ' erin tussen aanhalingstekens, of een regel springt "
        "verkeerd in",
    },
    "hint_missing_colon": {
        "en": "a line is missing its ':' or is indented wrongly",
        "nl": "een regel mist zijn ':' of springt verkeerd in",
    },
    "hint_indent": {
        "en": "a line is indented wrongly",
        "nl": "een regel springt verkeerd in",
    },
    "hint_alias": {
        "en": "a '*' at the start of a text must be put in quotes",
        "nl": "zet een tekst die met '*' begint tussen aanhalingstekens",
    },
    "hint_braces": {
        "en": "inside { } a text with ':', ',' or '?' must be put in quotes",
        "nl": "tussen { } moet een tekst met ':', ',' of '?' tussen aanhalingstekens",
    },
    # A field
    "rounds_count": {
        "en": "there must be exactly 4 rounds, one per lens; this file has {count}",
        "nl": "er moeten precies 4 rondes zijn, één per bril; hier staan er {count}",
    },
    "missing_nl": {
        "en": "the Dutch text is missing; write it under 'nl:'",
        "nl": "de Nederlandse tekst ontbreekt; schrijf hem onder 'nl:'",
    },
    "missing_round": {
        "en": "the field 'round' is missing: write 'round: 1', 2 or 3, the round in which "
        "whoever holds this role is dealt this secret",
        "nl": "het veld 'round' ontbreekt: schrijf 'round: 1', 2 of 3, de ronde waarin wie deze "
        "rol heeft dit geheim krijgt",
    },
    "missing": {
        "en": "the field '{name}' is missing",
        "nl": "het veld '{name}' ontbreekt",
    },
    "extra_guess": {
        "en": "'{name}' is not a field here; did you mean '{guess}'? the fields here are: {known}",
        "nl": "'{name}' is hier geen veld; bedoel je '{guess}'? de velden hier zijn: {known}",
    },
    "extra": {
        "en": "'{name}' is not a field here; the fields here are: {known}",
        "nl": "'{name}' is hier geen veld; de velden hier zijn: {known}",
    },
    "not_a_role": {
        "en": "'{value}' is not a role; the roles are: {roles}",
        "nl": "'{value}' is geen rol; de rollen zijn: {roles}",
    },
    "text_not_bool": {
        "en": "this must be text; put it in quotes (YAML reads yes, no, on, off as true/false)",
        "nl": "dit moet tekst zijn; zet het tussen aanhalingstekens (YAML leest yes, no, on, "
        "off als true/false)",
    },
    "not_text": {
        "en": "this must be text",
        "nl": "dit moet tekst zijn",
    },
    "empty_text": {
        "en": "the text is empty",
        "nl": "de tekst is leeg",
    },
    "text_too_long": {
        "en": "the text is too long: at most {max} characters",
        "nl": "de tekst is te lang: hoogstens {max} tekens",
    },
    "bad_id": {
        "en": "'{value}' cannot be used as an id: use 2 to 63 small letters a-z, digits and "
        "hyphens, for example 'budget-ceiling'",
        "nl": "'{value}' kan geen id zijn: gebruik 2 tot 63 kleine letters a-z, cijfers en "
        "streepjes, bijvoorbeeld 'budget-plafond'",
    },
    "not_a_text": {
        "en": "this must be a text: an 'nl:' line, and an 'en:' line under it for English",
        "nl": "dit moet een tekst zijn: een regel 'nl:', en daaronder een regel 'en:' voor Engels",
    },
    "not_a_block": {
        "en": "this must be a block of fields (name: value lines, indented under it)",
        "nl": "dit moet een blok velden zijn (regels met naam: waarde, ingesprongen eronder)",
    },
    "not_a_list": {
        "en": "this must be a list: one item per line, each starting with '- '",
        "nl": "dit moet een lijst zijn: één item per regel, elk beginnend met '- '",
    },
    "list_too_short": {
        "en": "this list needs at least {min} item(s); it has {count}",
        "nl": "deze lijst heeft minstens {min} item(s) nodig; er staan er {count}",
    },
    "list_too_long": {
        "en": "this list may have at most {max} items",
        "nl": "deze lijst mag hoogstens {max} items hebben",
    },
    "not_whole_number": {
        "en": "this must be a whole number, for example 20",
        "nl": "dit moet een heel getal zijn, bijvoorbeeld 20",
    },
    "at_least": {
        "en": "this must be {min} or more",
        "nl": "dit moet {min} of meer zijn",
    },
    "at_most": {
        "en": "this must be {max} or less",
        "nl": "dit moet {max} of minder zijn",
    },
    "not_bool": {
        "en": "this must be true or false",
        "nl": "dit moet true of false zijn",
    },
    "threshold_format": {
        "en": "write the threshold as a fraction in quotes, for example '2/3'",
        "nl": "schrijf de drempel als breuk tussen aanhalingstekens, bijvoorbeeld '2/3'",
    },
    "threshold_range": {
        "en": "the threshold must be more than 0 and at most 1, for example '2/3'",
        "nl": "de drempel moet meer dan 0 en hoogstens 1 zijn, bijvoorbeeld '2/3'",
    },
    # schema.py's own checks (their pydantic error types)
    "secret_round": {
        "en": "the round of a secret must be 1, 2 or 3: the round in which whoever holds this "
        "role is dealt it",
        "nl": "de ronde van een geheim moet 1, 2 of 3 zijn: de ronde waarin wie deze rol heeft "
        "het geheim krijgt",
    },
    "missing_role": {
        "en": "the role card for {roles} is missing; every scenario needs inwoner, raadslid "
        "and ambtenaar",
        "nl": "de rolkaart voor {roles} ontbreekt; elke casus heeft inwoner, raadslid en "
        "ambtenaar nodig",
    },
    "duplicate_secret_id": {
        "en": "the secret id '{id}' is used twice (also at roles.{first}); every secret needs "
        "its own id",
        "nl": "de id '{id}' van een geheim staat er twee keer (ook bij roles.{first}); elk "
        "geheim heeft een eigen id nodig",
    },
    "duplicate_option_id": {
        "en": "the option id '{id}' is used twice; every decision option needs its own id",
        "nl": "de id '{id}' van een optie staat er twee keer; elke optie heeft een eigen id nodig",
    },
    "secret_in_public_text": {
        "en": "this secret also appears word for word in a text everyone sees; rewrite one of them",
        "nl": "dit geheim staat ook letterlijk in een tekst die iedereen ziet; schrijf een van "
        "de twee anders",
    },
    # Anything pydantic says that has no sentence of its own keeps pydantic's (English) words.
    "other": {"en": "{message}", "nl": "{message}"},
}

_AND = {"en": " and ", "nl": " en "}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def _value(value: object, lang: str) -> object:
    if isinstance(value, list | tuple):
        words = [str(v) for v in value]
        if len(words) <= 1:
            return "".join(words)
        return ", ".join(words[:-1]) + _AND[lang] + words[-1]
    return value


def say(key: str, values: Mapping[str, object], lang: str = "en") -> str:
    """The sentence for `key` in `lang`, with its values filled in (hints are sentences too:
    a value that is a key of this table is said in the same language)."""
    lang = language(lang)
    filled = {
        name: say(str(v), {}, lang) if name == "hint" else _value(v, lang)
        for name, v in values.items()
    }
    return string.Formatter().vformat(SENTENCES[key][lang], (), _Blank(filled))
