"""The role rotation: balanced rounds and every role once, for any mix of home roles."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from factories import T0, do, room_with_players
from game.engine import actions as A
from game.engine import rotation, rules
from game.engine.errors import ErrorCode
from game.engine.roles import Role
from game.engine.state import FACILITATOR, RoomState
from strategies import home_role_mixes, home_roles


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
        state = do(state, A.NextPhase(actor=FACILITATOR, at=T0 + 1000))
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
        assert result.code == ErrorCode.NOTHING_TO_REBALANCE
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
