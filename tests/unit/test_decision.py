"""The gedragen rule and the option ranking: exact fractions, counts per home-role group."""

import dataclasses
from fractions import Fraction

import pytest

from factories import T0, do, make_scenario, room_with_players
from game.engine import actions as A
from game.engine import decision
from game.engine.roles import Role
from game.engine.state import (
    FACILITATOR,
    Ballot,
    Phase,
    Player,
    ReactionKind,
    RoomState,
    Score,
    Vote,
    VoteChoice,
)

EENS = VoteChoice.EENS
MITS = VoteChoice.EENS_MET_BEDENKINGEN
BEZWAAR = VoteChoice.BEZWAAR
NONE = None  # did not vote
LEFT = "left"  # a player who voted (eens) and then left the room

IN, RA, AM = Role.INWONER, Role.RAADSLID, Role.AMBTENAAR


def room(
    groups: dict[Role, list[VoteChoice | str | None]], threshold: str = "2/3"
) -> tuple[RoomState, Ballot]:
    """A room in round 4 with one player per entry; the entry is that player's vote."""
    players, votes = [], []
    n = 0
    for role, choices in groups.items():
        for choice in choices:
            n += 1
            pid = f"p{n}"
            gone = choice == LEFT
            players.append(
                Player(
                    id=pid,
                    name=f"Speler {n}",
                    home_role=role,
                    joined_at=T0,
                    joined_round=0,
                    active=not gone,
                    left_reason="left" if gone else None,
                )
            )
            if choice is not None:
                vote_choice = EENS if gone else VoteChoice(str(choice))
                reason = "Omdat" if vote_choice == BEZWAAR else ""
                votes.append(Vote(player_id=pid, choice=vote_choice, reason=reason, at=T0))
    state = RoomState(
        room_id="r",
        scenario=make_scenario(threshold=threshold),
        created_at=T0,
        round=4,
        phase=Phase.DECISION,
        players=tuple(players),
    )
    ballot = Ballot(number=1, proposal_version=1, opened_at=T0, votes=tuple(votes))
    return state, ballot


def decide(groups: dict[Role, list[VoteChoice | str | None]], threshold: str = "2/3"):
    return decision.decide(*room(groups, threshold))


def group(result: decision.DecisionResult, role: Role) -> decision.GroupSupport:
    (found,) = [g for g in result.groups if g.role == role]
    return found


# Gedragen


def test_all_eens_in_every_group_is_gedragen() -> None:
    """Everyone eens in all three groups: gedragen, no objections."""
    result = decide({IN: [EENS, EENS], RA: [EENS], AM: [EENS, EENS, EENS]})
    assert result.gedragen
    assert result.objections == 0
    assert [g.role for g in result.groups] == [IN, RA, AM]
    assert all(g.passes for g in result.groups)


def test_eens_met_bedenkingen_counts_as_support() -> None:
    """Eens met bedenkingen is support: a room of only bedenkingen is gedragen."""
    result = decide({IN: [MITS], RA: [MITS, MITS], AM: [MITS]})
    assert result.gedragen
    assert group(result, RA).support == 2 and group(result, RA).bedenkingen == 2


def test_threshold_is_an_exact_fraction() -> None:
    """The result carries the threshold as a Fraction equal to 2/3, never a float."""
    result = decide({IN: [EENS]})
    assert isinstance(result.threshold, Fraction)
    assert result.threshold == Fraction(2, 3)
    assert not isinstance(result.threshold, float)


def test_a_single_bezwaar_blocks() -> None:
    """One bezwaar among many eens makes the proposal not gedragen, though every group passes."""
    result = decide({IN: [EENS] * 10, RA: [EENS] * 10 + [BEZWAAR], AM: [EENS] * 10})
    assert not result.gedragen
    assert result.objections == 1
    assert all(g.passes for g in result.groups)  # 10 of 11 is enough support
    assert group(result, RA).bezwaar == 1


def test_a_bezwaar_in_any_group_blocks() -> None:
    """Whichever group the objection comes from, it blocks."""
    for role in (IN, RA, AM):
        groups: dict[Role, list[VoteChoice | str | None]] = {IN: [EENS] * 4, RA: [EENS] * 4}
        groups[AM] = [EENS] * 4
        groups[role] = [*groups[role], BEZWAAR]
        assert not decide(groups).gedragen, role


def test_non_voters_do_not_count_as_support() -> None:
    """A player who did not vote lowers the group's share: 1 eens of 3 members fails."""
    result = decide({IN: [EENS, NONE, NONE], RA: [EENS], AM: [EENS]})
    assert not result.gedragen
    inwoners = group(result, IN)
    assert (inwoners.members, inwoners.support, inwoners.not_voted) == (3, 1, 2)
    assert not inwoners.passes


def test_nobody_voting_is_not_gedragen() -> None:
    """A ballot without votes is not gedragen, though it has no objection."""
    result = decide({IN: [NONE], RA: [NONE], AM: [NONE]})
    assert not result.gedragen and result.objections == 0


def test_absent_groups_are_ignored() -> None:
    """With only inwoners and raadsleden present, there is no ambtenaar group to pass."""
    result = decide({IN: [EENS, EENS], RA: [EENS]})
    assert result.gedragen
    assert [g.role for g in result.groups] == [IN, RA]


def test_single_group_room() -> None:
    """A room of raadsleden only is judged on that one group."""
    assert decide({RA: [EENS, EENS, NONE]}).gedragen
    assert not decide({RA: [EENS, NONE, NONE]}).gedragen


def test_room_without_players_is_not_gedragen() -> None:
    """No players, no groups: nothing is gedragen."""
    result = decide({})
    assert not result.gedragen and result.groups == ()


def test_players_who_left_do_not_count_as_members_or_support() -> None:
    """A player who left is not a member: their earlier eens does not add support."""
    # 1 eens, 1 not voted, 1 left after voting eens: 1 of 2 members support -> fails.
    result = decide({IN: [EENS, NONE, LEFT], RA: [EENS], AM: [EENS]})
    inwoners = group(result, IN)
    assert (inwoners.members, inwoners.support) == (2, 1)
    assert not result.gedragen


def test_objection_of_a_player_who_left_no_longer_stands() -> None:
    """A bezwaar by a player who has since left the room does not block."""
    state, ballot = room({IN: [EENS, EENS], RA: [EENS], AM: [EENS]})
    objection = Vote(player_id="gone", choice=BEZWAAR, reason="Nee", at=T0)
    gone = Player(
        id="gone",
        name="Weg",
        home_role=IN,
        joined_at=T0,
        joined_round=0,
        active=False,
        left_reason="removed",
    )
    state = dataclasses.replace(state, players=(*state.players, gone))
    ballot = Ballot(number=1, proposal_version=1, opened_at=T0, votes=(*ballot.votes, objection))
    result = decision.decide(state, ballot)
    assert result.gedragen and result.objections == 0


def test_group_counts_explain_the_result() -> None:
    """Each group carries members, eens, bedenkingen, bezwaar and not voted, adding up."""
    result = decide({IN: [EENS, MITS, BEZWAAR, NONE, EENS], RA: [MITS], AM: [NONE]})
    inwoners = group(result, IN)
    assert (
        inwoners.members,
        inwoners.eens,
        inwoners.bedenkingen,
        inwoners.bezwaar,
        inwoners.not_voted,
    ) == (5, 2, 1, 1, 1)
    for g in result.groups:
        assert g.eens + g.bedenkingen + g.bezwaar + g.not_voted == g.members
    assert (result.ballot, result.proposal_version) == (1, 1)


# Threshold boundaries (exact)


@pytest.mark.parametrize(
    ("support", "members", "threshold", "passes"),
    [
        (2, 3, "2/3", True),
        (1, 3, "2/3", False),
        (3, 5, "2/3", False),  # 0.6 < 0.666...
        (4, 6, "2/3", True),
        (4, 5, "2/3", True),
        (5, 8, "2/3", False),  # 0.625
        (6, 9, "2/3", True),
        (13, 20, "2/3", False),  # 0.65
        (20, 30, "2/3", True),
        (39, 59, "2/3", False),  # 0.661...: just below
        (40, 60, "2/3", True),
        (1, 1, "2/3", True),
        (0, 1, "2/3", False),
        (1, 2, "1/2", True),
        (3, 4, "3/4", True),
        (2, 3, "3/4", False),
        (5, 5, "1", True),
        (9, 10, "1", False),
    ],
)
def test_threshold_boundaries_are_exact(
    support: int, members: int, threshold: str, passes: bool
) -> None:
    """A group passes exactly when support/members >= threshold, compared as fractions."""
    others: list[VoteChoice | str | None] = [NONE] * (members - support)
    result = decide({RA: [EENS] * support + others}, threshold=threshold)
    raadsleden = group(result, RA)
    assert raadsleden.passes is passes
    assert result.gedragen is passes
    assert result.threshold == Fraction(threshold)


def test_one_failing_group_is_enough_to_fail() -> None:
    """All groups but one pass: not gedragen, and the failing group is named by its counts."""
    result = decide({IN: [EENS, EENS, EENS], RA: [EENS, EENS, NONE], AM: [EENS, NONE, NONE]})
    assert not result.gedragen
    assert [g.passes for g in result.groups] == [True, True, False]


# Through the engine


def test_decision_through_played_votes() -> None:
    """Votes cast with actions give the same result: a bezwaar blocks, withdrawing it passes."""
    state = room_with_players([IN, RA, AM])
    while (state.round, state.phase) != (4, Phase.DECISION):
        state = do(state, A.NextPhase(actor=FACILITATOR, at=T0 + 5_000 * state.version))
    state = do(state, A.DraftProposal(actor=FACILITATOR, at=T0 + 10**6, text="Ja, mits"))
    state = do(state, A.OpenVote(actor=FACILITATOR, at=T0 + 10**6))
    for pid in ("p1", "p2"):
        state = do(state, A.CastVote(actor=pid, at=T0 + 10**6, choice=EENS))
    state = do(state, A.CastVote(actor="p3", at=T0 + 10**6, choice=BEZWAAR, reason="Te duur"))
    ballot = state.current_ballot()
    assert ballot is not None
    blocked = decision.decide(state, ballot)
    assert not blocked.gedragen and blocked.objections == 1
    state = do(state, A.CastVote(actor="p3", at=T0 + 10**6, choice=MITS))
    ballot = state.current_ballot()
    assert ballot is not None
    assert decision.decide(state, ballot).gedragen


# Option ranking


def scored(scores: dict[str, list[int]], options: int = 3, left: tuple[str, ...] = ()):
    """A room with players p1..pN (N = most scores) and their scores per option."""
    count = max((len(v) for v in scores.values()), default=0)
    players = tuple(
        Player(
            id=f"p{n}",
            name=f"S{n}",
            home_role=IN,
            joined_at=T0,
            joined_round=0,
            active=f"p{n}" not in left,
        )
        for n in range(1, count + 1)
    )
    table = tuple(
        Score(player_id=f"p{n}", option_id=option, score=value)
        for option, values in scores.items()
        for n, value in enumerate(values, start=1)
    )
    return RoomState(
        room_id="r",
        scenario=make_scenario(options=options),
        created_at=T0,
        players=players,
        scores=table,
    )


def test_options_ranked_by_exact_mean() -> None:
    """Options come highest mean first, with the mean as an exact Fraction."""
    state = scored({"optie-1": [3, 4], "optie-2": [4, 4, 3], "optie-3": [5, 1, 1]})
    ranking = decision.rank_options(state)
    assert [r.option_id for r in ranking] == ["optie-2", "optie-1", "optie-3"]
    assert [r.mean for r in ranking] == [Fraction(11, 3), Fraction(7, 2), Fraction(7, 3)]
    assert all(isinstance(r.mean, Fraction) for r in ranking)
    assert [r.count for r in ranking] == [3, 2, 3]


def test_option_ranking_distinguishes_close_means() -> None:
    """Means that differ by a tiny amount are ordered correctly (no float rounding)."""
    fewer = [5] * 58 + [4]  # 294/59 = 4.98305...
    many = [5] * 59 + [4]  # 299/60 = 4.98333...
    state = scored({"optie-1": fewer, "optie-2": many}, options=2)
    ranking = decision.rank_options(state)
    assert [r.option_id for r in ranking] == ["optie-2", "optie-1"]
    assert [r.mean for r in ranking] == [Fraction(299, 60), Fraction(294, 59)]


def test_option_ties_keep_the_scenario_order() -> None:
    """Options with equal means keep the order of the scenario file."""
    state = scored({"optie-1": [2, 4], "optie-2": [5, 1], "optie-3": [3, 3]})
    assert [r.option_id for r in decision.rank_options(state)] == ["optie-1", "optie-2", "optie-3"]


def test_unscored_options_come_last_without_a_mean() -> None:
    """An option nobody scored has no mean and comes after every scored option."""
    state = scored({"optie-2": [1]})
    ranking = decision.rank_options(state)
    assert ranking[0].option_id == "optie-2" and ranking[0].mean == 1
    assert [(r.mean, r.count) for r in ranking[1:]] == [(None, 0), (None, 0)]


def test_scores_of_players_who_left_do_not_count() -> None:
    """The score of a player who left is left out of the mean."""
    state = scored({"optie-1": [1, 5, 5]}, options=1, left=("p1",))
    (rank,) = decision.rank_options(state)
    assert (rank.mean, rank.count) == (Fraction(5), 2)


# The facts of a card


@pytest.mark.parametrize(
    ("supports", "highlighted", "strength"),
    [(0, False, 0), (1, False, 1), (4, False, 4), (0, True, 3), (2, True, 5)],
)
def test_card_strength_is_supports_plus_three_for_a_highlight(
    supports: int, highlighted: bool, strength: int
) -> None:
    """A highlight by the facilitator weighs as much as three supports."""
    assert decision.card_strength(supports, highlighted) == strength


def test_card_facts_count_every_card_in_one_pass() -> None:
    """Each card's reactions by kind, its strength and its supporters per home-role group
    (players who left count as reactions, not as supporters)."""
    state = room_with_players([IN, RA, AM, IN])
    at = T0 + 10_000
    for pid, text in (("p1", "Een"), ("p2", "Twee")):
        at += 1
        state = do(state, A.PostCard(actor=pid, at=at, text=text))
    for pid, card, kind in (
        ("p1", "c1", ReactionKind.SUPPORT),
        ("p2", "c1", ReactionKind.SUPPORT),
        ("p4", "c1", ReactionKind.SUPPORT),
        ("p3", "c1", ReactionKind.QUESTION),
        ("p3", "c2", ReactionKind.CONCERN),
        ("p3", "c2", ReactionKind.SUPPORT),
    ):
        at += 1
        state = do(state, A.React(actor=pid, at=at, card_id=card, kind=kind))
    state = do(state, A.Leave(actor="p4", at=at + 1))
    facts = decision.card_facts(state)
    one, two = facts["c1"], facts["c2"]
    assert (one.supports, one.questions, one.concerns, one.strength) == (3, 1, 0, 3)
    assert dict(one.supporters) == {IN: 1, RA: 1, AM: 0}
    assert not one.common_ground  # no ambtenaar supported it
    assert (two.supports, two.questions, two.concerns, two.strength) == (1, 0, 1, 1)
    assert dict(two.supporters) == {IN: 0, RA: 0, AM: 1}
    state = do(state, A.React(actor="p3", at=at + 2, card_id="c1", kind=ReactionKind.SUPPORT))
    assert decision.card_facts(state)["c1"].common_ground


@pytest.mark.parametrize(
    ("homes", "warnings"),
    [
        ([IN, IN, RA, RA, AM, AM], []),
        ([IN, IN, RA, AM, AM], [(RA, 1, "alone")]),
        ([IN, IN, AM, AM], [(RA, 0, "absent")]),
        ([], [(IN, 0, "absent"), (RA, 0, "absent"), (AM, 0, "absent")]),
    ],
)
def test_group_warnings(homes: list[Role], warnings: list[tuple[Role, int, str]]) -> None:
    """A home-role group with no one present is absent, with one person alone."""
    state = room_with_players(homes, started=False)
    assert [(w.role, w.members, w.kind) for w in decision.group_warnings(state)] == warnings


@pytest.mark.parametrize("how", ["hidden", "withdrawn"])
def test_a_hidden_or_withdrawn_card_is_never_common_ground(how: str) -> None:
    """Support from every group does not make a hidden or withdrawn card common ground."""
    state = room_with_players([IN, RA, AM])
    state = do(state, A.PostCard(actor="p1", at=T0 + 10_000, text="Samen"))
    for n, pid in enumerate(("p1", "p2", "p3")):
        state = do(
            state, A.React(actor=pid, at=T0 + 10_001 + n, card_id="c1", kind=ReactionKind.SUPPORT)
        )
    assert decision.card_facts(state)["c1"].common_ground
    if how == "hidden":
        state = do(state, A.HideCard(actor=FACILITATOR, at=T0 + 10_010, card_id="c1"))
    else:
        state = do(state, A.WithdrawCard(actor="p1", at=T0 + 10_010, card_id="c1"))
    facts = decision.card_facts(state)["c1"]
    assert not facts.common_ground
    assert dict(facts.supporters) == {IN: 1, RA: 1, AM: 1}
