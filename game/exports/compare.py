"""Several tables of one event side by side: per table the decision, whether it is gedragen,
the support per home-role group and the conditions.

Built from the tables' summaries only, so it shows nothing a summary would not. Rendered
as Markdown, PDF, JSON and CSV with the same renderers as a summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from game.engine.roles import ROLE_ORDER, Role
from game.engine.wording import fraction_text, gedragen_label, role_name
from game.exports import csv as csv_export
from game.exports import json as json_export
from game.exports import markdown as markdown_export
from game.exports import pdf as pdf_export
from game.exports import wording as W
from game.exports.document import Block, Heading, Items, Paragraph, Span, Table, para, paragraphs
from game.exports.summary import ConditionItem, GroupCount, Result, Summary, Texts
from game.languages import language
from game.words import NC_

KIND = "rolwissel.comparison"


@dataclass(frozen=True, kw_only=True)
class TableItem:
    """One table (room) of the event."""

    number: int  # 1, 2, ... in the order the tables were made
    room_id: str
    closed: bool
    title: Texts
    participants: tuple[GroupCount, ...]
    decision_text: str | None
    conditions: tuple[ConditionItem, ...]
    result: Result | None
    ballots: int
    common_ground: int

    def support(self, role: Role) -> tuple[int, int, bool] | None:
        """(support, members, passes) of a home-role group, or None when it was not there."""
        if self.result is None:
            return None
        group = next((g for g in self.result.groups if g.role == role), None)
        return None if group is None else (group.support, group.members, group.passes)


@dataclass(frozen=True, kw_only=True)
class Comparison:
    event_id: str
    tables: tuple[TableItem, ...]

    @property
    def roles(self) -> tuple[Role, ...]:
        """The home-role groups present at any table, in the usual order."""
        present = {g.role for t in self.tables for g in t.participants}
        return tuple(r for r in ROLE_ORDER if r in present)


def build_comparison(event_id: str, summaries: Sequence[Summary]) -> Comparison:
    """The tables of an event from their summaries, numbered in the order given.

    A table still playing shows only that: its draft and any tally not yet shown stay
    in the room until its facilitator closes the game.
    """
    tables = []
    for n, s in enumerate(summaries, start=1):
        done = s.closed
        tables.append(
            TableItem(
                number=n,
                room_id=s.room_id,
                closed=done,
                title=s.title,
                participants=s.participants,
                decision_text=s.decision.text if done and s.decision else None,
                conditions=s.decision.conditions if done and s.decision else (),
                result=s.result if done else None,
                ballots=len(s.ballots) if done else 0,
                common_ground=len(s.common_ground) if done else 0,
            )
        )
    return Comparison(event_id=event_id, tables=tuple(tables))


def table_name(table: TableItem, lang: str) -> str:
    return f"{W.label('table', lang)} {table.number}"


def outcome_word(table: TableItem, lang: str) -> str:
    """'Gedragen', 'Niet gedragen', 'nog bezig' or that nobody voted."""
    if not table.closed:
        return W.label("not_closed", lang)
    if table.result is None:
        return W.label("no_result", lang)
    return gedragen_label(table.result.gedragen, lang)


def support_cell(table: TableItem, role: Role, lang: str) -> str:
    """'3 van 3 (ja)' / '3 of 3 (yes)'; a dash when the group was not at this table."""
    found = table.support(role)
    if found is None:
        return "\u2013"
    support, members, passes = found
    of = "of" if language(lang) == "en" else "van"
    return f"{support} {of} {members} ({W.yes_no(passes, lang)})"


def blocks(comparison: Comparison, lang: str) -> list[Block]:
    """The comparison as document blocks: an overview table, then each table in turn."""
    lang = language(lang)
    title = comparison.tables[0].title.get(lang) if comparison.tables else ""
    out: list[Block] = [Heading(1, f"{W.label('compare_title', lang)}: {title}".rstrip(": "))]
    if not comparison.tables:
        return [*out, para(W.label("no_tables", lang))]
    header = (
        W.label("table", lang),
        W.label("result", lang),
        *(role_name(r, lang, plural=True) for r in comparison.roles),
        W.label("conditions_count", lang),
    )
    rows = tuple(
        (
            table_name(t, lang),
            outcome_word(t, lang),
            *(support_cell(t, r, lang) for r in comparison.roles),
            str(len(t.conditions)),
        )
        for t in comparison.tables
    )
    out.append(Table(header, rows))
    for table in comparison.tables:
        out.append(Heading(2, f"{table_name(table, lang)}: {outcome_word(table, lang)}"))
        if table.result is not None:
            out.append(Paragraph((Span(table.result.sentence.get(lang), "strong"),)))
        if not table.closed:
            continue
        if table.decision_text is None:
            out.append(para(W.label("no_decision", lang)))
            continue
        out.append(Heading(3, W.label("decision_text", lang)))
        out.extend(paragraphs(table.decision_text))
        out.append(Heading(3, W.label("conditions", lang)))
        if table.conditions:
            out.append(Items(tuple((Span(c.text),) for c in table.conditions), ordered=True))
        else:
            out.append(para(W.label("no_conditions", lang)))
        out.append(para(f"{W.label('common_ground', lang)}: {table.common_ground}"))
    return out


def to_markdown(comparison: Comparison, lang: str = "nl") -> str:
    return markdown_export.render_blocks(blocks(comparison, lang))


def to_pdf(comparison: Comparison, lang: str = "nl", made_at: int = 0) -> bytes:
    lang = language(lang)
    title = W.label("compare_title", lang)
    return pdf_export.render_blocks(
        blocks(comparison, lang), lang=lang, title=title, made_at=made_at
    )


def to_data(comparison: Comparison, lang: str = "nl") -> dict[str, object]:
    """The comparison as JSON-ready data (schema version 1, see docs/summary-json.md)."""
    lang = language(lang)
    return {
        "schema_version": json_export.SCHEMA_VERSION,
        "kind": KIND,
        "lang": lang,
        "event_id": comparison.event_id,
        "tables": [
            {
                "number": t.number,
                "room_id": t.room_id,
                "closed": t.closed,
                "title": t.title.get(lang),
                "participants": [{"role": g.role.value, "count": g.count} for g in t.participants],
                "decision_text": t.decision_text,
                "conditions": [json_export.condition(c) for c in t.conditions],
                "result": json_export.result(t.result, lang),
                "outcome": outcome_word(t, lang),
                "ballots": t.ballots,
                "common_ground": t.common_ground,
            }
            for t in comparison.tables
        ],
    }


def to_json(comparison: Comparison, lang: str = "nl") -> str:
    return json_export.dumps(to_data(comparison, lang))


CSV_GROUP_WORDS = (NC_("csv column", "support"), NC_("csv column", "total"))
CSV_HEADERS = (
    NC_("csv column", "table"),
    NC_("csv column", "result"),
    NC_("csv column", "carried"),
    NC_("csv column", "decision"),
    NC_("csv column", "conditions"),
    NC_("csv column", "threshold"),
    NC_("csv column", "sentence"),
)


def to_csv(comparison: Comparison, lang: str = "nl") -> bytes:
    """One row per table, the support of each group in two columns (support and members);
    the conditions in one cell, one per line. Same format as the summary's CSV."""
    lang = language(lang)
    base = [csv_export.column(word, lang) for word in CSV_HEADERS]
    header = [
        *base[:3],
        *(
            f"{role_name(r, lang, plural=True)} {csv_export.column(word, lang)}"
            for r in ROLE_ORDER
            for word in CSV_GROUP_WORDS
        ),
        *base[3:],
    ]
    rows: list[list[str]] = [header]
    for t in comparison.tables:
        support_cols: list[str] = []
        for role in ROLE_ORDER:
            found = t.support(role)
            support_cols += ["", ""] if found is None else [str(found[0]), str(found[1])]
        rows.append(
            [
                table_name(t, lang),
                outcome_word(t, lang),
                "" if t.result is None else W.yes_no(t.result.gedragen, lang),
                *support_cols,
                t.decision_text or "",
                "\n".join(c.text for c in t.conditions),
                fraction_text(t.result.threshold) if t.result else "",
                t.result.sentence.get(lang) if t.result else "",
            ]
        )
    return csv_export.encode([[csv_export.safe_cell(c) for c in row] for row in rows])
