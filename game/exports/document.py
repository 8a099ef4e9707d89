"""The summary laid out as a document of plain blocks, in one language.

Markdown and PDF both render these blocks, so they hold the same content in the same order.
Blocks carry text as data: a renderer escapes it for its own format, so nothing a person
typed can become markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from game.engine.wording import role_name, threshold_text
from game.exports import wording as W
from game.exports.summary import (
    BallotItem,
    CardItem,
    ConditionItem,
    Result,
    Summary,
)
from game.languages import language

Style = Literal["", "strong", "em"]


@dataclass(frozen=True)
class Span:
    text: str
    style: Style = ""


Spans = tuple[Span, ...]


@dataclass(frozen=True)
class Heading:
    level: int  # 1 is the document's title
    text: str


@dataclass(frozen=True)
class Paragraph:
    spans: Spans


@dataclass(frozen=True)
class Items:
    items: tuple[Spans, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | Items | Table


def para(*spans: Span | str) -> Paragraph:
    return Paragraph(tuple(s if isinstance(s, Span) else Span(s) for s in spans))


def paragraphs(text: str) -> list[Paragraph]:
    """A text with line breaks as one paragraph per non-empty line."""
    return [para(line.strip()) for line in text.splitlines() if line.strip()]


def _card_spans(card: CardItem, lang: str, *, with_round: bool = False, extra: str = "") -> Spans:
    notes = []
    if with_round:
        notes.append(f"{W.label('round', lang).lower()} {card.round}")
    notes.append(W.label("written_as", lang, role=role_name(card.role, lang)))
    notes.append(f"{card.supports} {W.label('supports', lang)}")
    if card.highlighted:
        notes.append(W.label("highlighted", lang))
    if extra:
        notes.append(extra)
    return (Span(card.text), Span(" — " + " · ".join(notes), "em"))


def _condition_spans(condition: ConditionItem, lang: str) -> Spans:
    note = W.source_note(condition, lang)
    if not note:
        return (Span(condition.text),)
    return (Span(condition.text), Span(f" — {note}", "em"))


def _conditions(conditions: tuple[ConditionItem, ...], lang: str) -> list[Block]:
    if not conditions:
        return [para(W.label("no_conditions", lang))]
    return [Items(tuple(_condition_spans(c, lang) for c in conditions), ordered=True)]


def support_table(result: Result, lang: str) -> Table:
    """The votes per home-role group, with whether each group meets the threshold."""
    header = tuple(
        W.label(key, lang)
        for key in ("group", "members", "eens", "bedenkingen", "bezwaar", "not_voted", "passes")
    )
    rows = tuple(
        (
            role_name(g.role, lang, plural=True),
            str(g.members),
            str(g.eens),
            str(g.bedenkingen),
            str(g.bezwaar),
            str(g.not_voted),
            W.yes_no(g.passes, lang),
        )
        for g in result.groups
    )
    return Table(header, rows)


def _objections(ballot: BallotItem, lang: str) -> list[Block]:
    blocks: list[Block] = [Heading(3, W.label("objections", lang))]
    if not ballot.objections:
        blocks.append(para(W.label("no_objections", lang)))
    else:
        items = []
        for objection in ballot.objections:
            spans = [
                Span(f"{W.label('objection_reason', lang)}: ", "strong"),
                Span(objection.reason),
            ]
            if objection.needed:
                spans += [
                    Span(f" — {W.label('objection_needed', lang)}: ", "strong"),
                    Span(objection.needed),
                ]
            items.append(tuple(spans))
        blocks.append(Items(tuple(items)))
    if ballot.reservations:
        blocks.append(Heading(3, W.label("bedenkingen", lang)))
        blocks.append(Items(tuple((Span(r),) for r in ballot.reservations)))
    return blocks


def _decision(summary: Summary, lang: str) -> list[Block]:
    blocks: list[Block] = [Heading(2, W.label("decision", lang))]
    if summary.result is not None:
        blocks.append(para(Span(W.outcome(summary, lang), "strong")))
    if summary.decision is None:
        blocks.append(para(W.label("no_decision", lang)))
        return blocks
    blocks.append(Heading(3, W.label("decision_text", lang)))
    blocks.extend(paragraphs(summary.decision.text))
    blocks.append(Heading(3, W.label("conditions", lang)))
    blocks.extend(_conditions(summary.decision.conditions, lang))
    if summary.result is None:
        blocks.append(para(W.label("no_result", lang)))
        return blocks
    blocks.append(Heading(3, W.label("support_per_group", lang)))
    blocks.append(support_table(summary.result, lang))
    threshold = threshold_text(summary.result.threshold, lang)
    blocks.append(para(f"{W.label('threshold', lang)}: {threshold}"))
    final = summary.final_ballot
    if final is not None:
        blocks.extend(_objections(final, lang))
    return blocks


def _versions(summary: Summary, lang: str) -> list[Block]:
    if not summary.versions:
        return []
    blocks: list[Block] = [Heading(2, W.label("versions", lang))]
    ballots = {b.number: b for b in summary.ballots}
    for version in summary.versions:
        blocks.append(Heading(3, f"{W.label('version', lang)} {version.number}"))
        if version.changes is not None:
            blocks.append(para(Span(W.label("changes", lang), "strong")))
            changes = version.changes
            lines: list[Spans] = []
            if changes.text_changed:
                lines.append(
                    (Span(W.label("text_changed", lang) + " "), Span(changes.previous_text, "em"))
                )
            else:
                lines.append((Span(W.label("text_same", lang)),))
            lines.extend(
                (Span(f"{W.label('added', lang)}: ", "strong"), Span(c.text)) for c in changes.added
            )
            lines.extend(
                (Span(f"{W.label('removed', lang)}: ", "strong"), Span(c.text))
                for c in changes.removed
            )
            blocks.append(Items(tuple(lines)))
        blocks.extend(paragraphs(version.text))
        blocks.extend(_conditions(version.conditions, lang))
        for number in version.ballots:
            ballot = ballots[number]
            head = Span(f"{W.label('ballot', lang)} {number}: ", "strong")
            if ballot.result is None:
                blocks.append(para(head, W.label("not_closed", lang)))
                continue
            blocks.append(para(head, ballot.result.sentence.get(lang)))
            if ballot.objections:
                blocks.append(
                    Items(
                        tuple(
                            (Span(o.reason),)
                            + ((Span(f" — {W.label('objection_needed', lang)}: {o.needed}", "em"),)
                               if o.needed else ())
                            for o in ballot.objections
                        )
                    )
                )  # fmt: skip
    return blocks


def _ranking(summary: Summary, lang: str) -> list[Block]:
    if not summary.ranking:
        return []
    header = tuple(W.label(k, lang) for k in ("place", "option", "mean", "scores"))
    rows = tuple(
        (str(r.place), r.title.get(lang), W.mean_text(r.mean, lang), str(r.count))
        for r in summary.ranking
    )
    return [Heading(2, W.label("ranking", lang)), Table(header, rows)]


def _common_ground(summary: Summary, lang: str) -> list[Block]:
    blocks: list[Block] = [Heading(2, W.label("common_ground", lang))]
    if not summary.common_ground:
        return [*blocks, para(W.label("no_common_ground", lang))]
    blocks.append(para(W.label("common_ground_intro", lang)))
    items = []
    for found in summary.common_ground:
        counts = W.group_counts([(g.role, g.count) for g in found.supporters], lang)
        extra = f"{W.label('supported_by', lang)}: {counts}"
        items.append(_card_spans(found.card, lang, with_round=True, extra=extra))
    blocks.append(Items(tuple(items)))
    return blocks


def _rounds(summary: Summary, lang: str) -> list[Block]:
    blocks: list[Block] = [Heading(2, W.label("rounds", lang))]
    for item in summary.rounds:
        blocks.append(Heading(3, W.round_title(summary, item.number, lang)))
        blocks.append(
            para(Span(f"{W.label('question', lang)}: ", "strong"), item.question.get(lang))
        )
        blocks.append(para(f"{W.label('cards_count', lang)}: {item.cards}"))
        if item.strongest:
            blocks.append(para(Span(W.label("strongest", lang), "strong")))
            blocks.append(Items(tuple(_card_spans(c, lang) for c in item.strongest), ordered=True))
        elif item.cards:
            blocks.append(para(W.label("no_strong_cards", lang)))
    return blocks


def _reflections(summary: Summary, lang: str) -> list[Block]:
    blocks: list[Block] = [Heading(2, W.label("reflections", lang))]
    if not summary.reflections:
        return [*blocks, para(W.label("no_reflections", lang))]
    items = []
    for r in summary.reflections:
        who = f"{W.label('round', lang)} {r.round}"
        if r.role is not None:
            who += ", " + W.label("as_role", lang, role=role_name(r.role, lang))
        items.append((Span(f"{who}: ", "strong"), Span(r.text)))
    blocks.append(Items(tuple(items)))
    return blocks


def _roles(summary: Summary, lang: str) -> list[Block]:
    blocks: list[Block] = [Heading(2, W.label("roles", lang))]
    for role in summary.roles:
        blocks.append(
            Heading(3, f"{role_name(role.role, lang).capitalize()}: {role.title.get(lang)}")
        )
        lines: list[Spans] = [
            (Span(f"{W.label(key, lang)}: ", "strong"), Span(getattr(role, key).get(lang)))
            for key in ("who", "values", "wants", "fears")
        ]
        lines.extend(
            (Span(f"{W.label('revealed', lang)}: ", "strong"), Span(secret.get(lang)))
            for secret in role.revealed
        )
        blocks.append(Items(tuple(lines)))
    return blocks


def summary_blocks(summary: Summary, lang: str) -> list[Block]:
    """The whole summary, section by section, in `lang` (nl or en)."""
    lang = language(lang)
    blocks: list[Block] = [
        Heading(1, f"{W.label('title', lang)}: {summary.title.get(lang)}"),
    ]
    facts = []
    moment = summary.started_at or summary.created_at
    facts.append(f"{W.label('played_on', lang)}: {W.date(moment, lang)}")
    if summary.participants:
        counts = W.group_counts([(g.role, g.count) for g in summary.participants], lang)
        facts.append(f"{W.label('participants', lang)}: {counts}")
    blocks.append(para(" · ".join(facts)))
    blocks.append(Heading(2, W.label("casus", lang)))
    blocks.append(para(Span(summary.casus.get(lang), "strong")))
    blocks.extend(paragraphs(summary.situation.get(lang)))
    blocks.extend(_decision(summary, lang))
    blocks.extend(_versions(summary, lang))
    blocks.extend(_ranking(summary, lang))
    blocks.extend(_common_ground(summary, lang))
    blocks.extend(_rounds(summary, lang))
    blocks.extend(_reflections(summary, lang))
    timeline = W.timeline_lines(summary, lang)
    if timeline:
        blocks.append(Heading(2, W.label("timeline", lang)))
        blocks.append(Items(tuple((Span(f"{t} ", "strong"), Span(s)) for t, s in timeline)))
    blocks.append(Heading(2, W.label("debrief", lang)))
    blocks.append(
        Items(tuple((Span(q.get(lang)),) for q in summary.debrief_questions), ordered=True)
    )
    blocks.extend(_roles(summary, lang))
    return blocks
