"""Timers as data: (started_at, duration, paused remaining) set, paused, resumed and extended
by actions that carry the server's time; the remaining time is computed at any later `now`."""

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from factories import T0, make_scenario, room_with_players
from game.engine import actions as A
from game.engine import codec, replay, rules
from game.engine import events as E
from game.engine.errors import ErrorCode
from game.engine.roles import Role
from game.engine.state import (
    FACILITATOR,
    MAX_TIMER_S,
    MAX_TIMER_TOTAL_S,
    MIN_TIMER_S,
    Phase,
    RoomState,
    Timer,
)

F = FACILITATOR
THREE = [Role.INWONER, Role.RAADSLID, Role.AMBTENAAR]
S = 1_000  # one second in ms
MINUTE = 60 * S
START = T0 + 1_000_000  # when the timer under test is set


def play() -> RoomState:
    return room_with_players(THREE)


def ok(state: RoomState, action: A.AnyAction) -> RoomState:
    """Apply an accepted action, checking the input state was not changed."""
    before = copy.deepcopy(state)
    result = rules.apply(state, action)
    assert isinstance(result, rules.Accepted), result
    assert state == before
    return result.state


def refused(state: RoomState, action: A.AnyAction, code: ErrorCode) -> None:
    before = copy.deepcopy(state)
    result = rules.apply(state, action)
    assert isinstance(result, rules.Rejected), result
    assert result.code == code
    assert state == before


def timed(seconds: int = 120) -> RoomState:
    return ok(play(), A.SetTimer(actor=F, at=START, seconds=seconds))


# The Timer value itself


def test_remaining_counts_down_from_started_at() -> None:
    """A running timer's remaining time is duration minus the time since it started."""
    timer = Timer(started_at=START, duration_ms=120 * S)
    assert timer.running
    assert timer.remaining_ms(START) == 120 * S
    assert timer.remaining_ms(START + 1) == 120 * S - 1
    assert timer.remaining_ms(START + 45 * S) == 75 * S
    assert timer.remaining_ms(START + 120 * S) == 0


def test_remaining_never_goes_below_zero() -> None:
    """Long after time is up the remaining time is 0, not negative."""
    timer = Timer(started_at=START, duration_ms=10 * S)
    assert timer.remaining_ms(START + 10 * S + 1) == 0
    assert timer.remaining_ms(START + 10**9) == 0


def test_paused_timer_keeps_its_remaining_time() -> None:
    """A paused timer shows its paused remaining time at any later moment."""
    timer = Timer(started_at=START, duration_ms=120 * S, paused_remaining_ms=33 * S)
    assert not timer.running
    for now in (START, START + 200 * S, START + 10**9):
        assert timer.remaining_ms(now) == 33 * S


# Set


def test_set_timer_stores_start_and_duration() -> None:
    """Setting a timer stores the action's time and the duration in ms, running."""
    state = timed(90)
    assert state.timer == Timer(started_at=START, duration_ms=90 * S)


def test_set_timer_replaces_a_running_one() -> None:
    """Setting a timer again starts over with the new duration."""
    state = ok(timed(300), A.SetTimer(actor=F, at=START + 100 * S, seconds=60))
    assert state.timer == Timer(started_at=START + 100 * S, duration_ms=60 * S)


def test_set_timer_range_is_inclusive() -> None:
    """The shortest and longest timers are allowed; one second beyond either is refused."""
    ok(play(), A.SetTimer(actor=F, at=START, seconds=MIN_TIMER_S))
    ok(play(), A.SetTimer(actor=F, at=START, seconds=MAX_TIMER_S))
    refused(
        play(), A.SetTimer(actor=F, at=START, seconds=MIN_TIMER_S - 1), ErrorCode.TIMER_OUT_OF_RANGE
    )
    refused(
        play(), A.SetTimer(actor=F, at=START, seconds=MAX_TIMER_S + 1), ErrorCode.TIMER_OUT_OF_RANGE
    )
    refused(play(), A.SetTimer(actor=F, at=START, seconds=-60), ErrorCode.TIMER_OUT_OF_RANGE)


def test_only_the_facilitator_sets_timers() -> None:
    """A player cannot set, pause, resume or extend a timer."""
    for action in (
        A.SetTimer(actor="p1", at=START, seconds=60),
        A.PauseTimer(actor="p1", at=START),
        A.ResumeTimer(actor="p1", at=START),
        A.ExtendTimer(actor="p1", at=START),
    ):
        refused(timed(), action, ErrorCode.NOT_FACILITATOR)


# Pause and resume the timer


def test_pause_timer_freezes_the_remaining_time() -> None:
    """Pausing stores the remaining time at the moment of the pause."""
    result = rules.apply(timed(120), A.PauseTimer(actor=F, at=START + 45 * S))
    assert isinstance(result, rules.Accepted)
    assert result.events == (E.TimerPaused(at=START + 45 * S, remaining_ms=75 * S),)
    timer = result.state.timer
    assert timer is not None and not timer.running
    assert timer.remaining_ms(START + 45 * S) == 75 * S
    assert timer.remaining_ms(START + 500 * S) == 75 * S


def test_resume_timer_counts_on_from_the_paused_time() -> None:
    """Resuming starts a countdown of the paused remaining time from the resume moment."""
    state = ok(timed(120), A.PauseTimer(actor=F, at=START + 45 * S))
    state = ok(state, A.ResumeTimer(actor=F, at=START + 300 * S))
    timer = state.timer
    assert timer is not None and timer.running
    assert timer.remaining_ms(START + 300 * S) == 75 * S
    assert timer.remaining_ms(START + 310 * S) == 65 * S
    assert timer.remaining_ms(START + 400 * S) == 0


def test_pause_and_resume_refuse_the_wrong_state() -> None:
    """A paused timer cannot be paused again, a running one not resumed; no timer: no_timer."""
    refused(timed(), A.ResumeTimer(actor=F, at=START), ErrorCode.TIMER_STATE)
    paused = ok(timed(), A.PauseTimer(actor=F, at=START + S))
    refused(paused, A.PauseTimer(actor=F, at=START + 2 * S), ErrorCode.TIMER_STATE)
    for action in (
        A.PauseTimer(actor=F, at=START),
        A.ResumeTimer(actor=F, at=START),
        A.ExtendTimer(actor=F, at=START),
    ):
        refused(play(), action, ErrorCode.NO_TIMER)


def test_expired_timer_can_still_be_paused_at_zero() -> None:
    """Pausing after time is up stores 0 remaining, not a negative number."""
    state = ok(timed(10), A.PauseTimer(actor=F, at=START + 99 * S))
    assert state.timer is not None and state.timer.paused_remaining_ms == 0


# Extend


def test_extend_running_timer_adds_to_what_is_left() -> None:
    """Extending a running timer by a minute adds a minute to the remaining time."""
    state = ok(timed(120), A.ExtendTimer(actor=F, at=START + 20 * S))
    assert state.timer is not None and state.timer.running
    assert state.timer.remaining_ms(START + 20 * S) == 160 * S
    assert state.timer.remaining_ms(START + 100 * S) == 80 * S


def test_one_more_minute_after_time_is_up_gives_a_full_minute() -> None:
    """'One more minute' long after the timer ran out gives 60 s from that moment."""
    at = START + 500 * S  # the 120 s ran out 380 s ago
    state = ok(timed(120), A.ExtendTimer(actor=F, at=at))
    assert state.timer is not None
    assert state.timer.remaining_ms(at) == MINUTE
    assert state.timer.remaining_ms(at + 30 * S) == 30 * S


def test_extend_paused_timer_stays_paused() -> None:
    """Extending a paused timer adds to its paused remaining time and keeps it paused."""
    state = ok(timed(120), A.PauseTimer(actor=F, at=START + 100 * S))
    state = ok(state, A.ExtendTimer(actor=F, at=START + 200 * S, seconds=30))
    assert state.timer is not None and not state.timer.running
    assert state.timer.remaining_ms(START + 900 * S) == 50 * S


def test_extend_default_is_one_minute() -> None:
    """An extension without seconds adds 60 seconds."""
    result = rules.apply(timed(), A.ExtendTimer(actor=F, at=START))
    assert isinstance(result, rules.Accepted)
    assert result.events == (E.TimerExtended(at=START, extra_ms=MINUTE),)


def test_extension_is_limited() -> None:
    """An extension below the minimum, above the maximum, or past the total cap is refused."""
    refused(
        timed(),
        A.ExtendTimer(actor=F, at=START, seconds=MIN_TIMER_S - 1),
        ErrorCode.TIMER_OUT_OF_RANGE,
    )
    refused(
        timed(),
        A.ExtendTimer(actor=F, at=START, seconds=MAX_TIMER_S + 1),
        ErrorCode.TIMER_OUT_OF_RANGE,
    )
    full = timed(MAX_TIMER_S)
    state = ok(full, A.ExtendTimer(actor=F, at=START, seconds=MAX_TIMER_TOTAL_S - MAX_TIMER_S))
    assert state.timer is not None and state.timer.remaining_ms(START) == MAX_TIMER_TOTAL_S * S
    refused(
        state, A.ExtendTimer(actor=F, at=START, seconds=MIN_TIMER_S), ErrorCode.TIMER_OUT_OF_RANGE
    )


# Pausing the game


def test_pausing_the_game_stops_a_running_timer_and_resuming_restarts_it() -> None:
    """Pause game at 45 s of 120 s: 75 s stay frozen; resume later counts the 75 s down."""
    state = ok(timed(120), A.PauseGame(actor=F, at=START + 45 * S))
    assert state.paused and state.timer is not None and not state.timer.running
    assert state.timer.remaining_ms(START + 1_000 * S) == 75 * S
    state = ok(state, A.ResumeGame(actor=F, at=START + 1_000 * S))
    assert not state.paused and state.timer is not None and state.timer.running
    assert state.timer.remaining_ms(START + 1_000 * S) == 75 * S
    assert state.timer.remaining_ms(START + 1_070 * S) == 5 * S


def test_game_pause_event_carries_the_remaining_time() -> None:
    """The GamePaused event records the stopped timer's remaining time, so replay needs no clock."""
    result = rules.apply(timed(120), A.PauseGame(actor=F, at=START + 20 * S))
    assert isinstance(result, rules.Accepted)
    assert result.events == (E.GamePaused(at=START + 20 * S, timer_remaining_ms=100 * S),)


def test_timer_paused_by_the_facilitator_stays_paused_after_the_game_resumes() -> None:
    """Resuming the game does not start a timer the facilitator had paused on purpose."""
    state = ok(timed(120), A.PauseTimer(actor=F, at=START + 10 * S))
    state = ok(state, A.PauseGame(actor=F, at=START + 20 * S))
    state = ok(state, A.ResumeGame(actor=F, at=START + 30 * S))
    assert state.timer is not None and not state.timer.running
    assert state.timer.remaining_ms(START + 999 * S) == 110 * S


def test_timer_set_during_a_pause_starts_when_the_game_resumes() -> None:
    """A timer set while the game is paused waits, full, until the game resumes."""
    state = ok(play(), A.PauseGame(actor=F, at=START))
    state = ok(state, A.SetTimer(actor=F, at=START + 10 * S, seconds=60))
    assert state.timer is not None and state.timer.remaining_ms(START + 500 * S) == MINUTE
    state = ok(state, A.ResumeGame(actor=F, at=START + 500 * S))
    assert state.timer is not None and state.timer.remaining_ms(START + 530 * S) == 30 * S


def test_timer_cannot_be_resumed_while_the_game_is_paused() -> None:
    """While the game is paused, resuming its timer is refused (timer_state)."""
    state = ok(timed(), A.PauseGame(actor=F, at=START + S))
    refused(state, A.ResumeTimer(actor=F, at=START + 2 * S), ErrorCode.TIMER_STATE)


def test_extending_during_a_game_pause_is_kept_on_resume() -> None:
    """A minute added while the game is paused is there when the game resumes."""
    state = ok(timed(120), A.PauseGame(actor=F, at=START + 100 * S))
    state = ok(state, A.ExtendTimer(actor=F, at=START + 200 * S))
    state = ok(state, A.ResumeGame(actor=F, at=START + 300 * S))
    assert state.timer is not None and state.timer.remaining_ms(START + 300 * S) == 80 * S


# Phase changes


def test_next_phase_clears_the_timer() -> None:
    """Moving to the next step removes the timer: a countdown never runs into the next step."""
    state = ok(timed(), A.NextPhase(actor=F, at=START + S))
    assert state.phase == Phase.REFLECTION and state.timer is None


def test_previous_phase_clears_the_timer() -> None:
    """Moving back a step also removes the timer."""
    state = ok(timed(), A.NextPhase(actor=F, at=START + S))
    state = ok(state, A.SetTimer(actor=F, at=START + 2 * S, seconds=60))
    state = ok(state, A.PreviousPhase(actor=F, at=START + 4 * S))  # past the step guard
    assert state.phase == Phase.PLAY and state.timer is None


def test_phase_change_during_a_game_pause_clears_the_paused_timer() -> None:
    """A timer stopped by a game pause does not come back in the next step."""
    state = ok(timed(), A.PauseGame(actor=F, at=START + S))
    state = ok(state, A.NextPhase(actor=F, at=START + 2 * S))
    state = ok(state, A.ResumeGame(actor=F, at=START + 3 * S))
    assert state.timer is None


def test_starting_the_game_clears_a_lobby_timer() -> None:
    """A timer set in the lobby does not run on into round 1 (start is a phase change)."""
    lobby = room_with_players(THREE, started=False)
    lobby = ok(lobby, A.SetTimer(actor=F, at=START, seconds=300))
    for start in (A.Start(actor=F, at=START + S), A.NextPhase(actor=F, at=START + S)):
        state = ok(lobby, start)
        assert (state.round, state.phase) == (1, Phase.PLAY)
        assert state.timer is None, state.timer


def test_closing_the_game_clears_the_timer() -> None:
    """A closed game has no timer."""
    state = ok(timed(), A.CloseGame(actor=F, at=START + S))
    assert state.timer is None


# After a restart


def _timer_log() -> tuple[RoomState, list[E.AnyEvent]]:
    """A room whose log has a timer set, paused, extended and resumed."""
    created = rules.create_room("room-t", make_scenario(), T0)
    state, log = created.state, list(created.events)
    actions = [
        A.Join(actor="p1", at=T0 + 1, player_id="p1", name="Een", home_role=Role.INWONER),
        A.Start(actor=F, at=T0 + 2),
        A.SetTimer(actor=F, at=START, seconds=300),
        A.PauseGame(actor=F, at=START + 40 * S),
        A.ExtendTimer(actor=F, at=START + 50 * S, seconds=30),
        A.ResumeGame(actor=F, at=START + 90 * S),
    ]
    for action in actions:
        result = rules.apply(state, action)
        assert isinstance(result, rules.Accepted), result
        state, log = result.state, log + list(result.events)
    return state, log


def test_remaining_time_survives_a_restart() -> None:
    """Rebuilt from its JSON log, a room shows the same remaining time at any later moment."""
    state, log = _timer_log()
    stored = json.loads(json.dumps([codec.event_to_json(e) for e in log]))
    rebuilt = replay.fold(codec.event_from_json(d) for d in stored)
    assert rebuilt == state
    snapshot = codec.state_from_json(json.loads(json.dumps(codec.state_to_json(state))))
    assert snapshot.timer == state.timer
    for later in (START + 90 * S, START + 200 * S, START + 10_000 * S):
        assert rebuilt.timer is not None and snapshot.timer is not None
        assert rebuilt.timer.remaining_ms(later) == snapshot.timer.remaining_ms(later)
    # 300 s - 40 s run + 30 s added = 290 s left at the resume.
    assert rebuilt.timer is not None and rebuilt.timer.remaining_ms(START + 190 * S) == 190 * S


@settings(max_examples=60, deadline=None)
@given(
    duration=st.integers(MIN_TIMER_S, MAX_TIMER_S),
    gaps=st.lists(st.integers(0, 400 * S), min_size=1, max_size=8),
    by_game=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_remaining_is_duration_minus_running_time(
    duration: int, gaps: list[int], by_game: list[bool]
) -> None:
    """After any pauses and resumes (of timer or game), remaining = duration - time run."""
    state = ok(play(), A.SetTimer(actor=F, at=START, seconds=duration))
    now, ran, running = START, 0, True
    for index, gap in enumerate(gaps):
        now += gap
        if running:
            ran += gap
        game = by_game[index]
        if running:
            pause = A.PauseGame(actor=F, at=now) if game else A.PauseTimer(actor=F, at=now)
            state = ok(state, pause)
        elif state.paused:
            state = ok(state, A.ResumeGame(actor=F, at=now))
        else:
            state = ok(state, A.ResumeTimer(actor=F, at=now))
        running = not running
        assert state.timer is not None
        assert state.timer.running == running
        assert state.timer.remaining_ms(now) == max(0, duration * S - ran)
