"""Languages: Flask-Babel set-up, the choice of language per person, and the catalogues.

Dutch is the default; English is the second language. A person's language comes from, in
order: `?lang=` in the address (which is then remembered in a cookie), the cookie, the
browser's Accept-Language, and finally Dutch.

All strings a person sees live in translations/<lang>/LC_MESSAGES/messages.po, the ones in
the JavaScript too: `t("...")` and `tn("...", "...", n)` in static/js are extracted like the
`_()` calls in the templates, and each page gets the translations its scripts need as a
JSON block. Msgids are English; the English catalogue repeats them so its wording can be
changed without touching code. After changing a string, run:

    python -m game.web.i18n          # extract, update both .po files, compile the .mo files

The compiled .mo files are committed, so a fresh clone works without this step;
tests/unit/test_i18n.py checks that they match the .po files.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Collection, Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po
from flask import Flask, Response, current_app, request
from flask_babel import Babel, get_locale, get_translations
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie

# Aliased: `language` is the usual name of a language-code variable in this module.
from game.languages import DEFAULT_LANGUAGE, LANGUAGES, Lang
from game.languages import language as supported

COOKIE = "rw_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
MAPPING = ROOT / "babel.cfg"
DOMAIN = "messages"
JS_EXTRACTOR = "game.web.i18n.extract_js"  # the method babel.cfg names for static/js


def choose_language(asked: str | None, cookie: str | None, accept: Any) -> Lang:
    """The language for a request: asked in the address, remembered, the browser's, or Dutch."""
    for candidate in (asked, cookie):
        if candidate in LANGUAGES:
            return supported(candidate)
    return supported(accept.best_match(LANGUAGES) if accept is not None else None)


def environ_language(environ: Mapping[str, Any]) -> Lang:
    """The language of a raw WSGI request, before Flask sees it (the connection guard's
    refusals): `?lang=`, the cookie, Accept-Language, or Dutch."""
    asked = parse_qs(environ.get("QUERY_STRING", "")).get("lang", [None])[0]
    cookie = parse_cookie(environ.get("HTTP_COOKIE")).get(COOKIE)
    accept = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
    return choose_language(asked, cookie, accept)


def select_locale() -> str:
    """Flask-Babel's locale selector for the current request."""
    return choose_language(
        request.args.get("lang"), request.cookies.get(COOKIE), request.accept_languages
    )


def current_language() -> Lang:
    """The language of the current request (Dutch in an app without Flask-Babel)."""
    if "babel" not in current_app.extensions:
        return DEFAULT_LANGUAGE
    locale = get_locale()
    return supported(locale.language if locale is not None else None)


def _remember_language(response: Response) -> Response:
    # A switch by link (?lang=en) is remembered, so the next page is in the same language.
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        # Only the server reads it; over TLS (directly or behind a trusted proxy) it is Secure.
        response.set_cookie(
            COOKIE,
            asked,
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            path="/",
            httponly=True,
            secure=request.is_secure,
        )
    return response


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with Dutch as the default and the repository's catalogues."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale)
    app.after_request(_remember_language)

    @app.context_processor
    def _language_context() -> dict[str, Any]:
        return {"lang": current_language(), "js_catalogue": js_catalogue}


# Extraction: which messages the templates and scripts use.

_JS_STRING = r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
_JS_COMMENTS = re.compile(r"/\*.*?\*/|(?:^|(?<=\s))//[^\n]*", re.S | re.M)


def extract_js(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: Any
) -> Iterator[tuple[int, str, str | tuple[str, ...], list[str]]]:
    """Babel extraction for the scripts: `t("...")` and `tn("...", "...", n)` with literal
    strings, wherever they stand. Babel's own JavaScript extractor misses the calls inside
    the `${...}` of an html`...` template once one holds an object literal (`{ n: 1 }`)."""
    text = fileobj.read().decode(options.get("encoding") or "utf-8")
    # Comments out (their lines kept, so line numbers stay right): they may quote a t() call.
    text = _JS_COMMENTS.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    names = "|".join(re.escape(name) for name in keywords)
    call = re.compile(rf"(?<![\w$.])({names})\(\s*{_JS_STRING}(?:\s*,\s*{_JS_STRING})?")
    for match in call.finditer(text):
        name, *given = match.groups()
        strings = tuple(ast.literal_eval(s) for s in given if s is not None)
        lineno = text.count("\n", 0, match.start()) + 1
        yield lineno, name, strings if len(strings) > 1 else strings[0], []


def _mapping() -> tuple[list[tuple[str, str]], dict[str, dict[str, Any]]]:
    with MAPPING.open(encoding="utf-8") as handle:
        return parse_mapping_cfg(handle, str(MAPPING))


def _files(pattern: str) -> Iterator[Path]:
    # babel.cfg patterns look like `templates/**.html`: a folder and an extension.
    folder, _, suffix = pattern.partition("/**")
    base = ROOT / folder
    if "*" not in pattern:
        yield base
        return
    yield from sorted(p for p in base.rglob("*" + suffix.lstrip("*")) if p.is_file())


def extract() -> Catalog:
    """A catalogue template with every message of the templates, scripts and pages.py."""
    catalog = Catalog(project="Rolwissel", charset="utf-8", fuzzy=False)
    method_map, options_map = _mapping()
    for pattern, method in method_map:
        options = dict(options_map.get(pattern, {}))
        keywords = {"_": None, "gettext": None, "ngettext": (1, 2)}
        keywords.update(options.pop("keywords", {}))
        for path in _files(pattern):
            relative = path.relative_to(ROOT).as_posix()
            for lineno, message, comments, context in extract_from_file(
                method, str(path), keywords=keywords, options=options, comment_tags=("i18n:",)
            ):
                catalog.add(
                    message, None, [(relative, lineno)], auto_comments=comments, context=context
                )
    return catalog


@lru_cache(maxsize=1)
def js_messages() -> tuple[str | tuple[str, ...], ...]:
    """The msgids the scripts in static/js use, found once per process."""
    found: dict[str, str | tuple[str, ...]] = {}
    method_map, options_map = _mapping()
    for pattern, method in method_map:
        if method != JS_EXTRACTOR:
            continue
        options = dict(options_map.get(pattern, {}))
        keywords = options.pop("keywords", {})
        for path in _files(pattern):
            for _lineno, message, _comments, _context in extract_from_file(
                method, str(path), keywords=keywords, options=options
            ):
                key = message if isinstance(message, str) else message[0]
                found[key] = message
    return tuple(found[key] for key in sorted(found))


def js_catalogue() -> dict[str, str | list[str]]:
    """The translations of every script message in the current language (for the page)."""
    translations = get_translations()
    result: dict[str, str | list[str]] = {}
    for message in js_messages():
        if isinstance(message, str):
            result[message] = translations.gettext(message)
        else:
            singular, plural = message
            result[singular] = [
                translations.ngettext(singular, plural, 1),
                translations.ngettext(singular, plural, 2),
            ]
    return result


# Keeping the catalogues in step with the code.


def po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def read_catalogue(language: str) -> Catalog:
    """The .po catalogue of a language as Babel reads it."""
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def read_compiled(language: str) -> Catalog:
    """The compiled .mo catalogue of a language."""
    with mo_path(language).open("rb") as handle:
        return read_mo(handle)


def translated(catalog: Catalog) -> dict[Any, Any]:
    """Msgid to msgstr for every non-fuzzy, translated message (what a .mo should hold)."""

    # Plurals come as tuples from a .po file and as lists from a .mo file.
    def same(value: Any) -> Any:
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {same(m.id): same(m.string) for m in catalog if m.id and translated_one(m)}


NAMES = {"nl": "Dutch", "en": "English"}


def _describe(catalog: Catalog, language: str, created: Any) -> None:
    # A fixed header: running the update twice gives the same files, so diffs show only
    # real changes to the messages.
    catalog.header_comment = (
        f"# {NAMES[language]} messages of Rolwissel (templates and static/js).\n"
        "# Update with `python -m game.web.i18n`; the .mo next to this file is compiled from it."
    )
    catalog.project = "Rolwissel"
    catalog.version = "0.1"
    catalog.copyright_holder = "Rolwissel contributors"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "Rolwissel contributors"
    catalog.language_team = f"{NAMES[language]}"
    catalog.creation_date = created
    catalog.revision_date = created


def _fill_english(catalog: Catalog) -> None:
    # Msgids are English: an empty English msgstr simply repeats its msgid.
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not (isinstance(message.string, (list, tuple)) and all(message.string)):
                message.string = message.id
        elif not message.string:
            message.string = message.id


def update(languages: Iterable[str] = LANGUAGES) -> None:
    """Extract the messages, merge them into each .po file and compile the .mo files."""
    template = extract()
    for language in languages:
        path = po_path(language)
        if path.exists():
            catalog = read_catalogue(language)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=language, domain=DOMAIN, project="Rolwissel", fuzzy=False)
        created = catalog.creation_date
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        _describe(catalog, language, created)
        if language == "en":
            _fill_english(catalog)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False, sort_output=False)
        compile_catalogue(language)


def compile_catalogue(language: str) -> None:
    """Write the .mo file of a language from its .po file."""
    catalog = read_catalogue(language)
    with mo_path(language).open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)


def main(argv: list[str]) -> int:
    """`python -m game.web.i18n [compile]`: update and compile, or only compile."""
    if argv[1:2] == ["compile"]:
        for language in LANGUAGES:
            compile_catalogue(language)
    else:
        update()
    missing = {
        language: [m.id for m in read_catalogue(language) if m.id and not translated_one(m)]
        for language in LANGUAGES
    }
    for language, ids in missing.items():
        for msgid in ids:
            print(f"{language}: not translated: {msgid!r}")
    return 1 if any(missing.values()) else 0


def translated_one(message: Any) -> bool:
    """Whether a catalogue message has a usable, non-fuzzy translation."""
    if message.fuzzy:
        return False
    if isinstance(message.string, (list, tuple)):
        return all(message.string)
    return bool(message.string)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
