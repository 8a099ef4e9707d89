"""The catalogues: every message of the templates and scripts is translated, the compiled .mo
files match the .po files, and each person gets their language."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import LanguageAccept

from game.web import i18n

LANGUAGES = i18n.LANGUAGES


def _ids(catalog) -> set:
    return {m.id for m in catalog if m.id}


def test_catalogues_hold_exactly_the_messages_in_use() -> None:
    """Every message the templates and scripts use is in both .po files, and no stale one."""
    used = _ids(i18n.extract())
    assert len(used) > 100
    for language in LANGUAGES:
        listed = _ids(i18n.read_catalogue(language))
        assert used - listed == set(), f"{language}: missing, run `python -m game.web.i18n`"
        assert listed - used == set(), f"{language}: no longer used"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    """No message is left empty or fuzzy, in Dutch or in English (templates and scripts)."""
    untranslated = [
        m.id for m in i18n.read_catalogue(language) if m.id and not i18n.translated_one(m)
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_po(language: str) -> None:
    """The committed .mo file holds exactly what the .po file says (a fresh clone needs no step)."""
    assert i18n.translated(i18n.read_compiled(language)) == i18n.translated(
        i18n.read_catalogue(language)
    )


_BRACES = re.compile(r"\{(\w+)\}")
_PERCENT = re.compile(r"%\((\w+)\)s")


def _placeholders(text: str) -> set[str]:
    return set(_BRACES.findall(text)) | set(_PERCENT.findall(text))


def test_translations_keep_their_placeholders() -> None:
    """A translation uses the same {name} and %(name)s placeholders as its message."""
    catalog = i18n.read_catalogue("nl")
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(_placeholders(i) for i in ids))
        for string in strings:
            # A singular may say "één" instead of {n}; never a placeholder the message lacks.
            if not _placeholders(string) <= wanted or (
                len(ids) == 1 and _placeholders(string) != wanted
            ):
                wrong.append(message.id)
    assert wrong == []


@pytest.mark.parametrize(
    ("asked", "cookie", "accept", "expected"),
    [
        ("en", None, "nl", "en"),  # the address wins
        (None, "en", "nl", "en"),  # then what was chosen before
        ("de", "nl", "en", "nl"),  # an unknown language in the address is ignored
        (None, None, "en-GB,en;q=0.9", "en"),  # then the browser
        (None, None, "fr, de", "nl"),  # and Dutch when nothing fits
        (None, None, None, "nl"),
    ],
)
def test_choose_language_order(asked, cookie, accept, expected) -> None:
    """The address, then the cookie, then Accept-Language, then Dutch."""
    header = None
    if accept is not None:
        header = LanguageAccept(
            [(part.split(";")[0].strip(), 1.0 - i / 10) for i, part in enumerate(accept.split(","))]
        )
    assert i18n.choose_language(asked, cookie, header) == expected


def test_switch_is_remembered_in_a_cookie(client: FlaskClient) -> None:
    """Choosing English by link keeps the next pages in English."""
    first = client.get("/?lang=en")
    assert 'lang="en"' in first.get_data(as_text=True)
    assert i18n.COOKIE in first.headers.get("Set-Cookie", "")
    again = client.get("/join")
    assert '<html lang="en">' in again.get_data(as_text=True)


def test_browser_language_is_used(client: FlaskClient) -> None:
    """An English browser gets English pages without choosing."""
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.8"})
    assert '<html lang="en">' in page.get_data(as_text=True)


def _page_catalogue(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="rw-i18n">(.*?)</script>', html, re.S)
    assert block is not None
    return json.loads(block.group(1))


def test_script_messages_come_with_the_page(client: FlaskClient) -> None:
    """The page carries the script translations in its language, plurals as two forms."""
    dutch = _page_catalogue(client.get("/").get_data(as_text=True))
    english = _page_catalogue(client.get("/?lang=en").get_data(as_text=True))
    assert dutch["Support"] == "Steun"
    assert english["Support"] == "Support"
    assert dutch["{n} card"] == ["{n} kaart", "{n} kaarten"]
    assert (
        set(dutch)
        == set(english)
        == {m if isinstance(m, str) else m[0] for m in i18n.js_messages()}
    )


def test_app_without_room_service_still_translates() -> None:
    """i18n.init_app works on a bare Flask app (Dutch by default)."""
    from game.web import pages

    app = Flask(__name__, static_folder=None)
    i18n.init_app(app)
    app.register_blueprint(pages.bp)
    html = app.test_client().get("/join").get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Wat ben je in het echt?" in html


def test_script_messages_are_found_inside_templates() -> None:
    """t() and tn() inside html`...` templates count, with their parameters; comments do not."""
    import io

    source = (
        '// t("only a comment")\n'
        'render(html`<li>${p.me ? t("{name} (you)", { name: p.name }) : p.name}</li>`);\n'
        'const n = html`<p>${tn("{n} card", "{n} cards", 3)} ${t(\'Single\')}</p>`;\n'
        '/* t("no") */\n'
    )
    found = list(
        i18n.extract_js(io.BytesIO(source.encode()), ["t", "tn"], [], {"encoding": "utf-8"})
    )
    assert [(line, name, message) for line, name, message, _ in found] == [
        (2, "t", "{name} (you)"),
        (3, "tn", ("{n} card", "{n} cards")),
        (3, "t", "Single"),
    ]


# The Python modules whose words once lived in dicts per language; their sentences now come
# from the catalogues (game/words.py), so a translator edits .po files only.
WORD_MODULES = (
    "game/web/messages.py",
    "game/web/summary_pages.py",
    "game/engine/wording.py",
    "game/exports/wording.py",
    "game/exports/csv.py",
    "game/exports/compare.py",
)


def _literals(path: str) -> tuple[set[str], list[int]]:
    """The string constants of a module (but a dict's keys, which name things: "eens"), and
    the lines of any dict keyed by "nl"."""
    import ast

    tree = ast.parse((i18n.ROOT / path).read_text(encoding="utf-8"))
    keys = {id(k) for n in ast.walk(tree) if isinstance(n, ast.Dict) for k in n.keys}
    strings = {
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in keys
    }
    nl_dicts = [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Dict)
        and any(isinstance(k, ast.Constant) and k.value == "nl" for k in n.keys)
    ]
    return strings, nl_dicts


@pytest.mark.parametrize("path", WORD_MODULES)
def test_no_dutch_sentence_is_kept_in_python(path: str) -> None:
    """The error sentences, result words and download labels hold English msgids only: no
    dict per language, and no string that is one of the Dutch catalogue's translations."""
    dutch = {
        m.string
        for m in i18n.read_catalogue("nl")
        if m.id and isinstance(m.string, str) and m.string != m.id
    }
    strings, nl_dicts = _literals(path)
    assert nl_dicts == []
    assert strings & dutch == set()


def test_the_python_words_are_extracted() -> None:
    """`python -m game.web.i18n` finds the sentences of game/ (N_, gettext, ngettext,
    pgettext), so they are in both catalogues."""
    found = {(m.id, m.context) for m in i18n.extract() if m.id}
    for wanted in (
        ("Only the workshop leader can do this.", None),  # messages.py, N_
        (("{count} objection remains", "{count} objections remain"), None),  # ngettext
        ("Carried: no objection, and enough support in every group.", None),  # gettext
        ("summary", "file name"),  # pgettext
        ("Timeline", None),  # exports/wording.py LABELS
    ):
        assert wanted in found
