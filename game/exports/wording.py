"""The words of the downloads (Markdown, PDF, CSV, JSON) in Dutch (B1) and English.

The words themselves live in the gettext catalogues (translations/<lang>/LC_MESSAGES), like
those of the pages; the downloads are made without a request, so they read them through
game.words. This module keeps the English msgids by key and puts the values in. The
sentence about a vote's result comes from `game.engine.wording`, as on the game's screens.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from game.engine.roles import Role
from game.engine.state import VoteChoice
from game.engine.wording import role_name
from game.exports.summary import ConditionItem, Summary, TimelineItem
from game.languages import language
from game.words import N_, gettext

# Times are shown on the clock of the workshop's place; without the time-zone database
# (a bare container) they fall back to UTC rather than fail.
try:
    TIMEZONE: tzinfo = ZoneInfo("Europe/Amsterdam")
except ZoneInfoNotFoundError:  # pragma: no cover - depends on the machine
    TIMEZONE = UTC

# The labels of the downloads, by key: English msgids, translated through game.words.
LABELS: dict[str, str] = {
    "summary": N_("Summary"),
    "title": N_("Summary of the joint decision"),
    "compare_title": N_("The tables side by side"),
    "played_on": N_("Played on"),
    "participants": N_("Players"),
    "casus": N_("The case"),
    "situation": N_("The situation"),
    "decision": N_("The decision"),
    "decision_text": N_("Decision"),
    "conditions": N_("Conditions (yes, provided that…)"),
    "no_conditions": N_("No conditions."),
    "conditions_count": N_("Conditions"),
    "no_decision": N_("No proposal was made."),
    "no_result": N_("There was no vote on the proposal."),
    "result": N_("Result"),
    "support_per_group": N_("Support per group"),
    "group": N_("Group"),
    "members": N_("Number"),
    "eens": N_("Agree"),
    "bedenkingen": N_("Agree with reservations"),
    "bezwaar": N_("Objection"),
    "not_voted": N_("Did not vote"),
    "support": N_("Support"),
    "passes": N_("Meets the threshold"),
    "yes": N_("yes"),
    "no": N_("no"),
    "threshold": N_("Threshold"),
    "objections": N_("Objections"),
    "objection_reason": N_("Objection"),
    "objection_needed": N_("Needed to agree"),
    "no_objections": N_("There are no objections."),
    "versions": N_("Versions of the proposal"),
    "version": N_("Version"),
    "ballot": N_("Vote"),
    "changes": N_("What changed"),
    "text_changed": N_("The decision text changed. Before, it said:"),
    "text_same": N_("The decision text did not change."),
    "added": N_("New condition"),
    "removed": N_("Condition dropped"),
    "nothing_changed": N_("Nothing changed."),
    "from_card": N_("from a card (round {round}, as {role})"),
    "from_quoted_card": N_("from the card “{quote}” (round {round}, as {role})"),
    "rounds": N_("The rounds"),
    "round": N_("Round"),
    "question": N_("Question"),
    "cards_count": N_("Cards on the board"),
    "strongest": N_("Strongest cards"),
    "no_strong_cards": N_("No card got support."),
    "written_as": N_("written as {role}"),
    "supports": N_("support"),
    "highlighted": N_("highlighted by the workshop leader"),
    "common_ground": N_("Common ground"),
    "common_ground_intro": N_("Cards with support from every group that took part."),
    "no_common_ground": N_("No card got support from every group."),
    "supported_by": N_("Support from"),
    "ranking": N_("Ranking of the options"),
    "place": N_("Place"),
    "option": N_("Option"),
    "mean": N_("Average score"),
    "scores": N_("Number of scores"),
    "reflections": N_("Shared reflections"),
    "no_reflections": N_("Nobody shared a reflection."),
    "as_role": N_("as {role}"),
    "timeline": N_("Timeline"),
    "debrief": N_("Questions for the debrief"),
    "roles": N_("The roles"),
    "who": N_("Who"),
    "values": N_("Values"),
    "wants": N_("Wants"),
    "fears": N_("Fears"),
    "revealed": N_("Secret, now known"),
    "table": N_("Table"),
    "tables": N_("Tables"),
    "no_tables": N_("There are no tables."),
    "not_closed": N_("still playing"),
    "cards_sheet": N_("cards"),
    "votes_sheet": N_("votes"),
    "page": N_("Page {page}"),
}

CHOICES = {
    VoteChoice.EENS: N_("agree"),
    VoteChoice.EENS_MET_BEDENKINGEN: N_("agree with reservations"),
    VoteChoice.BEZWAAR: N_("objection"),
}


_MONTHS = (
    N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
    N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
)  # fmt: skip


def label(key: str, lang: str, **values: object) -> str:
    """A label of the downloads in a language, with `{values}` filled in."""
    text = gettext(LABELS[key], lang)
    return text.format(**values) if values else text


def choice_name(choice: VoteChoice | str, lang: str) -> str:
    return gettext(CHOICES[VoteChoice(choice)], lang)


def _local(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, TIMEZONE)


def clock(ms: int) -> str:
    """A moment as a time on the clock: '14:05'."""
    return _local(ms).strftime("%H:%M")


def date(ms: int, lang: str) -> str:
    """A day as people write it: '14 november 2023' / '14 November 2023'."""
    moment = _local(ms)
    return f"{moment.day} {gettext(_MONTHS[moment.month - 1], lang)} {moment.year}"


def group_counts(counts: list[tuple[Role, int]], lang: str) -> str:
    """'inwoners 2, raadsleden 1' (counts per group, never names)."""
    return ", ".join(f"{role_name(role, lang, plural=True)} {n}" for role, n in counts)


def round_title(summary: Summary, number: int, lang: str) -> str:
    """'Ronde 2 — Haalbaarheid'."""
    lens = next((r.lens.get(lang) for r in summary.rounds if r.number == number), "")
    head = f"{label('round', lang)} {number}"
    return f"{head} — {lens}" if lens else head


_PHASES = {
    "play": N_("writing cards and reacting"),
    "reflection": N_("reflection"),
    "scoring": N_("scoring the options"),
    "decision": N_("proposal and votes"),
    "closed": N_("closed"),
    "lobby": N_("waiting for the start"),
}


def timeline_sentence(summary: Summary, item: TimelineItem, lang: str) -> str | None:
    """A moment of the game in words, or None for facts the printed timeline leaves out
    (each card and each join: their counts are in the rounds; but a player on paper and a
    card typed for them are marked "via de spelleider")."""
    match item.type:
        case "room_created":
            return gettext("Game created", lang)
        case "game_started":
            return gettext("The game starts with {n} players", lang).format(n=item.players or 0)
        case "phase_changed":
            phase = item.phase or ""
            phase = gettext(_PHASES[phase], lang) if phase in _PHASES else phase
            return f"{round_title(summary, item.round or 0, lang)}: {phase}"
        case "player_joined" if item.on_paper:
            return gettext("A player on paper joins (the workshop leader types for them)", lang)
        case "card_posted" if item.via_facilitator:
            return gettext("A card of round {round} typed via the workshop leader", lang).format(
                round=item.round
            )
        case "roles_rebalanced":
            return gettext("The roles were shared out again", lang)
        case "vote_opened":
            return gettext("Vote {ballot} on version {version} of the proposal opens", lang).format(
                ballot=item.ballot, version=item.proposal_version
            )
        case "vote_closed":
            return gettext("Vote {ballot} closes", lang).format(ballot=item.ballot)
        case "tally_shown":
            return gettext("The result of vote {ballot} is shown", lang).format(ballot=item.ballot)
        case "game_closed":
            return gettext("The game is closed", lang)
    return None


def timeline_lines(summary: Summary, lang: str) -> list[tuple[str, str]]:
    """The printed timeline: (clock time, sentence) for each moment worth showing."""
    lines = []
    for item in summary.timeline:
        sentence = timeline_sentence(summary, item, lang)
        if sentence is not None:
            lines.append((clock(item.at), sentence))
    return lines


# A quoted card is cut at a word near this length, so the note stays a short aside.
QUOTE_LENGTH = 60


def short_quote(text: str, length: int = QUOTE_LENGTH) -> str:
    """`text` on one line, cut at a word before `length` characters with '…'."""
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    cut = flat[:length].rsplit(" ", 1)[0] or flat[:length]
    return cut.rstrip(" ,.;:") + "…"


def source_note(condition: ConditionItem, lang: str) -> str:
    """Where a condition came from, without the card's internal id: 'uit een kaart (ronde 2,
    als ambtenaar)', or with a short quote of the card when the condition says it otherwise;
    '' for a condition written from scratch."""
    rnd, role = condition.source_round, condition.source_role
    if condition.source_card_id is None or rnd is None or role is None:
        return ""
    values = {"round": rnd, "role": role_name(role, lang)}
    source = condition.source_text
    if source is None or " ".join(source.split()) == " ".join(condition.text.split()):
        return label("from_card", lang, **values)
    return label("from_quoted_card", lang, quote=short_quote(source), **values)


def mean_text(mean: object, lang: str) -> str:
    """An exact mean score shown with one decimal: '3,5' / '3.5'; a dash when nobody scored."""
    if mean is None:
        return "\u2013"
    text = f"{float(mean):.1f}"  # type: ignore[arg-type]
    return text.replace(".", ",") if language(lang) == "nl" else text


def yes_no(value: bool, lang: str) -> str:
    return label("yes" if value else "no", lang)


def outcome(summary: Summary, lang: str) -> str:
    """The result sentence of the last closed vote, or that there was none."""
    if summary.result is None:
        return label("no_result", lang)
    return summary.result.sentence.get(language(lang))
