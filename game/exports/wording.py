"""The words of the downloads (Markdown, PDF, CSV, JSON) in Dutch (B1) and English.

The HTML pages get theirs from Flask-Babel's catalogues; the downloads are made without a
request, so their labels live here. The sentence about a vote's result comes from
`game.engine.wording`, the same function the game's screens use.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from game.engine.roles import Role
from game.engine.state import VoteChoice
from game.engine.wording import role_name
from game.exports.summary import Summary, TimelineItem
from game.languages import language

# Times are shown on the clock of the workshop's place; without the time-zone database
# (a bare container) they fall back to UTC rather than fail.
try:
    TIMEZONE: tzinfo = ZoneInfo("Europe/Amsterdam")
except ZoneInfoNotFoundError:  # pragma: no cover - depends on the machine
    TIMEZONE = UTC

LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "summary": "Samenvatting",
        "title": "Samenvatting van het gezamenlijke besluit",
        "compare_title": "Vergelijking van de tafels",
        "played_on": "Gespeeld op",
        "participants": "Deelnemers",
        "casus": "De casus",
        "situation": "De situatie",
        "decision": "Het besluit",
        "decision_text": "Besluit",
        "conditions": "Voorwaarden (ja, mits…)",
        "no_conditions": "Geen voorwaarden.",
        "conditions_count": "Voorwaarden",
        "no_decision": "Er is geen voorstel gemaakt.",
        "no_result": "Er is niet over het voorstel gestemd.",
        "result": "Uitslag",
        "support_per_group": "Steun per groep",
        "group": "Groep",
        "members": "Aantal",
        "eens": "Eens",
        "bedenkingen": "Eens met bedenkingen",
        "bezwaar": "Bezwaar",
        "not_voted": "Niet gestemd",
        "support": "Steun",
        "passes": "Haalt de drempel",
        "yes": "ja",
        "no": "nee",
        "threshold": "Drempel",
        "objections": "Bezwaren",
        "objection_reason": "Bezwaar",
        "objection_needed": "Nodig om mee te gaan",
        "no_objections": "Er zijn geen bezwaren.",
        "versions": "Versies van het voorstel",
        "version": "Versie",
        "ballot": "Stemming",
        "changes": "Wat is er veranderd",
        "text_changed": "De tekst van het besluit is veranderd. Eerst stond er:",
        "text_same": "De tekst van het besluit is niet veranderd.",
        "added": "Nieuwe voorwaarde",
        "removed": "Voorwaarde geschrapt",
        "nothing_changed": "Er is niets veranderd.",
        "from_card": "uit kaart {card} (ronde {round}, als {role})",
        "rounds": "De rondes",
        "round": "Ronde",
        "question": "Vraag",
        "cards_count": "Kaarten op het bord",
        "strongest": "Sterkste kaarten",
        "no_strong_cards": "Geen kaart kreeg steun.",
        "written_as": "geschreven als {role}",
        "supports": "steun",
        "highlighted": "uitgelicht door de spelleider",
        "common_ground": "Overeenkomsten",
        "common_ground_intro": "Kaarten met steun uit elke groep die meedeed.",
        "no_common_ground": "Geen kaart kreeg steun uit elke groep.",
        "supported_by": "Steun van",
        "ranking": "Rangorde van de opties",
        "place": "Plaats",
        "option": "Optie",
        "mean": "Gemiddelde score",
        "scores": "Aantal scores",
        "reflections": "Gedeelde reflecties",
        "no_reflections": "Niemand heeft een reflectie gedeeld.",
        "as_role": "als {role}",
        "timeline": "Tijdlijn",
        "debrief": "Vragen voor het nagesprek",
        "roles": "De rollen",
        "who": "Wie",
        "values": "Waarden",
        "wants": "Wil",
        "fears": "Vreest",
        "revealed": "Geheim, nu bekend",
        "table": "Tafel",
        "tables": "Tafels",
        "no_tables": "Er zijn geen tafels.",
        "not_closed": "nog bezig",
        "cards_sheet": "kaarten",
        "votes_sheet": "stemmen",
        "page": "Pagina {page}",
    },
    "en": {
        "summary": "Summary",
        "title": "Summary of the joint decision",
        "compare_title": "The tables side by side",
        "played_on": "Played on",
        "participants": "Participants",
        "casus": "The case",
        "situation": "The situation",
        "decision": "The decision",
        "decision_text": "Decision",
        "conditions": "Conditions (yes, provided that…)",
        "no_conditions": "No conditions.",
        "conditions_count": "Conditions",
        "no_decision": "No proposal was made.",
        "no_result": "There was no vote on the proposal.",
        "result": "Result",
        "support_per_group": "Support per group",
        "group": "Group",
        "members": "Number",
        "eens": "Agree",
        "bedenkingen": "Agree with reservations",
        "bezwaar": "Objection",
        "not_voted": "Did not vote",
        "support": "Support",
        "passes": "Meets the threshold",
        "yes": "yes",
        "no": "no",
        "threshold": "Threshold",
        "objections": "Objections",
        "objection_reason": "Objection",
        "objection_needed": "Needed to agree",
        "no_objections": "There are no objections.",
        "versions": "Versions of the proposal",
        "version": "Version",
        "ballot": "Vote",
        "changes": "What changed",
        "text_changed": "The decision text changed. Before, it said:",
        "text_same": "The decision text did not change.",
        "added": "New condition",
        "removed": "Condition dropped",
        "nothing_changed": "Nothing changed.",
        "from_card": "from card {card} (round {round}, as {role})",
        "rounds": "The rounds",
        "round": "Round",
        "question": "Question",
        "cards_count": "Cards on the board",
        "strongest": "Strongest cards",
        "no_strong_cards": "No card got support.",
        "written_as": "written as {role}",
        "supports": "support",
        "highlighted": "highlighted by the workshop leader",
        "common_ground": "Common ground",
        "common_ground_intro": "Cards with support from every group that took part.",
        "no_common_ground": "No card got support from every group.",
        "supported_by": "Support from",
        "ranking": "Ranking of the options",
        "place": "Place",
        "option": "Option",
        "mean": "Average score",
        "scores": "Number of scores",
        "reflections": "Shared reflections",
        "no_reflections": "Nobody shared a reflection.",
        "as_role": "as {role}",
        "timeline": "Timeline",
        "debrief": "Questions for the debrief",
        "roles": "The roles",
        "who": "Who",
        "values": "Values",
        "wants": "Wants",
        "fears": "Fears",
        "revealed": "Secret, now known",
        "table": "Table",
        "tables": "Tables",
        "no_tables": "There are no tables.",
        "not_closed": "still playing",
        "cards_sheet": "cards",
        "votes_sheet": "votes",
        "page": "Page {page}",
    },
}

CHOICES = {
    "nl": {
        VoteChoice.EENS: "eens",
        VoteChoice.EENS_MET_BEDENKINGEN: "eens met bedenkingen",
        VoteChoice.BEZWAAR: "bezwaar",
    },
    "en": {
        VoteChoice.EENS: "agree",
        VoteChoice.EENS_MET_BEDENKINGEN: "agree with reservations",
        VoteChoice.BEZWAAR: "objection",
    },
}

_MONTHS = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}  # fmt: skip


def label(key: str, lang: str, **values: object) -> str:
    """A label of the downloads in a language, with `{values}` filled in."""
    text = LABELS[language(lang)][key]
    return text.format(**values) if values else text


def choice_name(choice: VoteChoice | str, lang: str) -> str:
    return CHOICES[language(lang)][VoteChoice(choice)]


def _local(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, TIMEZONE)


def clock(ms: int) -> str:
    """A moment as a time on the clock: '14:05'."""
    return _local(ms).strftime("%H:%M")


def date(ms: int, lang: str) -> str:
    """A day as people write it: '14 november 2023' / '14 November 2023'."""
    moment = _local(ms)
    return f"{moment.day} {_MONTHS[language(lang)][moment.month - 1]} {moment.year}"


def group_counts(counts: list[tuple[Role, int]], lang: str) -> str:
    """'inwoners 2, raadsleden 1' (counts per group, never names)."""
    return ", ".join(f"{role_name(role, lang, plural=True)} {n}" for role, n in counts)


def round_title(summary: Summary, number: int, lang: str) -> str:
    """'Ronde 2 — Haalbaarheid'."""
    lens = next((r.lens.get(lang) for r in summary.rounds if r.number == number), "")
    head = f"{label('round', lang)} {number}"
    return f"{head} — {lens}" if lens else head


_PHASES = {
    "nl": {
        "play": "kaarten schrijven en reageren",
        "reflection": "reflectie",
        "scoring": "opties scoren",
        "decision": "voorstel en stemmen",
        "closed": "afgesloten",
        "lobby": "wachten op de start",
    },
    "en": {
        "play": "writing cards and reacting",
        "reflection": "reflection",
        "scoring": "scoring the options",
        "decision": "proposal and votes",
        "closed": "closed",
        "lobby": "waiting for the start",
    },
}


def timeline_sentence(summary: Summary, item: TimelineItem, lang: str) -> str | None:
    """A moment of the game in words, or None for facts the printed timeline leaves out
    (each card and each join: their counts are in the rounds; but a player on paper and a
    card typed for them are marked "via de spelleider")."""
    lang = language(lang)
    en = lang == "en"
    match item.type:
        case "room_created":
            return "Game created" if en else "Spel aangemaakt"
        case "game_started":
            n = item.players or 0
            return f"The game starts with {n} players" if en else f"Het spel begint met {n} spelers"
        case "phase_changed":
            phase = _PHASES[lang].get(item.phase or "", item.phase or "")
            return f"{round_title(summary, item.round or 0, lang)}: {phase}"
        case "player_joined" if item.on_paper:
            if en:
                return "A player on paper joins (the workshop leader types for them)"
            return "Een speler op papier doet mee (de spelleider typt voor deze speler)"
        case "card_posted" if item.via_facilitator:
            if en:
                return f"Card {item.card_id} typed via the workshop leader"
            return f"Kaart {item.card_id} getypt via de spelleider"
        case "roles_rebalanced":
            return "The roles were shared out again" if en else "De rollen zijn opnieuw verdeeld"
        case "vote_opened":
            ballot, version = item.ballot, item.proposal_version
            if en:
                return f"Vote {ballot} on version {version} of the proposal opens"
            return f"Stemming {ballot} over versie {version} van het voorstel begint"
        case "vote_closed":
            return f"Vote {item.ballot} closes" if en else f"Stemming {item.ballot} is gesloten"
        case "tally_shown":
            if en:
                return f"The result of vote {item.ballot} is shown"
            return f"De uitslag van stemming {item.ballot} wordt getoond"
        case "game_closed":
            return "The game is closed" if en else "Het spel is afgesloten"
    return None


def timeline_lines(summary: Summary, lang: str) -> list[tuple[str, str]]:
    """The printed timeline: (clock time, sentence) for each moment worth showing."""
    lines = []
    for item in summary.timeline:
        sentence = timeline_sentence(summary, item, lang)
        if sentence is not None:
            lines.append((clock(item.at), sentence))
    return lines


def source_note(source_card_id: str | None, rnd: int | None, role: Role | None, lang: str) -> str:
    """Where a condition came from: 'uit kaart c4 (ronde 2, als ambtenaar)', or ''."""
    if source_card_id is None or rnd is None or role is None:
        return ""
    return label("from_card", lang, card=source_card_id, round=rnd, role=role_name(role, lang))


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
