"""`apply(state, action)`: check an intention against the rules and say what happened.

Each decider returns the events an action produces or a Rejected with a stable code; the
events are then folded with `replay.evolve`, the same function that rebuilds a room from
its log. Nothing here mutates its input or reads a clock.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import singledispatch
from typing import Any

from game.engine import actions as A
from game.engine import events as E
from game.engine import phases, rotation
from game.engine.errors import ErrorCode
from game.engine.replay import evolve
from game.engine.roles import Role
from game.engine.state import (
    FACILITATOR,
    MAX_BEDENKING,
    MAX_CARD,
    MAX_CARDS_PER_ROUND,
    MAX_CONDITIONS,
    MAX_NAME,
    MAX_PLAYERS,
    MAX_PROPOSAL,
    MAX_REASON,
    MAX_REFLECTION,
    MAX_TIMER_S,
    MAX_TIMER_TOTAL_S,
    MIN_TIMER_S,
    STEP_GUARD_MS,
    Ballot,
    Condition,
    Phase,
    ProposalVersion,
    Reaction,
    RoomState,
    Settings,
    VoteChoice,
)
from game.scenarios.schema import SECRET_ROUNDS, Scenario


@dataclass(frozen=True)
class Accepted:
    state: RoomState
    events: tuple[E.AnyEvent, ...]


@dataclass(frozen=True)
class Rejected(Exception):
    code: ErrorCode
    detail: dict[str, Any] = field(default_factory=dict)


def create_room(
    room_id: str, scenario: Scenario, at: int, settings: Settings | None = None
) -> Accepted:
    """A new room in the lobby; its first event carries the whole scenario."""
    event = E.RoomCreated(
        at=at, room_id=room_id, scenario=scenario, settings=settings or Settings()
    )
    return Accepted(evolve(None, event), (event,))


def apply(state: RoomState, action: A.AnyAction) -> Accepted | Rejected:
    """The new state and its events, or a rejection that changes nothing."""
    try:
        action, via_facilitator = _on_behalf(state, action)
        _check_allowed(state, action)
        produced = _decide(action, state)
    except Rejected as rejection:
        return rejection
    if via_facilitator:
        # Marked in the log, so the timeline and the console can say "via de spelleider".
        produced = [_marked(e) for e in produced]
    new_state = state
    for event in produced:
        new_state = evolve(new_state, event)
    return Accepted(new_state, tuple(produced))


def _marked(event: E.AnyEvent) -> E.AnyEvent:
    if isinstance(event, E.CardPosted | E.ReflectionSaved | E.OptionScored | E.VoteCast):
        return replace(event, via_facilitator=True)
    return event


def _on_behalf(state: RoomState, action: A.AnyAction) -> tuple[A.AnyAction, bool]:
    """An action the facilitator sends for a paper player, as that player's own; with
    whether it was (the rules then treat it like any player's action)."""
    if not isinstance(action, A.PlayerAction) or action.for_player is None:
        return action, False
    if action.actor != FACILITATOR:
        raise Rejected(ErrorCode.NOT_FACILITATOR)
    player = state.player(action.for_player)
    if player is None or not player.active or not player.on_paper:
        raise Rejected(ErrorCode.NOT_ON_PAPER)
    return replace(action, actor=player.id, for_player=None), True


def _check_allowed(state: RoomState, action: A.AnyAction) -> None:
    if action.expected_version is not None and action.expected_version != state.version:
        raise Rejected(ErrorCode.STALE_VERSION, {"version": state.version})
    allowed = phases.ALLOWED[action.type]
    if allowed.by_facilitator and action.actor != FACILITATOR:
        raise Rejected(ErrorCode.NOT_FACILITATOR)
    if not allowed.by_facilitator and not isinstance(action, A.Join):
        player = state.player(action.actor)
        if player is None or not player.active:
            raise Rejected(ErrorCode.NOT_A_PLAYER)
    if state.phase == Phase.CLOSED:
        raise Rejected(ErrorCode.GAME_CLOSED)
    if state.phase not in allowed.phases or state.round not in allowed.rounds:
        raise Rejected(ErrorCode.WRONG_PHASE, {"phase": state.phase.value, "round": state.round})
    if state.paused and not allowed.while_paused:
        raise Rejected(ErrorCode.GAME_PAUSED)


Decided = list[E.AnyEvent]


@singledispatch
def _decide(action: A.Action, state: RoomState) -> Decided:
    raise TypeError(f"no rule for {type(action).__name__}")


# Small checks shared by several deciders


def _clean_name(state: RoomState, name: str, player_id: str) -> str:
    cleaned = " ".join(name.split())  # trim and fold inner white space and newlines
    if not cleaned:
        raise Rejected(ErrorCode.NAME_EMPTY)
    if len(cleaned) > MAX_NAME:
        raise Rejected(ErrorCode.NAME_TOO_LONG, {"max": MAX_NAME})
    folded = cleaned.casefold()
    if any(p.name.casefold() == folded for p in state.active_players() if p.id != player_id):
        raise Rejected(ErrorCode.NAME_TAKEN, {"name": cleaned})
    return cleaned


def _bounded_text(text: str, limit: int, empty: ErrorCode, too_long: ErrorCode) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise Rejected(empty)
    if len(cleaned) > limit:
        raise Rejected(too_long, {"max": limit, "length": len(cleaned)})
    return cleaned


def _own_card(state: RoomState, card_id: str, actor: str) -> None:
    card = state.card(card_id)
    if card is None or card.withdrawn:
        raise Rejected(ErrorCode.UNKNOWN_CARD)
    if card.author_id != actor:
        raise Rejected(ErrorCode.NOT_YOUR_CARD)
    if card.round != state.round:
        raise Rejected(ErrorCode.CARD_OF_OTHER_ROUND)


def _live_card(state: RoomState, card_id: str) -> None:
    card = state.card(card_id)
    if card is None or card.withdrawn:
        raise Rejected(ErrorCode.UNKNOWN_CARD)


def _active_player(state: RoomState, player_id: str) -> None:
    player = state.player(player_id)
    if player is None or not player.active:
        raise Rejected(ErrorCode.UNKNOWN_PLAYER)


def _no_open_ballot(state: RoomState) -> None:
    """The proposal and the step stay put while people are voting on them."""
    ballot = state.current_ballot()
    if ballot is not None and ballot.open:
        raise Rejected(ErrorCode.VOTE_IS_OPEN)


def _deal(
    state: RoomState, round_number: int, holders: Iterable[tuple[str, Role | None]], at: int
) -> Decided:
    """Deal each holder the secrets of their role in `round_number` that they were not dealt
    yet; no event when there is nothing new to deal (round 4 has no secrets)."""
    if round_number not in SECRET_ROUNDS:
        return []
    had = {(d.player_id, d.secret_id) for d in state.dealt}
    deals = []
    for player_id, role in holders:
        if role is None:
            continue
        secret_ids = tuple(
            s.id
            for s in state.scenario.roles[role].secrets
            if s.round == round_number and (player_id, s.id) not in had
        )
        if secret_ids:
            deals.append(E.Deal(player_id=player_id, role=role, secret_ids=secret_ids))
    if not deals:
        return []
    return [E.SecretsDealt(at=at, round=round_number, deals=tuple(deals))]


def _open_ballot(state: RoomState) -> Ballot:
    ballot = state.current_ballot()
    if ballot is None or not ballot.open:
        raise Rejected(ErrorCode.VOTE_NOT_OPEN)
    return ballot


# The lobby and the seat


@_decide.register
def _(action: A.Join, state: RoomState) -> Decided:
    if state.player(action.player_id) is not None or action.actor != action.player_id:
        raise Rejected(ErrorCode.ALREADY_JOINED)
    return _seat(state, action.player_id, action.name, action.home_role, action.at)


@_decide.register
def _(action: A.AddPaperPlayer, state: RoomState) -> Decided:
    # The id is made from the log, so replaying it makes the same one; "papier-" never
    # looks like a seat's random id.
    number = 1 + sum(1 for p in state.players if p.on_paper)
    return _seat(state, f"papier-{number}", action.name, action.home_role, action.at, True)


def _seat(
    state: RoomState, player_id: str, name: str, home_role: Role, at: int, on_paper: bool = False
) -> Decided:
    """A new player: in the lobby without roles yet, later placed in the rotation and dealt
    this round's secrets of the role they hold now."""
    if len(state.active_players()) >= MAX_PLAYERS:
        raise Rejected(ErrorCode.ROOM_FULL, {"max": MAX_PLAYERS})
    cleaned = _clean_name(state, name, player_id)
    dealt: Decided = []
    if 1 <= state.round <= 3:
        placed = rotation.late_rotation(state, home_role)
        # A late joiner holds a role from now on, so they are dealt its secrets now.
        dealt = _deal(state, state.round, [(player_id, placed[state.round - 1])], at)
    else:
        placed = (None, None, None)  # the lobby: the rotation is made at the start
    return [
        E.PlayerJoined(
            at=at,
            player_id=player_id,
            name=cleaned,
            home_role=home_role,
            joined_round=state.round,
            rotation=placed,
            on_paper=on_paper,
        ),
        *dealt,
    ]


@_decide.register
def _(action: A.Leave, state: RoomState) -> Decided:
    return [E.PlayerLeft(at=action.at, player_id=action.actor, reason="left")]


@_decide.register
def _(action: A.Rename, state: RoomState) -> Decided:
    name = _clean_name(state, action.name, action.actor)
    return [E.PlayerRenamed(at=action.at, player_id=action.actor, name=name)]


@_decide.register
def _(action: A.SetHomeRole, state: RoomState) -> Decided:
    return [E.HomeRoleChanged(at=action.at, player_id=action.actor, role=action.role)]


# Steering


@_decide.register
def _(action: A.Start, state: RoomState) -> Decided:
    players = state.active_players()
    if not players:
        raise Rejected(ErrorCode.NO_PLAYERS)
    rotations = rotation.initial_rotations(players)
    return [
        E.GameStarted(
            at=action.at,
            rotations=tuple(
                E.PlayerRotation(player_id=k, rotation=v) for k, v in rotations.items()
            ),
        ),
        *_deal(state, 1, ((k, v[0]) for k, v in rotations.items()), action.at),
    ]


def _move(state: RoomState, action: A.NextPhase | A.PreviousPhase, offset: int) -> Decided:
    _no_open_ballot(state)
    if state.phase == Phase.LOBBY and offset > 0:
        return _decide(A.Start(actor=action.actor, at=action.at), state)
    target = phases.neighbour(state, offset)
    if target is None:
        raise Rejected(ErrorCode.NO_SUCH_PHASE)
    last = state.step_changed_at
    if not action.confirm and last is not None and action.at - last < STEP_GUARD_MS:
        raise Rejected(ErrorCode.STEP_TOO_SOON, {"seconds": STEP_GUARD_MS // 1000})
    round_number = target[0]
    holders = ((p.id, p.role_in(round_number)) for p in state.active_players())
    return [
        E.PhaseChanged(at=action.at, round=round_number, phase=target[1].value),
        *_deal(state, round_number, holders, action.at),
    ]


@_decide.register
def _(action: A.NextPhase, state: RoomState) -> Decided:
    return _move(state, action, +1)


@_decide.register
def _(action: A.PreviousPhase, state: RoomState) -> Decided:
    return _move(state, action, -1)


@_decide.register
def _(action: A.PauseGame, state: RoomState) -> Decided:
    if state.paused:
        raise Rejected(ErrorCode.PAUSE_STATE)
    timer = state.timer
    remaining = timer.remaining_ms(action.at) if timer is not None and timer.running else None
    return [E.GamePaused(at=action.at, timer_remaining_ms=remaining)]


@_decide.register
def _(action: A.ResumeGame, state: RoomState) -> Decided:
    if not state.paused:
        raise Rejected(ErrorCode.PAUSE_STATE)
    return [E.GameResumed(at=action.at)]


@_decide.register
def _(action: A.SetTimer, state: RoomState) -> Decided:
    if not MIN_TIMER_S <= action.seconds <= MAX_TIMER_S:
        raise Rejected(ErrorCode.TIMER_OUT_OF_RANGE, {"min": MIN_TIMER_S, "max": MAX_TIMER_S})
    return [E.TimerSet(at=action.at, duration_ms=action.seconds * 1000)]


@_decide.register
def _(action: A.PauseTimer, state: RoomState) -> Decided:
    if state.timer is None:
        raise Rejected(ErrorCode.NO_TIMER)
    if not state.timer.running:
        raise Rejected(ErrorCode.TIMER_STATE)
    return [E.TimerPaused(at=action.at, remaining_ms=state.timer.remaining_ms(action.at))]


@_decide.register
def _(action: A.ResumeTimer, state: RoomState) -> Decided:
    if state.timer is None:
        raise Rejected(ErrorCode.NO_TIMER)
    if state.timer.running or state.paused:
        raise Rejected(ErrorCode.TIMER_STATE)
    return [E.TimerResumed(at=action.at)]


@_decide.register
def _(action: A.ExtendTimer, state: RoomState) -> Decided:
    if state.timer is None:
        raise Rejected(ErrorCode.NO_TIMER)
    total = state.timer.remaining_ms(action.at) + action.seconds * 1000
    if not MIN_TIMER_S <= action.seconds <= MAX_TIMER_S or total > MAX_TIMER_TOTAL_S * 1000:
        raise Rejected(ErrorCode.TIMER_OUT_OF_RANGE, {"min": MIN_TIMER_S, "max": MAX_TIMER_S})
    return [E.TimerExtended(at=action.at, extra_ms=action.seconds * 1000)]


@_decide.register
def _(action: A.HighlightCard, state: RoomState) -> Decided:
    _live_card(state, action.card_id)
    return [E.CardHighlighted(at=action.at, card_id=action.card_id, on=action.on)]


@_decide.register
def _(action: A.MergeCards, state: RoomState) -> Decided:
    _live_card(state, action.card_id)
    _live_card(state, action.into_id)
    target = state.card(action.into_id)
    assert target is not None
    if action.card_id == action.into_id or target.merged_into is not None:
        raise Rejected(ErrorCode.BAD_MERGE)
    return [E.CardsMerged(at=action.at, card_id=action.card_id, into_id=action.into_id)]


@_decide.register
def _(action: A.UnmergeCard, state: RoomState) -> Decided:
    _live_card(state, action.card_id)
    card = state.card(action.card_id)
    assert card is not None
    if card.merged_into is None:
        raise Rejected(ErrorCode.NOT_MERGED)
    return [E.CardUnmerged(at=action.at, card_id=action.card_id)]


@_decide.register
def _(action: A.HideCard, state: RoomState) -> Decided:
    _live_card(state, action.card_id)
    return [E.CardHidden(at=action.at, card_id=action.card_id, hidden=action.hidden)]


@_decide.register
def _(action: A.RebalanceRoles, state: RoomState) -> Decided:
    issues = rotation.report(state)
    if not issues:
        raise Rejected(ErrorCode.NOTHING_TO_REBALANCE)
    if not any(issue.fixable for issue in issues):
        kinds = sorted({issue.kind for issue in issues})
        raise Rejected(ErrorCode.REBALANCE_CANNOT_HELP, {"problems": kinds})
    before = {p.id: p.rotation for p in state.active_players()}
    changed = tuple(
        E.PlayerRotation(player_id=pid, rotation=rot)
        for pid, rot in rotation.rebalance(state).items()
        if before[pid] != rot
    )
    # Whoever now holds another role in this round is dealt that role's secrets of it.
    holders = ((c.player_id, c.rotation[state.round - 1]) for c in changed)
    return [
        E.RolesRebalanced(at=action.at, rotations=changed),
        *_deal(state, state.round, holders, action.at),
    ]


@_decide.register
def _(action: A.SetPlayerHomeRole, state: RoomState) -> Decided:
    _active_player(state, action.player_id)
    return [E.HomeRoleChanged(at=action.at, player_id=action.player_id, role=action.role)]


@_decide.register
def _(action: A.RemovePlayer, state: RoomState) -> Decided:
    _active_player(state, action.player_id)
    return [E.PlayerLeft(at=action.at, player_id=action.player_id, reason="removed")]


@_decide.register
def _(action: A.SetSetting, state: RoomState) -> Decided:
    # Only the on/off settings can change during a game (the plan is chosen at creation).
    if not isinstance(getattr(Settings(), action.name, None), bool):
        raise Rejected(ErrorCode.UNKNOWN_SETTING, {"name": action.name})
    return [E.SettingChanged(at=action.at, name=action.name, value=action.value)]


@_decide.register
def _(action: A.CloseGame, state: RoomState) -> Decided:
    produced: Decided = []
    ballot = state.current_ballot()
    if ballot is not None and ballot.open:  # closing the game closes its vote first
        produced.append(E.VoteClosed(at=action.at, ballot=ballot.number))
    produced.append(E.GameClosed(at=action.at))
    return produced


# Playing a round


@_decide.register
def _(action: A.PostCard, state: RoomState) -> Decided:
    text = _bounded_text(action.text, MAX_CARD, ErrorCode.CARD_EMPTY, ErrorCode.CARD_TOO_LONG)
    mine = sum(
        1 for c in state.live_cards() if c.author_id == action.actor and c.round == state.round
    )
    if mine >= MAX_CARDS_PER_ROUND:
        raise Rejected(ErrorCode.TOO_MANY_CARDS, {"max": MAX_CARDS_PER_ROUND})
    role = state.role_of(action.actor)
    if role is None:  # joined but not placed in this round; write from the home role
        player = state.player(action.actor)
        assert player is not None
        role = player.home_role
    return [
        E.CardPosted(
            at=action.at,
            # Cards are never removed (withdrawing only marks them), so ids never repeat.
            card_id=f"c{len(state.cards) + 1}",
            round=state.round,
            author_id=action.actor,
            role=role,
            text=text,
        )
    ]


@_decide.register
def _(action: A.EditCard, state: RoomState) -> Decided:
    _own_card(state, action.card_id, action.actor)
    text = _bounded_text(action.text, MAX_CARD, ErrorCode.CARD_EMPTY, ErrorCode.CARD_TOO_LONG)
    return [E.CardEdited(at=action.at, card_id=action.card_id, text=text)]


@_decide.register
def _(action: A.WithdrawCard, state: RoomState) -> Decided:
    _own_card(state, action.card_id, action.actor)
    return [E.CardWithdrawn(at=action.at, card_id=action.card_id)]


@_decide.register
def _(action: A.React, state: RoomState) -> Decided:
    card = state.card(action.card_id)
    if card is None or card.withdrawn or card.hidden:
        raise Rejected(ErrorCode.UNKNOWN_CARD)
    reaction = Reaction(card_id=action.card_id, player_id=action.actor, kind=action.kind)
    present = state.has_reaction(reaction)
    if present == action.on:
        return []  # already so: one reaction of each kind per player per card
    event_type = E.ReactionAdded if action.on else E.ReactionRemoved
    return [event_type(at=action.at, card_id=card.id, player_id=action.actor, kind=action.kind)]


@_decide.register
def _(action: A.SaveReflection, state: RoomState) -> Decided:
    text = _bounded_text(
        action.text, MAX_REFLECTION, ErrorCode.REFLECTION_EMPTY, ErrorCode.REFLECTION_TOO_LONG
    )
    return [
        E.ReflectionSaved(
            at=action.at, player_id=action.actor, round=state.round, text=text, shared=action.shared
        )
    ]


# Round 4


@_decide.register
def _(action: A.ScoreOption, state: RoomState) -> Decided:
    if action.option_id not in {o.id for o in state.scenario.options}:
        raise Rejected(ErrorCode.UNKNOWN_OPTION)
    if not 1 <= action.score <= 5:
        raise Rejected(ErrorCode.SCORE_OUT_OF_RANGE, {"min": 1, "max": 5})
    return [
        E.OptionScored(
            at=action.at, player_id=action.actor, option_id=action.option_id, score=action.score
        )
    ]


def _condition(state: RoomState, given: A.ConditionInput, number: int) -> Condition:
    source = given.source_card_id
    text = given.text
    if source is not None:
        card = state.card(source)
        if card is None or card.withdrawn or card.round not in (2, 3):
            raise Rejected(ErrorCode.CONDITION_SOURCE, {"card_id": source})
        text = text or card.text
    cleaned = text.strip()
    if not cleaned or len(cleaned) > MAX_CARD:
        raise Rejected(ErrorCode.BAD_CONDITION, {"max": MAX_CARD})
    return Condition(id=f"k{number}", text=cleaned, source_card_id=source)


@_decide.register
def _(action: A.DraftProposal, state: RoomState) -> Decided:
    _no_open_ballot(state)
    text = action.text.strip()
    if len(text) > MAX_PROPOSAL:
        raise Rejected(ErrorCode.PROPOSAL_TOO_LONG, {"max": MAX_PROPOSAL})
    if len(action.conditions) > MAX_CONDITIONS:
        raise Rejected(ErrorCode.BAD_CONDITION, {"max_conditions": MAX_CONDITIONS})
    counter = state.condition_counter
    kept = {(c.text, c.source_card_id): c for c in state.draft.conditions}
    conditions = []
    for given in action.conditions:
        condition = _condition(state, given, counter + 1)
        # An unchanged condition keeps its id, so versions can be compared line by line;
        # popped, so a condition given twice gets a new id the second time.
        earlier = kept.pop((condition.text, condition.source_card_id), None)
        if earlier is not None:
            conditions.append(earlier)
        else:
            counter += 1
            conditions.append(condition)
    return [
        E.ProposalDrafted(
            at=action.at, text=text, conditions=tuple(conditions), condition_counter=counter
        )
    ]


@_decide.register
def _(action: A.OpenVote, state: RoomState) -> Decided:
    _no_open_ballot(state)
    if not state.draft.text:
        raise Rejected(ErrorCode.PROPOSAL_EMPTY)
    last = state.versions[-1] if state.versions else None
    new_version = None
    if last is None or (last.text, last.conditions) != (state.draft.text, state.draft.conditions):
        new_version = ProposalVersion(
            number=len(state.versions) + 1,
            text=state.draft.text,
            conditions=state.draft.conditions,
            created_at=action.at,
        )
    number = new_version.number if new_version is not None else last.number  # type: ignore[union-attr]
    return [
        E.VoteOpened(
            at=action.at,
            ballot=len(state.ballots) + 1,
            new_version=new_version,
            proposal_version=number,
        )
    ]


@_decide.register
def _(action: A.CastVote, state: RoomState) -> Decided:
    ballot = _open_ballot(state)
    reason, needed = action.reason.strip(), action.needed.strip()
    if action.choice == VoteChoice.BEZWAAR and not reason:
        raise Rejected(ErrorCode.REASON_REQUIRED)
    # Bedenkingen are a short note beside an agreement; an objection may explain more.
    limit = MAX_BEDENKING if action.choice == VoteChoice.EENS_MET_BEDENKINGEN else MAX_REASON
    for text, most in ((reason, limit), (needed, MAX_REASON)):
        if len(text) > most:
            raise Rejected(ErrorCode.REASON_TOO_LONG, {"max": most})
    return [
        E.VoteCast(
            at=action.at,
            ballot=ballot.number,
            player_id=action.actor,
            choice=action.choice,
            reason=reason,
            needed=needed,
        )
    ]


@_decide.register
def _(action: A.CloseVote, state: RoomState) -> Decided:
    ballot = _open_ballot(state)
    return [E.VoteClosed(at=action.at, ballot=ballot.number)]


@_decide.register
def _(action: A.ShowTally, state: RoomState) -> Decided:
    ballot = state.current_ballot()
    if ballot is None:
        raise Rejected(ErrorCode.NO_VOTE_YET)
    if ballot.tally_shown:
        return []
    return [E.TallyShown(at=action.at, ballot=ballot.number)]
