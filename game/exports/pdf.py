"""The summary as a PDF (fpdf2): A4, selectable text, a vendored Unicode font.

DejaVu Sans is embedded (as a subset) from game/exports/fonts/, so Dutch letters (ë, é, ï),
“curly quotes”, dashes (—), the ellipsis (…) and € print on any machine, without system
fonts. Noto Emoji (monochrome, vendored beside it) is the fallback for every character
DejaVu lacks, so emoji that people type (🌳 👍 ✅) print as emoji and stay in the text. A
character neither font has prints as U+FFFD instead of silently disappearing.
Text is written as text, never parsed as markup: fpdf2's Markdown mode stays off.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import FontFace

from game.exports import wording as W
from game.exports.document import Block, Heading, Items, Paragraph, Table, summary_blocks
from game.exports.summary import Summary
from game.languages import language

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
STYLE = {"": "", "strong": "B", "em": "I"}
# One face serves every style: bold or slanted text falls back to the upright emoji.
EMOJI_FAMILY = "NotoEmoji"
EMOJI_FILE = "NotoEmoji.ttf"

MARGIN = 18  # mm, on every side
BODY = 10.5  # pt
LINE = 5.4  # mm between lines of body text
HEADING_SIZE = {1: 17, 2: 13.5, 3: 11.5}
REPLACEMENT = "\ufffd"


def _code_points(name: str) -> frozenset[int]:
    with TTFont(FONTS / name, lazy=True) as font:
        return frozenset(font.getBestCmap())


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    """The code points every style can draw: all three DejaVu faces have a glyph, or the
    emoji fallback has one."""
    faces = [_code_points(name) for name in FONT_FILES.values()]
    return frozenset.intersection(*faces) | _code_points(EMOJI_FILE)


# Skin tones (U+1F3FB-U+1F3FF) join the emoji before them only when text is shaped, which
# the PDF does without; drawn on their own they look like a box, so after an emoji they go.
SKIN_TONES = range(0x1F3FB, 0x1F400)


def printable(text: str) -> str:
    """Text with every character the fonts cannot draw replaced by U+FFFD, and without the
    skin tone that follows an emoji (the emoji itself stays)."""
    covered = _covered()
    kept: list[str] = []
    for ch in text:
        if ord(ch) in SKIN_TONES and kept and not kept[-1].isspace():
            continue
        kept.append(ch if ch in "\n\t" or ord(ch) in covered else REPLACEMENT)
    return "".join(kept)


class SummaryPDF(FPDF):
    """A4 portrait with the page number in the footer."""

    def __init__(self, lang: str, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.lang = language(lang)
        for style, name in FONT_FILES.items():
            self.add_font(FAMILY, style, str(FONTS / name))
        self.add_font(EMOJI_FAMILY, "", str(FONTS / EMOJI_FILE))
        self.set_fallback_fonts([EMOJI_FAMILY], exact_match=False)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)
        self.set_title(title)
        self.set_lang(self.lang)
        self.set_creator("Rolwissel")
        self.set_author("Rolwissel")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8.5)
        self.set_text_color(110)
        self.cell(0, 5, W.label("page", self.lang, page=self.page_no()), align="C")
        self.set_text_color(0)


def _heading(pdf: SummaryPDF, block: Heading) -> None:
    size = HEADING_SIZE.get(block.level, 11)
    if block.level == 2:
        # A section starts on a new page rather than as an orphaned heading at the bottom.
        if pdf.get_y() > pdf.h - MARGIN - 40:
            pdf.add_page()
        else:
            pdf.ln(3)
    elif block.level == 3:
        if pdf.get_y() > pdf.h - MARGIN - 25:
            pdf.add_page()
        else:
            pdf.ln(1)
    pdf.set_font(FAMILY, "B", size)
    pdf.multi_cell(0, size * 0.5, printable(block.text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    pdf.set_font(FAMILY, "", BODY)


def _spans(pdf: SummaryPDF, spans: Iterable[object]) -> None:
    for span in spans:
        pdf.set_font(FAMILY, STYLE[span.style], BODY)  # type: ignore[attr-defined]
        pdf.write(LINE, printable(span.text))  # type: ignore[attr-defined]
    pdf.set_font(FAMILY, "", BODY)
    pdf.ln(LINE)


def _items(pdf: SummaryPDF, block: Items) -> None:
    indent = 7
    for n, item in enumerate(block.items, start=1):
        marker = f"{n}." if block.ordered else "•"
        pdf.set_x(MARGIN)
        pdf.set_font(FAMILY, "", BODY)
        pdf.cell(indent, LINE, marker)
        pdf.set_left_margin(MARGIN + indent)
        _spans(pdf, item)
        pdf.set_left_margin(MARGIN)
        pdf.ln(0.8)
    pdf.ln(1.5)


def _table(pdf: SummaryPDF, block: Table) -> None:
    pdf.set_font(FAMILY, "", BODY - 1)
    # Each column as wide as its longest word needs, so no word is broken inside a cell.
    widths = tuple(
        2 + max(len(word) for value in column for word in (value.split() or [""]))
        for column in zip(block.header, *block.rows, strict=True)
    )
    with pdf.table(
        col_widths=widths,
        headings_style=FontFace(emphasis="BOLD", fill_color=235),
        line_height=LINE,
        text_align="LEFT",
        first_row_as_headings=True,
    ) as table:
        for row in (block.header, *block.rows):
            cells = table.row()
            for value in row:
                cells.cell(printable(value))
    pdf.set_font(FAMILY, "", BODY)
    pdf.ln(3)


def render_blocks(blocks: Iterable[Block], *, lang: str, title: str, made_at: int) -> bytes:
    """Blocks as the bytes of a PDF; `made_at` (ms) is its creation date, so the same
    summary always gives the same file."""
    pdf = SummaryPDF(lang, printable(title))
    pdf.set_creation_date(datetime.fromtimestamp(made_at / 1000, UTC))
    pdf.add_page()
    pdf.set_font(FAMILY, "", BODY)
    for block in blocks:
        if isinstance(block, Heading):
            _heading(pdf, block)
        elif isinstance(block, Paragraph):
            pdf.set_x(MARGIN)
            _spans(pdf, block.spans)
            pdf.ln(2)
        elif isinstance(block, Items):
            _items(pdf, block)
        elif isinstance(block, Table):
            _table(pdf, block)
    return bytes(pdf.output())


def render(summary: Summary, lang: str = "nl") -> bytes:
    """The summary as a PDF in `lang` (nl or en)."""
    lang = language(lang)
    title = f"{W.label('title', lang)}: {summary.title.get(lang)}"
    made_at = summary.closed_at or summary.version
    return render_blocks(summary_blocks(summary, lang), lang=lang, title=title, made_at=made_at)
