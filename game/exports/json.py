"""The summary as JSON for analysis: a versioned schema, documented in docs/summary-json.md.

Field names and codes (roles, vote choices, event types) are stable English identifiers;
texts are in the reader's language, named by `lang`. A change that removes or renames a
field, or changes its meaning, raises `schema_version`; adding a field does not.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from game.engine.views import group_view
from game.engine.wording import fraction_text
from game.exports import wording as W
from game.exports.summary import (
    BallotItem,
    CardItem,
    ConditionItem,
    Result,
    Summary,
    VersionItem,
)
from game.languages import language

SCHEMA_VERSION = 1
KIND = "rolwissel.summary"

JSON = dict[str, Any]


def _fraction(value: Fraction | None) -> str | None:
    return None if value is None else fraction_text(value)


def card(item: CardItem) -> JSON:
    return {
        "id": item.id,
        "round": item.round,
        "role": item.role.value,
        "text": item.text,
        "supports": item.supports,
        "questions": item.questions,
        "concerns": item.concerns,
        "highlighted": item.highlighted,
        "strength": item.strength,
        "common_ground": item.common_ground,
        "merged_into": item.merged_into,
    }


def condition(item: ConditionItem) -> JSON:
    return {
        "id": item.id,
        "text": item.text,
        "source_card_id": item.source_card_id,
        "source_round": item.source_round,
        "source_role": item.source_role.value if item.source_role else None,
    }


def result(item: Result | None, lang: str) -> JSON | None:
    if item is None:
        return None
    return {
        "ballot": item.ballot,
        "proposal_version": item.proposal_version,
        "gedragen": item.gedragen,
        "threshold": fraction_text(item.threshold),
        "objections": item.objections,
        # Written by the same function as the live view's groups, so the two always agree.
        "groups": [group_view(g) for g in item.groups],
        "sentence": item.sentence.get(lang),
    }


def _version(item: VersionItem) -> JSON:
    changes = item.changes
    return {
        "number": item.number,
        "text": item.text,
        "conditions": [condition(c) for c in item.conditions],
        "created_at": item.created_at,
        "changes": None
        if changes is None
        else {
            "text_changed": changes.text_changed,
            "previous_text": changes.previous_text,
            "added": [condition(c) for c in changes.added],
            "removed": [condition(c) for c in changes.removed],
        },
        "ballots": list(item.ballots),
    }


def _ballot(item: BallotItem, lang: str) -> JSON:
    return {
        "number": item.number,
        "proposal_version": item.proposal_version,
        "opened_at": item.opened_at,
        "closed_at": item.closed_at,
        "result": result(item.result, lang),
        "objections": [{"reason": o.reason, "needed": o.needed} for o in item.objections],
        "reservations": list(item.reservations),
        "votes": [
            {
                "home_role": v.home_role.value,
                "choice": v.choice.value,
                "reason": v.reason,
                "needed": v.needed,
            }
            for v in item.votes
        ],
    }


def to_data(summary: Summary, lang: str = "nl") -> JSON:
    """The summary as JSON-ready data in `lang`, following schema version 1."""
    lang = language(lang)
    decision = summary.decision
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": KIND,
        "lang": lang,
        "room_id": summary.room_id,
        "scenario_id": summary.scenario_id,
        "version": summary.version,
        "created_at": summary.created_at,
        "started_at": summary.started_at,
        "closed_at": summary.closed_at,
        "title": summary.title.get(lang),
        "casus": summary.casus.get(lang),
        "situation": summary.situation.get(lang),
        "threshold": fraction_text(summary.threshold),
        "participants": [{"role": g.role.value, "count": g.count} for g in summary.participants],
        "decision": None
        if decision is None
        else {
            "version": decision.version,
            "text": decision.text,
            "conditions": [condition(c) for c in decision.conditions],
        },
        "result": result(summary.result, lang),
        "versions": [_version(v) for v in summary.versions],
        "ballots": [_ballot(b, lang) for b in summary.ballots],
        "rounds": [
            {
                "number": r.number,
                "lens": r.lens.get(lang),
                "question": r.question.get(lang),
                "cards": r.cards,
                "strongest": [card(c) for c in r.strongest],
            }
            for r in summary.rounds
        ],
        "cards": [card(c) for c in summary.cards],
        "common_ground": [
            {
                "card": card(found.card),
                "supporters": [{"role": g.role.value, "count": g.count} for g in found.supporters],
            }
            for found in summary.common_ground
        ],
        "ranking": [
            {
                "place": r.place,
                "option_id": r.option_id,
                "title": r.title.get(lang),
                "description": r.description.get(lang),
                "mean": _fraction(r.mean),
                "mean_float": None if r.mean is None else round(float(r.mean), 4),
                "count": r.count,
            }
            for r in summary.ranking
        ],
        "reflections": [
            {"round": r.round, "role": r.role.value if r.role else None, "text": r.text}
            for r in summary.reflections
        ],
        "timeline": [
            {
                "at": t.at,
                "type": t.type,
                "round": t.round,
                "phase": t.phase,
                "role": t.role.value if t.role else None,
                "ballot": t.ballot,
                "proposal_version": t.proposal_version,
                "players": t.players,
                "reason": t.reason,
                "card_id": t.card_id,
                "text": W.timeline_sentence(summary, t, lang),
            }
            for t in summary.timeline
        ],
        "debrief_questions": [q.get(lang) for q in summary.debrief_questions],
        "roles": [
            {
                "role": r.role.value,
                "title": r.title.get(lang),
                "who": r.who.get(lang),
                "values": r.values.get(lang),
                "wants": r.wants.get(lang),
                "fears": r.fears.get(lang),
                "revealed_secrets": [s.get(lang) for s in r.revealed],
            }
            for r in summary.roles
        ],
    }


def dumps(data: JSON) -> str:
    """JSON text as the downloads write it: UTF-8 characters kept, two-space indent."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render(summary: Summary, lang: str = "nl") -> str:
    """The summary as a JSON document in `lang` (nl or en)."""
    return dumps(to_data(summary, lang))
