"""Unit tests for `rules.apply`: every action accepted by the right actor in the right phase,
every ErrorCode triggered, and a rejection or an acceptance never changes the input state."""

import copy
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, get_args

import pytest

from factories import T0, do, room_with_players
from game.engine import actions as A
from game.engine import codec, replay, rotation, rules
from game.engine import events as E
from game.engine.errors import ErrorCode
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
    STEP_GUARD_MS,
    Phase,
    ReactionKind,
    RoomState,
    VoteChoice,
)

THREE = [Role.INWONER, Role.RAADSLID, Role.AMBTENAAR]
LATER = T0 + 10_000_000  # the time of the action under test: after every setup step

# The cards of `game_with_cards`: one per play step, and one withdrawn in round 2.
CARD_R1, CARD_R2, CARD_R2_WITHDRAWN, CARD_R3, CARD_R4 = "c1", "c2", "c3", "c4", "c5"

F = FACILITATOR
EC = ErrorCode
# Setup steps come further apart than the guard against skipping a step unseen.
STEP_APART = STEP_GUARD_MS + 1_000


# Helpers


def tick(state: RoomState) -> int:
    """A server time that grows with the room, so setup steps come in order."""
    return T0 + STEP_APART * (state.version + 1)


def step(state: RoomState) -> RoomState:
    return do(state, A.NextPhase(actor=F, at=tick(state)))


def advance(state: RoomState, round_number: int, phase: Phase) -> RoomState:
    """Press 'next' until the room is at (round, phase)."""
    while (state.round, state.phase) != (round_number, phase):
        state = step(state)
    return state


def post(state: RoomState, actor: str, text: str) -> RoomState:
    return do(state, A.PostCard(actor=actor, at=tick(state), text=text))


def accepted(state: RoomState, action: A.AnyAction) -> rules.Accepted:
    """Apply an action that must be accepted; check the input is untouched and the
    events fold into the returned state."""
    before = copy.deepcopy(state)
    result = rules.apply(state, action)
    assert isinstance(result, rules.Accepted), result
    assert state == before, "apply changed its input state"
    assert result.state.version == state.version + len(result.events)
    assert replay.fold(result.events, start=state) == result.state
    return result


def rejected(state: RoomState, action: A.AnyAction, code: ErrorCode) -> rules.Rejected:
    """Apply an action that must be refused with `code`; check nothing changed."""
    before = copy.deepcopy(state)
    result = rules.apply(state, action)
    assert isinstance(result, rules.Rejected), f"expected {code}, got {result}"
    assert result.code == code, result
    assert state == before, "a rejection changed the state"
    return result


# Rooms at known points of a game (states are frozen, so caching them is safe)


@cache
def lobby() -> RoomState:
    return room_with_players(THREE, started=False)


@cache
def empty_lobby() -> RoomState:
    return room_with_players([], started=False)


@cache
def full_lobby() -> RoomState:
    return room_with_players([Role.INWONER] * MAX_PLAYERS, started=False)


@cache
def at_step(round_number: int, phase: Phase, options: int = 0) -> RoomState:
    return advance(room_with_players(THREE, options=options), round_number, phase)


def play1() -> RoomState:
    return at_step(1, Phase.PLAY)


@cache
def play1_cards() -> RoomState:
    """Round 1 play with card c1 by p1 and c2 by p2."""
    return post(post(play1(), "p1", "Een buurtkamer voor iedereen"), "p2", "Rust in de straat")


@cache
def paused_play1() -> RoomState:
    return do(play1_cards(), A.PauseGame(actor=F, at=tick(play1_cards())))


@cache
def closed_room() -> RoomState:
    return do(play1_cards(), A.CloseGame(actor=F, at=tick(play1_cards())))


@cache
def with_timer() -> RoomState:
    return do(play1(), A.SetTimer(actor=F, at=tick(play1()), seconds=300))


@cache
def with_paused_timer() -> RoomState:
    return do(with_timer(), A.PauseTimer(actor=F, at=tick(with_timer())))


@cache
def game_with_cards(options: int = 0) -> RoomState:
    """Round 4 decision after a game with c1 (round 1), c2 and withdrawn c3 (round 2),
    c4 (round 3) and c5 (round 4 play)."""
    state = room_with_players(THREE, options=options)
    state = post(state, "p1", "Waarde uit ronde 1")
    state = advance(state, 2, Phase.PLAY)
    state = post(state, "p1", "Voorwaarde uit ronde 2")
    state = post(state, "p2", "Wordt ingetrokken")
    state = do(state, A.WithdrawCard(actor="p2", at=tick(state), card_id=CARD_R2_WITHDRAWN))
    state = advance(state, 3, Phase.PLAY)
    state = post(state, "p2", "Afweging uit ronde 3")
    state = advance(state, 4, Phase.PLAY)
    state = post(state, "p3", "Deel van het voorstel")
    return advance(state, 4, Phase.DECISION)


def decision() -> RoomState:
    return game_with_cards()


@cache
def drafted() -> RoomState:
    state = decision()
    conditions = (
        A.ConditionInput(source_card_id=CARD_R2),
        A.ConditionInput(text="Een jaarlijkse evaluatie"),
    )
    return do(
        state,
        A.DraftProposal(actor=F, at=tick(state), text="Ja, mits...", conditions=conditions),
    )


@cache
def voting() -> RoomState:
    return do(drafted(), A.OpenVote(actor=F, at=tick(drafted())))


@cache
def voted() -> RoomState:
    return do(voting(), A.CastVote(actor="p1", at=tick(voting()), choice=VoteChoice.EENS))


@cache
def vote_closed() -> RoomState:
    return do(voted(), A.CloseVote(actor=F, at=tick(voted())))


@cache
def scoring() -> RoomState:
    return at_step(4, Phase.SCORING, options=2)


@cache
def play2_with_round1_card() -> RoomState:
    return advance(play1_cards(), 2, Phase.PLAY)


@cache
def many_cards() -> RoomState:
    state = play1()
    for n in range(MAX_CARDS_PER_ROUND):
        state = post(state, "p1", f"Kaart {n}")
    return state


@cache
def unbalanced() -> RoomState:
    """Round 1 play with six players, after both players of one shift left."""
    state = room_with_players([Role.INWONER] * 6)
    first = state.players[0]
    same_shift = [p.id for p in state.players if p.rotation == first.rotation]
    assert len(same_shift) == 2
    for player_id in same_shift:
        state = do(state, A.Leave(actor=player_id, at=tick(state)))
    return state


@cache
def merged() -> RoomState:
    return do(
        play1_cards(), A.MergeCards(actor=F, at=tick(play1_cards()), card_id="c1", into_id="c2")
    )


@cache
def just_stepped() -> RoomState:
    """Round 1 reflection, reached one second before LATER."""
    return do(play1(), A.NextPhase(actor=F, at=LATER - 1_000))


@cache
def two_players() -> RoomState:
    """Round 1 play with only two players: a problem no rebalance can solve."""
    return room_with_players([Role.INWONER, Role.RAADSLID])


@cache
def hidden() -> RoomState:
    return do(play1_cards(), A.HideCard(actor=F, at=tick(play1_cards()), card_id="c1"))


@cache
def p1_left() -> RoomState:
    return do(play1_cards(), A.Leave(actor="p1", at=tick(play1_cards())))


# Every action, accepted


def all_action_types() -> set[str]:
    return {cls.__dataclass_fields__["type"].default for cls in get_args(A.AnyAction)}


def _types(events: tuple[E.AnyEvent, ...]) -> list[type]:
    return [type(e) for e in events]


@dataclass(frozen=True)
class Accept:
    setup: Callable[[], RoomState]
    action: A.AnyAction
    events: tuple[type, ...]
    check: Callable[[RoomState, RoomState, tuple[Any, ...]], None]  # (old, new, events)
    refused_in: Callable[[], RoomState]  # a step where this action is not allowed
    refused_code: ErrorCode = EC.WRONG_PHASE


def check_join(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    joined = new.player("p4")
    assert joined is not None and joined.active
    assert joined.name == "Anna de Vries"  # trimmed, inner white space folded
    assert joined.home_role == Role.RAADSLID
    assert joined.joined_round == 0 and joined.rotation == (None, None, None)
    assert joined.joined_at == LATER
    assert len(new.players) == len(old.players) + 1


def check_late_join(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    joined = new.player("p4")
    assert joined is not None and joined.joined_round == 2
    assert joined.rotation[0] is None  # round 1 is over
    assert joined.rotation[1] is not None and joined.rotation[2] is not None
    assert joined.rotation[1] != joined.rotation[2]
    # Dealt the round-2 secret of the role they hold from now on, and nothing else.
    role = joined.rotation[1]
    assert [(d.secret_id, d.role, d.round) for d in new.dealt_to("p4")] == [
        (f"{role.value}-2", role, 2)
    ]
    assert new.dealt[: len(old.dealt)] == old.dealt


def check_leave(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert events[0].reason == "left"
    player = new.player("p1")
    assert player is not None and not player.active and player.left_reason == "left"
    assert [p.id for p in new.active_players()] == ["p2", "p3"]


def check_rename(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert new.player("p1").name == "Fatima"  # type: ignore[union-attr]
    assert new.player("p2").name == old.player("p2").name  # type: ignore[union-attr]


def check_set_home_role(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert old.player("p1").home_role == Role.INWONER  # type: ignore[union-attr]
    assert new.player("p1").home_role == Role.AMBTENAAR  # type: ignore[union-attr]


def check_start(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert (new.round, new.phase) == (1, Phase.PLAY)
    for player in new.players:
        assert sorted(player.rotation) == sorted(Role)  # every role once  # type: ignore
    for r in (1, 2, 3):
        assert sorted(rotation.role_counts(new.players, r).values()) == [1, 1, 1]
    # Each player is dealt the round-1 secret of the role they hold in round 1.
    assert old.dealt == ()
    assert {(d.player_id, d.secret_id, d.round, d.at) for d in new.dealt} == {
        (p.id, f"{p.rotation[0].value}-1", 1, LATER)  # type: ignore[union-attr]
        for p in new.players
    }


def check_next_round(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert (new.round, new.phase) == (2, Phase.PLAY)
    fresh = new.dealt[len(old.dealt) :]
    assert new.dealt[: len(old.dealt)] == old.dealt  # what was dealt is kept
    assert {(d.player_id, d.secret_id, d.round) for d in fresh} == {
        (p.id, f"{p.rotation[1].value}-2", 2)  # type: ignore[union-attr]
        for p in new.players
    }


def check_next(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert (events[0].round, events[0].phase) == (1, "reflection")
    assert (new.round, new.phase) == (1, Phase.REFLECTION)
    assert new.step_changed_at == LATER
    assert new.dealt == old.dealt  # the same round: nothing new to deal


def check_previous(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert (old.round, old.phase) == (1, Phase.REFLECTION)
    assert (new.round, new.phase) == (1, Phase.PLAY)


def check_pause_game(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert not old.paused and new.paused
    assert events[0].timer_remaining_ms is None  # no timer was running


def check_resume_game(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert old.paused and not new.paused


def check_set_timer(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert events[0].duration_ms == 120_000
    assert new.timer is not None and new.timer.running
    assert (new.timer.started_at, new.timer.duration_ms) == (LATER, 120_000)


def check_pause_timer(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert old.timer is not None and new.timer is not None
    expected = old.timer.remaining_ms(LATER)
    assert events[0].remaining_ms == expected
    assert not new.timer.running and new.timer.remaining_ms(LATER + 99_000) == expected


def check_resume_timer(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert old.timer is not None and new.timer is not None
    assert new.timer.running and new.timer.started_at == LATER
    assert new.timer.remaining_ms(LATER) == old.timer.paused_remaining_ms


def check_extend_timer(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert old.timer is not None and new.timer is not None
    assert events[0].extra_ms == 60_000
    assert new.timer.remaining_ms(LATER) == old.timer.remaining_ms(LATER) + 60_000


def check_highlight(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert not old.card("c1").highlighted and new.card("c1").highlighted  # type: ignore
    assert not new.card("c2").highlighted  # type: ignore[union-attr]


def check_merge(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert new.card("c1").merged_into == "c2"  # type: ignore[union-attr]
    assert new.card("c2").merged_into is None  # type: ignore[union-attr]


def check_unmerge(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert old.card("c1").merged_into == "c2"  # type: ignore[union-attr]
    assert new.card("c1").merged_into is None  # type: ignore[union-attr]
    assert new.card("c1").text == old.card("c1").text  # type: ignore[union-attr]


def check_hide(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert new.card("c1").hidden and not new.card("c2").hidden  # type: ignore[union-attr]


def check_rebalance(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert any(i.kind == "unbalanced" for i in rotation.report(old))
    assert not any(i.kind == "unbalanced" for i in rotation.report(new))
    changed = {r.player_id for r in events[0].rotations}
    assert changed and all(old.player(pid).rotation != new.player(pid).rotation for pid in changed)  # type: ignore
    # Whoever holds another role now is dealt its round-1 secret; earlier deals are kept.
    assert new.dealt[: len(old.dealt)] == old.dealt
    for player in new.active_players():
        role = player.rotation[0]
        assert role is not None
        assert any(d.secret_id == f"{role.value}-1" for d in new.dealt_to(player.id))


def check_set_player_home_role(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert new.player("p2").home_role == Role.INWONER  # type: ignore[union-attr]
    assert old.player("p2").home_role == Role.RAADSLID  # type: ignore[union-attr]


def check_add_paper_player(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    paper = new.player("papier-1")
    assert paper is not None and paper.on_paper and paper.active
    assert paper.rotation[0] is not None  # placed in the rotation like a late joiner
    assert [d.player_id for d in new.dealt_to("papier-1")] == ["papier-1"]


def check_remove(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    player = new.player("p2")
    assert player is not None and not player.active and player.left_reason == "removed"


def check_setting(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert not old.settings.show_author_names and new.settings.show_author_names


def check_close(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert new.phase == Phase.CLOSED and new.closed_at == LATER


def check_post(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    card = new.card("c1")
    assert card is not None
    assert card.text == "Meer groen"  # trimmed
    assert card.author_id == "p1" and card.round == 1 and card.created_at == LATER
    assert card.role == old.role_of("p1") and card.role != Role.INWONER  # rotated, not home
    assert len(new.cards) == len(old.cards) + 1


def check_edit(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    card = new.card("c1")
    assert card is not None and card.text == "Nieuwe tekst" and card.edited_at == LATER


def check_withdraw(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert new.card("c1").withdrawn  # type: ignore[union-attr]
    assert [c.id for c in new.live_cards()] == ["c2"]


def check_react(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert [(r.card_id, r.player_id, r.kind) for r in new.reactions] == [
        ("c1", "p2", ReactionKind.SUPPORT)
    ]


def check_reflection(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    (reflection,) = new.reflections
    assert (reflection.player_id, reflection.round, reflection.text) == ("p1", 1, "Ik zag meer")
    assert reflection.shared and reflection.saved_at == LATER


def check_score(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert [(s.player_id, s.option_id, s.score) for s in new.scores] == [("p1", "optie-1", 4)]


def check_draft(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert new.draft.text == "Ja, mits het veilig is"
    (condition,) = new.draft.conditions
    assert condition.source_card_id == CARD_R2
    assert condition.text == old.card(CARD_R2).text  # type: ignore[union-attr]
    assert new.versions == ()  # a draft is not a version yet


def check_open_vote(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    ballot = new.current_ballot()
    assert ballot is not None and ballot.open and ballot.number == 1
    assert ballot.proposal_version == 1
    (version,) = new.versions
    assert (version.text, version.conditions) == (old.draft.text, old.draft.conditions)


def check_cast(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    (vote,) = new.current_ballot().votes  # type: ignore[union-attr]
    assert (vote.player_id, vote.choice, vote.reason) == ("p2", VoteChoice.BEZWAAR, "Te duur")


def check_close_vote(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    ballot = new.current_ballot()
    assert ballot is not None and not ballot.open and ballot.closed_at == LATER
    assert ballot.votes == old.current_ballot().votes  # type: ignore[union-attr]


def check_tally(old: RoomState, new: RoomState, events: tuple[Any, ...]) -> None:
    assert new.current_ballot().tally_shown  # type: ignore[union-attr]


ACCEPT: dict[str, Accept] = {
    "join": Accept(
        lobby,
        A.Join(
            actor="p4", at=LATER, player_id="p4", name="  Anna   de Vries ", home_role=Role.RAADSLID
        ),
        (E.PlayerJoined,),
        check_join,
        closed_room,
        EC.GAME_CLOSED,
    ),
    "join_late": Accept(
        lambda: at_step(2, Phase.PLAY),
        A.Join(actor="p4", at=LATER, player_id="p4", name="Laat", home_role=Role.INWONER),
        (E.PlayerJoined, E.SecretsDealt),
        check_late_join,
        closed_room,
        EC.GAME_CLOSED,
    ),
    "leave": Accept(
        play1_cards,
        A.Leave(actor="p1", at=LATER),
        (E.PlayerLeft,),
        check_leave,
        closed_room,
        EC.GAME_CLOSED,
    ),
    "rename": Accept(
        play1,
        A.Rename(actor="p1", at=LATER, name="Fatima"),
        (E.PlayerRenamed,),
        check_rename,
        closed_room,
        EC.GAME_CLOSED,
    ),
    "set_home_role": Accept(
        lobby,
        A.SetHomeRole(actor="p1", at=LATER, role=Role.AMBTENAAR),
        (E.HomeRoleChanged,),
        check_set_home_role,
        play1,
    ),
    "start": Accept(
        lobby,
        A.Start(actor=F, at=LATER),
        (E.GameStarted, E.SecretsDealt),
        check_start,
        play1,
    ),
    "next_phase": Accept(
        play1,
        A.NextPhase(actor=F, at=LATER),
        (E.PhaseChanged,),
        check_next,
        closed_room,
        EC.GAME_CLOSED,
    ),
    "next_phase_into_a_round": Accept(
        lambda: at_step(1, Phase.REFLECTION),
        A.NextPhase(actor=F, at=LATER),
        (E.PhaseChanged, E.SecretsDealt),
        check_next_round,
        closed_room,
        EC.GAME_CLOSED,
    ),
    "next_phase_confirmed_soon_after": Accept(
        just_stepped,
        A.NextPhase(actor=F, at=LATER, confirm=True),
        (E.PhaseChanged, E.SecretsDealt),
        check_next_round,
        closed_room,
        EC.GAME_CLOSED,
    ),
    "previous_phase": Accept(
        lambda: at_step(1, Phase.REFLECTION),
        A.PreviousPhase(actor=F, at=LATER),
        (E.PhaseChanged,),
        check_previous,
        lobby,
    ),
    "pause_game": Accept(
        play1,
        A.PauseGame(actor=F, at=LATER),
        (E.GamePaused,),
        check_pause_game,
        lobby,
    ),
    "resume_game": Accept(
        paused_play1,
        A.ResumeGame(actor=F, at=LATER),
        (E.GameResumed,),
        check_resume_game,
        lobby,
    ),
    "set_timer": Accept(
        play1,
        A.SetTimer(actor=F, at=LATER, seconds=120),
        (E.TimerSet,),
        check_set_timer,
        closed_room,
        EC.GAME_CLOSED,
    ),
    "pause_timer": Accept(
        with_timer,
        A.PauseTimer(actor=F, at=LATER),
        (E.TimerPaused,),
        check_pause_timer,
        closed_room,
        EC.GAME_CLOSED,
    ),
    "resume_timer": Accept(
        with_paused_timer,
        A.ResumeTimer(actor=F, at=LATER),
        (E.TimerResumed,),
        check_resume_timer,
        closed_room,
        EC.GAME_CLOSED,
    ),
    "extend_timer": Accept(
        with_timer,
        A.ExtendTimer(actor=F, at=LATER),
        (E.TimerExtended,),
        check_extend_timer,
        closed_room,
        EC.GAME_CLOSED,
    ),
    "highlight_card": Accept(
        play1_cards,
        A.HighlightCard(actor=F, at=LATER, card_id="c1"),
        (E.CardHighlighted,),
        check_highlight,
        lobby,
    ),
    "merge_cards": Accept(
        play1_cards,
        A.MergeCards(actor=F, at=LATER, card_id="c1", into_id="c2"),
        (E.CardsMerged,),
        check_merge,
        lobby,
    ),
    "unmerge_card": Accept(
        merged,
        A.UnmergeCard(actor=F, at=LATER, card_id="c1"),
        (E.CardUnmerged,),
        check_unmerge,
        lobby,
    ),
    "hide_card": Accept(
        play1_cards,
        A.HideCard(actor=F, at=LATER, card_id="c1"),
        (E.CardHidden,),
        check_hide,
        lobby,
    ),
    "rebalance_roles": Accept(
        unbalanced,
        A.RebalanceRoles(actor=F, at=LATER),
        (E.RolesRebalanced, E.SecretsDealt),
        check_rebalance,
        decision,
    ),
    "set_player_home_role": Accept(
        lobby,
        A.SetPlayerHomeRole(actor=F, at=LATER, player_id="p2", role=Role.INWONER),
        (E.HomeRoleChanged,),
        check_set_player_home_role,
        decision,
    ),
    "add_paper_player": Accept(
        play1,
        A.AddPaperPlayer(actor=F, at=LATER, name="Truus", home_role=Role.INWONER),
        (E.PlayerJoined, E.SecretsDealt),
        check_add_paper_player,
        closed_room,
        EC.GAME_CLOSED,
    ),
    "remove_player": Accept(
        play1,
        A.RemovePlayer(actor=F, at=LATER, player_id="p2"),
        (E.PlayerLeft,),
        check_remove,
        closed_room,
        EC.GAME_CLOSED,
    ),
    "set_setting": Accept(
        play1,
        A.SetSetting(actor=F, at=LATER, name="show_author_names", value=True),
        (E.SettingChanged,),
        check_setting,
        closed_room,
        EC.GAME_CLOSED,
    ),
    "close_game": Accept(
        play1_cards,
        A.CloseGame(actor=F, at=LATER),
        (E.GameClosed,),
        check_close,
        lobby,
    ),
    "post_card": Accept(
        play1,
        A.PostCard(actor="p1", at=LATER, text="  Meer groen \n"),
        (E.CardPosted,),
        check_post,
        lambda: at_step(1, Phase.REFLECTION),
    ),
    "edit_card": Accept(
        play1_cards,
        A.EditCard(actor="p1", at=LATER, card_id="c1", text="Nieuwe tekst"),
        (E.CardEdited,),
        check_edit,
        lambda: at_step(1, Phase.REFLECTION),
    ),
    "withdraw_card": Accept(
        play1_cards,
        A.WithdrawCard(actor="p1", at=LATER, card_id="c1"),
        (E.CardWithdrawn,),
        check_withdraw,
        lambda: at_step(1, Phase.REFLECTION),
    ),
    "react": Accept(
        play1_cards,
        A.React(actor="p2", at=LATER, card_id="c1", kind=ReactionKind.SUPPORT),
        (E.ReactionAdded,),
        check_react,
        lambda: at_step(1, Phase.REFLECTION),
    ),
    "save_reflection": Accept(
        lambda: at_step(1, Phase.REFLECTION),
        A.SaveReflection(actor="p1", at=LATER, text=" Ik zag meer ", shared=True),
        (E.ReflectionSaved,),
        check_reflection,
        play1,
    ),
    "score_option": Accept(
        scoring,
        A.ScoreOption(actor="p1", at=LATER, option_id="optie-1", score=4),
        (E.OptionScored,),
        check_score,
        lambda: at_step(4, Phase.DECISION, options=2),
    ),
    "draft_proposal": Accept(
        decision,
        A.DraftProposal(
            actor=F,
            at=LATER,
            text="  Ja, mits het veilig is ",
            conditions=(A.ConditionInput(source_card_id=CARD_R2),),
        ),
        (E.ProposalDrafted,),
        check_draft,
        lambda: at_step(3, Phase.PLAY),
    ),
    "open_vote": Accept(
        drafted,
        A.OpenVote(actor=F, at=LATER),
        (E.VoteOpened,),
        check_open_vote,
        lambda: at_step(4, Phase.PLAY),
    ),
    "cast_vote": Accept(
        voting,
        A.CastVote(actor="p2", at=LATER, choice=VoteChoice.BEZWAAR, reason=" Te duur "),
        (E.VoteCast,),
        check_cast,
        lambda: at_step(4, Phase.REFLECTION),
    ),
    "close_vote": Accept(
        voted,
        A.CloseVote(actor=F, at=LATER),
        (E.VoteClosed,),
        check_close_vote,
        lambda: at_step(4, Phase.PLAY),
    ),
    "show_tally": Accept(
        vote_closed,
        A.ShowTally(actor=F, at=LATER),
        (E.TallyShown,),
        check_tally,
        play1,
    ),
}


def test_accept_table_covers_every_action() -> None:
    """The table of accepted actions names every action type in actions.AnyAction."""
    assert {case.action.type for case in ACCEPT.values()} == all_action_types()


@pytest.mark.parametrize("name", list(ACCEPT))
def test_action_is_accepted_with_its_events_and_state(name: str) -> None:
    """The action is accepted in its phase, emits its events, and changes the state as told."""
    case = ACCEPT[name]
    state = case.setup()
    result = accepted(state, case.action)
    assert _types(result.events) == list(case.events)
    assert all(e.at == LATER for e in result.events)
    case.check(state, result.state, result.events)


@pytest.mark.parametrize("name", list(ACCEPT))
def test_action_by_the_wrong_actor_is_refused(name: str) -> None:
    """A facilitator's action from a player, or a player's action from the facilitator or a
    stranger, is refused and changes nothing."""
    case = ACCEPT[name]
    state = case.setup()
    if isinstance(case.action, A.Join):
        # A join is made by the server for the new seat: its actor must be that seat.
        rejected(state, dataclasses.replace(case.action, actor=F), EC.ALREADY_JOINED)
    elif case.action.actor == F:
        rejected(state, dataclasses.replace(case.action, actor="p3"), EC.NOT_FACILITATOR)
    else:
        rejected(state, dataclasses.replace(case.action, actor=F), EC.NOT_A_PLAYER)
        rejected(state, dataclasses.replace(case.action, actor="stranger"), EC.NOT_A_PLAYER)


@pytest.mark.parametrize("name", list(ACCEPT))
def test_action_in_the_wrong_phase_is_refused(name: str) -> None:
    """The action is refused in a step where it is not allowed (or once the game is closed)."""
    case = ACCEPT[name]
    rejected(case.refused_in(), case.action, case.refused_code)


@pytest.mark.parametrize("name", list(ACCEPT))
def test_action_with_the_current_version_is_accepted(name: str) -> None:
    """An action that carries expected_version equal to the room's version is accepted."""
    case = ACCEPT[name]
    state = case.setup()
    result = accepted(state, dataclasses.replace(case.action, expected_version=state.version))
    assert _types(result.events) == list(case.events)


# Every error code, triggered


@dataclass(frozen=True)
class Refuse:
    setup: Callable[[], RoomState]
    action: A.AnyAction | dict[str, Any]  # a dict is a raw socket message for the codec
    code: ErrorCode


def _long(n: int) -> str:
    return "x" * n


def _conditions(n: int) -> tuple[A.ConditionInput, ...]:
    return tuple(A.ConditionInput(text=f"Voorwaarde {k}") for k in range(n))


REFUSE: dict[str, Refuse] = {
    "bad_message": Refuse(play1, {"type": "post_card", "text": 5}, EC.BAD_MESSAGE),
    "bad_message_unknown_type": Refuse(play1, {"type": "dance"}, EC.BAD_MESSAGE),
    "stale_version": Refuse(
        play1, A.NextPhase(actor=F, at=LATER, expected_version=0), EC.STALE_VERSION
    ),
    "not_facilitator": Refuse(play1, A.NextPhase(actor="p1", at=LATER), EC.NOT_FACILITATOR),
    "not_facilitator_for_player": Refuse(
        play1, A.PostCard(actor="p1", at=LATER, text="Hoi", for_player="p2"), EC.NOT_FACILITATOR
    ),
    "not_on_paper": Refuse(
        play1, A.PostCard(actor=F, at=LATER, text="Hoi", for_player="p2"), EC.NOT_ON_PAPER
    ),
    "not_a_player_stranger": Refuse(
        play1, A.PostCard(actor="stranger", at=LATER, text="Hoi"), EC.NOT_A_PLAYER
    ),
    "not_a_player_left": Refuse(
        p1_left, A.PostCard(actor="p1", at=LATER, text="Hoi"), EC.NOT_A_PLAYER
    ),
    "wrong_phase": Refuse(
        lambda: at_step(1, Phase.REFLECTION),
        A.PostCard(actor="p1", at=LATER, text="Hoi"),
        EC.WRONG_PHASE,
    ),
    "game_paused": Refuse(
        paused_play1, A.PostCard(actor="p1", at=LATER, text="Hoi"), EC.GAME_PAUSED
    ),
    "game_paused_react": Refuse(
        paused_play1,
        A.React(actor="p1", at=LATER, card_id="c2", kind=ReactionKind.SUPPORT),
        EC.GAME_PAUSED,
    ),
    "game_closed": Refuse(
        closed_room, A.PostCard(actor="p1", at=LATER, text="Hoi"), EC.GAME_CLOSED
    ),
    "game_closed_facilitator": Refuse(closed_room, A.NextPhase(actor=F, at=LATER), EC.GAME_CLOSED),
    "room_full": Refuse(
        full_lobby,
        A.Join(actor="p61", at=LATER, player_id="p61", name="Eén te veel", home_role=Role.INWONER),
        EC.ROOM_FULL,
    ),
    "already_joined": Refuse(
        lobby,
        A.Join(actor="p1", at=LATER, player_id="p1", name="Nog eens", home_role=Role.INWONER),
        EC.ALREADY_JOINED,
    ),
    "name_empty": Refuse(
        lobby,
        A.Join(actor="p4", at=LATER, player_id="p4", name=" \n\t ", home_role=Role.INWONER),
        EC.NAME_EMPTY,
    ),
    "name_empty_rename": Refuse(lobby, A.Rename(actor="p1", at=LATER, name="   "), EC.NAME_EMPTY),
    "name_too_long": Refuse(
        lobby,
        A.Join(
            actor="p4", at=LATER, player_id="p4", name=_long(MAX_NAME + 1), home_role=Role.INWONER
        ),
        EC.NAME_TOO_LONG,
    ),
    "name_taken_case_and_space": Refuse(
        lobby,
        A.Join(actor="p4", at=LATER, player_id="p4", name="  SPELER   1 ", home_role=Role.INWONER),
        EC.NAME_TAKEN,
    ),
    "name_taken_rename": Refuse(
        lobby, A.Rename(actor="p1", at=LATER, name="speler 2"), EC.NAME_TAKEN
    ),
    "no_players": Refuse(empty_lobby, A.Start(actor=F, at=LATER), EC.NO_PLAYERS),
    "no_players_next": Refuse(empty_lobby, A.NextPhase(actor=F, at=LATER), EC.NO_PLAYERS),
    "unknown_player_remove": Refuse(
        play1, A.RemovePlayer(actor=F, at=LATER, player_id="ghost"), EC.UNKNOWN_PLAYER
    ),
    "unknown_player_home_role": Refuse(
        lobby,
        A.SetPlayerHomeRole(actor=F, at=LATER, player_id="ghost", role=Role.INWONER),
        EC.UNKNOWN_PLAYER,
    ),
    "card_empty": Refuse(play1, A.PostCard(actor="p1", at=LATER, text="  \n "), EC.CARD_EMPTY),
    "card_empty_edit": Refuse(
        play1_cards, A.EditCard(actor="p1", at=LATER, card_id="c1", text=" "), EC.CARD_EMPTY
    ),
    "card_too_long": Refuse(
        play1, A.PostCard(actor="p1", at=LATER, text=_long(MAX_CARD + 1)), EC.CARD_TOO_LONG
    ),
    "card_too_long_edit": Refuse(
        play1_cards,
        A.EditCard(actor="p1", at=LATER, card_id="c1", text=_long(MAX_CARD + 1)),
        EC.CARD_TOO_LONG,
    ),
    "too_many_cards": Refuse(
        many_cards, A.PostCard(actor="p1", at=LATER, text="Nog één"), EC.TOO_MANY_CARDS
    ),
    "unknown_card": Refuse(
        play1_cards, A.HighlightCard(actor=F, at=LATER, card_id="c99"), EC.UNKNOWN_CARD
    ),
    "unknown_card_react_hidden": Refuse(
        hidden,
        A.React(actor="p2", at=LATER, card_id="c1", kind=ReactionKind.SUPPORT),
        EC.UNKNOWN_CARD,
    ),
    "unknown_card_withdrawn": Refuse(
        lambda: game_with_cards(),
        A.HideCard(actor=F, at=LATER, card_id=CARD_R2_WITHDRAWN),
        EC.UNKNOWN_CARD,
    ),
    "not_your_card": Refuse(
        play1_cards,
        A.EditCard(actor="p2", at=LATER, card_id="c1", text="Van mij nu"),
        EC.NOT_YOUR_CARD,
    ),
    "not_your_card_withdraw": Refuse(
        play1_cards, A.WithdrawCard(actor="p2", at=LATER, card_id="c1"), EC.NOT_YOUR_CARD
    ),
    "card_of_other_round": Refuse(
        play2_with_round1_card,
        A.EditCard(actor="p1", at=LATER, card_id="c1", text="Later bedacht"),
        EC.CARD_OF_OTHER_ROUND,
    ),
    "card_of_other_round_withdraw": Refuse(
        play2_with_round1_card,
        A.WithdrawCard(actor="p1", at=LATER, card_id="c1"),
        EC.CARD_OF_OTHER_ROUND,
    ),
    "bad_merge_self": Refuse(
        play1_cards, A.MergeCards(actor=F, at=LATER, card_id="c1", into_id="c1"), EC.BAD_MERGE
    ),
    "bad_merge_into_merged": Refuse(
        merged, A.MergeCards(actor=F, at=LATER, card_id="c2", into_id="c1"), EC.BAD_MERGE
    ),
    "not_merged": Refuse(
        play1_cards, A.UnmergeCard(actor=F, at=LATER, card_id="c1"), EC.NOT_MERGED
    ),
    "not_merged_the_card_that_stayed": Refuse(
        merged, A.UnmergeCard(actor=F, at=LATER, card_id="c2"), EC.NOT_MERGED
    ),
    "unknown_card_unmerge": Refuse(
        merged, A.UnmergeCard(actor=F, at=LATER, card_id="c99"), EC.UNKNOWN_CARD
    ),
    "reflection_empty": Refuse(
        lambda: at_step(1, Phase.REFLECTION),
        A.SaveReflection(actor="p1", at=LATER, text="  "),
        EC.REFLECTION_EMPTY,
    ),
    "reflection_too_long": Refuse(
        lambda: at_step(1, Phase.REFLECTION),
        A.SaveReflection(actor="p1", at=LATER, text=_long(MAX_REFLECTION + 1)),
        EC.REFLECTION_TOO_LONG,
    ),
    "timer_too_short": Refuse(
        play1, A.SetTimer(actor=F, at=LATER, seconds=9), EC.TIMER_OUT_OF_RANGE
    ),
    "timer_too_long": Refuse(
        play1, A.SetTimer(actor=F, at=LATER, seconds=3601), EC.TIMER_OUT_OF_RANGE
    ),
    "timer_extend_too_little": Refuse(
        with_timer, A.ExtendTimer(actor=F, at=LATER, seconds=0), EC.TIMER_OUT_OF_RANGE
    ),
    "no_timer_pause": Refuse(play1, A.PauseTimer(actor=F, at=LATER), EC.NO_TIMER),
    "no_timer_resume": Refuse(play1, A.ResumeTimer(actor=F, at=LATER), EC.NO_TIMER),
    "no_timer_extend": Refuse(play1, A.ExtendTimer(actor=F, at=LATER), EC.NO_TIMER),
    "timer_state_pause": Refuse(with_paused_timer, A.PauseTimer(actor=F, at=LATER), EC.TIMER_STATE),
    "timer_state_resume": Refuse(with_timer, A.ResumeTimer(actor=F, at=LATER), EC.TIMER_STATE),
    "pause_state_pause": Refuse(paused_play1, A.PauseGame(actor=F, at=LATER), EC.PAUSE_STATE),
    "pause_state_resume": Refuse(play1, A.ResumeGame(actor=F, at=LATER), EC.PAUSE_STATE),
    "step_too_soon": Refuse(just_stepped, A.NextPhase(actor=F, at=LATER), EC.STEP_TOO_SOON),
    "step_too_soon_back": Refuse(
        just_stepped, A.PreviousPhase(actor=F, at=LATER), EC.STEP_TOO_SOON
    ),
    "no_such_phase_back": Refuse(play1, A.PreviousPhase(actor=F, at=LATER), EC.NO_SUCH_PHASE),
    "no_such_phase_next": Refuse(
        lambda: at_step(4, Phase.REFLECTION), A.NextPhase(actor=F, at=LATER), EC.NO_SUCH_PHASE
    ),
    "unknown_option": Refuse(
        scoring,
        A.ScoreOption(actor="p1", at=LATER, option_id="optie-9", score=3),
        EC.UNKNOWN_OPTION,
    ),
    "score_too_low": Refuse(
        scoring,
        A.ScoreOption(actor="p1", at=LATER, option_id="optie-1", score=0),
        EC.SCORE_OUT_OF_RANGE,
    ),
    "score_too_high": Refuse(
        scoring,
        A.ScoreOption(actor="p1", at=LATER, option_id="optie-1", score=6),
        EC.SCORE_OUT_OF_RANGE,
    ),
    "proposal_empty": Refuse(decision, A.OpenVote(actor=F, at=LATER), EC.PROPOSAL_EMPTY),
    "proposal_too_long": Refuse(
        decision,
        A.DraftProposal(actor=F, at=LATER, text=_long(MAX_PROPOSAL + 1)),
        EC.PROPOSAL_TOO_LONG,
    ),
    "bad_condition_empty": Refuse(
        decision,
        A.DraftProposal(actor=F, at=LATER, text="Ja", conditions=(A.ConditionInput(text=" "),)),
        EC.BAD_CONDITION,
    ),
    "bad_condition_too_long": Refuse(
        decision,
        A.DraftProposal(
            actor=F, at=LATER, text="Ja", conditions=(A.ConditionInput(text=_long(MAX_CARD + 1)),)
        ),
        EC.BAD_CONDITION,
    ),
    "bad_condition_too_many": Refuse(
        decision,
        A.DraftProposal(actor=F, at=LATER, text="Ja", conditions=_conditions(MAX_CONDITIONS + 1)),
        EC.BAD_CONDITION,
    ),
    "condition_source_round_1": Refuse(
        decision,
        A.DraftProposal(
            actor=F, at=LATER, text="Ja", conditions=(A.ConditionInput(source_card_id=CARD_R1),)
        ),
        EC.CONDITION_SOURCE,
    ),
    "condition_source_round_4": Refuse(
        decision,
        A.DraftProposal(
            actor=F, at=LATER, text="Ja", conditions=(A.ConditionInput(source_card_id=CARD_R4),)
        ),
        EC.CONDITION_SOURCE,
    ),
    "condition_source_withdrawn": Refuse(
        decision,
        A.DraftProposal(
            actor=F,
            at=LATER,
            text="Ja",
            conditions=(A.ConditionInput(source_card_id=CARD_R2_WITHDRAWN),),
        ),
        EC.CONDITION_SOURCE,
    ),
    "condition_source_unknown": Refuse(
        decision,
        A.DraftProposal(
            actor=F, at=LATER, text="Ja", conditions=(A.ConditionInput(source_card_id="c99"),)
        ),
        EC.CONDITION_SOURCE,
    ),
    "vote_is_open_draft": Refuse(
        voting, A.DraftProposal(actor=F, at=LATER, text="Anders"), EC.VOTE_IS_OPEN
    ),
    "vote_is_open_open": Refuse(voting, A.OpenVote(actor=F, at=LATER), EC.VOTE_IS_OPEN),
    "vote_is_open_next": Refuse(voting, A.NextPhase(actor=F, at=LATER), EC.VOTE_IS_OPEN),
    "vote_is_open_previous": Refuse(voting, A.PreviousPhase(actor=F, at=LATER), EC.VOTE_IS_OPEN),
    "vote_not_open_cast": Refuse(
        drafted, A.CastVote(actor="p1", at=LATER, choice=VoteChoice.EENS), EC.VOTE_NOT_OPEN
    ),
    "vote_not_open_cast_after_close": Refuse(
        vote_closed, A.CastVote(actor="p1", at=LATER, choice=VoteChoice.EENS), EC.VOTE_NOT_OPEN
    ),
    "vote_not_open_close": Refuse(vote_closed, A.CloseVote(actor=F, at=LATER), EC.VOTE_NOT_OPEN),
    "no_vote_yet": Refuse(drafted, A.ShowTally(actor=F, at=LATER), EC.NO_VOTE_YET),
    "reason_required": Refuse(
        voting,
        A.CastVote(actor="p1", at=LATER, choice=VoteChoice.BEZWAAR, reason="  "),
        EC.REASON_REQUIRED,
    ),
    "reason_too_long": Refuse(
        voting,
        A.CastVote(actor="p1", at=LATER, choice=VoteChoice.BEZWAAR, reason=_long(MAX_REASON + 1)),
        EC.REASON_TOO_LONG,
    ),
    "reason_too_long_bedenking": Refuse(
        voting,
        A.CastVote(
            actor="p1",
            at=LATER,
            choice=VoteChoice.EENS_MET_BEDENKINGEN,
            reason=_long(MAX_BEDENKING + 1),
        ),
        EC.REASON_TOO_LONG,
    ),
    "reason_too_long_needed": Refuse(
        voting,
        A.CastVote(
            actor="p1",
            at=LATER,
            choice=VoteChoice.EENS_MET_BEDENKINGEN,
            needed=_long(MAX_REASON + 1),
        ),
        EC.REASON_TOO_LONG,
    ),
    "unknown_setting": Refuse(
        play1,
        A.SetSetting(actor=F, at=LATER, name="show_secrets", value=True),
        EC.UNKNOWN_SETTING,
    ),
    "nothing_to_rebalance": Refuse(
        play1, A.RebalanceRoles(actor=F, at=LATER), EC.NOTHING_TO_REBALANCE
    ),
    "rebalance_cannot_help_two_players": Refuse(
        two_players, A.RebalanceRoles(actor=F, at=LATER), EC.REBALANCE_CANNOT_HELP
    ),
}


def test_refuse_table_covers_every_error_code() -> None:
    """Every member of ErrorCode is triggered by at least one row of the table."""
    assert {case.code for case in REFUSE.values()} == set(ErrorCode)


@pytest.mark.parametrize("name", list(REFUSE))
def test_error_code_is_triggered_and_changes_nothing(name: str) -> None:
    """The action is refused with its stable code, and the state stays exactly as it was."""
    case = REFUSE[name]
    state = case.setup()
    if isinstance(case.action, dict):
        with pytest.raises(codec.BadMessage) as raised:
            codec.action_from_message(case.action, "p1", LATER)
        assert raised.value.problems
        assert case.code == EC.BAD_MESSAGE
        return
    rejected(state, case.action, case.code)


def test_rejection_carries_the_limit_in_its_detail() -> None:
    """A too-long card is refused with the limit and the length, for the human sentence."""
    result = rejected(play1(), A.PostCard(actor="p1", at=LATER, text=_long(300)), EC.CARD_TOO_LONG)
    assert result.detail == {"max": MAX_CARD, "length": 300}


def test_limits_are_inclusive() -> None:
    """Texts exactly at their limit are accepted (the limit is the last allowed length)."""
    accepted(play1(), A.PostCard(actor="p1", at=LATER, text=_long(MAX_CARD)))
    accepted(lobby(), A.Rename(actor="p1", at=LATER, name=_long(MAX_NAME)))
    accepted(decision(), A.DraftProposal(actor=F, at=LATER, text=_long(MAX_PROPOSAL)))
    accepted(
        voting(),
        A.CastVote(actor="p1", at=LATER, choice=VoteChoice.BEZWAAR, reason=_long(MAX_REASON)),
    )


def test_room_takes_exactly_max_players() -> None:
    """The 60th player may join; the 61st is refused with room_full."""
    state = room_with_players([Role.INWONER] * (MAX_PLAYERS - 1), started=False)
    join = A.Join(actor="p60", at=LATER, player_id="p60", name="Zestig", home_role=Role.INWONER)
    state = accepted(state, join).state
    assert len(state.active_players()) == MAX_PLAYERS
    extra = A.Join(actor="p61", at=LATER, player_id="p61", name="Teveel", home_role=Role.INWONER)
    rejected(state, extra, EC.ROOM_FULL)


def test_name_taken_ignores_own_name_and_players_who_left() -> None:
    """A player may re-case their own name, and the name of a player who left is free again."""
    state = accepted(lobby(), A.Rename(actor="p1", at=LATER, name="SPELER 1")).state
    assert state.player("p1").name == "SPELER 1"  # type: ignore[union-attr]
    state = do(state, A.Leave(actor="p2", at=LATER))
    accepted(state, A.Rename(actor="p1", at=LATER, name="Speler 2"))


def test_stale_version_stops_a_double_click() -> None:
    """Two 'next' clicks sent against the same version move the game one step, not two."""
    state = play1()
    click = A.NextPhase(actor=F, at=LATER, expected_version=state.version)
    moved = accepted(state, click).state
    assert (moved.round, moved.phase) == (1, Phase.REFLECTION)
    result = rejected(moved, click, EC.STALE_VERSION)
    assert result.detail == {"version": moved.version}


def test_too_many_cards_counts_live_cards_of_this_round() -> None:
    """Withdrawing a card frees a place; cards of other rounds do not count."""
    state = many_cards()
    state = do(state, A.WithdrawCard(actor="p1", at=LATER, card_id="c1"))
    state = accepted(state, A.PostCard(actor="p1", at=LATER, text="Weer een")).state
    state = advance(state, 2, Phase.PLAY)
    accepted(state, A.PostCard(actor="p1", at=LATER, text="Ronde twee"))


# Cards: author role, edit, withdraw


def test_card_is_marked_with_the_role_held_this_round() -> None:
    """In each of rounds 1-3 a card carries the author's rotated role, in round 4 the home role."""
    state = play1()
    for round_number in (1, 2, 3, 4):
        state = advance(state, round_number, Phase.PLAY)
        result = accepted(state, A.PostCard(actor="p1", at=LATER, text=f"Ronde {round_number}"))
        (event,) = result.events
        player = state.player("p1")
        assert player is not None
        assert event.role == player.role_in(round_number)
        assert event.round == round_number
        state = result.state
    roles = [c.role for c in state.cards]
    assert sorted(roles[:3]) == sorted(Role) and roles[3] == Role.INWONER


def test_card_ids_count_up_and_are_never_reused() -> None:
    """A new card after a withdrawal gets the next id, not the freed one."""
    state = do(play1_cards(), A.WithdrawCard(actor="p2", at=LATER, card_id="c2"))
    result = accepted(state, A.PostCard(actor="p3", at=LATER, text="Derde"))
    assert result.events[0].card_id == "c3"


def test_withdrawn_card_cannot_be_edited_or_withdrawn_again() -> None:
    """A withdrawn card is gone for its author too: unknown_card."""
    state = do(play1_cards(), A.WithdrawCard(actor="p1", at=LATER, card_id="c1"))
    rejected(state, A.EditCard(actor="p1", at=LATER, card_id="c1", text="Toch"), EC.UNKNOWN_CARD)
    rejected(state, A.WithdrawCard(actor="p1", at=LATER, card_id="c1"), EC.UNKNOWN_CARD)


# Reactions


def test_each_kind_of_reaction_once_per_player_per_card() -> None:
    """A player can give support, question and concern to one card, but each kind only once."""
    state = play1_cards()
    for kind in ReactionKind:
        state = accepted(state, A.React(actor="p2", at=LATER, card_id="c1", kind=kind)).state
    assert len(state.reactions) == 3
    again = accepted(state, A.React(actor="p2", at=LATER, card_id="c1", kind=ReactionKind.SUPPORT))
    assert again.events == () and again.state == state
    assert len(again.state.reactions) == 3


def test_reactions_of_different_players_and_cards_are_separate() -> None:
    """Support from two players, or on two cards, are separate reactions."""
    state = play1_cards()
    for actor, card in (("p2", "c1"), ("p3", "c1"), ("p2", "c2")):
        state = do(state, A.React(actor=actor, at=LATER, card_id=card, kind=ReactionKind.SUPPORT))
    assert {(r.player_id, r.card_id) for r in state.reactions} == {
        ("p2", "c1"),
        ("p3", "c1"),
        ("p2", "c2"),
    }


def test_reaction_can_be_taken_back() -> None:
    """on=False removes exactly that reaction; the others stay."""
    state = play1_cards()
    for kind in (ReactionKind.SUPPORT, ReactionKind.QUESTION):
        state = do(state, A.React(actor="p2", at=LATER, card_id="c1", kind=kind))
    result = accepted(
        state, A.React(actor="p2", at=LATER, card_id="c1", kind=ReactionKind.SUPPORT, on=False)
    )
    assert _types(result.events) == [E.ReactionRemoved]
    assert [r.kind for r in result.state.reactions] == [ReactionKind.QUESTION]


def test_taking_back_a_missing_reaction_changes_nothing() -> None:
    """Taking back a reaction that was never given is accepted with no events."""
    state = play1_cards()
    action = A.React(actor="p2", at=LATER, card_id="c1", kind=ReactionKind.CONCERN, on=False)
    result = accepted(state, action)
    assert result.events == () and result.state == state


def test_a_logged_removal_of_a_reaction_that_is_not_there_changes_nothing() -> None:
    """Replay takes a log as it is: removing a reaction nobody gave leaves the others, in order."""
    state = play1_cards()
    for card in ("c1", "c2"):
        state = do(state, A.React(actor="p2", at=LATER, card_id=card, kind=ReactionKind.SUPPORT))
    gone = E.ReactionRemoved(at=LATER, card_id="c1", player_id="p3", kind=ReactionKind.SUPPORT)
    assert replay.evolve(state, gone).reactions == state.reactions


def test_own_card_can_be_reacted_to_and_reactions_work_in_the_decision() -> None:
    """Reactions are allowed on one's own card and in the round 4 decision phase."""
    accepted(play1_cards(), A.React(actor="p1", at=LATER, card_id="c1", kind=ReactionKind.SUPPORT))
    result = accepted(
        decision(), A.React(actor="p1", at=LATER, card_id=CARD_R2, kind=ReactionKind.QUESTION)
    )
    assert _types(result.events) == [E.ReactionAdded]


def test_reacting_to_a_withdrawn_card_is_refused() -> None:
    """A withdrawn card cannot get reactions."""
    state = do(play1_cards(), A.WithdrawCard(actor="p1", at=LATER, card_id="c1"))
    action = A.React(actor="p2", at=LATER, card_id="c1", kind=ReactionKind.SUPPORT)
    rejected(state, action, EC.UNKNOWN_CARD)


# Highlight, merge, hide, unhide


def test_highlight_can_be_switched_off() -> None:
    """Highlighting with on=False removes the highlight."""
    state = do(play1_cards(), A.HighlightCard(actor=F, at=LATER, card_id="c1"))
    result = accepted(state, A.HighlightCard(actor=F, at=LATER, card_id="c1", on=False))
    assert not result.state.card("c1").highlighted  # type: ignore[union-attr]


def test_hidden_card_can_be_unhidden_and_then_reacted_to() -> None:
    """Unhiding restores the card: it can get reactions again."""
    react = A.React(actor="p2", at=LATER, card_id="c1", kind=ReactionKind.SUPPORT)
    rejected(hidden(), react, EC.UNKNOWN_CARD)
    result = accepted(hidden(), A.HideCard(actor=F, at=LATER, card_id="c1", hidden=False))
    assert _types(result.events) == [E.CardHidden]
    assert not result.state.card("c1").hidden  # type: ignore[union-attr]
    accepted(result.state, react)


def test_hidden_card_stays_in_the_state_for_the_record() -> None:
    """Hiding is not deleting: the card keeps its text and author."""
    card = hidden().card("c1")
    assert card is not None and card.text == "Een buurtkamer voor iedereen"
    assert card.author_id == "p1" and not card.withdrawn


def test_merge_of_unknown_cards_is_refused() -> None:
    """Merging from or into a card that does not exist is unknown_card."""
    rejected(
        play1_cards(), A.MergeCards(actor=F, at=LATER, card_id="c9", into_id="c1"), EC.UNKNOWN_CARD
    )
    rejected(
        play1_cards(), A.MergeCards(actor=F, at=LATER, card_id="c1", into_id="c9"), EC.UNKNOWN_CARD
    )


def test_cards_of_earlier_rounds_can_be_highlighted_later() -> None:
    """The facilitator can highlight a round 1 card during round 2."""
    state = play2_with_round1_card()
    result = accepted(state, A.HighlightCard(actor=F, at=LATER, card_id="c1"))
    assert result.state.card("c1").highlighted  # type: ignore[union-attr]


# Phase order


def _walk(state: RoomState) -> list[tuple[int, Phase]]:
    steps = [(state.round, state.phase)]
    while True:
        result = rules.apply(state, A.NextPhase(actor=F, at=tick(state)))
        if isinstance(result, rules.Rejected):
            assert result.code == EC.NO_SUCH_PHASE
            return steps
        state = result.state
        steps.append((state.round, state.phase))


ROUNDS_1_TO_3 = [(r, p) for r in (1, 2, 3) for p in (Phase.PLAY, Phase.REFLECTION)]


def test_phase_order_without_options() -> None:
    """Without fixed options: lobby, rounds 1-3 (play, reflection), round 4 without scoring."""
    assert _walk(room_with_players(THREE, started=False)) == [
        (0, Phase.LOBBY),
        *ROUNDS_1_TO_3,
        (4, Phase.PLAY),
        (4, Phase.DECISION),
        (4, Phase.REFLECTION),
    ]


def test_phase_order_with_options() -> None:
    """With fixed options, round 4 starts with scoring them before the proposal."""
    assert _walk(room_with_players(THREE, started=False, options=3)) == [
        (0, Phase.LOBBY),
        *ROUNDS_1_TO_3,
        (4, Phase.SCORING),
        (4, Phase.PLAY),
        (4, Phase.DECISION),
        (4, Phase.REFLECTION),
    ]


def test_next_in_the_lobby_starts_the_game() -> None:
    """'Next' in the lobby is the start: it hands out the rotation."""
    result = accepted(lobby(), A.NextPhase(actor=F, at=LATER))
    assert _types(result.events) == [E.GameStarted, E.SecretsDealt]
    assert all(None not in p.rotation for p in result.state.players)


def test_round_four_puts_everyone_in_their_home_role() -> None:
    """In round 4 every player holds their home role again."""
    state = at_step(4, Phase.PLAY)
    assert {p.id: state.role_of(p.id) for p in state.players} == {
        "p1": Role.INWONER,
        "p2": Role.RAADSLID,
        "p3": Role.AMBTENAAR,
    }


def test_previous_phase_steps_back_one_step_each_time() -> None:
    """'Back' walks the steps in reverse down to round 1 play, never back to the lobby."""
    state = at_step(4, Phase.REFLECTION, options=2)
    seen = [(state.round, state.phase)]
    while True:
        result = rules.apply(state, A.PreviousPhase(actor=F, at=tick(state)))
        if isinstance(result, rules.Rejected):
            assert result.code == EC.NO_SUCH_PHASE
            break
        state = result.state
        seen.append((state.round, state.phase))
    assert seen == list(reversed(_walk(at_step(1, Phase.PLAY, options=2))))
    assert (state.round, state.phase) == (1, Phase.PLAY)
    assert all(None not in p.rotation for p in state.players)  # the rotation is kept


def test_close_game_from_any_started_step() -> None:
    """The facilitator can close the game from any step after the lobby."""
    for round_number, phase in [*ROUNDS_1_TO_3, (4, Phase.PLAY), (4, Phase.DECISION)]:
        state = at_step(round_number, phase)
        result = accepted(state, A.CloseGame(actor=F, at=LATER))
        assert result.state.phase == Phase.CLOSED


def test_close_game_closes_an_open_vote_first() -> None:
    """Closing during an open vote records the vote's close, then the game's."""
    result = accepted(voted(), A.CloseGame(actor=F, at=LATER))
    assert _types(result.events) == [E.VoteClosed, E.GameClosed]
    ballot = result.state.current_ballot()
    assert ballot is not None and not ballot.open and len(ballot.votes) == 1


def test_closed_game_refuses_every_action() -> None:
    """Once closed, every action (of any actor) is refused with game_closed."""
    for name, case in ACCEPT.items():
        if isinstance(case.action, A.Join):
            continue
        result = rules.apply(closed_room(), case.action)
        assert isinstance(result, rules.Rejected), name
        assert result.code == EC.GAME_CLOSED, name


# Pause


def test_pause_blocks_players_but_not_the_facilitator() -> None:
    """While paused, players cannot post, react, reflect or vote; the facilitator steers on."""
    state = paused_play1()
    rejected(state, A.PostCard(actor="p1", at=LATER, text="Hoi"), EC.GAME_PAUSED)
    rejected(state, A.EditCard(actor="p1", at=LATER, card_id="c1", text="Hoi"), EC.GAME_PAUSED)
    rejected(state, A.WithdrawCard(actor="p1", at=LATER, card_id="c1"), EC.GAME_PAUSED)
    accepted(state, A.HighlightCard(actor=F, at=LATER, card_id="c1"))
    moved = accepted(state, A.NextPhase(actor=F, at=LATER)).state
    assert moved.paused
    rejected(moved, A.SaveReflection(actor="p1", at=LATER, text="Hoi"), EC.GAME_PAUSED)
    paused_vote = do(voting(), A.PauseGame(actor=F, at=LATER))
    rejected(paused_vote, A.CastVote(actor="p1", at=LATER, choice=VoteChoice.EENS), EC.GAME_PAUSED)


def test_players_may_still_leave_and_rename_while_paused() -> None:
    """Seat actions are not game moves: leave and rename work during a pause."""
    accepted(paused_play1(), A.Rename(actor="p1", at=LATER, name="Pauze"))
    accepted(paused_play1(), A.Leave(actor="p1", at=LATER))


# Players: join late, leave, remove, home role


def test_late_joiner_in_round_one_plays_every_role() -> None:
    """Someone joining during round 1 gets all three rounds, each role once."""
    join = A.Join(actor="p4", at=LATER, player_id="p4", name="Laat", home_role=Role.AMBTENAAR)
    state = accepted(play1(), join).state
    player = state.player("p4")
    assert player is not None and sorted(player.rotation) == sorted(Role)  # type: ignore


def test_joiner_in_round_four_plays_their_home_role() -> None:
    """Someone joining in round 4 has no rotation and holds their home role."""
    join = A.Join(actor="p4", at=LATER, player_id="p4", name="Laat", home_role=Role.AMBTENAAR)
    state = accepted(decision(), join).state
    assert state.role_of("p4") == Role.AMBTENAAR


def test_removed_player_cannot_act_and_cannot_be_removed_twice() -> None:
    """A removed player is no longer a player, and removing them again is unknown_player."""
    state = do(play1_cards(), A.RemovePlayer(actor=F, at=LATER, player_id="p2"))
    rejected(state, A.PostCard(actor="p2", at=LATER, text="Hoi"), EC.NOT_A_PLAYER)
    rejected(state, A.RemovePlayer(actor=F, at=LATER, player_id="p2"), EC.UNKNOWN_PLAYER)
    assert state.card("c2") is not None  # their cards stay on the board


def test_rejoining_with_the_same_seat_is_refused() -> None:
    """A seat id that left cannot be taken by a new join: already_joined."""
    state = p1_left()
    join = A.Join(actor="p1", at=LATER, player_id="p1", name="Terug", home_role=Role.INWONER)
    rejected(state, join, EC.ALREADY_JOINED)


def test_facilitator_sets_a_home_role_during_rounds_one_to_three() -> None:
    """The facilitator can correct a home role in rounds 1-3, which decides round 4."""
    state = at_step(2, Phase.PLAY)
    action = A.SetPlayerHomeRole(actor=F, at=LATER, player_id="p1", role=Role.RAADSLID)
    state = accepted(state, action).state
    state = advance(state, 4, Phase.PLAY)
    assert state.role_of("p1") == Role.RAADSLID


# Proposal


def test_condition_taken_from_cards_of_rounds_two_and_three() -> None:
    """Cards of rounds 2 and 3 become conditions with their text and source."""
    conditions = (
        A.ConditionInput(source_card_id=CARD_R2),
        A.ConditionInput(source_card_id=CARD_R3, text="  In eigen woorden "),
        A.ConditionInput(text="Helemaal nieuw"),
    )
    result = accepted(
        decision(), A.DraftProposal(actor=F, at=LATER, text="Ja", conditions=conditions)
    )
    got = [(c.id, c.text, c.source_card_id) for c in result.state.draft.conditions]
    assert got == [
        ("k1", "Voorwaarde uit ronde 2", CARD_R2),
        ("k2", "In eigen woorden", CARD_R3),
        ("k3", "Helemaal nieuw", None),
    ]
    assert result.state.condition_counter == 3


def test_draft_may_be_made_in_round_four_play() -> None:
    """The proposal can be drafted already while round 4 cards are being written."""
    state = at_step(4, Phase.PLAY)
    result = accepted(state, A.DraftProposal(actor=F, at=LATER, text="Een begin"))
    assert result.state.draft.text == "Een begin"


def test_unchanged_conditions_keep_their_id() -> None:
    """Redrafting keeps the id of a condition whose text and source did not change."""
    state = drafted()
    old = {c.text: c.id for c in state.draft.conditions}
    conditions = (
        A.ConditionInput(text="Een jaarlijkse evaluatie"),  # unchanged
        A.ConditionInput(text="Een nieuwe voorwaarde"),  # new
    )
    result = accepted(
        state, A.DraftProposal(actor=F, at=LATER, text="Ja, mits", conditions=conditions)
    )
    ids = {c.text: c.id for c in result.state.draft.conditions}
    assert ids["Een jaarlijkse evaluatie"] == old["Een jaarlijkse evaluatie"]
    assert ids["Een nieuwe voorwaarde"] not in old.values()


def test_condition_ids_are_unique_within_a_draft() -> None:
    """A draft never holds two conditions with the same id (refused or given fresh ids)."""
    state = drafted()
    same = A.ConditionInput(text="Een jaarlijkse evaluatie")  # already in the draft as k2
    result = rules.apply(
        state, A.DraftProposal(actor=F, at=LATER, text="Ja", conditions=(same, same))
    )
    if isinstance(result, rules.Accepted):
        ids = [c.id for c in result.state.draft.conditions]
        assert len(ids) == len(set(ids)), ids


def test_empty_draft_is_allowed_but_cannot_be_voted_on() -> None:
    """A draft may be emptied while working; opening a vote on it is proposal_empty."""
    state = accepted(drafted(), A.DraftProposal(actor=F, at=LATER, text="  ")).state
    assert state.draft.text == ""
    rejected(state, A.OpenVote(actor=F, at=LATER), EC.PROPOSAL_EMPTY)


# Votes


def test_open_vote_freezes_the_draft_into_version_one() -> None:
    """Opening the first vote makes proposal version 1 from the draft, and ballot 1 for it."""
    result = accepted(drafted(), A.OpenVote(actor=F, at=LATER))
    (event,) = result.events
    assert event.new_version is not None and event.new_version.number == 1
    (version,) = result.state.versions
    assert version.text == "Ja, mits..." and version.created_at == LATER
    assert [c.id for c in version.conditions] == ["k1", "k2"]


def test_reopen_after_amendment_makes_version_two() -> None:
    """An amended draft makes version 2 at the next vote; version 1 stays as it was."""
    amend = A.DraftProposal(actor=F, at=LATER, text="Ja, mits... en ook dit")
    state = accepted(vote_closed(), amend).state
    result = accepted(state, A.OpenVote(actor=F, at=LATER + 1))
    assert [v.number for v in result.state.versions] == [1, 2]
    assert result.state.versions[0] == vote_closed().versions[0]
    ballot = result.state.current_ballot()
    assert ballot is not None and (ballot.number, ballot.proposal_version) == (2, 2)
    assert ballot.votes == ()  # a new vote starts empty


def test_revote_on_unchanged_text_makes_no_new_version() -> None:
    """A new vote on the same proposal makes ballot 2 for version 1, no version 2."""
    result = accepted(vote_closed(), A.OpenVote(actor=F, at=LATER))
    assert result.events[0].new_version is None
    assert len(result.state.versions) == 1
    ballot = result.state.current_ballot()
    assert ballot is not None and (ballot.number, ballot.proposal_version) == (2, 1)


def test_redrafting_the_same_text_makes_no_new_version() -> None:
    """Saving the draft again unchanged (same text and conditions) still re-votes version 1."""
    same = A.DraftProposal(
        actor=F,
        at=LATER,
        text="Ja, mits...",
        conditions=(
            A.ConditionInput(source_card_id=CARD_R2),
            A.ConditionInput(text="Een jaarlijkse evaluatie"),
        ),
    )
    state = accepted(vote_closed(), same).state
    result = accepted(state, A.OpenVote(actor=F, at=LATER))
    assert len(result.state.versions) == 1


def test_votes_can_be_changed_until_the_vote_closes() -> None:
    """The last vote of a player counts; after closing no vote is taken."""
    state = voted()
    change = A.CastVote(
        actor="p1", at=LATER, choice=VoteChoice.BEZWAAR, reason="Te weinig budget", needed="Geld"
    )
    state = accepted(state, change).state
    (vote,) = state.current_ballot().votes  # type: ignore[union-attr]
    assert (vote.choice, vote.reason, vote.needed) == (
        VoteChoice.BEZWAAR,
        "Te weinig budget",
        "Geld",
    )
    state = accepted(state, A.CastVote(actor="p1", at=LATER, choice=VoteChoice.EENS)).state
    (vote,) = state.current_ballot().votes  # type: ignore[union-attr]
    assert vote.choice == VoteChoice.EENS
    state = do(state, A.CloseVote(actor=F, at=LATER))
    rejected(
        state,
        A.CastVote(actor="p1", at=LATER, choice=VoteChoice.BEZWAAR, reason="x"),
        EC.VOTE_NOT_OPEN,
    )


def test_only_bezwaar_needs_a_reason() -> None:
    """Eens and eens met bedenkingen need no reason; bezwaar does."""
    for choice in (VoteChoice.EENS, VoteChoice.EENS_MET_BEDENKINGEN):
        accepted(voting(), A.CastVote(actor="p1", at=LATER, choice=choice))
    rejected(
        voting(), A.CastVote(actor="p1", at=LATER, choice=VoteChoice.BEZWAAR), EC.REASON_REQUIRED
    )


def test_show_tally_twice_changes_nothing() -> None:
    """Showing the tally of a ballot already shown is accepted without events."""
    state = do(vote_closed(), A.ShowTally(actor=F, at=LATER))
    result = accepted(state, A.ShowTally(actor=F, at=LATER))
    assert result.events == () and result.state == state


def test_tally_can_be_shown_in_the_final_reflection() -> None:
    """The facilitator can show the tally after moving on to the round 4 reflection."""
    state = step(vote_closed())
    assert (state.round, state.phase) == (4, Phase.REFLECTION)
    assert _types(accepted(state, A.ShowTally(actor=F, at=LATER)).events) == [E.TallyShown]


def test_vote_cannot_be_opened_outside_the_decision() -> None:
    """Opening a vote in round 4 play is wrong_phase, even with a draft."""
    state = do(at_step(4, Phase.PLAY), A.DraftProposal(actor=F, at=LATER, text="Ja"))
    rejected(state, A.OpenVote(actor=F, at=LATER), EC.WRONG_PHASE)


# Scoring


def test_scoring_again_replaces_the_earlier_score() -> None:
    """A player's second score for an option replaces the first; other options are kept."""
    state = scoring()
    for option, score in (("optie-1", 2), ("optie-2", 5), ("optie-1", 4)):
        state = accepted(
            state, A.ScoreOption(actor="p1", at=LATER, option_id=option, score=score)
        ).state
    assert sorted((s.option_id, s.score) for s in state.scores) == [("optie-1", 4), ("optie-2", 5)]


# Settings, rebalance


def test_setting_can_be_switched_back() -> None:
    """A setting set to True can be set to False again."""
    state = do(play1(), A.SetSetting(actor=F, at=LATER, name="show_author_names", value=True))
    result = accepted(state, A.SetSetting(actor=F, at=LATER, name="show_author_names", value=False))
    assert not result.state.settings.show_author_names


def test_the_chime_rings_until_the_facilitator_mutes_it() -> None:
    """A new room chimes at time-up; 'chime' off mutes it, on brings it back, and the log
    folds into the same setting."""
    state = play1()
    assert state.settings.chime
    muted = accepted(state, A.SetSetting(actor=F, at=LATER, name="chime", value=False))
    assert not muted.state.settings.chime
    assert muted.state.settings.show_author_names == state.settings.show_author_names
    again = accepted(muted.state, A.SetSetting(actor=F, at=LATER, name="chime", value=True))
    assert again.state.settings.chime


def test_a_player_cannot_mute_the_chime() -> None:
    """Only the facilitator changes the room's settings, the chime too."""
    rejected(
        play1(), A.SetSetting(actor="p1", at=LATER, name="chime", value=False), EC.NOT_FACILITATOR
    )


def test_rebalance_keeps_rounds_already_played() -> None:
    """Rebalancing in round 2 leaves everyone's round 1 role as it was."""
    state = advance(unbalanced(), 2, Phase.PLAY)
    result = accepted(state, A.RebalanceRoles(actor=F, at=LATER))
    for player in result.state.active_players():
        assert player.rotation[0] == state.player(player.id).rotation[0]  # type: ignore[union-attr]
    for r in (2, 3):
        counts = rotation.role_counts(result.state.players, r).values()
        assert max(counts) - min(counts) <= 1


# Reflections


def test_saving_a_reflection_again_replaces_it() -> None:
    """A player's second reflection in a round replaces the first; other rounds are kept."""
    state = at_step(1, Phase.REFLECTION)
    state = accepted(state, A.SaveReflection(actor="p1", at=LATER, text="Eerste")).state
    state = accepted(
        state, A.SaveReflection(actor="p1", at=LATER + 1, text="Tweede", shared=True)
    ).state
    state = accepted(state, A.SaveReflection(actor="p2", at=LATER, text="Van p2")).state
    state = advance(state, 2, Phase.REFLECTION)
    state = accepted(state, A.SaveReflection(actor="p1", at=LATER, text="Ronde 2")).state
    mine = sorted((r.round, r.text, r.shared) for r in state.reflections if r.player_id == "p1")
    assert mine == [(1, "Tweede", True), (2, "Ronde 2", False)]
    assert len(state.reflections) == 3


# Secrets dealt per round


def test_stepping_back_and_forth_deals_nothing_twice() -> None:
    """Back into round 1 and forward into round 2 again: every secret is dealt once only."""
    state = at_step(2, Phase.PLAY)
    dealt = state.dealt
    back = accepted(state, A.PreviousPhase(actor=F, at=LATER))
    assert _types(back.events) == [E.PhaseChanged] and back.state.dealt == dealt
    forward = accepted(back.state, A.NextPhase(actor=F, at=LATER + STEP_APART))
    assert _types(forward.events) == [E.PhaseChanged] and forward.state.dealt == dealt
    pairs = [(d.player_id, d.secret_id) for d in dealt]
    assert len(pairs) == len(set(pairs)) == 6  # three players, rounds 1 and 2


def test_round_four_deals_no_secret() -> None:
    """Stepping into round 4 (everyone in their home role) deals nothing: it has no secrets."""
    state = at_step(3, Phase.REFLECTION)
    result = accepted(state, A.NextPhase(actor=F, at=LATER))
    assert _types(result.events) == [E.PhaseChanged]
    assert {d.round for d in result.state.dealt} == {1, 2, 3}


def test_a_rebalance_deals_the_new_role_and_keeps_what_was_dealt() -> None:
    """A rebalance in round 2 deals the new role's round-2 secret; the old one is kept, and
    no deal is ever taken back or recomputed from the new rotation."""
    state = advance(unbalanced(), 2, Phase.PLAY)
    result = accepted(state, A.RebalanceRoles(actor=F, at=LATER))
    assert result.state.dealt[: len(state.dealt)] == state.dealt
    moved = [r.player_id for r in result.events[0].rotations]
    for player_id in moved:
        before = state.player(player_id)
        after = result.state.player(player_id)
        assert before is not None and after is not None
        got = {d.secret_id for d in result.state.dealt_to(player_id) if d.round == 2}
        if before.rotation[1] != after.rotation[1]:
            assert got == {f"{before.rotation[1].value}-2", f"{after.rotation[1].value}-2"}  # type: ignore[union-attr]
    assert replay.fold(result.events, start=state).dealt == result.state.dealt


def test_a_late_joiner_in_the_lobby_is_dealt_at_the_start() -> None:
    """Joining before the start deals nothing; the start deals round 1 to everyone present."""
    joined = accepted(
        lobby(),
        A.Join(actor="p4", at=LATER, player_id="p4", name="Vroeg", home_role=Role.INWONER),
    )
    assert joined.state.dealt == ()
    started = accepted(joined.state, A.Start(actor=F, at=LATER + 1)).state
    assert {d.player_id for d in started.dealt} == {"p1", "p2", "p3", "p4"}


def test_a_player_who_left_is_not_dealt_the_next_round() -> None:
    """Only players in the room are dealt; one who left keeps what they had."""
    state = do(at_step(1, Phase.REFLECTION), A.Leave(actor="p1", at=LATER - 1))
    result = accepted(state, A.NextPhase(actor=F, at=LATER))
    assert [d.round for d in result.state.dealt_to("p1")] == [1]


# The step guard


def test_step_guard_is_exactly_three_seconds() -> None:
    """A step change 2.999 s after the last is refused with the guard's length; 3 s is fine."""
    state = just_stepped()
    assert state.step_changed_at == LATER - 1_000
    soon = rejected(
        state, A.NextPhase(actor=F, at=LATER - 1_000 + STEP_GUARD_MS - 1), EC.STEP_TOO_SOON
    )
    assert soon.detail == {"seconds": 3}
    accepted(state, A.NextPhase(actor=F, at=LATER - 1_000 + STEP_GUARD_MS))
    accepted(state, A.PreviousPhase(actor=F, at=LATER - 1, confirm=True))


def test_the_start_counts_as_a_step_change() -> None:
    """'Next' right after the start needs confirm too: the start changed the step."""
    started = accepted(lobby(), A.Start(actor=F, at=LATER)).state
    assert started.step_changed_at == LATER
    rejected(started, A.NextPhase(actor=F, at=LATER + 500), EC.STEP_TOO_SOON)


def test_nowhere_to_go_is_said_before_too_soon() -> None:
    """At the last step, 'next' says there is no next step, however soon it comes."""
    state = at_step(4, Phase.REFLECTION)
    assert state.step_changed_at is not None
    rejected(state, A.NextPhase(actor=F, at=state.step_changed_at + 1), EC.NO_SUCH_PHASE)


# Undoing


def test_a_merge_can_be_undone_and_done_again() -> None:
    """Unmerge puts a card back on its own; it can then be merged elsewhere."""
    state = accepted(merged(), A.UnmergeCard(actor=F, at=LATER, card_id="c1")).state
    rejected(state, A.UnmergeCard(actor=F, at=LATER, card_id="c1"), EC.NOT_MERGED)
    again = accepted(state, A.MergeCards(actor=F, at=LATER, card_id="c2", into_id="c1")).state
    assert again.card("c2").merged_into == "c1"  # type: ignore[union-attr]


def test_rebalance_refusal_names_the_problems_it_cannot_solve() -> None:
    """A late joiner who missed round 1 cannot be helped: the refusal says so, not
    'nothing to do'."""
    state = accepted(
        at_step(2, Phase.PLAY),
        A.Join(actor="p4", at=LATER - 1, player_id="p4", name="Laat", home_role=Role.INWONER),
    ).state
    issues = rotation.report(state)
    assert [(i.kind, i.fixable) for i in issues] == [("missed_role", False)]
    refused = rejected(state, A.RebalanceRoles(actor=F, at=LATER), EC.REBALANCE_CANNOT_HELP)
    assert refused.detail == {"problems": ["missed_role"]}
    too_few = rejected(two_players(), A.RebalanceRoles(actor=F, at=LATER), EC.REBALANCE_CANNOT_HELP)
    assert too_few.detail == {"problems": ["too_few_players"]}


# The bedenking


def test_bedenking_and_objection_limits_are_inclusive() -> None:
    """A bedenking may be 280 characters, an objection's reason 500."""
    mits = A.CastVote(
        actor="p1", at=LATER, choice=VoteChoice.EENS_MET_BEDENKINGEN, reason=_long(MAX_BEDENKING)
    )
    assert accepted(voting(), mits).state.current_ballot().votes[0].reason == _long(280)  # type: ignore[union-attr]
    bezwaar = A.CastVote(actor="p1", at=LATER, choice=VoteChoice.BEZWAAR, reason=_long(MAX_REASON))
    accepted(voting(), bezwaar)
    refused = rejected(
        voting(),
        dataclasses.replace(mits, reason=_long(MAX_BEDENKING + 1)),
        EC.REASON_TOO_LONG,
    )
    assert refused.detail == {"max": MAX_BEDENKING}
