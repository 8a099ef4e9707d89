"""The summary's cards and votes as CSV, a row each, for a spreadsheet.

The file opens cleanly in Dutch Excel by double-clicking it:

* UTF-8 with a byte-order mark, so Excel reads ë, é, € and “quotes” as UTF-8 rather than
  as the Windows code page;
* `;` between fields, the list separator of Dutch Windows (the comma is the decimal sign);
* CRLF line endings, and fields with `;`, quotes or line breaks quoted the standard way.

One table, with a first column that says what a row is (a card or a vote), so it can be
filtered. Headers and values (roles, choices, yes/no) are in the reader's language. A cell
that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so
Excel shows typed text such as "=SUM(A1)" as text and never runs it as a formula.
"""

from __future__ import annotations

import csv
import io

from game.engine.wording import role_name
from game.exports import wording as W
from game.exports.summary import Summary
from game.languages import language
from game.words import NC_, pgettext

DELIMITER = ";"
BOM = "\ufeff"
ENCODING = "utf-8"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# The column names and row kinds of the CSV downloads (lower case, no spaces), translated
# in the contexts "csv column" and "csv row" (a row's kind).
HEADERS = (
    NC_("csv column", "kind"),
    NC_("csv column", "round"),
    NC_("csv column", "role"),
    NC_("csv column", "text"),
    NC_("csv column", "support"),
    NC_("csv column", "questions"),
    NC_("csv column", "concerns"),
    NC_("csv column", "highlighted"),
    NC_("csv column", "common_ground"),
    NC_("csv column", "card"),
    NC_("csv column", "vote"),
    NC_("csv column", "version"),
    NC_("csv column", "choice"),
    NC_("csv column", "reason"),
    NC_("csv column", "needed"),
)
KINDS = {"card": NC_("csv row", "card"), "vote": NC_("csv row", "vote")}


def column(word: tuple[str, str], lang: str) -> str:
    """A column name or row kind of the CSV downloads in a language."""
    return pgettext(*word, lang)


def safe_cell(value: object) -> str:
    """A cell as text that a spreadsheet will not read as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def rows(summary: Summary, lang: str = "nl") -> list[list[str]]:
    """The header and one row per card on the board and per counted vote."""
    lang = language(lang)
    table: list[list[object]] = [[column(h, lang) for h in HEADERS]]
    for card in summary.cards:
        table.append(
            [
                column(KINDS["card"], lang),
                card.round,
                role_name(card.role, lang),
                card.text,
                card.supports,
                card.questions,
                card.concerns,
                W.yes_no(card.highlighted, lang),
                W.yes_no(card.common_ground, lang),
                card.id,
                "",
                "",
                "",
                "",
                "",
            ]
        )
    for ballot in summary.ballots:
        for vote in ballot.votes:
            table.append(
                [
                    column(KINDS["vote"], lang),
                    4,
                    role_name(vote.home_role, lang),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    vote.ballot,
                    vote.proposal_version,
                    W.choice_name(vote.choice, lang),
                    vote.reason,
                    vote.needed,
                ]
            )
    return [[safe_cell(c) for c in row] for row in table]


def render(summary: Summary, lang: str = "nl") -> bytes:
    """The CSV file as bytes: UTF-8 with BOM, `;`-separated, CRLF line endings."""
    return encode(rows(summary, lang))


def encode(table: list[list[str]]) -> bytes:
    """Rows as the bytes of a CSV file in the format described above."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows(table)
    return (BOM + out.getvalue()).encode(ENCODING)
