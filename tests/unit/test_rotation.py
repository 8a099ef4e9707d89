"""The role rotation: balanced rounds and every role once, for any mix of home roles."""

from collections import Counter
from collections.abc import Iterable
from itertools import permutations, product
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factories import T0, do, make_scenario, room_with_players
from game.engine import actions as A
from game.engine import rotation, rules
from game.engine.errors import ErrorCode
from game.engine.roles import Role
from game.engine.state import FACILITATOR, Phase, Player, RoomState
from strategies import (
    home_role_mixes,
    home_roles,
    room_changes,
    rotated_rounds,
    small_home_role_mixes,
)


def spread_ok(state: RoomState, rounds: range) -> bool:
    for r in rounds:
        counts = rotation.role_counts(state.active_players(), r).values()
        if max(counts) - min(counts) > 1:
            return False
    return True


@settings(max_examples=2000, deadline=None)
@given(home_role_mixes)
def test_start_balances_every_round_and_gives_every_role_once(homes: list[Role]) -> None:
    """At the start, any mix of 3-60 players gets balanced rounds 1-3 and each role once."""
    state = room_with_players(homes)
    assert spread_ok(state, range(1, 4))
    for player in state.players:
        assert sorted(player.rotation) == sorted(Role)
        assert player.role_in(4) == player.home_role


def test_named_mixes_are_balanced() -> None:
    """The cases the issue names: all one home role, 8 raadsleden + 1 ambtenaar, 40 players."""
    for homes in (
        [Role.INWONER] * 7,
        [Role.RAADSLID] * 8 + [Role.AMBTENAAR],
        [Role.INWONER, Role.RAADSLID, Role.AMBTENAAR] * 13 + [Role.INWONER],
    ):
        state = room_with_players(homes)
        for r in (1, 2, 3):
            counts = Counter(p.role_in(r) for p in state.players)
            assert max(counts.values()) - min(counts.values()) <= 1, (len(homes), r, counts)
            assert len(counts) == 3


def test_home_role_comes_last_when_balance_allows() -> None:
    """With one player of each home role, everyone plays their own role in round 3."""
    state = room_with_players([Role.INWONER, Role.RAADSLID, Role.AMBTENAAR])
    assert all(p.rotation[2] == p.home_role for p in state.players)


@settings(max_examples=300, deadline=None)
@given(home_role_mixes, st.lists(home_roles, min_size=1, max_size=6))
def test_late_joiners_in_round_one_keep_both_properties(
    homes: list[Role], late: list[Role]
) -> None:
    """Players joining during round 1 keep every round balanced and play each role once."""
    state = room_with_players(homes)
    for n, home in enumerate(late):
        pid = f"late{n}"
        state = do(
            state, A.Join(actor=pid, at=T0 + 500 + n, player_id=pid, name=pid, home_role=home)
        )
    assert spread_ok(state, range(1, 4))
    assert all(sorted(p.rotation) == sorted(Role) for p in state.players)
    assert rotation.report(state) == ()


@settings(max_examples=300, deadline=None)
@given(
    home_role_mixes,
    st.lists(home_roles, max_size=5),
    st.lists(st.integers(0, 59), max_size=5),
    st.sampled_from([2, 3]),
)
def test_rebalance_restores_balance_for_current_and_remaining_rounds(
    homes: list[Role], late: list[Role], leavers: list[int], join_round: int
) -> None:
    """Joins and leaves after round 1 are reported; a rebalance evens out the rounds left."""
    state = room_with_players(homes)
    while state.round < join_round:
        state = do(state, A.NextPhase(actor=FACILITATOR, at=T0 + 1000, confirm=True))
    played_before = {p.id: p.rotation[: join_round - 1] for p in state.players}
    for n, home in enumerate(late):
        pid = f"late{n}"
        state = do(
            state, A.Join(actor=pid, at=T0 + 2000 + n, player_id=pid, name=pid, home_role=home)
        )
    for index in leavers:
        if index < len(state.players) and state.players[index].active:
            state = do(
                state,
                A.RemovePlayer(actor=FACILITATOR, at=T0 + 3000, player_id=state.players[index].id),
            )
    issues = rotation.report(state)
    if any(p.active and p.joined_round > 1 for p in state.players):
        assert any(i.kind == "missed_role" for i in issues)
    result = rules.apply(state, A.RebalanceRoles(actor=FACILITATOR, at=T0 + 4000))
    if isinstance(result, rules.Rejected):
        # Refused only when no problem is one a rebalance solves, with the true reason.
        issues = rotation.report(state)
        assert not any(i.fixable for i in issues)
        code = ErrorCode.REBALANCE_CANNOT_HELP if issues else ErrorCode.NOTHING_TO_REBALANCE
        assert result.code == code
    else:
        state = result.state
    assert spread_ok(state, range(join_round, 4))
    assert not any(i.kind == "unbalanced" for i in rotation.report(state))
    # Rounds already played never change.
    for player in state.players:
        if player.id in played_before:
            assert player.rotation[: join_round - 1] == played_before[player.id]


def test_one_or_two_players_can_play_and_the_facilitator_is_told_why() -> None:
    """With 1 or 2 players the game starts, and the report says balance is impossible."""
    for homes in ([Role.INWONER], [Role.INWONER, Role.AMBTENAAR]):
        state = room_with_players(homes)
        assert state.round == 1
        kinds = {i.kind for i in rotation.report(state)}
        assert kinds == {"too_few_players"}


def test_an_unbalanced_round_is_named_in_the_report() -> None:
    """After two players of one shift leave, the report names the unbalanced rounds."""
    state = room_with_players([Role.INWONER] * 6)
    same_shift = [p for p in state.players if p.rotation == state.players[0].rotation]
    for player in same_shift:
        state = do(state, A.RemovePlayer(actor=FACILITATOR, at=T0 + 500, player_id=player.id))
    unbalanced = [i.round for i in rotation.report(state) if i.kind == "unbalanced"]
    assert unbalanced == [1, 2, 3]
    state = do(state, A.RebalanceRoles(actor=FACILITATOR, at=T0 + 600))
    assert spread_ok(state, range(1, 4))


# The preferences of a rebalance: never a role already played, keep the current role, and
# the home role last


IN, RA, AM = Role.INWONER, Role.RAADSLID, Role.AMBTENAAR
Plan = tuple[Role | None, Role | None, Role | None]


def changed_room(homes: list[Role], round_number: int, changes: list[tuple[str, Any]]) -> RoomState:
    """A started room moved to `round_number`, after people came and went in it."""
    state = room_with_players(homes)
    at = T0 + 1_000
    while state.round < round_number:
        at += 5_000
        state = do(state, A.NextPhase(actor=FACILITATOR, at=at))
    for n, (kind, value) in enumerate(changes):
        at += 1
        active = state.active_players()
        if kind == "join":
            pid = f"late{n}"
            action: A.AnyAction = A.Join(actor=pid, at=at, player_id=pid, name=pid, home_role=value)
        elif len(active) > 1:
            action = A.RemovePlayer(
                actor=FACILITATOR, at=at, player_id=active[value % len(active)].id
            )
        else:
            continue
        state = do(state, action)
    return state


def repeats(plan: tuple[Role | None, ...]) -> int:
    played = [role for role in plan if role is not None]
    return len(played) - len(set(played))


def moved(state: RoomState, plans: Iterable[tuple[Player, Plan]]) -> int:
    """How many players no longer hold the role they hold now."""
    return sum(1 for p, plan in plans if plan[state.round - 1] != p.rotation[state.round - 1])


def fewest_moves_without_repeats(state: RoomState) -> int | None:
    """The fewest players a balanced spread without any repeated role moves out of their
    current role, found by trying every such spread; None when every balanced spread
    repeats a role."""
    current, active = state.round, state.active_players()
    options = []
    for player in active:
        played = {r for r in player.rotation[: current - 1] if r is not None}
        missing = [r for r in Role if r not in played]
        options.append(list(permutations(missing, 4 - current)))
    best = None
    for choice in product(*options):
        plans = [
            (*p.rotation[: current - 1], *tail) for p, tail in zip(active, choice, strict=True)
        ]
        if all(balanced(plans, r) for r in range(current, 4)):
            moves = moved(state, zip(active, plans, strict=True))  # type: ignore[arg-type]
            best = moves if best is None else min(best, moves)
    return best


def balanced(plans: Iterable[tuple[Role | None, ...]], r: int) -> bool:
    counts = Counter(plan[r - 1] for plan in plans)
    return max(counts[role] for role in Role) - min(counts[role] for role in Role) <= 1


@settings(max_examples=200, deadline=None)
@given(small_home_role_mixes, rotated_rounds, room_changes)
def test_rebalance_never_repeats_a_role_and_moves_the_fewest_players(
    homes: list[Role], round_number: int, changes: list[tuple[str, Any]]
) -> None:
    """When a balanced spread exists in which nobody plays a role twice, the rebalance
    chooses one, and among those one that moves the fewest players out of the role they
    hold now (tried against every spread)."""
    state = changed_room(homes, round_number, changes)
    if len(state.active_players()) > 5 and state.round == 1:
        return  # too many spreads to try them all here; the next test covers round 1
    fewest = fewest_moves_without_repeats(state)
    plans = rotation.rebalance(state)
    assert all(balanced(plans.values(), r) for r in range(state.round, 4))
    if fewest is not None:
        assert all(repeats(plan) == 0 for plan in plans.values())
        assert moved(state, ((p, plans[p.id]) for p in state.active_players())) == fewest


@settings(max_examples=300, deadline=None)
@given(home_role_mixes, st.lists(st.integers(0, 59), min_size=1, max_size=8))
def test_rebalance_in_round_one_never_repeats_a_role(homes: list[Role], leavers: list[int]) -> None:
    """In round 1 nobody has played yet, so any number of players can always be spread
    over the rounds with every role once each (and every round balanced)."""
    state = room_with_players(homes)
    for index in leavers:
        active = state.active_players()
        if len(active) > 3:
            pid = active[index % len(active)].id
            state = do(state, A.RemovePlayer(actor=FACILITATOR, at=T0 + 500, player_id=pid))
    plans = rotation.rebalance(state)
    assert all(sorted(plan) == sorted(Role) for plan in plans.values())
    for r in (1, 2, 3):
        counts = Counter(plan[r - 1] for plan in plans.values())
        assert max(counts.values()) - min(counts.get(role, 0) for role in Role) <= 1


def seat(pid: str, home: Role, plan: Plan) -> Player:
    return Player(id=pid, name=pid, home_role=home, joined_at=T0, joined_round=0, rotation=plan)


def room_at(round_number: int, players: tuple[Player, ...]) -> RoomState:
    return RoomState(
        room_id="r",
        scenario=make_scenario(),
        created_at=T0,
        round=round_number,
        phase=Phase.PLAY,
        players=players,
    )


@pytest.mark.parametrize(
    ("plan", "current", "cost"),
    [
        ((IN, RA, AM), 1, 0),  # as planned, home role (ambtenaar) last
        ((IN, RA, AM), 2, 0),
        ((IN, AM, RA), 2, 100 + 10 + 1),  # moved now, round 3 replanned, home not last
        ((IN, RA, RA), 3, 1000 + 100),  # raadslid twice, and a move; no ambtenaar at all
        ((IN, IN, AM), 2, 1000 + 100),  # inwoner twice; ambtenaar still last
        ((RA, IN, AM), 1, 100 + 10),  # moved in round 1, round 2 replanned
        ((AM, IN, RA), 1, 100 + 10 + 10 + 1),  # everything changed, home role first
        ((IN, RA, IN), 3, 1000 + 100),  # inwoner twice
    ],
)
def test_plan_cost_weighs_each_preference(plan: Plan, current: int, cost: int) -> None:
    """A repeat outweighs any number of moves, a move now outweighs later changes, and
    those outweigh the home role not being last."""
    player = seat("p", AM, (IN, RA, AM))
    assert rotation.plan_cost(player, plan, current) == cost


def test_rebalance_moves_the_players_who_can_move_without_a_repeat() -> None:
    """Round 2, two players on raadslid and two on inwoner: one of each pair moves, and
    nobody plays a role twice (moving the other pair would make them repeat)."""
    players = (
        seat("a", AM, (IN, RA, AM)),
        seat("b", AM, (IN, RA, AM)),
        seat("c", RA, (AM, IN, RA)),
        seat("d", RA, (AM, IN, RA)),
    )
    state = room_at(2, players)
    plans = rotation.rebalance(state)
    assert all(repeats(plan) == 0 for plan in plans.values())
    moved = {p.id for p in players if plans[p.id][1] != p.rotation[1]}
    assert len(moved & {"a", "b"}) == 1 and len(moved & {"c", "d"}) == 1
    for r in (2, 3):
        assert sorted(Counter(plan[r - 1] for plan in plans.values()).values()) == [1, 1, 2]


def test_rebalance_keeps_the_current_role_of_everyone_it_can() -> None:
    """Two players of one shift left in round 1: of the four left, only one moves."""
    state = room_with_players([IN, RA, AM, IN, RA, AM])
    state = do(state, A.RemovePlayer(actor=FACILITATOR, at=T0 + 600, player_id="p1"))
    state = do(state, A.RemovePlayer(actor=FACILITATOR, at=T0 + 700, player_id="p4"))
    assert any(i.kind == "unbalanced" for i in rotation.report(state))
    plans = rotation.rebalance(state)
    kept = [p.id for p in state.active_players() if plans[p.id][0] == p.rotation[0]]
    assert len(kept) == len(state.active_players()) - 1


def test_rebalance_gives_the_home_role_last_when_it_can() -> None:
    """Three players not yet placed get their home role in round 3, and nobody repeats."""
    players = tuple(seat(f"p{n}", home, (None, None, None)) for n, home in enumerate((IN, RA, AM)))
    plans = rotation.rebalance(room_at(1, players))
    assert [plans[p.id][2] for p in players] == [IN, RA, AM]
    assert all(sorted(plan) == sorted(Role) for plan in plans.values())  # type: ignore[type-var]


def test_reflection_kind_follows_the_role_played() -> None:
    """Own home role: 'own'; another role: 'swap'; round 4: 'decision'; no role: None."""
    player = seat("p", RA, (IN, RA, None))
    assert [rotation.reflection_kind(player, r) for r in (0, 1, 2, 3, 4)] == [
        None,
        "swap",
        "own",
        None,
        "decision",
    ]


def test_a_late_joiner_gets_the_home_role_last_when_every_place_is_as_even() -> None:
    """Joining a balanced room of three in round 1, every shift leaves the rounds equally
    even: the one with the home role in round 3 is taken."""
    for home in Role:
        state = room_with_players([IN, RA, AM])
        joiner = A.Join(actor="late", at=T0 + 500, player_id="late", name="Laat", home_role=home)
        state = do(state, joiner)
        player = state.player("late")
        assert player is not None
        assert player.rotation[2] == home
        assert sorted(player.rotation) == sorted(Role)  # type: ignore[type-var]


def test_a_late_joiner_takes_the_place_that_keeps_rounds_even() -> None:
    """Two players in round 1 (shifts 0 and 1): the joiner takes the third shift, even when
    that does not give them their home role last."""
    players = (seat("a", AM, (IN, RA, AM)), seat("b", IN, (RA, AM, IN)))
    state = room_at(1, players)
    assert rotation.late_rotation(state, IN) == (AM, IN, RA)  # home role (inwoner) in round 2
    assert rotation.late_rotation(room_at(2, players), RA) == (None, IN, RA)


def test_report_is_empty_outside_rounds_one_to_three() -> None:
    """The lobby and round 4 have no rotation to report on, whoever joined late."""
    assert rotation.report(room_with_players([IN], started=False)) == ()
    late = room_at(4, (seat("a", IN, (None, None, RA)), seat("b", RA, (IN, RA, AM))))
    assert rotation.report(late) == ()
    assert rotation.report(room_at(3, late.players)) != ()


def test_report_names_the_player_and_roles_missed_and_the_counts_per_round() -> None:
    """A missed role names its player and the roles; an unbalanced round gives its counts."""
    state = room_at(
        2,
        (
            seat("a", IN, (IN, RA, AM)),
            seat("b", IN, (IN, RA, AM)),
            seat("c", RA, (None, AM, IN)),
        ),
    )
    issues = {(i.kind, i.round, i.player_id): i for i in rotation.report(state)}
    missed = issues[("missed_role", None, "c")]
    assert missed.roles == ("raadslid",)
    unbalanced = issues[("unbalanced", 2, None)]
    assert dict(unbalanced.counts) == {"inwoner": 0, "raadslid": 2, "ambtenaar": 1}
    assert unbalanced.fixable and not missed.fixable
    assert issues[("unbalanced", 3, None)].counts == (
        ("inwoner", 1),
        ("raadslid", 0),
        ("ambtenaar", 2),
    )


def test_a_rebalance_keeps_the_rounds_a_late_joiner_missed_empty() -> None:
    """A player who joined in round 2 keeps no role in round 1 and two different roles after."""
    state = room_at(
        2,
        (
            seat("a", IN, (IN, RA, AM)),
            seat("b", IN, (IN, RA, AM)),
            seat("c", RA, (None, RA, AM)),
        ),
    )
    plans = rotation.rebalance(state)
    assert plans["c"][0] is None
    assert plans["c"][1] is not None and plans["c"][2] is not None
    assert plans["c"][1] != plans["c"][2]
    assert all(len(plan) == 3 for plan in plans.values())
    for r in (2, 3):
        assert sorted(Counter(plan[r - 1] for plan in plans.values()).values()) == [1, 1, 1]
