"""game/words.py: the catalogues' words in an explicit language, without a request."""

from __future__ import annotations

from game import words


def test_a_message_comes_in_the_language_asked() -> None:
    """Dutch from the Dutch catalogue, English as the msgid says, Dutch for anything else."""
    assert words.gettext("Carried", "nl") == "Gedragen"
    assert words.gettext("Carried", "en") == "Carried"
    assert words.gettext("Carried", "fr") == "Gedragen"
    assert words.gettext("Carried", None) == "Gedragen"


def test_plural_and_context() -> None:
    """ngettext picks the form for the number; pgettext reads the message of its context."""
    one = words.ngettext("{count} objection remains", "{count} objections remain", 1, "nl")
    two = words.ngettext("{count} objection remains", "{count} objections remain", 2, "nl")
    assert (one, two) == ("{count} bezwaar staat nog", "{count} bezwaren staan nog")
    assert words.pgettext("file name", "summary", "nl") == "samenvatting"
    assert words.pgettext("file name", "summary", "en") == "summary"


def test_an_unknown_message_stays_as_written() -> None:
    """A msgid missing from the catalogue is shown as it is, never an error."""
    assert words.gettext("Not in any catalogue", "nl") == "Not in any catalogue"
    assert words.N_("kept for later") == "kept for later"


def test_each_catalogue_is_read_once() -> None:
    """The compiled catalogue is cached per language: the same object every time."""
    assert words.catalogue("nl") is words.catalogue("nl")
    assert words.catalogue("nl") is not words.catalogue("en")
