"""The summary read model: what it holds, what it leaves out, and the result in words."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from summary_game import (
    BEDENKING_REASON,
    COMMON_CARD,
    CONDITION_ADDED,
    CONDITION_DROPPED,
    CONDITION_KEPT,
    DECISION_V1,
    DECISION_V2,
    HIDDEN_CARD,
    NAMES,
    OBJECTION_NEEDED,
    OBJECTION_REASON,
    PRIVATE_REFLECTION,
    SECRETS_HIDDEN,
    SECRETS_REVEALED,
    SHARED_REFLECTION,
    STRONG_CARD,
    WITHDRAWN_CARD,
    new_game,
    objected_game,
    played_game,
)

from game.engine import actions as A
from game.engine import replay
from game.engine.decision import DecisionResult, GroupSupport
from game.engine.roles import Role
from game.engine.wording import fraction_text, result_sentence, threshold_text
from game.exports.summary import STRONGEST_PER_ROUND, build_summary
from strategies import group_tallies, objection_counts


@pytest.fixture(scope="module")
def game():
    return played_game(options=2)


@pytest.fixture(scope="module")
def summary(game):
    return build_summary(game.state, game.events)


def group(role: Role, members: int, support: int, bezwaar: int = 0) -> GroupSupport:
    return GroupSupport(
        role=role,
        members=members,
        eens=support,
        bedenkingen=0,
        bezwaar=bezwaar,
        not_voted=members - support - bezwaar,
        passes=Fraction(support, members) >= Fraction(2, 3),
    )


def result(*groups: GroupSupport, objections: int = 0) -> DecisionResult:
    return DecisionResult(
        gedragen=objections == 0 and all(g.passes for g in groups),
        threshold=Fraction(2, 3),
        objections=objections,
        groups=groups,
        ballot=1,
        proposal_version=1,
    )


def test_result_sentence_matches_the_issue_example() -> None:
    """A carried vote is one short sentence, as in the issue, in Dutch and in English."""
    carried = result(
        group(Role.INWONER, 3, 3), group(Role.RAADSLID, 5, 4), group(Role.AMBTENAAR, 2, 2)
    )
    assert (
        result_sentence(carried, "nl") == "Gedragen: geen bezwaar, en in elke groep genoeg steun."
    )
    assert result_sentence(carried, "en") == (
        "Carried: no objection, and enough support in every group."
    )


@pytest.mark.parametrize(
    ("made", "nl", "en"),
    [
        (
            result(group(Role.INWONER, 3, 2, bezwaar=1), objections=1),
            "Niet gedragen: 1 bezwaar staat nog.",
            "Not carried: 1 objection remains.",
        ),
        (
            result(group(Role.INWONER, 3, 1, bezwaar=2), group(Role.RAADSLID, 3, 1), objections=2),
            "Niet gedragen: 2 bezwaren staan nog, en te weinig steun bij inwoners en raadsleden.",
            "Not carried: 2 objections remain, and too little support among residents and "
            "council members.",
        ),
        (
            result(group(Role.AMBTENAAR, 3, 1)),
            "Niet gedragen: te weinig steun bij ambtenaren.",
            "Not carried: too little support among civil servants.",
        ),
        (
            result(
                group(Role.INWONER, 3, 1), group(Role.RAADSLID, 3, 0), group(Role.AMBTENAAR, 2, 0)
            ),
            "Niet gedragen: te weinig steun in elke groep.",
            "Not carried: too little support in every group.",
        ),
    ],
)
def test_result_sentence_says_why_not_gedragen(made: DecisionResult, nl: str, en: str) -> None:
    """Not gedragen names the standing objections and the groups under the threshold."""
    assert result_sentence(made, "nl") == nl
    assert result_sentence(made, "en") == en


def test_result_sentence_without_voters() -> None:
    """A vote with nobody left in the room is not gedragen, and says so."""
    assert result_sentence(result(), "nl") == "Niet gedragen: er was niemand meer om te stemmen."
    assert result_sentence(result(), "en") == "Not carried: there was nobody left to vote."


def test_threshold_is_written_one_way() -> None:
    """People read '2 van de 3' / '2 out of 3' (everyone: '1 van de 1'); data reads '2/3'."""
    assert threshold_text(Fraction(2, 3)) == "2 van de 3"
    assert threshold_text(Fraction(2, 3), "en") == "2 out of 3"
    assert threshold_text(Fraction(1), "nl") == "1 van de 1"
    assert fraction_text(Fraction(3, 4)) == "3/4"
    assert fraction_text(Fraction(1)) == "1/1"


@settings(max_examples=300, deadline=None)
@given(group_tallies, objection_counts)
def test_result_sentence_is_short(groups, objections) -> None:
    """For any counts the sentence starts with the outcome and has at most 15 words; the
    counts go beside it, not in it."""
    made = result(*(group(r, m, min(s, m)) for r, m, s in groups), objections=objections)
    for lang in ("nl", "en"):
        sentence = result_sentence(made, lang)
        head = {"nl": ("Gedragen:", "Niet gedragen:"), "en": ("Carried:", "Not carried:")}[lang]
        assert sentence.startswith(head[0] if made.gedragen else head[1])
        assert len(sentence.split()) <= 15, sentence
        assert sentence.endswith(".")
        if objections:
            assert str(objections) in sentence


def test_decision_is_the_last_version(summary) -> None:
    """The decision is the text and conditions of the last version, with card sources."""
    assert summary.decision.version == 2
    assert summary.decision.text == DECISION_V2
    texts = [c.text for c in summary.decision.conditions]
    assert texts == [CONDITION_KEPT, CONDITION_ADDED]
    kept = summary.decision.conditions[0]
    assert (kept.source_round, kept.source_card_id is not None) == (2, True)
    assert summary.decision.conditions[1].source_card_id is None


def test_result_is_the_last_closed_ballot(summary) -> None:
    """The result is ballot 2's: gedragen, with the support per home-role group."""
    result = summary.result
    assert (result.ballot, result.proposal_version, result.gedragen) == (2, 2, True)
    counts = {g.role: (g.support, g.members, g.not_voted) for g in result.groups}
    assert counts == {
        Role.INWONER: (3, 3, 0),
        Role.RAADSLID: (2, 3, 1),
        Role.AMBTENAAR: (2, 2, 0),
    }
    assert result.sentence.nl == ("Gedragen: geen bezwaar, en in elke groep genoeg steun.")


def test_amended_proposal_keeps_both_versions_and_what_changed(summary) -> None:
    """Version 2 records the new text, the added and the dropped condition."""
    first, second = summary.versions
    assert (first.text, first.changes, first.ballots) == (DECISION_V1, None, (1,))
    assert second.ballots == (2,)
    changes = second.changes
    assert changes.text_changed and changes.previous_text == DECISION_V1
    assert [c.text for c in changes.added] == [CONDITION_ADDED]
    assert [c.text for c in changes.removed] == [CONDITION_DROPPED]


def test_objections_have_reason_and_need_but_no_voter(summary) -> None:
    """Ballot 1's objection keeps its reason and what is needed; no name or id is kept."""
    first = summary.ballots[0]
    assert first.result.gedragen is False
    assert [(o.reason, o.needed) for o in first.objections] == [
        (OBJECTION_REASON, OBJECTION_NEEDED)
    ]
    assert first.result.sentence.nl == (
        "Niet gedragen: 1 bezwaar staat nog, en te weinig steun bij ambtenaren."
    )
    assert summary.final_ballot.reservations == (BEDENKING_REASON,)
    assert not any(hasattr(v, "player_id") for b in summary.ballots for v in b.votes)
    assert len(summary.ballots[1].votes) == 7  # one raadslid did not vote


def test_not_gedragen_game_says_why() -> None:
    """A game closed on an objection ends not gedragen, with its objection listed."""
    game = objected_game()
    summary = build_summary(game.state, game.events)
    assert summary.result.gedragen is False
    assert summary.result.sentence.nl.startswith("Niet gedragen: 1 bezwaar staat nog")
    assert summary.final_ballot.objections[0].reason == OBJECTION_REASON


def test_strongest_cards_per_round_with_role(summary, game) -> None:
    """Each round lists its most-backed cards first, with the role they were written from."""
    first = summary.rounds[0]
    assert first.strongest[0].text == STRONG_CARD
    assert first.strongest[0].highlighted and first.strongest[0].strength == 3 + 3
    card = game.state.card(first.strongest[0].id)
    assert first.strongest[0].role == card.role
    assert all(len(r.strongest) <= STRONGEST_PER_ROUND for r in summary.rounds)
    assert all(c.strength > 0 for r in summary.rounds for c in r.strongest)
    assert [c.text for c in summary.rounds[1].strongest] == [COMMON_CARD, CONDITION_KEPT]


def test_hidden_and_withdrawn_cards_stay_out(summary) -> None:
    """A card the facilitator hid or its author withdrew is nowhere in the summary."""
    texts = {c.text for c in summary.cards}
    texts |= {c.text for r in summary.rounds for c in r.strongest}
    texts |= {f.card.text for f in summary.common_ground}
    assert HIDDEN_CARD not in texts and WITHDRAWN_CARD not in texts
    assert STRONG_CARD in texts


def test_common_ground_is_counted_per_group(summary) -> None:
    """A card with support from every group is common ground, with counts per group."""
    found = {f.card.text: f for f in summary.common_ground}
    assert set(found) == {COMMON_CARD}
    counts = {g.role: g.count for g in found[COMMON_CARD].supporters}
    assert counts == {Role.INWONER: 1, Role.RAADSLID: 2, Role.AMBTENAAR: 1}


def test_only_shared_reflections(summary) -> None:
    """The shared reflection is there with its round and role; the private one is not."""
    assert [r.text for r in summary.reflections] == [SHARED_REFLECTION]
    assert summary.reflections[0].round == 1 and summary.reflections[0].role is not None
    assert PRIVATE_REFLECTION not in repr(summary)


def test_no_names_and_no_unrevealed_secrets(summary) -> None:
    """No player name and no secret kept from the debrief is anywhere in the model."""
    text = repr(summary)
    for name in NAMES:
        assert name not in text
    for secret in SECRETS_HIDDEN:
        assert secret not in text
    for secret in SECRETS_REVEALED["nl"] + SECRETS_REVEALED["en"]:
        assert secret in text


def test_ranking_and_debrief(summary) -> None:
    """Scored options are ranked by their exact mean; the debrief questions are there."""
    assert [(r.place, r.option_id, r.mean) for r in summary.ranking] == [
        (1, "optie-2", Fraction(4)),
        (2, "optie-1", Fraction(5, 2)),
    ]
    assert [q.nl for q in summary.debrief_questions] == ["Wat viel je op?"]


def test_timeline_comes_from_the_public_log(summary) -> None:
    """The timeline runs from the room's creation to its close, without typed text."""
    types = [t.type for t in summary.timeline]
    assert types[0] == "room_created" and types[-1] == "game_closed"
    assert types.count("vote_opened") == 2
    assert OBJECTION_REASON not in repr(summary.timeline)


def test_summary_from_the_replayed_log_is_the_same(game, summary) -> None:
    """Rebuilding the room from its log (as after a crash) gives an equal summary."""
    rebuilt = replay.fold(game.events)
    assert build_summary(rebuilt, iter(game.events)) == summary
    assert hash(summary) == hash(build_summary(rebuilt, game.events))


def test_summary_of_a_game_without_a_vote() -> None:
    """A game closed before any proposal has no decision and no result, and still builds."""
    game = new_game()
    game.facilitator(A.Start)
    game.facilitator(A.CloseGame)
    summary = build_summary(game.state, game.events)
    assert summary.closed
    assert (summary.decision, summary.result, summary.versions) == (None, None, ())
    assert all(r.strongest == () for r in summary.rounds)
