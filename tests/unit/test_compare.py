"""Several tables of one event side by side, in every download format."""

from __future__ import annotations

import csv
import io
import json

import pypdf
import pytest
from summary_game import (
    CONDITION_ADDED,
    CONDITION_KEPT,
    DECISION_V1,
    DECISION_V2,
    SECRETS_HIDDEN,
    new_game,
    objected_game,
    play_rounds,
    played_game,
)

from game.engine import actions as A
from game.engine.roles import Role
from game.exports import compare
from game.exports.summary import build_summary

DRAFT_OF_OPEN_TABLE = "CONCEPT-open-tafel-55"


def open_table():
    """A table still voting: its draft and its votes must not show in the comparison."""
    game = new_game(room_id="room-3")
    play_rounds(game)
    game.facilitator(A.NextPhase)
    game.facilitator(A.DraftProposal, text=DRAFT_OF_OPEN_TABLE, conditions=())
    game.facilitator(A.OpenVote)
    return game


@pytest.fixture(scope="module")
def comparison() -> compare.Comparison:
    games = [played_game(room_id="room-1"), objected_game("room-2"), open_table()]
    return compare.build_comparison("ev", [build_summary(g.state, g.events) for g in games])


def test_tables_are_numbered_with_their_outcome(comparison: compare.Comparison) -> None:
    """Each table has its number, decision, gedragen or not, and conditions."""
    first, second, third = comparison.tables
    assert [t.number for t in comparison.tables] == [1, 2, 3]
    assert (first.decision_text, first.result.gedragen) == (DECISION_V2, True)
    assert [c.text for c in first.conditions] == [CONDITION_KEPT, CONDITION_ADDED]
    assert (second.decision_text, second.result.gedragen) == (DECISION_V1, False)
    assert compare.outcome_word(second, "nl") == "Niet gedragen"
    assert compare.support_cell(first, Role.RAADSLID, "nl") == "2 van 3 (ja)"
    assert compare.support_cell(second, Role.AMBTENAAR, "en") == "1 of 2 (no)"
    assert comparison.roles == (Role.INWONER, Role.RAADSLID, Role.AMBTENAAR)
    assert (third.closed, third.decision_text, third.result) == (False, None, None)


def test_open_table_shows_nothing_of_its_game(comparison: compare.Comparison) -> None:
    """A table still playing is marked so, and its draft appears in no format."""
    outputs = [
        compare.to_markdown(comparison, "nl"),
        compare.to_json(comparison, "en"),
        compare.to_csv(comparison, "nl").decode("utf-8-sig"),
    ]
    for text in outputs:
        assert DRAFT_OF_OPEN_TABLE not in text
    assert "nog bezig" in outputs[0]
    assert compare.outcome_word(comparison.tables[2], "en") == "still playing"


def test_markdown_puts_the_tables_side_by_side(comparison: compare.Comparison) -> None:
    """The Markdown starts with one row per table, then each table's decision and conditions."""
    text = compare.to_markdown(comparison, "nl")
    assert "| Tafel 1 | Gedragen | 3 van 3 (ja) | 2 van 3 (ja) | 2 van 2 (ja) | 2 |" in text
    assert "| Tafel 2 | Niet gedragen | 3 van 3 (ja) | 3 van 3 (ja) | 1 van 2 (nee) | 0 |" in text
    assert text.index("## Tafel 1") < text.index(DECISION_V2) < text.index("## Tafel 2")


def test_json_has_schema_version_and_every_table(comparison: compare.Comparison) -> None:
    """The JSON comparison is versioned like the summary and lists every table."""
    data = json.loads(compare.to_json(comparison, "nl"))
    assert (data["schema_version"], data["kind"], data["event_id"]) == (
        1,
        "rolwissel.comparison",
        "ev",
    )
    assert [t["result"]["gedragen"] if t["result"] else None for t in data["tables"]] == [
        True,
        False,
        None,
    ]
    assert data["tables"][0]["conditions"][1]["text"] == CONDITION_ADDED


def test_csv_has_a_row_per_table(comparison: compare.Comparison) -> None:
    """The CSV opens with ';' and a BOM: one row per table, support per group in columns."""
    data = compare.to_csv(comparison, "nl")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0][:5] == ["tafel", "uitslag", "gedragen", "inwoners steun", "inwoners aantal"]
    assert [r[0] for r in rows[1:]] == ["Tafel 1", "Tafel 2", "Tafel 3"]
    assert rows[1][rows[0].index("voorwaarden")] == f"{CONDITION_KEPT}\n{CONDITION_ADDED}"
    assert rows[2][rows[0].index("ambtenaren steun")] == "1"


def test_pdf_text_holds_every_table(comparison: compare.Comparison) -> None:
    """The comparison PDF has selectable text with each table's decision and sentence."""
    data = compare.to_pdf(comparison, "nl", made_at=1)
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert DECISION_V2 in text and DECISION_V1 in text
    assert comparison.tables[1].result.sentence.nl in text
    for secret in SECRETS_HIDDEN:
        assert secret not in text


def test_no_tables() -> None:
    """An event without tables says so instead of failing."""
    empty = compare.build_comparison("ev", [])
    assert "Er zijn geen tafels." in compare.to_markdown(empty, "nl")
