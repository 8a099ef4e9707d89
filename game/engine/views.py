"""What each viewer may see. All hiding lives here: state, log entries and summaries.

A participant sees the public board, the role card they hold in the current round with the
secrets of it they were dealt for this round, every secret dealt to them so far ("Wat je
weet"), and their own seat; the big screen sees only the public board; the facilitator sees
every secret and who was dealt it, but no reflection that was not shared and no one's vote
by name. Views are plain JSON-ready dicts. The public part and the facts of each card are
made once per version (`shared`) and every viewer's view is built on them (`compose`).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import compress
from operator import is_not
from typing import Any

from game.engine import events as E
from game.engine import rotation
from game.engine.decision import (
    CardFacts,
    DecisionResult,
    GroupSupport,
    decide,
    facts_of,
    group_warnings,
    home_roles,
    rank_options,
)
from game.engine.plans import PLANS
from game.engine.reuse import Grouped, Parts, changed_span
from game.engine.roles import Role
from game.engine.state import (
    Ballot,
    Card,
    Condition,
    DealtSecret,
    Phase,
    Player,
    Reaction,
    ReactionKind,
    Reflection,
    RoomState,
    Score,
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
    """Each player's own things in one version of a room, grouped by player in one pass over
    the room's lists (or, after a step, only the groups the step touched are new), so that
    the views of all players together cost one pass, not one per player, and an unchanged
    group is the same object in both versions."""

    players: Mapping[str, Player]
    cards: Grouped[Card]  # by author, withdrawn ones too, in posting order
    reactions: Grouped[Reaction]
    reflections: Grouped[Reflection]
    scores: Grouped[Score]
    dealt: Grouped[DealtSecret]
    votes: Mapping[str, Vote]  # in the current ballot
    secrets: Mapping[str, Secret]


def own_things(state: RoomState, previous: "tuple[RoomState, Own] | None" = None) -> Own:
    """What belongs to each player of this version of the room (see `Own`); given an earlier
    version and its own things, the groups it did not touch are taken over."""
    if previous is None:
        return Own(
            players=_players_by_id(state),
            cards=Grouped("author_id", state.cards),
            reactions=Grouped("player_id", state.reactions),
            reflections=Grouped("player_id", state.reflections),
            scores=Grouped("player_id", state.scores),
            dealt=Grouped("player_id", state.dealt),
            votes=_votes_by_player(state),
            secrets=_secrets_by_id(state.scenario),
        )
    before, own = previous
    return Own(
        players=own.players if state.players is before.players else _players_by_id(state),
        cards=own.cards.after(state.cards),
        reactions=own.reactions.after(state.reactions),
        reflections=own.reflections.after(state.reflections),
        scores=own.scores.after(state.scores),
        dealt=own.dealt.after(state.dealt),
        votes=own.votes if state.ballots is before.ballots else _votes_by_player(state),
        secrets=own.secrets
        if state.scenario is before.scenario
        else _secrets_by_id(state.scenario),
    )


def _players_by_id(state: RoomState) -> dict[str, Player]:
    return {p.id: p for p in reversed(state.players)}  # the first, as a search would find


def _votes_by_player(state: RoomState) -> dict[str, Vote]:
    ballot = state.current_ballot()
    votes: dict[str, Vote] = {}
    if ballot is not None:
        for vote in ballot.votes:
            votes.setdefault(vote.player_id, vote)  # the first, as a search would find
    return votes


@dataclass(frozen=True)
class CardChange:
    """Which cards a version's views must make again, against the board before: the cards
    after the first `kept` (new at the end), and those in `touched` (changed in place, new,
    or with new facts after a reaction on them)."""

    kept: int
    touched: frozenset[str]


@dataclass(frozen=True)
class Board:
    """The facts of every card of one version, with what a later version needs to count
    only the cards its step touched."""

    homes: Mapping[str, Role]  # whose support counts, for which group (`home_roles`)
    by_card: Grouped[Reaction]  # the reactions on each card
    index: Mapping[str, int]  # each card's place in state.cards
    facts: Mapping[str, CardFacts]
    change: CardChange | None  # against the board before; None: every card is new
    serial: int  # one more than the board before (a column says which board it follows)


def _board(state: RoomState, serial: int = 0) -> Board:
    homes = home_roles(state)
    by_card = Grouped("card_id", state.reactions)
    facts = {c.id: facts_of(c, by_card.get(c.id), homes) for c in state.cards}
    index = {c.id: n for n, c in enumerate(state.cards)}
    return Board(homes=homes, by_card=by_card, index=index, facts=facts, change=None, serial=serial)


def _board_after(state: RoomState, before: RoomState, board: Board) -> Board:
    """The board of a later version: the facts of the cards the step touched (changed, new,
    or reacted to) counted again, the others taken over; everything counted again when whose
    support counts changed, or when a card moved or went (the engine only adds cards at the
    end and changes them in place)."""
    homes = board.homes if state.players is before.players else home_roles(state)
    old, new = before.cards, state.cards
    start, old_stop, stop = changed_span(old, new)
    added = stop - old_stop  # new cards at the end, after those changed in place
    # The cards in the span that are other objects than before (found in C): changed in place.
    changed = (
        list(
            compress(range(start, old_stop), map(is_not, old[start:old_stop], new[start:old_stop]))
        )
        if added >= 0
        else []
    )
    in_place = added >= 0 and all(old[n].id == new[n].id for n in changed)
    if homes != board.homes or not in_place or (added and old_stop < len(old)):
        return _board(state, board.serial + 1)
    by_card = board.by_card.after(state.reactions)
    index = board.index
    if added:
        index = {**index, **{new[n].id: n for n in range(old_stop, stop)}}
    touched = {new[n].id for n in changed}
    touched.update(c.id for c in new[old_stop:stop])
    touched.update(k for k in (by_card.touched or ()) if k in index)
    facts = board.facts
    if touched:
        counted = dict(facts)
        for card_id in touched:
            card = state.cards[index[card_id]]
            counted[card_id] = facts_of(card, by_card.get(card_id), homes)
        facts = counted
    change = CardChange(kept=len(old), touched=frozenset(touched))
    return Board(
        homes=homes,
        by_card=by_card,
        index=index,
        facts=facts,
        change=change,
        serial=board.serial + 1,
    )


class Shared:
    """The part of one version of a room that every viewer shares: the facts of each card
    (counted once), the public view, each player's own things, and the parts of the views
    kept for the next version. Made once per version; each viewer's view is built on it with
    `compose`. Made after an earlier version, what the step did not touch is taken over."""

    def __init__(self, state: RoomState, previous: "Shared | None") -> None:
        self.state = state
        self.parts: Parts = Parts(previous.parts if previous is not None else None)
        if previous is None:
            self.own = own_things(state)
            self.board = _board(state)
        else:
            self.own = own_things(state, (previous.state, previous.own))
            self.board = _board_after(state, previous.state, previous.board)
        self.facts = self.board.facts
        self.inputs: dict[str, tuple[object, ...]] = {}  # participant_inputs, per player
        self.public = _public(state, self)


def shared(state: RoomState, previous: Shared | None = None) -> Shared:
    """The shared part of this version of the room; given the shared part of an earlier
    version of the same room, what the step did not touch is taken over from it."""
    return Shared(state, previous)


def compose(state: RoomState, viewer: Viewer, common: Shared) -> JSON:
    """The view one viewer receives, built on the shared part of the same version: the one
    place that says which parts each kind of viewer gets (the scenario text comes apart)."""
    if isinstance(viewer, Participant):
        return {
            "viewer": "participant",
            "public": common.public,
            "role": _role(state, viewer.player_id, common),
            "me": _personal(state, viewer.player_id, common),
        }
    if isinstance(viewer, Facilitator):
        return {
            "viewer": "facilitator",
            "public": common.public,
            "facilitator": _facilitator(state, common),
        }
    return {"viewer": "screen", "public": common.public}


def _cards(
    common: Shared,
    name: str,
    context: tuple[object, ...],
    make: Callable[[Card, CardFacts], JSON | None],
) -> list[JSON]:
    """The list of card views one part shows, in the order of state.cards: `make` gives a
    card's view, or None for a card the list leaves out. Kept as a column with one entry
    per card, so the version after makes only the cards its step touched (as long as
    `context`, whatever else `make` reads, is the same)."""
    state, facts, board = common.state, common.facts, common.board
    found = common.parts.found(name)
    column: list[JSON | None]
    listed: list[JSON]
    if found is not None and found[0] == context:
        serial, column, listed = found[1]
        if serial == board.serial:
            return listed  # made for this version already
        change = board.change
        if serial == board.serial - 1 and change is not None:
            kept = change.kept
            redo = [n for n in map(board.index.__getitem__, change.touched) if n < kept]
            if redo or len(state.cards) > kept:
                column = list(column)
                for n in redo:
                    card = state.cards[n]
                    column[n] = make(card, facts[card.id])
                column.extend(make(c, facts[c.id]) for c in state.cards[kept:])
                listed = list(filter(None, column))  # in C; a card's view is never empty
            common.parts.keep(name, context, (board.serial, column, listed))
            return listed
    column = [make(c, facts[c.id]) for c in state.cards]
    listed = list(filter(None, column))
    common.parts.keep(name, context, (board.serial, column, listed))
    return listed


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


# An enum's `.value` is a slow property lookup; these are made for every card view and row.
_ROLE_VALUE = {role: role.value for role in Role}


def _value(role: Role | None) -> str | None:
    return _ROLE_VALUE[role] if role is not None else None


def _card(card: Card, facts: CardFacts, author: str | None) -> JSON:
    return {
        "id": card.id,
        "round": card.round,
        "role": _ROLE_VALUE[card.role],
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
        "author": author,
        "via_facilitator": card.via_facilitator,
    }


def _names(common: "Shared") -> dict[str, str]:
    """Each player's name, by id: what the card views with an author read."""
    players = common.own.players
    return common.parts.get(
        "names", (common.state.players,), lambda: {pid: p.name for pid, p in players.items()}
    )


def _public_cards(common: "Shared") -> list[JSON]:
    """The board's cards: neither withdrawn nor hidden, with their author's name only when
    the facilitator shows names."""
    show = common.state.settings.show_author_names
    names = _names(common) if show else {}

    def make(card: Card, facts: CardFacts) -> JSON | None:
        if card.withdrawn or card.hidden:
            return None
        return _card(card, facts, names.get(card.author_id) if show else None)

    return _cards(common, "public.cards", (show, names), make)


def _console_cards(common: "Shared") -> list[JSON]:
    """The console's cards: every one not withdrawn, with its author and whether it is hidden."""
    names = _names(common)

    def make(card: Card, facts: CardFacts) -> JSON | None:
        if card.withdrawn:
            return None
        return {**_card(card, facts, names.get(card.author_id)), "hidden": card.hidden}

    return _cards(common, "console.cards", (names,), make)


def _common_ground_cards(common: "Shared") -> list[JSON]:
    def make(card: Card, facts: CardFacts) -> JSON | None:
        if card.withdrawn or not facts.common_ground:
            return None
        return {"card_id": card.id, "supporters": {k.value: v for k, v in facts.supporters.items()}}

    return _cards(common, "console.common_ground", (), make)


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


def _public(state: RoomState, common: "Shared") -> JSON:
    # Each part is taken over from the version before when what it is made of is the same.
    part = common.parts.get
    scoring = state.phase == Phase.SCORING
    players, scenario = state.players, state.scenario
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
        "timer": part("timer", (state.timer,), lambda: _timer(state)),
        "settings": part(
            "settings",
            (state.settings,),
            lambda: {
                "show_author_names": state.settings.show_author_names,
                "chime": state.settings.chime,
            },
        ),
        # The session plan: its length and the suggested timer per step.
        "plan": part("plan", (state.settings, scenario), lambda: _plan(state)),
        # The scenario's own text never changes in a room: it goes once per connection
        # (scenario_public), not with every change of the board.
        "scenario_id": scenario.id,
        "players": part(
            "players",
            (players, state.round),
            lambda: [_player(state, p) for p in state.active_players()],
        ),
        "spread": part("spread", (players,), lambda: _spread(state)),
        "cards": _public_cards(common),
        "draft": part(
            "draft",
            (state.draft,),
            lambda: {
                "text": state.draft.text,
                "conditions": [_condition(c) for c in state.draft.conditions],
            },
        ),
        "versions": part(
            "versions",
            (state.versions,),
            lambda: [
                {
                    "number": v.number,
                    "text": v.text,
                    "conditions": [_condition(c) for c in v.conditions],
                    "created_at": v.created_at,
                }
                for v in state.versions
            ],
        ),
        "ballots": part(
            "ballots",
            (state.ballots, players, scenario),
            lambda: [_ballot(state, b) for b in state.ballots],
        ),
        "options_scored": part(
            "options_scored", (state.scores,), lambda: len({s.player_id for s in state.scores})
        ),
        # While scoring, only how many scored: the ranking would steer the next scores.
        "ranking": [] if scoring else _ranking_part(state, common),
    }


def _ranking_part(state: RoomState, common: "Shared") -> list[JSON]:
    return common.parts.get(
        "ranking", (state.scores, state.players, state.scenario), lambda: _ranking(state)
    )


def role_view(state: RoomState, player_id: str) -> JSON | None:
    """The role card a player holds now, with the secrets of it they were dealt for this
    round (never another round's, never another role's); None without a role."""
    return _role(state, player_id, shared(state))


def _role(state: RoomState, player_id: str, common: Shared) -> JSON | None:
    own = common.own
    player = own.players.get(player_id)
    role = player.role_in(state.round) if player is not None and player.active else None
    if role is None:
        return None
    dealt = tuple(
        d.secret_id for d in own.dealt.get(player_id) if d.round == state.round and d.role == role
    )

    def make() -> JSON:
        card = state.scenario.roles[role]
        secrets = [own.secrets[secret_id] for secret_id in dealt]
        return {"role": role.value, "round": state.round, "card": _role_card(card, secrets)}

    # Everyone who holds a role in a round was dealt the same secrets of it: one view serves
    # them all, and it is made again only when the round or the secrets change.
    return common.parts.get(("role", role, state.round, dealt), (state.scenario,), make)


def participant_inputs(state: RoomState, player_id: str, common: Shared) -> tuple[object, ...]:
    """Everything a participant's own parts (`role` and `me`, from `_role` and `_personal`)
    are made of. Two versions of a room with equal inputs give that participant equal parts,
    so a broadcaster may skip making and comparing them."""
    found = common.inputs.get(player_id)
    if found is not None:
        return found
    own = common.own
    common.inputs[player_id] = found = (
        own.players.get(player_id),
        state.round,
        own.cards.get(player_id),
        own.reactions.get(player_id),
        own.reflections.get(player_id),
        own.scores.get(player_id),
        own.dealt.get(player_id),
        own.votes.get(player_id),
    )
    return found


def personal_view(state: RoomState, player_id: str) -> JSON:
    """One player's own seat: their cards, reactions, reflections, scores, vote, and every
    secret they were dealt so far."""
    return _personal(state, player_id, shared(state))


# A player's list of reactions is made again whenever they react (see _ROLE_VALUE).
_KIND_VALUE = {kind: kind.value for kind in ReactionKind}


def _personal(state: RoomState, player_id: str, common: Shared) -> JSON:
    own = common.own
    player = own.players.get(player_id)
    if player is None:
        return {"id": player_id, "active": False}

    def part(name: str, inputs: tuple[object, ...], make: Callable[[], Any]) -> Any:
        # Each list is taken over while what it is made of is the same, so a patch of this
        # player's part walks only what their step changed.
        return common.parts.get((name, player_id), inputs, make)

    mine = own.votes.get(player_id)
    cards, reactions = own.cards.get(player_id), own.reactions.get(player_id)
    reflections, scores = own.reflections.get(player_id), own.scores.get(player_id)
    dealt = own.dealt.get(player_id)
    return {
        **_player(state, player),
        "active": player.active,
        "left_reason": player.left_reason,
        "rotation": part("rotation", (player,), lambda: [_value(r) for r in player.rotation]),
        "card_ids": part("card_ids", (cards,), lambda: [c.id for c in cards if not c.withdrawn]),
        # The facilitator hid these: the author is told, and still reads their own words.
        "hidden_cards": part(
            "hidden_cards",
            (cards,),
            lambda: [
                {"id": c.id, "round": c.round, "text": c.text}
                for c in cards
                if c.hidden and not c.withdrawn
            ],
        ),
        "reactions": part(
            "reactions",
            (reactions,),
            lambda: [[r.card_id, _KIND_VALUE[r.kind]] for r in reactions],
        ),
        "reflections": part(
            "reflections",
            (reflections,),
            lambda: [{"round": x.round, "text": x.text, "shared": x.shared} for x in reflections],
        ),
        # Which reflection question fits: swap (played another role), own (played their home
        # role) or decision (round 4).
        "reflection_kind": rotation.reflection_kind(player, state.round),
        "reflection_kinds": part(
            "reflection_kinds",
            (player,),
            lambda: {str(r): rotation.reflection_kind(player, r) for r in (1, 2, 3, 4)},
        ),
        "scores": part("scores", (scores,), lambda: {s.option_id: s.score for s in scores}),
        "vote": part(
            "vote",
            (mine,),
            lambda: (
                None
                if mine is None
                else {"choice": mine.choice.value, "reason": mine.reason, "needed": mine.needed}
            ),
        ),
        # "Wat je weet": every secret dealt to this player, kept after the round ends.
        "known_secrets": part(
            "known_secrets",
            (dealt,),
            lambda: [{**_secret(own.secrets[d.secret_id]), "role": d.role.value} for d in dealt],
        ),
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
    return _facilitator(state, shared(state))


def _overview(state: RoomState, common: "Shared") -> list[JSON]:
    """Per active player, for the current step: whether they did what it asks (never how
    they voted or what they wrote). A player's row is taken over while their things stay
    the same."""
    own, part = common.own, common.parts.get

    def row(p: Player) -> JSON:
        cards = own.cards.get(p.id)
        reflections = own.reflections.get(p.id)
        scores = own.scores.get(p.id)
        voted = p.id in own.votes
        return part(
            ("overview", p.id),
            (p, state.round, cards, reflections, scores, voted),
            lambda: {
                "player_id": p.id,
                "name": p.name,
                "role": _value(p.role_in(state.round)),
                "cards": sum(1 for c in cards if c.round == state.round and not c.withdrawn),
                "reflected": any(r.round == state.round for r in reflections),
                "scored": len(scores),
                "voted": voted,
                "on_paper": p.on_paper,
            },
        )

    return part(
        "overview",
        (state.players, state.round, state.cards, state.reflections, state.scores, state.ballots),
        lambda: [row(p) for p in state.players if p.active],
    )


def _facilitator(state: RoomState, common: "Shared") -> JSON:
    # Each part is taken over from the version before when what it is made of is the same.
    part = common.parts.get
    players, scenario, ballots = state.players, state.scenario, state.ballots
    issues = part("rotation", (players, state.round), lambda: rotation.report(state))
    counted = part(
        "counted",
        (ballots, players),
        lambda: [(b.number, _counted_votes(state, b)) for b in ballots],
    )
    return {
        "roles": part(
            "roles",
            (scenario,),
            lambda: {
                role.value: _role_card(card, card.secrets) for role, card in scenario.roles.items()
            },
        ),
        # Every secret, with its round and who was dealt it.
        "secrets": part("secrets", (scenario, state.dealt), lambda: _all_secrets(state)),
        "players": part(
            "console.players",
            (players, state.round),
            lambda: [
                {
                    **_player(state, p),
                    "active": p.active,
                    "left_reason": p.left_reason,
                    "rotation": [_value(r) for r in p.rotation],
                }
                for p in players
            ],
        ),
        "overview": _overview(state, common),
        "group_warnings": part(
            "group_warnings",
            (players,),
            lambda: [
                {"role": w.role.value, "members": w.members, "kind": w.kind}
                for w in group_warnings(state)
            ],
        ),
        "cards": _console_cards(common),
        "rotation_issues": part(
            "rotation_issues",
            (issues,),
            lambda: [
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
        ),
        # The console offers "Verdeel de rollen opnieuw" only when it solves a problem.
        "can_rebalance": any(i.fixable for i in issues),
        "common_ground": _common_ground_cards(common),
        "reflections_shared": part(
            "reflections_shared",
            (state.reflections, players),
            lambda: shared_reflections(state),
        ),
        "reflections_count": part(
            "reflections_count",
            (state.reflections,),
            lambda: {
                str(r): sum(1 for x in state.reflections if x.round == r) for r in (1, 2, 3, 4)
            },
        ),
        "ranking": _ranking_part(state, common),
        # Every vote, without who cast it: the console shows counts and reasons, never a
        # person's choice.
        "votes": part(
            "votes",
            (counted,),
            lambda: [
                {"ballot": number, "choice": v.choice.value, "reason": v.reason, "needed": v.needed}
                for number, votes in counted
                for v in votes
            ],
        ),
        "objections": part(
            "objections",
            (counted,),
            lambda: [
                {"ballot": number, **objection}
                for number, votes in counted
                for objection in _objections(votes)
            ],
        ),
        "reservations": part(
            "reservations",
            (counted,),
            lambda: [
                {"ballot": number, "text": text}
                for number, votes in counted
                for text in _reservations(votes)
            ],
        ),
        "results": part(
            "results",
            (ballots, players, scenario),
            lambda: [result_view(decide(state, b)) for b in ballots],
        ),
    }


def _all_secrets(state: RoomState) -> list[JSON]:
    dealt_to: dict[str, list[str]] = {}
    for d in state.dealt:
        dealt_to.setdefault(d.secret_id, []).append(d.player_id)
    return [
        {
            **_secret(secret),
            "role": role.value,
            "revealed_at_debrief": secret.revealed_at_debrief,
            "dealt_to": dealt_to.get(secret.id, []),
        }
        for role, card in state.scenario.roles.items()
        for secret in sorted(card.secrets, key=lambda s: s.round)
    ]


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
