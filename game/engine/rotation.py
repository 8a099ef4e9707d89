"""Who plays which role in rounds 1-3.

Each player gets a cyclic shift `s` of ROLE_ORDER: their role in round r is
ROLE_ORDER[(s + r - 1) % 3]. A player with any shift plays every role once, and in each
round the number of players per role is the number of players per shift, permuted. So
keeping the shift counts within one of each other balances every round, whatever the
mix of home roles.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import combinations, permutations, product
from types import MappingProxyType

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
    # Whether "Verdeel de rollen opnieuw" makes this problem go away.
    fixable: bool = False

    @property
    def key(self) -> tuple[str, int | None, str | None]:
        """The problem itself, apart from its numbers: the same before and after a rebalance."""
        return (self.kind, self.round, self.player_id)


def report(state: RoomState) -> tuple[RotationIssue, ...]:
    """What is broken in the rotation for the current and remaining rounds, each problem
    marked with whether a rebalance would solve it."""
    if state.round == 0 or state.round > 3:
        return ()
    active = state.active_players()
    issues = _issues(active, state.round)
    if not issues:
        return ()
    # Which problems a rebalance solves is found by doing it: what is left after it is not.
    rotations = _rebalanced(state.round, active)
    after = _issues(tuple(replace(p, rotation=rotations[p.id]) for p in active), state.round)
    left = {issue.key for issue in after}
    return tuple(replace(issue, fixable=issue.key not in left) for issue in issues)


def _issues(active: tuple[Player, ...], current: int) -> tuple[RotationIssue, ...]:
    issues: list[RotationIssue] = []
    if len(active) < 3:
        issues.append(RotationIssue(kind="too_few_players"))
    for r in range(current, 4):
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

    Rounds already played stay as they were. Among the balanced spreads, the one chosen
    repeats as few roles as it can (a player never plays a role again when another spread
    avoids it), then keeps as many players in the role they hold now, then changes as few
    later plans, and then gives each player their home role last where it can.
    """
    return dict(_rebalanced(state.round, state.active_players()))


# The console asks for the report after every change; the answer depends only on the
# round and the active players, so it is worked out once for each such pair.
@lru_cache(maxsize=32)
def _rebalanced(current: int, active: tuple[Player, ...]) -> Mapping[str, Rotation]:
    plans = {p.id: list(p.rotation) for p in active}
    for r in range(current, 4):
        _even_out(active, plans, r, current)
    _improve(active, plans, current)
    return MappingProxyType({pid: (rot[0], rot[1], rot[2]) for pid, rot in plans.items()})


# What a plan costs a player, in weights far enough apart that each preference counts only
# among equals of the ones before it.
REPEAT_COST = 1000  # a role played twice (and so another role not at all)
MOVE_COST = 100  # a player no longer holds the role they hold in the current round
REPLAN_COST = 10  # a later round's role changed
HOME_NOT_LAST_COST = 1  # the home role is played, but not in round 3


def plan_cost(player: Player, plan: Sequence[Role | None], current: int) -> int:
    """How far a plan for rounds 1-3 is from what the player would like (0 is ideal)."""
    played = [role for role in plan if role is not None]
    cost = REPEAT_COST * (len(played) - len(set(played)))
    if plan[current - 1] != player.rotation[current - 1]:
        cost += MOVE_COST
    cost += REPLAN_COST * sum(1 for r in range(current, 3) if plan[r] != player.rotation[r])
    if player.home_role in played and plan[2] != player.home_role:
        cost += HOME_NOT_LAST_COST
    return cost


def _counts(plans: dict[str, list[Role | None]], round_number: int) -> Counter[Role | None]:
    counts: Counter[Role | None] = Counter(plan[round_number - 1] for plan in plans.values())
    return counts


def _with_role(plan: Sequence[Role | None], r: int, role: Role) -> list[Role | None]:
    changed = list(plan)
    changed[r - 1] = role
    return changed


def _even_out(
    players: Sequence[Player], plans: dict[str, list[Role | None]], r: int, current: int
) -> None:
    """Move players, cheapest first, from the fullest role to the emptiest until round `r`
    is balanced; a player without a role in it is placed first, on the emptiest."""
    for player in players:
        if plans[player.id][r - 1] is None:
            emptiest = min(ROLE_ORDER, key=lambda role: _counts(plans, r)[role])
            plans[player.id][r - 1] = emptiest
    # Each move brings one player from the fullest role to the emptiest; fewer moves than
    # there are players always even a round out.
    for _ in players:
        counts = _counts(plans, r)
        most, least = max(counts[x] for x in ROLE_ORDER), min(counts[x] for x in ROLE_ORDER)
        if most - least <= 1:
            return
        moves = [
            (player, role)
            for player in players
            if counts[plans[player.id][r - 1]] == most
            for role in ROLE_ORDER
            if counts[role] == least
        ]
        player, role = min(
            moves, key=lambda m: plan_cost(m[0], _with_role(plans[m[0].id], r, m[1]), current)
        )
        plans[player.id][r - 1] = role


def _completions(plan: Sequence[Role | None], current: int) -> list[tuple[Role | None, ...]]:
    """Every way to play the remaining rounds without playing a role twice."""
    played = {role for role in plan[: current - 1] if role is not None}
    missing = [role for role in ROLE_ORDER if role not in played]
    return list(permutations(missing, 4 - current))


Tail = tuple[Role | None, ...]  # a plan for the current and remaining rounds
SWEEPS = 50  # the most passes over all players the search makes


def _traded(a: Tail, b: Tail, span: Iterable[int]) -> tuple[Tail, Tail]:
    """Two plans after their holders trade roles in the rounds of `span` (0 = now)."""
    new_a, new_b = list(a), list(b)
    for i in span:
        new_a[i], new_b[i] = b[i], a[i]
    return tuple(new_a), tuple(new_b)


def _improve(players: Sequence[Player], plans: dict[str, list[Role | None]], current: int) -> None:
    """Lower the total cost by moves that keep every round balanced, until none helps:
    one player, or two together, take another plan for the remaining rounds (one without a
    repeated role, or the other's roles in some of those rounds)."""
    rounds = range(current, 4)
    spans = [c for n in range(1, len(rounds) + 1) for c in combinations(range(len(rounds)), n)]
    counts = [_counts(plans, r) for r in rounds]
    options = {p.id: _completions(plans[p.id], current) for p in players}
    known: dict[tuple[str, Tail], int] = {}

    def tail(player: Player) -> Tail:
        return tuple(plans[player.id][current - 1 :])

    def cost(player: Player, new: Tail) -> int:
        key = (player.id, new)
        if key not in known:
            known[key] = plan_cost(player, [*plans[player.id][: current - 1], *new], current)
        return known[key]

    def balanced(changes: Sequence[tuple[Tail, Tail]]) -> bool:
        for index, counted in enumerate(counts):
            after = Counter(counted)
            for old, new in changes:
                after[old[index]] -= 1
                after[new[index]] += 1
            if max(after[x] for x in ROLE_ORDER) - min(after[x] for x in ROLE_ORDER) > 1:
                return False
        return True

    def take(changes: Sequence[tuple[Player, Tail, Tail]]) -> None:
        for player, old, new in changes:
            for index, counted in enumerate(counts):
                counted[old[index]] -= 1
                counted[new[index]] += 1
            plans[player.id][current - 1 :] = new

    # Each sweep lowers the total cost or ends the search; the bound only stops a search
    # that would otherwise never end, and is far above what any room needs.
    for _ in range(SWEEPS):
        improved = False
        # Only a player whose plan costs something can gain; the others may give way.
        costly = [p for p in players if cost(p, tail(p)) > 0]
        for a in costly:
            old_a = tail(a)
            for new_a in options[a.id]:
                if cost(a, new_a) < cost(a, old_a) and balanced([(old_a, new_a)]):
                    take([(a, old_a, new_a)])
                    improved = True
                    break
        for a in costly:
            for b in (p for p in players if p.id != a.id):
                old_a, old_b = tail(a), tail(b)
                before = cost(a, old_a) + cost(b, old_b)
                pairs = [*product(options[a.id], options[b.id])]
                pairs += [_traded(old_a, old_b, span) for span in spans]
                for new_a, new_b in pairs:
                    if cost(a, new_a) + cost(b, new_b) < before and balanced(
                        [(old_a, new_a), (old_b, new_b)]
                    ):
                        take([(a, old_a, new_a), (b, old_b, new_b)])
                        improved = True
                        break
        if not improved:
            return


# The reflection question that fits a round, by what the player did in it.
REFLECTION_SWAP = "swap"  # played a role other than their home role
REFLECTION_OWN = "own"  # played their own home role
REFLECTION_DECISION = "decision"  # round 4: everyone in their home role, on the decision


def reflection_kind(player: Player, round_number: int) -> str | None:
    """Which reflection question applies to a player in a round; None before the game, or
    in a round in which the player held no role."""
    if round_number == 4:
        return REFLECTION_DECISION
    role = player.role_in(round_number)
    if role is None:
        return None
    return REFLECTION_OWN if role == player.home_role else REFLECTION_SWAP
