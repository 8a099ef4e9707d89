"""Who plays which role in rounds 1-3.

Each player gets a cyclic shift `s` of ROLE_ORDER: their role in round r is
ROLE_ORDER[(s + r - 1) % 3]. A player with any shift plays every role once, and in each
round the number of players per role is the number of players per shift, permuted. So
keeping the shift counts within one of each other balances every round, whatever the
mix of home roles.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from game.engine.roles import ROLE_ORDER, Role
from game.engine.state import Player, RoomState

Rotation = tuple[Role | None, Role | None, Role | None]
ROTATED_ROUNDS = (1, 2, 3)


def rotation_for_shift(shift: int, from_round: int = 1) -> Rotation:
    """The roles of a player with this shift, from `from_round` on (None before it)."""
    roles = [ROLE_ORDER[(shift + r - 1) % 3] if r >= from_round else None for r in (1, 2, 3)]
    return (roles[0], roles[1], roles[2])


def _preferred_shift(home_role: Role) -> int:
    # The home role comes last (round 3), so a player starts in someone else's shoes.
    return (ROLE_ORDER.index(home_role) - 2) % 3


def initial_rotations(players: Sequence[Player]) -> dict[str, Rotation]:
    """Balanced shifts for everyone present at the start, in join order."""
    total = len(players)
    base, extra = divmod(total, 3)
    counts = [0, 0, 0]
    rotations: dict[str, Rotation] = {}
    for player in players:
        preferred = _preferred_shift(player.home_role)
        for shift in (preferred, (preferred + 1) % 3, (preferred + 2) % 3):
            full_shifts = sum(1 for c in counts if c > base)
            if counts[shift] < base or (counts[shift] == base and full_shifts < extra):
                counts[shift] += 1
                rotations[player.id] = rotation_for_shift(shift)
                break
    return rotations


def role_counts(players: Iterable[Player], round_number: int) -> dict[Role, int]:
    """How many active players hold each role in a round."""
    counts = Counter(p.role_in(round_number) for p in players if p.active)
    return {role: counts.get(role, 0) for role in ROLE_ORDER}


def _spread(counts: dict[Role, int]) -> int:
    return max(counts.values()) - min(counts.values())


def late_rotation(state: RoomState, home_role: Role) -> Rotation:
    """A place for someone joining during round `state.round` (1-3).

    Take the shift that keeps the current and remaining rounds most even; among equals,
    the one that keeps the home role for last.
    """
    current = state.round
    active = state.active_players()

    def cost(shift: int) -> tuple[int, int]:
        rotation = rotation_for_shift(shift, from_round=current)
        worst = 0
        for r in range(current, 4):
            counts = role_counts(active, r)
            role = rotation[r - 1]
            assert role is not None
            counts[role] += 1
            worst = max(worst, _spread(counts))
        return (worst, 0 if shift == _preferred_shift(home_role) else 1)

    best = min(range(3), key=cost)
    return rotation_for_shift(best, from_round=current)


@dataclass(frozen=True)
class RotationIssue:
    """Something the facilitator should know about the spread of roles."""

    kind: str  # "too_few_players" | "unbalanced" | "missed_role"
    round: int | None = None
    player_id: str | None = None
    counts: tuple[tuple[str, int], ...] = ()
    roles: tuple[str, ...] = ()


def report(state: RoomState) -> tuple[RotationIssue, ...]:
    """What is broken in the rotation, for the current and remaining rounds."""
    if state.round == 0 or state.round > 3:
        return ()
    active = state.active_players()
    issues: list[RotationIssue] = []
    if len(active) < 3:
        issues.append(RotationIssue(kind="too_few_players"))
    for r in range(state.round, 4):
        counts = role_counts(active, r)
        if _spread(counts) > 1:
            issues.append(
                RotationIssue(
                    kind="unbalanced",
                    round=r,
                    counts=tuple((k.value, v) for k, v in counts.items()),
                )
            )
    for player in active:
        missing = tuple(role.value for role in ROLE_ORDER if role not in player.rotation)
        if missing:
            issues.append(RotationIssue(kind="missed_role", player_id=player.id, roles=missing))
    return tuple(issues)


def rebalance(state: RoomState) -> dict[str, Rotation]:
    """New roles for the current and remaining rounds that balance every one of them.

    Rounds already played stay as they were. Round by round, players are spread over the
    roles with fixed capacities (balance is guaranteed), preferring a role the player has
    not played yet, then the role they already had.
    """
    active = list(state.active_players())
    rotations = {p.id: list(p.rotation) for p in active}
    for r in range(state.round, 4):
        _assign_round(active, rotations, r)
    return {pid: (rot[0], rot[1], rot[2]) for pid, rot in rotations.items()}


def _assign_round(
    players: list[Player], rotations: dict[str, list[Role | None]], round_number: int
) -> None:
    base, extra = divmod(len(players), 3)

    def cost(player: Player, role: Role) -> int:
        earlier = rotations[player.id][: round_number - 1]
        later = rotations[player.id][round_number:]
        repeat = 10 if role in earlier else 0
        # A role planned for a later round would then be played twice.
        clash = 3 if role in later else 0
        keep = 0 if rotations[player.id][round_number - 1] == role else 1
        return repeat + clash + keep

    best: tuple[int, dict[str, Role]] | None = None
    for bigger in combinations(ROLE_ORDER, extra):
        capacity = {role: base + (1 if role in bigger else 0) for role in ROLE_ORDER}
        assignment = _fill(players, capacity, cost)
        total = sum(cost(p, assignment[p.id]) for p in players)
        if best is None or total < best[0]:
            best = (total, assignment)
    assert best is not None
    for player_id, role in best[1].items():
        rotations[player_id][round_number - 1] = role


def _fill(
    players: list[Player], capacity: dict[Role, int], cost: Callable[[Player, Role], int]
) -> dict[str, Role]:
    """Greedy fill by cheapest choice, then swap pairs while that lowers the total cost."""
    assignment: dict[str, Role] = {}
    left = dict(capacity)
    ordered = sorted(players, key=lambda p: sorted(cost(p, role) for role in ROLE_ORDER))
    for player in ordered:
        role = min((r for r in ROLE_ORDER if left[r] > 0), key=lambda r: cost(player, r))
        assignment[player.id] = role
        left[role] -= 1
    by_id = {p.id: p for p in players}
    improved = True
    while improved:
        improved = False
        for a, b in combinations(list(assignment), 2):
            ra, rb = assignment[a], assignment[b]
            if ra == rb:
                continue
            now = cost(by_id[a], ra) + cost(by_id[b], rb)
            if cost(by_id[a], rb) + cost(by_id[b], ra) < now:
                assignment[a], assignment[b] = rb, ra
                improved = True
    return assignment
