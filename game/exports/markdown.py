"""The summary as Markdown (CommonMark with GitHub tables), in the reader's language.

Every text is escaped, so a card such as `<b>` or `[link](…)` shows as typed and never
becomes markup or HTML in a Markdown viewer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from game.exports.document import Block, Heading, Items, Paragraph, Span, Table, summary_blocks
from game.exports.summary import Summary

# ASCII punctuation that can start or end markup anywhere in a line: emphasis, code, links,
# HTML and entities, tables, strike-through and headings.
_INLINE = re.compile(r"([\\`*_\[\]<>&|~#!])")
# What only means something at the start of a line: lists, quotes, setext and rules.
_MARK_START = re.compile(r"^(\s*)([-+=])")
_NUMBER_START = re.compile(r"^(\s*\d+)([.)])(?=\s|$)")


def escape(text: str) -> str:
    """Plain text as Markdown that renders as exactly that text, on one line."""
    line = " ".join(text.split())  # a line break inside a block would end it
    line = _INLINE.sub(r"\\\1", line)
    line = _MARK_START.sub(r"\1\\\2", line)
    return _NUMBER_START.sub(r"\1\\\2", line)


def _spans(spans: Iterable[Span]) -> str:
    out = []
    for span in spans:
        core = escape(span.text)
        # Spaces around a span are kept, but outside its markers: emphasis must touch text.
        lead = " " if span.text[:1].isspace() else ""
        trail = " " if span.text[-1:].isspace() else ""
        if core and span.style == "strong":
            core = f"**{core}**"
        elif core and span.style == "em":
            core = f"*{core}*"
        out.append(f"{lead}{core}{trail}" if core else lead or trail)
    return "".join(out)


def _cell(text: str) -> str:
    return escape(text) or " "


def render_blocks(blocks: Iterable[Block]) -> str:
    """Blocks as Markdown, one blank line between blocks, ending in one newline."""
    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            parts.append(f"{'#' * block.level} {escape(block.text)}")
        elif isinstance(block, Paragraph):
            parts.append(_spans(block.spans))
        elif isinstance(block, Items):
            lines = []
            for n, item in enumerate(block.items, start=1):
                marker = f"{n}." if block.ordered else "-"
                lines.append(f"{marker} {_spans(item)}")
            parts.append("\n".join(lines))
        elif isinstance(block, Table):
            header = "| " + " | ".join(_cell(h) for h in block.header) + " |"
            rule = "|" + "|".join(" --- " for _ in block.header) + "|"
            rows = ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
            parts.append("\n".join([header, rule, *rows]))
    return "\n\n".join(parts) + "\n"


def render(summary: Summary, lang: str = "nl") -> str:
    """The summary as a Markdown document in `lang` (nl or en)."""
    return render_blocks(summary_blocks(summary, lang))
