"""The downloads: Markdown, JSON and CSV against golden files, the PDF's text, escaping,
and a scan of every format and language for secrets and private reflections.

Regenerate the golden files after an intended change with:

    ROLWISSEL_UPDATE_GOLDEN=1 pytest tests/unit/test_exports.py

(the test run's own environment is cleaned of ROLWISSEL_* settings, so the switch is read
when this module is imported).
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pypdf
import pytest
from summary_game import (
    CONDITION_ADDED,
    CONDITION_DROPPED,
    DECISION_V1,
    DECISION_V2,
    MARKUP_CARD,
    NAMES,
    OBJECTION_REASON,
    PRIVATE_REFLECTION,
    SECRETS_HIDDEN,
    SECRETS_REVEALED,
    SHARED_REFLECTION,
    played_game,
)

from game.exports import csv as csv_export
from game.exports import json as json_export
from game.exports import markdown, pdf
from game.exports.summary import Summary, build_summary

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE = os.environ.get("ROLWISSEL_UPDATE_GOLDEN") == "1"
LANGS = ("nl", "en")


@pytest.fixture(scope="module")
def summary() -> Summary:
    game = played_game(options=2)
    return build_summary(game.state, game.events)


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def one_line(text: str) -> str:
    """Text with every run of white space as one space (PDF lines wrap anywhere)."""
    return " ".join(text.split())


def check_golden(name: str, produced: bytes) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(produced)
    assert path.exists(), f"{name} is missing: run with ROLWISSEL_UPDATE_GOLDEN=1"
    assert produced == path.read_bytes(), f"{name} changed; regenerate if that was intended"


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_matches_golden(summary: Summary, lang: str) -> None:
    """The Markdown summary is exactly the reviewed golden file."""
    check_golden(f"summary.{lang}.md", markdown.render(summary, lang).encode("utf-8"))


@pytest.mark.parametrize("lang", LANGS)
def test_json_matches_golden(summary: Summary, lang: str) -> None:
    """The JSON summary is exactly the reviewed golden file."""
    check_golden(f"summary.{lang}.json", json_export.render(summary, lang).encode("utf-8"))


@pytest.mark.parametrize("lang", LANGS)
def test_csv_matches_golden(summary: Summary, lang: str) -> None:
    """The CSV of cards and votes is exactly the reviewed golden file."""
    check_golden(f"summary.{lang}.csv", csv_export.render(summary, lang))


def test_json_schema_version_and_shape(summary: Summary) -> None:
    """The JSON says its schema version and kind, and holds the decision and result."""
    data = json.loads(json_export.render(summary, "nl"))
    assert (data["schema_version"], data["kind"], data["lang"]) == (1, "rolwissel.summary", "nl")
    assert data["decision"]["text"] == DECISION_V2
    assert data["result"]["gedragen"] is True
    assert data["result"]["threshold"] == "2/3"
    assert [g["role"] for g in data["result"]["groups"]] == ["inwoner", "raadslid", "ambtenaar"]
    changes = data["versions"][1]["changes"]
    assert [c["text"] for c in changes["added"]] == [CONDITION_ADDED]
    assert [c["text"] for c in changes["removed"]] == [CONDITION_DROPPED]


def test_json_schema_is_documented(summary: Summary) -> None:
    """Every key the JSON uses is described in docs/summary-json.md."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "summary-json.md").read_text("utf-8")

    def keys(value: object) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    missing = {k for k in keys(json_export.to_data(summary, "nl")) if f"`{k}`" not in doc}
    assert missing == set()


def test_csv_opens_with_semicolons_bom_and_dutch_letters(summary: Summary) -> None:
    """The CSV starts with a BOM, splits on ';' and keeps ë, é, € and curly quotes."""
    data = csv_export.render(summary, "nl")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0][:4] == ["soort", "ronde", "rol", "tekst"]
    kinds = [r[0] for r in rows[1:]]
    assert kinds.count("kaart") == len(summary.cards)
    assert kinds.count("stem") == sum(len(b.votes) for b in summary.ballots) == 15
    texts = {r[3] for r in rows[1:]}
    assert "Natuur dichtbij huis: bijen én vlinders in de straat" in texts
    assert any("coöperatie" in t for t in texts)
    assert any(r[13] == OBJECTION_REASON for r in rows if r[0] == "stem")
    assert all(len(r) == len(rows[0]) for r in rows)


def test_csv_cells_never_start_a_formula(summary: Summary) -> None:
    """A typed text starting with '=', '+', '-' or '@' is written as text, with a quote."""
    assert csv_export.safe_cell("=SUM(A1)") == "'=SUM(A1)"
    assert csv_export.safe_cell("-3") == "'-3"
    assert csv_export.safe_cell("@x") == "'@x"
    assert csv_export.safe_cell("gewoon") == "gewoon"
    rows = csv_export.rows(summary, "nl")
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_text_holds_decision_sentence_and_dutch_characters(summary: Summary, lang: str) -> None:
    """The PDF's text is selectable: decision, result sentence, ë/é, quotes, — and … survive."""
    data = pdf.render(summary, lang)
    assert data.startswith(b"%PDF-")
    text = one_line(pdf_text(data))
    assert DECISION_V2 in text
    assert DECISION_V1 in text  # the amended proposal shows both versions
    assert one_line(summary.result.sentence.get(lang)) in text
    for piece in ("coöperatie", "één", "“garanties”", "—", "…", "€40.000"):
        assert piece in text
    assert SHARED_REFLECTION in text


def test_pdf_embeds_the_vendored_font() -> None:
    """The PDF uses the DejaVu Sans shipped in game/exports/fonts, not a system font."""
    assert (pdf.FONTS / "DejaVuSans.ttf").is_file()
    assert "Bitstream" in (pdf.FONTS / "LICENSE").read_text("utf-8")
    data = pdf.render_blocks([], lang="nl", title="t", made_at=0)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1


def test_pdf_replaces_characters_the_font_lacks() -> None:
    """A character without a glyph becomes U+FFFD instead of vanishing from the page."""
    assert pdf.printable("ë 漢") == "ë \ufffd"
    assert pdf.printable("“a” — b…") == "“a” — b…"


def test_same_summary_gives_the_same_pdf(summary: Summary) -> None:
    """The PDF is reproducible: its dates come from the game, not the clock."""
    assert pdf.render(summary, "nl") == pdf.render(summary, "nl")


def test_markdown_escapes_typed_markup(summary: Summary) -> None:
    """Typed HTML, emphasis and links show as typed text, never as Markdown or HTML."""
    text = markdown.render(summary, "nl")
    assert "<script>" not in text
    assert markdown.escape(MARKUP_CARD) in text
    assert markdown.escape("<b>x</b> & *y* [z](u)") == r"\<b\>x\</b\> \& \*y\* \[z\](u)"
    assert markdown.escape("- niet een lijst") == r"\- niet een lijst"
    assert markdown.escape("1. ook niet") == r"1\. ook niet"
    assert markdown.escape("regel\nnieuw") == "regel nieuw"


def _all_outputs(summary: Summary) -> dict[str, str]:
    out = {}
    for lang in LANGS:
        out[f"md-{lang}"] = markdown.render(summary, lang)
        out[f"json-{lang}"] = json_export.render(summary, lang)
        out[f"csv-{lang}"] = csv_export.render(summary, lang).decode("utf-8-sig")
        out[f"pdf-{lang}"] = one_line(pdf_text(pdf.render(summary, lang)))
    return out


def test_no_secret_or_private_text_in_any_format(summary: Summary) -> None:
    """No format in any language holds a secret kept from the debrief, a private reflection
    or a player's name; the secrets revealed at the debrief are there in their language."""
    for name, text in _all_outputs(summary).items():
        for secret in SECRETS_HIDDEN:
            assert secret not in text, (name, secret)
        assert PRIVATE_REFLECTION not in text, name
        for player in NAMES:
            assert player not in text, (name, player)
        if not name.startswith("csv"):  # the CSV holds cards and votes only
            lang = name[-2:]
            for secret in SECRETS_REVEALED[lang]:
                assert secret in text, (name, secret)
            assert SHARED_REFLECTION in text, name
