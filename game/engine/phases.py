"""The steps of a game and what each allows, as tables the rules read."""

from dataclasses import dataclass

from game.engine.state import Phase, RoomState

Step = tuple[int, Phase]  # (round, phase)

LOBBY: Step = (0, Phase.LOBBY)


def steps(has_options: bool) -> tuple[Step, ...]:
    """Every step of a game in order; round 4 scores fixed options only when there are some."""
    round_four: tuple[Step, ...] = ((4, Phase.SCORING),) if has_options else ()
    round_four += ((4, Phase.PLAY), (4, Phase.DECISION), (4, Phase.REFLECTION))
    rounds_one_to_three = tuple(
        (number, phase) for number in (1, 2, 3) for phase in (Phase.PLAY, Phase.REFLECTION)
    )
    return (LOBBY, *rounds_one_to_three, *round_four)


def neighbour(state: RoomState, offset: int) -> Step | None:
    """The step `offset` away from the current one, or None past either end.

    Stepping back never returns to the lobby: the rotation was fixed when the game started.
    """
    order = steps(bool(state.scenario.options))
    index = order.index((state.round, state.phase)) + offset
    if index < 1 or index >= len(order):
        return None
    return order[index]


@dataclass(frozen=True)
class Allowed:
    """Who may send an action, and when."""

    by_facilitator: bool  # True: only the facilitator; False: only a seated player
    phases: frozenset[Phase]
    rounds: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    while_paused: bool = True


_ALL_OPEN = frozenset(Phase) - {Phase.CLOSED}
_STARTED = _ALL_OPEN - {Phase.LOBBY}
_PLAYING = frozenset({Phase.PLAY, Phase.DECISION})

# The table the rules read first: an action outside its phases is refused with wrong_phase.
ALLOWED: dict[str, Allowed] = {
    "join": Allowed(False, _ALL_OPEN),
    "leave": Allowed(False, _ALL_OPEN),
    "rename": Allowed(False, _ALL_OPEN),
    "set_home_role": Allowed(False, frozenset({Phase.LOBBY})),
    "start": Allowed(True, frozenset({Phase.LOBBY})),
    "next_phase": Allowed(True, _ALL_OPEN),
    "previous_phase": Allowed(True, _STARTED),
    "pause_game": Allowed(True, _STARTED),
    "resume_game": Allowed(True, _STARTED),
    "set_timer": Allowed(True, _ALL_OPEN),
    "pause_timer": Allowed(True, _ALL_OPEN),
    "resume_timer": Allowed(True, _ALL_OPEN),
    "extend_timer": Allowed(True, _ALL_OPEN),
    "highlight_card": Allowed(True, _STARTED),
    "merge_cards": Allowed(True, _STARTED),
    "unmerge_card": Allowed(True, _STARTED),
    "hide_card": Allowed(True, _STARTED),
    "rebalance_roles": Allowed(True, _STARTED, rounds=frozenset({1, 2, 3})),
    "set_player_home_role": Allowed(True, _ALL_OPEN, rounds=frozenset({0, 1, 2, 3})),
    "add_paper_player": Allowed(True, _ALL_OPEN),
    "remove_player": Allowed(True, _ALL_OPEN),
    "set_setting": Allowed(True, _ALL_OPEN),
    "close_game": Allowed(True, _STARTED),
    "post_card": Allowed(False, frozenset({Phase.PLAY}), while_paused=False),
    "edit_card": Allowed(False, frozenset({Phase.PLAY}), while_paused=False),
    "withdraw_card": Allowed(False, frozenset({Phase.PLAY}), while_paused=False),
    "react": Allowed(False, _PLAYING, while_paused=False),
    "save_reflection": Allowed(False, frozenset({Phase.REFLECTION}), while_paused=False),
    "score_option": Allowed(False, frozenset({Phase.SCORING}), while_paused=False),
    "draft_proposal": Allowed(True, _PLAYING, rounds=frozenset({4})),
    "open_vote": Allowed(True, frozenset({Phase.DECISION}), rounds=frozenset({4})),
    "cast_vote": Allowed(False, frozenset({Phase.DECISION}), while_paused=False),
    "close_vote": Allowed(True, frozenset({Phase.DECISION})),
    "show_tally": Allowed(True, frozenset({Phase.DECISION, Phase.REFLECTION})),
}
