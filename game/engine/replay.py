"""Folding events into state: the only way a RoomState changes.

`rules.apply` decides which events an action produces and then folds them with `evolve`,
so a state rebuilt from the log is equal, field by field, to the one the game played.
"""

from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import singledispatch

from game.engine import events as E
from game.engine.state import (
    Ballot,
    Card,
    DealtSecret,
    Phase,
    Player,
    ProposalDraft,
    Reaction,
    Reflection,
    RoomState,
    Score,
    Timer,
    Vote,
)


def fold(events: Iterable[E.AnyEvent], start: RoomState | None = None) -> RoomState:
    """Rebuild a room from its events, optionally continuing from a snapshot."""
    state = start
    for event in events:
        state = evolve(state, event)
    if state is None:
        raise ValueError("a room's log starts with room_created")
    return state


def evolve(state: RoomState | None, event: E.AnyEvent) -> RoomState:
    """Fold one event into the state; every event bumps the version by one."""
    if isinstance(event, E.RoomCreated):
        if state is not None:
            raise ValueError("room_created can only be the first event")
        return RoomState(
            room_id=event.room_id,
            scenario=event.scenario,
            created_at=event.at,
            settings=event.settings,
            version=1,
        )
    if state is None:
        raise ValueError("a room's log starts with room_created")
    return replace(_change(event, state), version=state.version + 1)


@singledispatch
def _change(event: E.Event, state: RoomState) -> RoomState:
    raise TypeError(f"no fold for {type(event).__name__}")


# The helpers below take a function that changes one item, written with `replace(item,
# field=...)` at the call site, so the type checker sees every field name and value.


def _with_player(state: RoomState, player_id: str, change: Callable[[Player], Player]) -> RoomState:
    players = tuple(change(p) if p.id == player_id else p for p in state.players)
    return replace(state, players=players)


def _with_card(state: RoomState, card_id: str, change: Callable[[Card], Card]) -> RoomState:
    cards = tuple(change(c) if c.id == card_id else c for c in state.cards)
    return replace(state, cards=cards)


def _with_rotations(state: RoomState, rotations: tuple[E.PlayerRotation, ...]) -> RoomState:
    by_id = {r.player_id: r.rotation for r in rotations}
    players = tuple(replace(p, rotation=by_id[p.id]) if p.id in by_id else p for p in state.players)
    return replace(state, players=players)


def _with_ballot(state: RoomState, number: int, change: Callable[[Ballot], Ballot]) -> RoomState:
    ballots = tuple(change(b) if b.number == number else b for b in state.ballots)
    return replace(state, ballots=ballots)


@_change.register
def _(event: E.PlayerJoined, state: RoomState) -> RoomState:
    player = Player(
        id=event.player_id,
        name=event.name,
        home_role=event.home_role,
        joined_at=event.at,
        joined_round=event.joined_round,
        rotation=event.rotation,
        on_paper=event.on_paper,
    )
    return replace(state, players=(*state.players, player))


@_change.register
def _(event: E.PlayerLeft, state: RoomState) -> RoomState:
    return _with_player(
        state, event.player_id, lambda p: replace(p, active=False, left_reason=event.reason)
    )


@_change.register
def _(event: E.PlayerRenamed, state: RoomState) -> RoomState:
    return _with_player(state, event.player_id, lambda p: replace(p, name=event.name))


@_change.register
def _(event: E.HomeRoleChanged, state: RoomState) -> RoomState:
    return _with_player(state, event.player_id, lambda p: replace(p, home_role=event.role))


@_change.register
def _(event: E.GameStarted, state: RoomState) -> RoomState:
    started = _with_rotations(state, event.rotations)
    return replace(
        started,
        round=1,
        phase=Phase.PLAY,
        step_changed_at=event.at,
        timer=None,
        timer_paused_by_game=False,
    )


@_change.register
def _(event: E.SecretsDealt, state: RoomState) -> RoomState:
    dealt = tuple(
        DealtSecret(
            player_id=deal.player_id,
            secret_id=secret_id,
            role=deal.role,
            round=event.round,
            at=event.at,
        )
        for deal in event.deals
        for secret_id in deal.secret_ids
    )
    return replace(state, dealt=(*state.dealt, *dealt))


@_change.register
def _(event: E.PhaseChanged, state: RoomState) -> RoomState:
    # Each step of the game gets its own timer: a countdown never runs into the next step.
    return replace(
        state,
        round=event.round,
        phase=Phase(event.phase),
        step_changed_at=event.at,
        timer=None,
        timer_paused_by_game=False,
    )


@_change.register
def _(event: E.RolesRebalanced, state: RoomState) -> RoomState:
    return _with_rotations(state, event.rotations)


@_change.register
def _(event: E.GamePaused, state: RoomState) -> RoomState:
    if event.timer_remaining_ms is None or state.timer is None:
        return replace(state, paused=True)
    timer = replace(state.timer, paused_remaining_ms=event.timer_remaining_ms)
    return replace(state, paused=True, timer=timer, timer_paused_by_game=True)


@_change.register
def _(event: E.GameResumed, state: RoomState) -> RoomState:
    timer = state.timer
    if state.timer_paused_by_game and timer is not None:
        timer = _resumed(timer, event.at)
    return replace(state, paused=False, timer=timer, timer_paused_by_game=False)


def _resumed(timer: Timer, at: int) -> Timer:
    return Timer(started_at=at, duration_ms=timer.remaining_ms(at))


@_change.register
def _(event: E.TimerSet, state: RoomState) -> RoomState:
    timer = Timer(started_at=event.at, duration_ms=event.duration_ms)
    if state.paused:  # set during a pause: it starts counting when the game resumes
        timer = replace(timer, paused_remaining_ms=event.duration_ms)
    return replace(state, timer=timer, timer_paused_by_game=state.paused)


@_change.register
def _(event: E.TimerPaused, state: RoomState) -> RoomState:
    assert state.timer is not None
    timer = replace(state.timer, paused_remaining_ms=event.remaining_ms)
    return replace(state, timer=timer, timer_paused_by_game=False)


@_change.register
def _(event: E.TimerResumed, state: RoomState) -> RoomState:
    assert state.timer is not None
    return replace(state, timer=_resumed(state.timer, event.at))


@_change.register
def _(event: E.TimerExtended, state: RoomState) -> RoomState:
    timer = state.timer
    assert timer is not None
    if timer.paused_remaining_ms is not None:
        timer = replace(timer, paused_remaining_ms=timer.paused_remaining_ms + event.extra_ms)
    else:
        # Counted from now, so "one more minute" after time is up gives a full minute.
        timer = Timer(
            started_at=event.at, duration_ms=timer.remaining_ms(event.at) + event.extra_ms
        )
    return replace(state, timer=timer)


@_change.register
def _(event: E.CardPosted, state: RoomState) -> RoomState:
    card = Card(
        id=event.card_id,
        round=event.round,
        author_id=event.author_id,
        role=event.role,
        text=event.text,
        created_at=event.at,
        via_facilitator=event.via_facilitator,
    )
    return replace(state, cards=(*state.cards, card))


@_change.register
def _(event: E.CardEdited, state: RoomState) -> RoomState:
    return _with_card(
        state, event.card_id, lambda c: replace(c, text=event.text, edited_at=event.at)
    )


@_change.register
def _(event: E.CardWithdrawn, state: RoomState) -> RoomState:
    return _with_card(state, event.card_id, lambda c: replace(c, withdrawn=True))


@_change.register
def _(event: E.ReactionAdded, state: RoomState) -> RoomState:
    reaction = Reaction(card_id=event.card_id, player_id=event.player_id, kind=event.kind)
    return replace(state, reactions=(*state.reactions, reaction))


@_change.register
def _(event: E.ReactionRemoved, state: RoomState) -> RoomState:
    gone = Reaction(card_id=event.card_id, player_id=event.player_id, kind=event.kind)
    return replace(state, reactions=state.reactions_without(gone))


@_change.register
def _(event: E.CardHighlighted, state: RoomState) -> RoomState:
    return _with_card(state, event.card_id, lambda c: replace(c, highlighted=event.on))


@_change.register
def _(event: E.CardsMerged, state: RoomState) -> RoomState:
    return _with_card(state, event.card_id, lambda c: replace(c, merged_into=event.into_id))


@_change.register
def _(event: E.CardUnmerged, state: RoomState) -> RoomState:
    return _with_card(state, event.card_id, lambda c: replace(c, merged_into=None))


@_change.register
def _(event: E.CardHidden, state: RoomState) -> RoomState:
    return _with_card(state, event.card_id, lambda c: replace(c, hidden=event.hidden))


@_change.register
def _(event: E.SettingChanged, state: RoomState) -> RoomState:
    return replace(state, settings=replace(state.settings, **{event.name: event.value}))


@_change.register
def _(event: E.ReflectionSaved, state: RoomState) -> RoomState:
    reflection = Reflection(
        player_id=event.player_id,
        round=event.round,
        text=event.text,
        shared=event.shared,
        saved_at=event.at,
        via_facilitator=event.via_facilitator,
    )
    others = tuple(
        r
        for r in state.reflections
        if not (r.player_id == event.player_id and r.round == event.round)
    )
    return replace(state, reflections=(*others, reflection))


@_change.register
def _(event: E.OptionScored, state: RoomState) -> RoomState:
    score = Score(player_id=event.player_id, option_id=event.option_id, score=event.score)
    others = tuple(
        s
        for s in state.scores
        if not (s.player_id == event.player_id and s.option_id == event.option_id)
    )
    return replace(state, scores=(*others, score))


@_change.register
def _(event: E.ProposalDrafted, state: RoomState) -> RoomState:
    draft = ProposalDraft(text=event.text, conditions=event.conditions)
    return replace(state, draft=draft, condition_counter=event.condition_counter)


@_change.register
def _(event: E.VoteOpened, state: RoomState) -> RoomState:
    versions = state.versions if event.new_version is None else (*state.versions, event.new_version)
    ballot = Ballot(
        number=event.ballot, proposal_version=event.proposal_version, opened_at=event.at
    )
    return replace(state, versions=versions, ballots=(*state.ballots, ballot))


@_change.register
def _(event: E.VoteCast, state: RoomState) -> RoomState:
    ballot = next(b for b in state.ballots if b.number == event.ballot)
    vote = Vote(
        player_id=event.player_id,
        choice=event.choice,
        reason=event.reason,
        needed=event.needed,
        at=event.at,
        via_facilitator=event.via_facilitator,
    )
    # A changed vote replaces the earlier one: the last word counts.
    votes = (*(v for v in ballot.votes if v.player_id != event.player_id), vote)
    return _with_ballot(state, event.ballot, lambda b: replace(b, votes=votes))


@_change.register
def _(event: E.VoteClosed, state: RoomState) -> RoomState:
    return _with_ballot(state, event.ballot, lambda b: replace(b, closed_at=event.at))


@_change.register
def _(event: E.TallyShown, state: RoomState) -> RoomState:
    return _with_ballot(state, event.ballot, lambda b: replace(b, tally_shown=True))


@_change.register
def _(event: E.GameClosed, state: RoomState) -> RoomState:
    return replace(state, phase=Phase.CLOSED, closed_at=event.at, timer=None)
