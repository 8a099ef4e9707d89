"""What each viewer may see. All hiding lives here: state, log entries and summaries.

A participant sees the public board, the role card they hold in the current round with the
secrets of it they were dealt for this round, every secret dealt to them so far ("Wat je
weet"), and their own seat; the big screen sees only the public board; the facilitator sees
every secret and who was dealt it, but no reflection that was not shared and no one's vote
by name. Views are plain JSON-ready dicts. The public part and the facts of each card are
made once per version (`shared`) and every viewer's view is built on them (`compose`).
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from game.engine import events as E
from game.engine import rotation
from game.engine.decision import (
    CardFacts,
    DecisionResult,
    GroupSupport,
    card_facts,
    decide,
    group_warnings,
    rank_options,
)
from game.engine.plans import PLANS
from game.engine.roles import Role
from game.engine.state import (
    Ballot,
    Card,
    Condition,
    DealtSecret,
    Phase,
    Player,
    ReactionKind,
    RoomState,
    Vote,
    VoteChoice,
)
from game.engine.wording import fraction_text, result_sentence, threshold_text
from game.languages import LANGUAGES
from game.scenarios.schema import RoleCard, Scenario, Secret, Text

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


@dataclass(frozen=True)
class Own:
    """Each player's own things in one version of a room, gathered in one pass over its
    lists, so that the views of all players together cost one pass, not one per player."""

    players: Mapping[str, Player]
    cards: Mapping[str, list[Card]]  # live cards by author, in posting order
    reactions: Mapping[str, list[list[str]]]
    reflections: Mapping[str, list[JSON]]
    scores: Mapping[str, dict[str, int]]
    dealt: Mapping[str, list[DealtSecret]]
    votes: Mapping[str, Vote]  # in the current ballot
    secrets: Mapping[str, Secret]


def own_things(state: RoomState) -> Own:
    """What belongs to each player of this version of the room (see `Own`)."""
    cards: dict[str, list[Card]] = {}
    for card in state.cards:
        if not card.withdrawn:
            cards.setdefault(card.author_id, []).append(card)
    reactions: dict[str, list[list[str]]] = {}
    for r in state.reactions:
        reactions.setdefault(r.player_id, []).append([r.card_id, r.kind.value])
    reflections: dict[str, list[JSON]] = {}
    for x in state.reflections:
        reflections.setdefault(x.player_id, []).append(
            {"round": x.round, "text": x.text, "shared": x.shared}
        )
    scores: dict[str, dict[str, int]] = {}
    for score in state.scores:
        scores.setdefault(score.player_id, {})[score.option_id] = score.score
    dealt: dict[str, list[DealtSecret]] = {}
    for d in state.dealt:
        dealt.setdefault(d.player_id, []).append(d)
    ballot = state.current_ballot()
    votes: dict[str, Vote] = {}
    if ballot is not None:
        for vote in ballot.votes:
            votes.setdefault(vote.player_id, vote)  # the first, as a search would find
    return Own(
        players={p.id: p for p in reversed(state.players)},
        cards=cards,
        reactions=reactions,
        reflections=reflections,
        scores=scores,
        dealt=dealt,
        votes=votes,
        secrets=_secrets_by_id(state.scenario),
    )


class CardViews:
    """The JSON of each card in one version of a room, taken over from the version before
    when neither the card, nor its facts, nor its author's name changed. Views are never
    changed in place, so the same dict may serve both versions: in a room of 300 cards a
    reaction makes one new card view, not 300."""

    def __init__(self, own: Own, previous: "CardViews | None" = None) -> None:
        self._own = own
        self._before = previous._made if previous is not None else {}
        self._made: dict[tuple[str, bool, bool], tuple[Card, CardFacts, str | None, JSON]] = {}

    def get(self, state: RoomState, card: Card, facts: CardFacts, *, console: bool) -> JSON:
        """The card as the public board shows it, or (`console`) as the facilitator's
        console does: always with its author, and whether it is hidden."""
        author = self._own.players.get(card.author_id)
        name = author.name if author is not None else None
        with_author = console or state.settings.show_author_names
        key = (card.id, console, with_author)
        found = self._made.get(key) or self._before.get(key)
        if (
            found is not None
            and (found[0] is card or found[0] == card)
            and found[1] == facts
            and found[2] == name
        ):
            made = found[3]
        else:
            made = _card(state, card, facts, with_author=with_author)
            if console:
                made = {**made, "hidden": card.hidden}
        self._made[key] = (card, facts, name, made)
        return made


@dataclass(frozen=True)
class Shared:
    """The part of one version of a room that every viewer shares: the facts of each card
    (counted once), the public view, each player's own things and the cards' views. Made
    once per version; each viewer's view is built on it with `compose`."""

    facts: Mapping[str, CardFacts]
    public: JSON
    own: Own
    cards: CardViews


def shared(state: RoomState, previous: Shared | None = None) -> Shared:
    """The shared part of this version of the room; given the shared part of an earlier
    version of the same room, the cards' views that did not change are taken over from it."""
    facts = card_facts(state)
    own = own_things(state)
    cards = CardViews(own, previous.cards if previous is not None else None)
    return Shared(facts=facts, public=_public(state, facts, cards), own=own, cards=cards)


def compose(state: RoomState, viewer: Viewer, common: Shared) -> JSON:
    """The view one viewer receives, built on the shared part of the same version: the one
    place that says which parts each kind of viewer gets (the scenario text comes apart)."""
    if isinstance(viewer, Participant):
        return {
            "viewer": "participant",
            "public": common.public,
            "role": _role(state, viewer.player_id, common.own),
            "me": _personal(state, viewer.player_id, common.own),
        }
    if isinstance(viewer, Facilitator):
        return {
            "viewer": "facilitator",
            "public": common.public,
            "facilitator": _facilitator(state, common.facts, common.cards),
        }
    return {"viewer": "screen", "public": common.public}


def view_for(state: RoomState, viewer: Viewer) -> JSON:
    """The view one viewer receives after every change."""
    return compose(state, viewer, shared(state))


def _text(text: Text) -> JSON:
    # A text without English is read in Dutch, so every page can pick either language.
    return {"nl": text.nl, "en": text.get("en")}


def _secret(secret: Secret) -> JSON:
    return {"id": secret.id, "round": secret.round, "text": _text(secret.text)}


def _role_card(card: RoleCard, secrets: Iterable[Secret]) -> JSON:
    return {
        "title": _text(card.title),
        "who": _text(card.who),
        "values": _text(card.values),
        "wants": _text(card.wants),
        "fears": _text(card.fears),
        "secrets": [_secret(s) for s in secrets],
    }


def _both(words: Callable[[str], str]) -> JSON:
    return {lang: words(lang) for lang in LANGUAGES}


def scenario_public(scenario: Scenario) -> JSON:
    """The scenario without any secret: what everyone may read."""
    return {
        "id": scenario.id,
        "languages": list(scenario.languages),
        "title": _text(scenario.title),
        "summary": _text(scenario.summary),
        "situation": _text(scenario.situation),
        "threshold": fraction_text(scenario.threshold),
        "threshold_text": _both(lambda lang: threshold_text(scenario.threshold, lang)),
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


def _secrets_by_id(scenario: Scenario) -> dict[str, Secret]:
    return {s.id: s for card in scenario.roles.values() for s in card.secrets}


def _player(state: RoomState, player: Player) -> JSON:
    return {
        "id": player.id,
        "name": player.name,
        "home_role": player.home_role.value,
        "role": _value(player.role_in(state.round)),
        "joined_round": player.joined_round,
        # Plays on paper: the facilitator types for them ("via de spelleider").
        "on_paper": player.on_paper,
    }


def _value(role: Role | None) -> str | None:
    return role.value if role is not None else None


def _card(state: RoomState, card: Card, facts: CardFacts, *, with_author: bool) -> JSON:
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
        "reactions": {
            ReactionKind.SUPPORT.value: facts.supports,
            ReactionKind.QUESTION.value: facts.questions,
            ReactionKind.CONCERN.value: facts.concerns,
        },
        "common_ground": facts.common_ground,
        "strength": facts.strength,
        "author": author.name if with_author and author is not None else None,
        "via_facilitator": card.via_facilitator,
    }


def group_view(group: GroupSupport) -> JSON:
    """How one home-role group voted: the one way a result's groups are written out, for
    the live views and for the downloads."""
    return {
        "role": group.role.value,
        "members": group.members,
        "eens": group.eens,
        "eens_met_bedenkingen": group.bedenkingen,
        "bedenkingen": group.bedenkingen,  # the same count, under the name the pages use
        "bezwaar": group.bezwaar,
        "not_voted": group.not_voted,
        "support": group.support,
        "passes": group.passes,
    }


def result_view(result: DecisionResult) -> JSON:
    """A decision result: the short sentence that says it, and the counts beside it."""
    return {
        "gedragen": result.gedragen,
        "sentence": _both(lambda lang: result_sentence(result, lang)),
        "threshold": fraction_text(result.threshold),
        "threshold_text": _both(lambda lang: threshold_text(result.threshold, lang)),
        "objections": result.objections,
        "ballot": result.ballot,
        "proposal_version": result.proposal_version,
        "groups": [group_view(g) for g in result.groups],
    }


def _counted_votes(state: RoomState, ballot: Ballot) -> list[Vote]:
    """The votes that count (of players still in the room), in an order that does not follow
    the order people voted in, so a line cannot be matched to a moment or a person."""
    active = {p.id for p in state.active_players()}
    counted = [v for v in ballot.votes if v.player_id in active]
    return sorted(counted, key=lambda v: (_CHOICE_ORDER[v.choice], v.reason, v.needed))


_CHOICE_ORDER = {choice: n for n, choice in enumerate(VoteChoice)}


def _objections(votes: Iterable[Vote]) -> list[JSON]:
    return [
        {"reason": v.reason, "needed": v.needed} for v in votes if v.choice == VoteChoice.BEZWAAR
    ]


def _reservations(votes: Iterable[Vote]) -> list[str]:
    return [v.reason for v in votes if v.choice == VoteChoice.EENS_MET_BEDENKINGEN and v.reason]


def _ballot(state: RoomState, ballot: Ballot) -> JSON:
    counted = _counted_votes(state, ballot)
    view: JSON = {
        "number": ballot.number,
        "proposal_version": ballot.proposal_version,
        "open": ballot.open,
        "tally_shown": ballot.tally_shown,
        "votes_cast": len(counted),
        "eligible": len(state.active_players()),
        "result": None,
        "objections": [],
        "reservations": [],
    }
    # The tally stays hidden until the facilitator shows it, so nobody votes along.
    if ballot.tally_shown:
        view["result"] = result_view(decide(state, ballot))
        view["objections"] = _objections(counted)
        view["reservations"] = _reservations(counted)
    return view


def _condition(c: Condition) -> JSON:
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


def _plan(state: RoomState) -> JSON:
    """The session plan's length and the suggested timer (seconds) per step, keyed
    "round-phase"; without a plan, each round's play gets the scenario's minutes."""
    minutes = state.settings.plan_minutes
    if minutes in PLANS:
        timers = PLANS[minutes].timers(bool(state.scenario.options))
    else:
        timers = {f"{n}-play": spec.minutes * 60 for n, spec in enumerate(state.scenario.rounds, 1)}
    return {"minutes": minutes or None, "timers": timers}


def public_view(state: RoomState) -> JSON:
    """What every participant and the big screen may see."""
    return shared(state).public


def _public(state: RoomState, facts: Mapping[str, CardFacts], card_views: CardViews) -> JSON:
    show_authors = state.settings.show_author_names
    cards = [
        card_views.get(state, c, facts[c.id], console=False)
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
        # When the step last changed: a console asks before moving on again within
        # STEP_GUARD_MS (the engine refuses with step_too_soon unless it confirms).
        "step_changed_at": state.step_changed_at,
        "timer": _timer(state),
        "settings": {"show_author_names": show_authors, "chime": state.settings.chime},
        # The session plan: its length and the suggested timer per step.
        "plan": _plan(state),
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


def role_view(state: RoomState, player_id: str) -> JSON | None:
    """The role card a player holds now, with the secrets of it they were dealt for this
    round (never another round's, never another role's); None without a role."""
    return _role(state, player_id, own_things(state))


def _role(state: RoomState, player_id: str, own: Own) -> JSON | None:
    player = own.players.get(player_id)
    role = player.role_in(state.round) if player is not None and player.active else None
    if role is None:
        return None
    card = state.scenario.roles[role]
    secrets = [
        own.secrets[d.secret_id]
        for d in own.dealt.get(player_id, ())
        if d.round == state.round and d.role == role
    ]
    return {"role": role.value, "round": state.round, "card": _role_card(card, secrets)}


def participant_inputs(state: RoomState, player_id: str, common: Shared) -> tuple[object, ...]:
    """Everything a participant's own parts (`role` and `me`, from `_role` and `_personal`)
    are made of. Two versions of a room with equal inputs give that participant equal parts,
    so a broadcaster may skip making and comparing them."""
    own = common.own
    return (
        own.players.get(player_id),
        state.round,
        own.cards.get(player_id),
        own.reactions.get(player_id),
        own.reflections.get(player_id),
        own.scores.get(player_id),
        own.dealt.get(player_id),
        own.votes.get(player_id),
    )


def personal_view(state: RoomState, player_id: str) -> JSON:
    """One player's own seat: their cards, reactions, reflections, scores, vote, and every
    secret they were dealt so far."""
    return _personal(state, player_id, own_things(state))


def _personal(state: RoomState, player_id: str, own: Own) -> JSON:
    player = own.players.get(player_id)
    if player is None:
        return {"id": player_id, "active": False}
    mine = own.votes.get(player_id)
    vote = None
    if mine is not None:
        vote = {"choice": mine.choice.value, "reason": mine.reason, "needed": mine.needed}
    own_cards = own.cards.get(player_id, [])
    return {
        **_player(state, player),
        "active": player.active,
        "left_reason": player.left_reason,
        "rotation": [_value(r) for r in player.rotation],
        "card_ids": [c.id for c in own_cards],
        # The facilitator hid these: the author is told, and still reads their own words.
        "hidden_cards": [
            {"id": c.id, "round": c.round, "text": c.text} for c in own_cards if c.hidden
        ],
        "reactions": list(own.reactions.get(player_id, [])),
        "reflections": list(own.reflections.get(player_id, [])),
        # Which reflection question fits: swap (played another role), own (played their home
        # role) or decision (round 4).
        "reflection_kind": rotation.reflection_kind(player, state.round),
        "reflection_kinds": {str(r): rotation.reflection_kind(player, r) for r in (1, 2, 3, 4)},
        "scores": dict(own.scores.get(player_id, {})),
        "vote": vote,
        # "Wat je weet": every secret dealt to this player, kept after the round ends.
        "known_secrets": [
            {**_secret(own.secrets[d.secret_id]), "role": d.role.value}
            for d in own.dealt.get(player_id, ())
        ],
    }


def paper_sheet(state: RoomState, player_id: str) -> JSON | None:
    """What the printed sheet of a player on paper holds: the case, and per round the role
    card they hold with only the secrets dealt to them in that round (never another's, never
    one not dealt yet: print it again when a round starts). None for anyone not on paper."""
    player = state.player(player_id)
    if player is None or not player.active or not player.on_paper:
        return None
    by_id = _secrets_by_id(state.scenario)
    dealt = state.dealt_to(player_id)
    rounds = []
    for number, spec in enumerate(state.scenario.rounds, start=1):
        role = player.role_in(number)
        secrets = [by_id[d.secret_id] for d in dealt if d.round == number]
        card = state.scenario.roles[role] if role is not None else None
        rounds.append(
            {
                "number": number,
                "lens": _text(spec.lens),
                "question": _text(spec.question),
                "card_prompt": _text(spec.card_prompt),
                "role": _value(role),
                "card": _role_card(card, secrets) if card is not None else None,
                # Whether this round's secrets were dealt already (else the sheet says so).
                "dealt": number <= 3 and any(d.round == number for d in dealt),
            }
        )
    return {
        "player": {"id": player.id, "name": player.name, "home_role": player.home_role.value},
        "round": state.round,
        "version": state.version,
        "scenario": scenario_public(state.scenario),
        "rounds": rounds,
    }


def shared_reflections(state: RoomState) -> list[JSON]:
    """The reflections their writers chose to share, never the others."""
    players = {p.id: p for p in state.players}  # a seat stays in the state after it is left
    return [
        {
            "round": r.round,
            "role": _value(players[r.player_id].role_in(r.round)),
            "name": players[r.player_id].name,
            "text": r.text,
            "via_facilitator": r.via_facilitator,
        }
        for r in state.reflections
        if r.shared
    ]


def facilitator_view(state: RoomState) -> JSON:
    """Everything the facilitator steers with: all secrets, but no unshared reflection and
    no one's vote by name."""
    common = shared(state)
    return _facilitator(state, common.facts, common.cards)


def _overview(state: RoomState) -> list[JSON]:
    """Per active player, for the current step: whether they did what it asks (never how
    they voted or what they wrote)."""
    ballot = state.current_ballot()
    voted = {v.player_id for v in ballot.votes} if ballot is not None else set()
    cards = Counter(c.author_id for c in state.live_cards() if c.round == state.round)
    reflected = {r.player_id for r in state.reflections if r.round == state.round}
    scored = Counter(s.player_id for s in state.scores)
    return [
        {
            "player_id": p.id,
            "name": p.name,
            "role": _value(p.role_in(state.round)),
            "cards": cards[p.id],
            "reflected": p.id in reflected,
            "scored": scored[p.id],
            "voted": p.id in voted,
            "on_paper": p.on_paper,
        }
        for p in state.active_players()
    ]


def _facilitator(state: RoomState, facts: Mapping[str, CardFacts], card_views: CardViews) -> JSON:
    issues = rotation.report(state)
    dealt_to: dict[str, list[str]] = {}
    for d in state.dealt:
        dealt_to.setdefault(d.secret_id, []).append(d.player_id)
    counted = [(b.number, _counted_votes(state, b)) for b in state.ballots]
    return {
        "roles": {
            role.value: _role_card(card, card.secrets)
            for role, card in state.scenario.roles.items()
        },
        # Every secret, with its round and who was dealt it.
        "secrets": [
            {
                **_secret(secret),
                "role": role.value,
                "revealed_at_debrief": secret.revealed_at_debrief,
                "dealt_to": dealt_to.get(secret.id, []),
            }
            for role, card in state.scenario.roles.items()
            for secret in sorted(card.secrets, key=lambda s: s.round)
        ],
        "players": [
            {
                **_player(state, p),
                "active": p.active,
                "left_reason": p.left_reason,
                "rotation": [_value(r) for r in p.rotation],
            }
            for p in state.players
        ],
        "overview": _overview(state),
        "group_warnings": [
            {"role": w.role.value, "members": w.members, "kind": w.kind}
            for w in group_warnings(state)
        ],
        "cards": [
            card_views.get(state, c, facts[c.id], console=True)
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
                "fixable": i.fixable,
            }
            for i in issues
        ],
        # The console offers "Verdeel de rollen opnieuw" only when it solves a problem.
        "can_rebalance": any(i.fixable for i in issues),
        "common_ground": [
            {
                "card_id": c.id,
                "supporters": {k.value: v for k, v in facts[c.id].supporters.items()},
            }
            for c in state.live_cards()
            if facts[c.id].common_ground
        ],
        "reflections_shared": shared_reflections(state),
        "reflections_count": {
            str(r): sum(1 for x in state.reflections if x.round == r) for r in (1, 2, 3, 4)
        },
        "ranking": _ranking(state),
        # Every vote, without who cast it: the console shows counts and reasons, never a
        # person's choice.
        "votes": [
            {"ballot": number, "choice": v.choice.value, "reason": v.reason, "needed": v.needed}
            for number, votes in counted
            for v in votes
        ],
        "objections": [
            {"ballot": number, **objection}
            for number, votes in counted
            for objection in _objections(votes)
        ],
        "reservations": [
            {"ballot": number, "text": text}
            for number, votes in counted
            for text in _reservations(votes)
        ],
        "results": [result_view(decide(state, b)) for b in state.ballots],
    }


# The timeline: only facts anyone may know, never what people typed in private (nor which
# secrets were dealt).
_TIMELINE: dict[type[E.Event], Callable[[Any], JSON]] = {
    E.RoomCreated: lambda e: {},
    E.PlayerJoined: lambda e: {"role": e.home_role.value, "on_paper": e.on_paper},
    E.PlayerLeft: lambda e: {"reason": e.reason},
    E.GameStarted: lambda e: {"players": len(e.rotations)},
    E.PhaseChanged: lambda e: {"round": e.round, "phase": e.phase},
    E.RolesRebalanced: lambda e: {"players": len(e.rotations)},
    E.CardPosted: lambda e: {
        "round": e.round,
        "role": e.role.value,
        "card_id": e.card_id,
        "via_facilitator": e.via_facilitator,
    },
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
