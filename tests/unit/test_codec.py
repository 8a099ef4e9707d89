"""The codec: strict checks on a browser's message, and events and states that survive JSON."""

import json
from functools import cache
from typing import Any, get_args

import pytest
from pydantic import TypeAdapter

from factories import T0, make_scenario
from game.engine import actions as A
from game.engine import codec, replay, rules
from game.engine import events as E
from game.engine.roles import Role
from game.engine.state import FACILITATOR, ReactionKind, RoomState, VoteChoice

F = FACILITATOR


def parse(payload: Any, actor: str = "p1", at: int = T0) -> A.AnyAction:
    return codec.action_from_message(payload, actor, at)


def refused(payload: Any) -> list[str]:
    with pytest.raises(codec.BadMessage) as raised:
        parse(payload)
    assert raised.value.problems  # says where and what
    return raised.value.problems


# Strict messages


def test_well_formed_message_becomes_an_action() -> None:
    """A good message becomes the typed action, with enums by value and defaults filled."""
    action = parse({"type": "react", "card_id": "c1", "kind": "concern"}, actor="p2", at=T0 + 5)
    assert action == A.React(actor="p2", at=T0 + 5, card_id="c1", kind=ReactionKind.CONCERN)
    assert action.on is True


def test_actor_and_time_come_from_the_server_not_the_message() -> None:
    """An actor or time written in the message never replaces the server's."""
    action = parse({"type": "next_phase", "actor": F, "at": 1}, actor="p1", at=T0)
    assert (action.actor, action.at) == ("p1", T0)


def test_string_for_int_is_refused() -> None:
    """'5' is not accepted where a number is expected."""
    problems = refused({"type": "set_timer", "seconds": "60"})
    assert any("seconds" in p for p in problems)
    refused({"type": "score_option", "option_id": "optie-1", "score": "3"})
    refused({"type": "next_phase", "expected_version": "7"})


def test_float_for_int_is_refused() -> None:
    """60.0 is not accepted where a whole number is expected."""
    refused({"type": "set_timer", "seconds": 60.0})


def test_bool_for_int_and_int_for_bool_are_refused() -> None:
    """1 is not true and true is not 1."""
    refused({"type": "set_setting", "name": "show_author_names", "value": 1})
    refused({"type": "hide_card", "card_id": "c1", "hidden": 0})
    refused({"type": "save_reflection", "text": "x", "shared": "true"})
    refused({"type": "score_option", "option_id": "optie-1", "score": True})


def test_unknown_field_is_refused() -> None:
    """A field the action does not have is refused, also inside a condition."""
    problems = refused({"type": "post_card", "text": "Hoi", "colour": "red"})
    assert any("colour" in p for p in problems)
    refused(
        {
            "type": "draft_proposal",
            "text": "Ja",
            "conditions": [{"text": "Mits", "weight": 3}],
        }
    )


def test_missing_field_is_refused() -> None:
    """A required field that is missing is refused."""
    refused({"type": "post_card"})
    refused({"type": "edit_card", "text": "zonder kaart"})


def test_unknown_or_missing_type_is_refused() -> None:
    """A message must name a known action type."""
    refused({"type": "delete_room"})
    refused({"text": "Hoi"})
    refused({"type": None})
    refused({"type": 5})


def test_unknown_enum_value_is_refused() -> None:
    """Reaction kinds, vote choices and roles must be one of their values."""
    refused({"type": "react", "card_id": "c1", "kind": "love"})
    refused({"type": "cast_vote", "choice": "ja"})
    refused({"type": "set_home_role", "role": "burgemeester"})
    refused({"type": "set_home_role", "role": "INWONER"})


def test_message_that_is_not_an_object_is_refused() -> None:
    """A list, a string, a number or null is not a message."""
    for payload in (["post_card"], "post_card", 5, None):
        refused(payload)


def test_join_is_refused_from_a_socket() -> None:
    """Only the server makes joins: a join message is refused even when well-formed."""
    problems = refused(
        {"type": "join", "player_id": "p9", "name": "Indringer", "home_role": "inwoner"}
    )
    assert any("join" in p for p in problems)
    assert "join" not in codec.action_types()


def test_type_that_is_not_a_string_is_refused_not_a_crash() -> None:
    """A list or object as the type is a bad message, not a TypeError."""
    for bad_type in (["join"], {"name": "join"}):
        with pytest.raises(codec.BadMessage):
            parse({"type": bad_type})


def test_binary_value_is_refused_not_a_crash() -> None:
    """A bytes value (Socket.IO binary attachment) is a bad message, not a TypeError."""
    with pytest.raises(codec.BadMessage):
        parse({"type": "post_card", "text": b"Hoi"})


# Every action type a browser may send


def example_actions() -> list[A.AnyAction]:
    """One action of every type a browser may send, with non-default values."""
    at, p, cond = T0, "p1", A.ConditionInput
    return [
        A.Leave(actor=p, at=at),
        A.Rename(actor=p, at=at, name="Nieuw"),
        A.SetHomeRole(actor=p, at=at, role=Role.AMBTENAAR),
        A.Start(actor=F, at=at, expected_version=3),
        A.NextPhase(actor=F, at=at, expected_version=4),
        A.PreviousPhase(actor=F, at=at, confirm=True),
        A.PauseGame(actor=F, at=at),
        A.ResumeGame(actor=F, at=at),
        A.SetTimer(actor=F, at=at, seconds=90),
        A.PauseTimer(actor=F, at=at),
        A.ResumeTimer(actor=F, at=at),
        A.ExtendTimer(actor=F, at=at, seconds=30),
        A.HighlightCard(actor=F, at=at, card_id="c1", on=False),
        A.MergeCards(actor=F, at=at, card_id="c1", into_id="c2"),
        A.UnmergeCard(actor=F, at=at, card_id="c1"),
        A.HideCard(actor=F, at=at, card_id="c1", hidden=False),
        A.RebalanceRoles(actor=F, at=at),
        A.SetPlayerHomeRole(actor=F, at=at, player_id="p2", role=Role.RAADSLID),
        A.AddPaperPlayer(actor=F, at=at, name="Truus", home_role=Role.INWONER),
        A.RemovePlayer(actor=F, at=at, player_id="p2"),
        A.SetSetting(actor=F, at=at, name="show_author_names", value=True),
        A.CloseGame(actor=F, at=at),
        A.PostCard(actor=p, at=at, text="Hoi"),
        A.EditCard(actor=p, at=at, card_id="c1", text="Hallo"),
        A.WithdrawCard(actor=p, at=at, card_id="c1"),
        A.React(actor=p, at=at, card_id="c1", kind=ReactionKind.QUESTION, on=False),
        A.SaveReflection(actor=p, at=at, text="Ik zag", shared=True),
        A.ScoreOption(actor=p, at=at, option_id="optie-1", score=5),
        A.DraftProposal(
            actor=F, at=at, text="Ja", conditions=(cond(text="Mits"), cond(source_card_id="c2"))
        ),
        A.OpenVote(actor=F, at=at),
        A.CastVote(actor=p, at=at, choice=VoteChoice.BEZWAAR, reason="Nee", needed="Geld"),
        A.CloseVote(actor=F, at=at),
        A.ShowTally(actor=F, at=at),
    ]


_ACTION: TypeAdapter[A.AnyAction] = TypeAdapter(A.AnyAction)


def test_examples_cover_every_socket_action() -> None:
    """The examples name every action type a browser may send, and no other."""
    names = {a.type for a in example_actions()}
    every = {cls.__dataclass_fields__["type"].default for cls in get_args(A.AnyAction)}
    assert names == set(codec.action_types()) == every - {"join"}


@pytest.mark.parametrize("action", example_actions(), ids=lambda a: a.type)
def test_every_action_type_round_trips_through_a_message(action: A.AnyAction) -> None:
    """An action written as a JSON message (without actor and at) reads back equal."""
    message = _ACTION.dump_python(action, mode="json")
    del message["actor"], message["at"]
    payload = json.loads(json.dumps(message))
    assert parse(payload, actor=action.actor, at=action.at) == action


# Events and states through JSON


@cache
def played() -> tuple[tuple[E.AnyEvent, ...], tuple[RoomState, ...]]:
    """A game that produces every kind of event; its log and every state along the way."""
    created = rules.create_room("room-c", make_scenario(options=2), T0)
    events, states = list(created.events), [created.state]
    now = T0

    def go(action_type: type, **fields: Any) -> None:
        nonlocal now
        now += 5_000  # further apart than the guard against skipping a step unseen
        result = rules.apply(states[-1], action_type(at=now, **fields))
        assert isinstance(result, rules.Accepted), (action_type.__name__, result)
        events.extend(result.events)
        states.append(result.state)

    homes = [Role.INWONER, Role.RAADSLID, Role.AMBTENAAR] * 2
    for n, home in enumerate(homes, start=1):
        go(A.Join, actor=f"p{n}", player_id=f"p{n}", name=f"Speler {n}", home_role=home)
    go(A.Rename, actor="p1", name="Éva «de» Vries")
    go(A.SetHomeRole, actor="p2", role=Role.RAADSLID)
    go(A.SetSetting, actor=F, name="show_author_names", value=True)
    go(A.Start, actor=F)
    first = states[-1].player("p1")
    assert first is not None
    for pid in [p.id for p in states[-1].players if p.rotation == first.rotation]:
        go(A.Leave, actor=pid)
    a, b, c, _ = [p.id for p in states[-1].active_players()]
    go(A.RebalanceRoles, actor=F)
    go(A.SetTimer, actor=F, seconds=300)
    go(A.PauseTimer, actor=F)
    go(A.ResumeTimer, actor=F)
    go(A.ExtendTimer, actor=F)
    go(A.PauseGame, actor=F)
    go(A.ResumeGame, actor=F)
    go(A.PostCard, actor=a, text="Een waarde")
    go(A.PostCard, actor=b, text="Nog een waarde")
    go(A.EditCard, actor=a, card_id="c1", text="Een betere waarde")
    go(A.React, actor=b, card_id="c1", kind=ReactionKind.SUPPORT)
    go(A.React, actor=b, card_id="c1", kind=ReactionKind.SUPPORT, on=False)
    go(A.HighlightCard, actor=F, card_id="c1")
    go(A.MergeCards, actor=F, card_id="c2", into_id="c1")
    go(A.UnmergeCard, actor=F, card_id="c2")
    go(A.MergeCards, actor=F, card_id="c2", into_id="c1")
    go(A.HideCard, actor=F, card_id="c2")
    go(A.NextPhase, actor=F)
    go(A.SaveReflection, actor=a, text="Ik zag het anders", shared=True)
    go(A.NextPhase, actor=F)
    go(A.PostCard, actor=c, text="Een voorwaarde")
    go(A.PostCard, actor=c, text="Weg ermee")
    go(A.WithdrawCard, actor=c, card_id="c4")
    while states[-1].phase.value != "scoring":
        go(A.NextPhase, actor=F)
    go(A.ScoreOption, actor=a, option_id="optie-2", score=4)
    go(A.NextPhase, actor=F)
    go(A.NextPhase, actor=F)
    go(A.DraftProposal, actor=F, text="Ja", conditions=(A.ConditionInput(source_card_id="c3"),))
    go(A.OpenVote, actor=F)
    go(A.CastVote, actor=a, choice=VoteChoice.BEZWAAR, reason="Te duur", needed="Geld")
    go(A.CloseVote, actor=F)
    go(A.ShowTally, actor=F)
    go(A.OpenVote, actor=F)
    go(A.CastVote, actor=b, choice=VoteChoice.EENS_MET_BEDENKINGEN)
    go(A.CloseGame, actor=F)
    return tuple(events), tuple(states)


def test_played_game_produces_every_kind_of_event() -> None:
    """The game used for round trips has at least one event of every type in events.AnyEvent."""
    events, _ = played()
    assert {type(e) for e in events} == set(get_args(E.AnyEvent))


def test_events_round_trip_through_json() -> None:
    """Every event written to JSON text and read back is equal to the original."""
    events, _ = played()
    for event in events:
        text = json.dumps(codec.event_to_json(event))
        assert codec.event_from_json(json.loads(text)) == event, type(event).__name__


def test_states_round_trip_through_json() -> None:
    """Every state of the game written to JSON text and read back is equal to the original."""
    _, states = played()
    for state in states:
        text = json.dumps(codec.state_to_json(state))
        assert codec.state_from_json(json.loads(text)) == state, state.version


def test_log_read_back_from_json_folds_into_the_same_state() -> None:
    """Folding the JSON-decoded log rebuilds the final state, equal field by field."""
    events, states = played()
    decoded = [
        codec.event_from_json(json.loads(json.dumps(codec.event_to_json(e)))) for e in events
    ]
    assert replay.fold(decoded) == states[-1]
    assert states[-1].version == len(events)


def test_threshold_survives_json_as_an_exact_fraction() -> None:
    """A scenario threshold like 3/4 comes back from JSON as the same Fraction."""
    state = rules.create_room("r", make_scenario(threshold="3/4"), T0).state
    back = codec.state_from_json(json.loads(json.dumps(codec.state_to_json(state))))
    assert back.scenario.threshold == state.scenario.threshold
    assert str(back.scenario.threshold) == "3/4"


def test_event_json_names_its_type() -> None:
    """Every event's JSON has its type tag, so the log can be read without guessing."""
    events, _ = played()
    for event in events:
        assert codec.event_to_json(event)["type"] == event.type
