"""The words a person sees, in an explicit language, from the gettext catalogues.

Every sentence of the game lives in translations/<lang>/LC_MESSAGES/messages.po (msgids are
English), so a translator edits .po files only. The pages get theirs through Flask-Babel;
this module serves every place that has no request: the engine's views (which carry both
languages), the socket layer's refusals and the downloads.

It sits below every layer and imports only the standard library and game.languages.
Reading the compiled catalogues is as pure as reading the scenario files: fixed data that
ships with the code, read once per process and cached, with no clock, state or I/O beyond
that first read. The engine may therefore use it (tests/unit/test_engine_purity.py allows
this one module).

Mark a message where it is written, so `python -m game.web.i18n` extracts it:
`gettext("Carried", lang)`, `ngettext("{n} objection", "{n} objections", n, lang)`,
`pgettext("file name", "summary", lang)`; a message kept in a table for later is wrapped in
`N_("...")` (or `NC_("context", "...")`), translated where it is used.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from functools import cache
from pathlib import Path

from game.languages import Lang, language

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"
DOMAIN = "messages"


@cache
def catalogue(lang: Lang) -> stdlib_gettext.NullTranslations:
    """The compiled catalogue of a language, read once; without one the msgids (English)."""
    path = TRANSLATIONS / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as handle:
            return stdlib_gettext.GNUTranslations(handle)
    except FileNotFoundError:  # pragma: no cover - the .mo files are committed
        return stdlib_gettext.NullTranslations()


def N_(message: str) -> str:  # the usual name of gettext_noop
    """Mark a message for extraction without translating it (it is translated where used)."""
    return message


def NC_(context: str, message: str) -> tuple[str, str]:  # the usual name of pgettext_noop
    """Mark a message with its context for extraction; translate it later with `pgettext`."""
    return context, message


def gettext(message: str, lang: object) -> str:
    """`message` (an English msgid) in `lang`; Dutch for an unknown language."""
    return catalogue(language(lang)).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: object) -> str:
    """The singular or plural form for `n`, in `lang`."""
    return catalogue(language(lang)).ngettext(singular, plural, n)


def pgettext(context: str, message: str, lang: object) -> str:
    """`message` in `lang`, where the same English needs another word in this context."""
    return catalogue(language(lang)).pgettext(context, message)
