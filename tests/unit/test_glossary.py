"""The words of issue 9.11: the catalogues follow docs/woordenlijst.md, the summary names no
internal card id, and emoji print in the PDF."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont
from summary_game import CONDITION_KEPT, played_game

from game.engine.roles import Role
from game.exports import markdown, pdf
from game.exports import wording as W
from game.exports.document import Paragraph, Span, para
from game.exports.summary import ConditionItem, Summary, build_summary
from game.web import i18n

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "woordenlijst.md"


def retired_words() -> dict[str, list[str]]:
    """The "Was" column of the glossary's decisions, per language: each word or sentence that
    was replaced. A part with a qualifier ("Zorg (reactie)") counts without it in Dutch, where
    the catalogue no longer uses it at all; English parts ("EN: ...") only without one."""
    decisions = GLOSSARY.read_text(encoding="utf-8").split("## Besluiten over woorden")[1]
    found: dict[str, list[str]] = {"nl": [], "en": []}
    for line in decisions.splitlines():
        if not line.startswith("| ") or line.startswith(("| Was", "| ---")):
            continue
        lang = "nl"
        for part in line.split("|")[1].split(";"):
            part = part.strip()
            if part.startswith("EN:"):
                lang, part = "en", part[3:].strip()
            qualified = re.search(r"\s*\([^)]*\)$", part)
            if qualified and lang == "en":
                continue
            word = part[: qualified.start()] if qualified else part
            if word:
                found[lang].append(word)
    return found


def _strings(language: str) -> list[str]:
    out: list[str] = []
    for message in i18n.read_compiled(language):
        if message.id:
            string = message.string
            out.extend(string if isinstance(string, (list, tuple)) else [string])
    return out


def test_the_glossary_lists_the_retired_words() -> None:
    """The parse finds the words issue 9.11 names, so the scan below cannot pass on nothing."""
    words = retired_words()
    for word in ("Licht uit", "Trek in", "kaartje", "Overeenkomst", "Zorg", "reflectie"):
        assert word in words["nl"]
    assert "councillor" in words["en"]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_retired_word_in_the_compiled_catalogue(language: str) -> None:
    """No message of the compiled catalogue uses a word the glossary retired (as a whole
    word: "Wachtkamer" is fine, "kamer" is not)."""
    hits = [
        (word, string)
        for string in _strings(language)
        for word in retired_words()[language]
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", string)
    ]
    assert hits == []


def test_group_counts_read_plainly() -> None:
    """A group's count says who carries the proposal, and "eens met bedenkingen" in full,
    never "3 van 3 eens (…, 1 met bedenkingen)"."""
    strings = _strings("nl")
    assert not [s for s in strings if re.search(r"van \{members\} eens|\} met bedenkingen", s)]
    assert (
        "{support} van de {members} dragen het voorstel ({eens} eens, {bedenkingen} eens met "
        "bedenkingen, {bezwaar} bezwaar, {not_voted} niet gestemd)"
    ) in strings


def test_the_reflection_promise_matches_the_summary() -> None:
    """The phone promises what the summary does: a shared reflection shows its role, not the
    writer's name (the summary's reflections carry no name at all)."""
    nl = i18n.read_compiled("nl")
    promise = next(
        m.string for m in nl if m.id and isinstance(m.id, str) and m.id.startswith("Without a tick")
    )
    assert "zonder je naam" in promise and "met je naam" not in promise
    summary = build_summary(*_played())
    assert summary.reflections
    assert all(not hasattr(r, "name") for r in summary.reflections)


def _played() -> tuple:
    game = played_game()
    return game.state, game.events


@pytest.fixture(scope="module")
def summary() -> Summary:
    return build_summary(*_played())


CARD_ID = re.compile(r"\b(kaart|card) c\d+", re.I)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_summary_names_no_internal_card_id(summary: Summary, lang: str) -> None:
    """A condition taken from a card says so in words ("uit een kaart (ronde 2, als
    inwoner)"), never with the card's id, in Markdown and in the PDF."""
    text = markdown.render(summary, lang)
    reader = pypdf.PdfReader(io.BytesIO(pdf.render(summary, lang)))
    printed = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for output in (text, printed):
        assert CONDITION_KEPT in output
        assert not CARD_ID.search(output)
    assert ("uit een kaart (ronde" if lang == "nl" else "from a card (round") in text


def _condition(text: str, source: str | None) -> ConditionItem:
    return ConditionItem(
        id="k1",
        text=text,
        source_card_id="c12",
        source_round=2,
        source_role=Role.AMBTENAAR,
        source_text=source,
    )


def test_a_condition_in_other_words_quotes_its_card_briefly() -> None:
    """When the condition says it otherwise, the note quotes the card, cut at a word with
    '…'; the same words, or a card no longer on the board, give the plain note."""
    long_card = (
        "De bibliotheek opent op zaterdag, als er genoeg vrijwilligers zijn om mee te helpen"
    )
    quoted = W.source_note(_condition("Zaterdag open", long_card), "nl")
    assert quoted.startswith("uit de kaart “De bibliotheek opent op zaterdag")
    assert quoted.endswith("…” (ronde 2, als ambtenaar)")
    assert len(W.short_quote(long_card)) <= W.QUOTE_LENGTH + 1
    assert W.source_note(_condition("Zaterdag  open", "Zaterdag open"), "en") == (
        "from a card (round 2, as civil servant)"
    )
    assert W.source_note(_condition("Zaterdag open", None), "nl") == (
        "uit een kaart (ronde 2, als ambtenaar)"
    )
    for note in (quoted, W.source_note(_condition("x", None), "en")):
        assert "c12" not in note


EMOJI = "🌳 🐝 👍 ❤️ ✅ 🎉 🙂 🚲 📚 ♻️"


def test_emoji_print_in_the_pdf() -> None:
    """Emoji typed on a card come out of the PDF as the same characters, in every style,
    never as U+FFFD; each has a drawn glyph in the vendored emoji font."""
    blocks = [
        para(f"Kaart {EMOJI}"),
        Paragraph((Span(f"vet {EMOJI}", "strong"), Span(f" schuin {EMOJI}", "em"))),
    ]
    data = pdf.render_blocks(blocks, lang="nl", title=f"Titel {EMOJI}", made_at=0)
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "\ufffd" not in text
    for emoji in EMOJI.split():
        assert text.count(emoji) >= 3, emoji
    font = TTFont(pdf.FONTS / pdf.EMOJI_FILE)
    cmap = font.getBestCmap()
    for ch in EMOJI.replace(" ", "").replace("\ufe0f", ""):
        assert ord(ch) in pdf._covered()
        assert ord(ch) in cmap
        assert font["glyf"][cmap[ord(ch)]].numberOfContours != 0, f"{ch} has no outline"


def test_a_skin_tone_after_an_emoji_is_left_out_not_boxed() -> None:
    """Without text shaping a skin tone would print as a box of its own: the emoji stays."""
    assert pdf.printable("👍🏽 ok") == "👍 ok"
    assert "\ufffd" not in pdf.printable("👩\u200d👩\u200d👧 🇳🇱")


def test_the_emoji_font_is_vendored_with_its_licence() -> None:
    """Noto Emoji ships beside DejaVu with the SIL Open Font License it is published under."""
    assert (pdf.FONTS / pdf.EMOJI_FILE).is_file()
    licence = (pdf.FONTS / "LICENSE-NotoEmoji").read_text("utf-8")
    assert "SIL Open Font License" in licence and "Google" in licence
