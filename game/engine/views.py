"""What each viewer may see. All hiding lives here: state, log entries and summaries.

A participant sees the public board, the role card (with its secrets) of the role they
hold in the current round, and their own seat; the big screen sees only the public board;
the facilitator sees every secret but no reflection that was not shared. Views are plain
JSON-ready dicts, computed once per kind of viewer: the public part is the same for all.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from game.engine import events as E
from game.engine import rotation
from game.engine.decision import (
    DecisionResult,
    card_strength,
    decide,
    is_common_ground,
    rank_options,
    supporters_by_group,
)
from game.engine.roles import ROLE_ORDER, Role
from game.engine.state import Ballot, Card, Phase, Player, ReactionKind, RoomState
from game.engine.wording import result_sentence
from game.scenarios.schema import RoleCard, Scenario, Text

JSON = dict[str, Any]


@dataclass(frozen=True)
class Participant:
    player_id: str


@dataclass(frozen=True)
class Facilitator:
    pass


@dataclass(frozen=True)
class BigScreen:
    pass


FACILITATOR_VIEWER = Facilitator()
BIG_SCREEN = BigScreen()
Viewer = Participant | Facilitator | BigScreen


def view_for(state: RoomState, viewer: Viewer) -> JSON:
    """The view one viewer receives after every change (the scenario text comes apart)."""
    if isinstance(viewer, Participant):
        role = state.role_of(viewer.player_id)
        return {
            "viewer": "participant",
            "public": public_view(state),
            "role": role_view(state, role) if role is not None else None,
            "me": personal_view(state, viewer.player_id),
        }
    if isinstance(viewer, Facilitator):
        return {
            "viewer": "facilitator",
            "public": public_view(state),
            "facilitator": facilitator_view(state),
        }
    return {"viewer": "screen", "public": public_view(state)}


def _text(text: Text) -> JSON:
    return {"nl": text.nl, "en": text.en}


def _role_card(card: RoleCard, secrets: Iterable[Any]) -> JSON:
    return {
        "title": _text(card.title),
        "who": _text(card.who),
        "values": _text(card.values),
        "wants": _text(card.wants),
        "fears": _text(card.fears),
        "secrets": [{"id": s.id, "text": _text(s.text)} for s in secrets],
    }


def scenario_public(scenario: Scenario) -> JSON:
    """The scenario without any secret: what everyone may read."""
    return {
        "id": scenario.id,
        "title": _text(scenario.title),
        "summary": _text(scenario.summary),
        "situation": _text(scenario.situation),
        "threshold": str(scenario.threshold),
        "roles": {role.value: _role_card(card, ()) for role, card in scenario.roles.items()},
        "rounds": [
            {
                "number": number,
                "lens": _text(spec.lens),
                "question": _text(spec.question),
                "card_prompt": _text(spec.card_prompt),
                "minutes": spec.minutes,
            }
            for number, spec in enumerate(scenario.rounds, start=1)
        ],
        "options": [
            {"id": o.id, "title": _text(o.title), "description": _text(o.description)}
            for o in scenario.options
        ],
        "debrief_questions": [_text(q) for q in scenario.debrief_questions],
    }


def debrief_roles(scenario: Scenario) -> JSON:
    """Role cards with only the secrets the scenario reveals at the debrief."""
    return {
        role.value: _role_card(card, (s for s in card.secrets if s.revealed_at_debrief))
        for role, card in scenario.roles.items()
    }


def _player(state: RoomState, player: Player) -> JSON:
    return {
        "id": player.id,
        "name": player.name,
        "home_role": player.home_role.value,
        "role": _value(player.role_in(state.round)),
        "joined_round": player.joined_round,
    }


def _value(role: Role | None) -> str | None:
    return role.value if role is not None else None


def _reaction_counts(state: RoomState, card: Card) -> JSON:
    counts = Counter(r.kind for r in state.reactions if r.card_id == card.id)
    return {kind.value: counts.get(kind, 0) for kind in ReactionKind}


def _card(state: RoomState, card: Card, *, with_author: bool) -> JSON:
    author = state.player(card.author_id)
    return {
        "id": card.id,
        "round": card.round,
        "role": card.role.value,
        "text": card.text,
        "created_at": card.created_at,
        "edited": card.edited_at is not None,
        "highlighted": card.highlighted,
        "merged_into": card.merged_into,
        "reactions": _reaction_counts(state, card),
        "common_ground": is_common_ground(state, card),
        "strength": card_strength(state, card),
        "author": author.name if with_author and author is not None else None,
    }


def result_view(result: DecisionResult) -> JSON:
    """A decision result with the counts that explain it, and the sentence that says it."""
    return {
        "gedragen": result.gedragen,
        "sentence": {lang: result_sentence(result, lang) for lang in ("nl", "en")},
        "threshold": str(result.threshold),
        "objections": result.objections,
        "ballot": result.ballot,
        "proposal_version": result.proposal_version,
        "groups": [
            {
                "role": g.role.value,
                "members": g.members,
                "eens": g.eens,
                "bedenkingen": g.bedenkingen,
                "bezwaar": g.bezwaar,
                "not_voted": g.not_voted,
                "support": g.support,
                "passes": g.passes,
            }
            for g in result.groups
        ],
    }


def _ballot(state: RoomState, ballot: Ballot) -> JSON:
    active = {p.id for p in state.active_players()}
    view: JSON = {
        "number": ballot.number,
        "proposal_version": ballot.proposal_version,
        "open": ballot.open,
        "tally_shown": ballot.tally_shown,
        "votes_cast": sum(1 for v in ballot.votes if v.player_id in active),
        "eligible": len(active),
        "result": None,
        "objections": [],
    }
    # The tally stays hidden until the facilitator shows it, so nobody votes along.
    if ballot.tally_shown:
        view["result"] = result_view(decide(state, ballot))
        view["objections"] = [
            {"reason": v.reason, "needed": v.needed}
            for v in ballot.votes
            if v.choice == "bezwaar" and v.player_id in active
        ]
    return view


def _condition(c: Any) -> JSON:
    return {"id": c.id, "text": c.text, "source_card_id": c.source_card_id}


def _timer(state: RoomState) -> JSON | None:
    timer = state.timer
    if timer is None:
        return None
    return {
        "started_at": timer.started_at,
        "duration_ms": timer.duration_ms,
        "paused_remaining_ms": timer.paused_remaining_ms,
        "running": timer.running,
    }


def _spread(state: RoomState) -> JSON:
    active = state.active_players()
    return {
        str(r): {role.value: n for role, n in rotation.role_counts(active, r).items()}
        for r in rotation.ROTATED_ROUNDS
    }


def _ranking(state: RoomState) -> list[JSON]:
    return [
        {"option_id": r.option_id, "mean": str(r.mean) if r.mean is not None else None,
         "mean_float": float(r.mean) if r.mean is not None else None, "count": r.count}
        for r in rank_options(state)
    ]  # fmt: skip


def public_view(state: RoomState) -> JSON:
    """What every participant and the big screen may see."""
    show_authors = state.settings.show_author_names
    cards = [
        _card(state, c, with_author=show_authors)
        for c in state.cards
        if not c.withdrawn and not c.hidden
    ]
    scoring = state.phase == Phase.SCORING
    return {
        "room_id": state.room_id,
        "version": state.version,
        "phase": state.phase.value,
        "round": state.round,
        "paused": state.paused,
        "closed_at": state.closed_at,
        "timer": _timer(state),
        "settings": {"show_author_names": show_authors},
        # The scenario's own text never changes in a room: it goes once per connection
        # (scenario_public), not with every change of the board.
        "scenario_id": state.scenario.id,
        "players": [_player(state, p) for p in state.active_players()],
        "spread": _spread(state),
        "cards": cards,
        "draft": {
            "text": state.draft.text,
            "conditions": [_condition(c) for c in state.draft.conditions],
        },
        "versions": [
            {
                "number": v.number,
                "text": v.text,
                "conditions": [_condition(c) for c in v.conditions],
                "created_at": v.created_at,
            }
            for v in state.versions
        ],
        "ballots": [_ballot(state, b) for b in state.ballots],
        # While scoring, only how many scored: the ranking would steer the next scores.
        "options_scored": len({s.player_id for s in state.scores}),
        "ranking": [] if scoring else _ranking(state),
    }


def role_view(state: RoomState, role: Role) -> JSON:
    """The role card with its secrets, for the players who hold this role now."""
    card = state.scenario.roles[role]
    return {"role": role.value, "card": _role_card(card, card.secrets)}


def personal_view(state: RoomState, player_id: str) -> JSON:
    """One player's own seat: their cards, reactions, reflections, scores and vote."""
    player = state.player(player_id)
    if player is None:
        return {"id": player_id, "active": False}
    ballot = state.current_ballot()
    vote = None
    if ballot is not None:
        mine = next((v for v in ballot.votes if v.player_id == player_id), None)
        if mine is not None:
            vote = {"choice": mine.choice.value, "reason": mine.reason, "needed": mine.needed}
    return {
        **_player(state, player),
        "active": player.active,
        "left_reason": player.left_reason,
        "rotation": [_value(r) for r in player.rotation],
        "card_ids": [c.id for c in state.live_cards() if c.author_id == player_id],
        "reactions": [
            [r.card_id, r.kind.value] for r in state.reactions if r.player_id == player_id
        ],
        "reflections": [
            {"round": r.round, "text": r.text, "shared": r.shared}
            for r in state.reflections
            if r.player_id == player_id
        ],
        "scores": {s.option_id: s.score for s in state.scores if s.player_id == player_id},
        "vote": vote,
    }


def shared_reflections(state: RoomState) -> list[JSON]:
    """The reflections their writers chose to share, never the others."""
    shared = []
    for r in state.reflections:
        if not r.shared:
            continue
        player = state.player(r.player_id)
        shared.append(
            {
                "round": r.round,
                "role": _value(player.role_in(r.round)) if player else None,
                "name": player.name if player else None,
                "text": r.text,
            }
        )
    return shared


def facilitator_view(state: RoomState) -> JSON:
    """Everything the facilitator steers with: all secrets, but no unshared reflection."""
    return {
        "roles": {
            role.value: _role_card(card, card.secrets)
            for role, card in state.scenario.roles.items()
        },
        "players": [
            {
                **_player(state, p),
                "active": p.active,
                "left_reason": p.left_reason,
                "rotation": [_value(r) for r in p.rotation],
            }
            for p in state.players
        ],
        "cards": [
            {**_card(state, c, with_author=True), "hidden": c.hidden}
            for c in state.cards
            if not c.withdrawn
        ],
        "rotation_issues": [
            {
                "kind": i.kind,
                "round": i.round,
                "player_id": i.player_id,
                "counts": dict(i.counts),
                "roles": list(i.roles),
            }
            for i in rotation.report(state)
        ],
        "common_ground": [
            {
                "card_id": c.id,
                "supporters": {k.value: v for k, v in supporters_by_group(state, c).items()},
            }
            for c in state.live_cards()
            if is_common_ground(state, c)
        ],
        "reflections_shared": shared_reflections(state),
        "reflections_count": {
            str(r): sum(1 for x in state.reflections if x.round == r) for r in (1, 2, 3, 4)
        },
        "ranking": _ranking(state),
        "votes": [
            {
                "ballot": b.number,
                "player_id": v.player_id,
                "choice": v.choice.value,
                "reason": v.reason,
                "needed": v.needed,
            }
            for b in state.ballots
            for v in b.votes
        ],
        "results": [result_view(decide(state, b)) for b in state.ballots],
    }


# The timeline: only facts anyone may know, never what people typed in private.
_TIMELINE = {
    E.RoomCreated: lambda e: {},
    E.PlayerJoined: lambda e: {"role": e.home_role.value},
    E.PlayerLeft: lambda e: {"reason": e.reason},
    E.GameStarted: lambda e: {"players": len(e.rotations)},
    E.PhaseChanged: lambda e: {"round": e.round, "phase": e.phase},
    E.RolesRebalanced: lambda e: {"players": len(e.rotations)},
    E.CardPosted: lambda e: {"round": e.round, "role": e.role.value, "card_id": e.card_id},
    E.VoteOpened: lambda e: {"ballot": e.ballot, "proposal_version": e.proposal_version},
    E.VoteClosed: lambda e: {"ballot": e.ballot},
    E.TallyShown: lambda e: {"ballot": e.ballot},
    E.GameClosed: lambda e: {},
}


def public_timeline(events: Iterable[E.AnyEvent]) -> list[JSON]:
    """The log as a timeline anyone may read: kinds of events and when, no private text."""
    timeline = []
    for event in events:
        describe = _TIMELINE.get(type(event))
        if describe is not None:
            timeline.append({"at": event.at, "type": event.type, **describe(event)})
    return timeline


def role_holders(state: RoomState) -> dict[str, list[str]]:
    """Which players hold each role now: the server sends each role view to its holders."""
    holders: dict[str, list[str]] = {role.value: [] for role in ROLE_ORDER}
    for player in state.active_players():
        role = player.role_in(state.round)
        if role is not None:
            holders[role.value].append(player.id)
    return holders
