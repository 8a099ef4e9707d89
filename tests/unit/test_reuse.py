"""What the views take over from the version before (game/engine/reuse.py): the changed part
of a tuple, groups rebuilt only where a step touched them, and the rules that keep a view
taken over equal to the one `view_for` makes: a reaction or an edit makes that card again,
and a player's row on the console changes when what they did changes."""

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from test_views import Clock

from factories import do, room_with_players
from game.engine import actions as A
from game.engine import codec, views
from game.engine.reuse import Grouped, Parts, changed_span
from game.engine.roles import Role
from game.engine.state import FACILITATOR, ReactionKind, RoomState
from game.rooms.patches import diff

IN, RA, AM = Role.INWONER, Role.RAADSLID, Role.AMBTENAAR
VIEWERS = (
    views.FACILITATOR_VIEWER,
    views.BIG_SCREEN,
    *(views.Participant(f"p{n}") for n in (1, 2, 3, 4)),
)


def played() -> tuple[RoomState, Clock]:
    """Round 1 play, four players, three cards (c1 by p1, c2 by p2, c3 by p3)."""
    clock = Clock()
    state = room_with_players([IN, RA, AM, IN])
    for pid in ("p1", "p2", "p3"):
        state = do(state, A.PostCard(actor=pid, at=clock(), text=f"Kaart van {pid}"))
    return state, clock


def made_after(state: RoomState, previous: views.Shared) -> views.Shared:
    """The shared part of `state` made after `previous`, checked against `view_for` for
    every viewer."""
    common = views.shared(state, previous)
    for viewer in VIEWERS:
        assert views.compose(state, viewer, common) == views.view_for(state, viewer), viewer
    return common


def console(common: views.Shared) -> dict[str, Any]:
    return views.compose(common.state, views.FACILITATOR_VIEWER, common)["facilitator"]


@settings(max_examples=300, deadline=None)
@given(
    old=st.lists(st.integers(0, 4), max_size=12),
    new=st.lists(st.integers(0, 4), max_size=12),
)
def test_the_changed_span_is_all_that_differs(old: list[int], new: list[int]) -> None:
    """Outside the span both tuples hold the same items; replacing the span turns old into new."""
    start, old_stop, new_stop = changed_span(tuple(old), tuple(new))
    assert old[:start] == new[:start]
    assert old[old_stop:] == new[new_stop:]
    assert old[:start] + new[start:new_stop] + old[old_stop:] == new
    assert (start == old_stop == new_stop) == (old == new)


class Item:
    def __init__(self, key: str) -> None:
        self.key = key


keyed = st.lists(st.sampled_from("abc"), max_size=10)


@settings(max_examples=300, deadline=None)
@given(old=keyed, came=keyed, cut=st.tuples(st.integers(0, 10), st.integers(0, 10)))
def test_groups_after_a_change_equal_groups_made_anew(
    old: list[str], came: list[str], cut: tuple[int, int]
) -> None:
    """Grouped.after equals a fresh grouping and keeps every untouched group as the same object."""
    items = [Item(k) for k in old]
    start, stop = sorted(min(n, len(items)) for n in cut)
    # As a step does: the items before and after the change are the same objects.
    kept = (*items[:start], *(Item(k) for k in came), *items[stop:])
    before = Grouped("key", tuple(items))
    after = before.after(kept)
    assert after.groups == Grouped("key", kept).groups
    assert after.touched is not None
    for key, group in after.groups.items():
        if key not in after.touched:
            assert group is before.groups[key]


def test_a_part_is_taken_over_only_while_its_inputs_are_equal() -> None:
    """Parts makes a part again as soon as one input differs, and hands the newest on."""
    made: list[int] = []

    def make(n: int) -> list[int]:
        made.append(n)
        return [n]

    first = Parts()
    value = first.get("part", (1, "a"), lambda: make(1))
    second = Parts(first)
    assert second.get("part", (1, "a"), lambda: make(2)) is value
    third = Parts(second)
    assert third.get("part", (1, "b"), lambda: make(3)) == [3]
    assert made == [1, 3]
    assert first.get("part", (1, "a"), lambda: make(4)) is value  # an older version keeps its own


def test_a_reaction_counts_its_card_again_and_takes_over_the_other_cards() -> None:
    """A reaction on c2 gives c2 new facts and a new view; c1 and c3 keep theirs."""
    state, clock = played()
    before = views.shared(state)
    state = do(state, A.React(actor="p1", at=clock(), card_id="c2", kind=ReactionKind.SUPPORT))
    after = made_after(state, before)
    assert after.facts["c2"].supports == 1 and before.facts["c2"].supports == 0
    assert after.facts["c1"] is before.facts["c1"] and after.facts["c3"] is before.facts["c3"]
    old_cards, new_cards = before.public["cards"], after.public["cards"]
    assert new_cards[1]["reactions"]["support"] == 1
    assert new_cards[0] is old_cards[0] and new_cards[2] is old_cards[2]
    assert diff(before.public["cards"], after.public["cards"]) == [
        {"op": "replace", "path": "/1/reactions/support", "value": 1},
        {"op": "replace", "path": "/1/strength", "value": 1},
    ]


def test_taking_a_reaction_back_counts_its_card_again() -> None:
    """A reaction taken back lowers the count of its card again (no old facts kept)."""
    state, clock = played()
    state = do(state, A.React(actor="p2", at=clock(), card_id="c1", kind=ReactionKind.CONCERN))
    before = views.shared(state)
    assert before.facts["c1"].concerns == 1
    state = do(
        state,
        A.React(actor="p2", at=clock(), card_id="c1", kind=ReactionKind.CONCERN, on=False),
    )
    after = made_after(state, before)
    assert after.facts["c1"].concerns == 0
    assert after.public["cards"][0]["reactions"]["concern"] == 0


def test_an_edit_changes_the_view_of_that_card_only() -> None:
    """An edit of c1 makes c1's view again, on the board and on the console."""
    state, clock = played()
    before = views.shared(state)
    old_console = console(before)["cards"]
    state = do(state, A.EditCard(actor="p1", at=clock(), card_id="c1", text="Nieuwe tekst"))
    after = made_after(state, before)
    card = after.public["cards"][0]
    assert card["text"] == "Nieuwe tekst" and card["edited"] is True
    assert after.public["cards"][1] is before.public["cards"][1]
    new_console = console(after)["cards"]
    assert new_console[0]["text"] == "Nieuwe tekst"
    assert new_console[2] is old_console[2]


def test_a_step_of_an_edit_and_a_new_card_takes_over_the_other_cards() -> None:
    """A batch that edits c1 and adds c4 (one step) makes those two again and no other."""
    state, clock = played()
    before = views.shared(state)
    state = do(state, A.EditCard(actor="p1", at=clock(), card_id="c1", text="Anders"))
    state = do(state, A.PostCard(actor="p4", at=clock(), text="Kaart van p4"))
    after = made_after(state, before)
    assert after.board.change is not None  # counted from the board before, not from scratch
    assert after.facts["c2"] is before.facts["c2"]
    cards = after.public["cards"]
    assert [c["id"] for c in cards] == ["c1", "c2", "c3", "c4"]
    assert cards[0]["text"] == "Anders" and cards[1] is before.public["cards"][1]


def test_a_hidden_card_leaves_the_board_but_not_the_console() -> None:
    """Hiding c2 removes it from the public list and marks it hidden on the console."""
    state, clock = played()
    before = views.shared(state)
    console(before)
    state = do(state, A.HideCard(actor=FACILITATOR, at=clock(), card_id="c2", hidden=True))
    after = made_after(state, before)
    assert [c["id"] for c in after.public["cards"]] == ["c1", "c3"]
    assert [c["hidden"] for c in console(after)["cards"]] == [False, True, False]


def test_a_players_row_changes_when_what_they_did_changes() -> None:
    """p4 posting a card makes p4's console row again (cards 0 -> 1); p1's row is taken over."""
    state, clock = played()
    before = views.shared(state)
    rows_before = {r["player_id"]: r for r in console(before)["overview"]}
    state = do(state, A.PostCard(actor="p4", at=clock(), text="Kaart van p4"))
    after = made_after(state, before)
    rows_after = {r["player_id"]: r for r in console(after)["overview"]}
    assert rows_before["p4"]["cards"] == 0 and rows_after["p4"]["cards"] == 1
    assert rows_after["p1"] is rows_before["p1"]


def test_a_reflection_marks_only_its_writer_as_done() -> None:
    """In the reflection phase, p2's reflection sets p2's row to reflected, nobody else's."""
    state, clock = played()
    state = do(state, A.NextPhase(actor=FACILITATOR, at=clock()))
    before = views.shared(state)
    rows_before = {r["player_id"]: r for r in console(before)["overview"]}
    state = do(state, A.SaveReflection(actor="p2", at=clock(), text="Geleerd"))
    after = made_after(state, before)
    rows_after = {r["player_id"]: r for r in console(after)["overview"]}
    assert not rows_before["p2"]["reflected"] and rows_after["p2"]["reflected"]
    assert rows_after["p3"] is rows_before["p3"]


def test_a_player_who_leaves_counts_every_card_again() -> None:
    """When whose support counts changes, no card's facts are taken over."""
    state, clock = played()
    for pid in ("p2", "p3"):
        state = do(state, A.React(actor=pid, at=clock(), card_id="c1", kind=ReactionKind.SUPPORT))
    state = do(state, A.React(actor="p4", at=clock(), card_id="c3", kind=ReactionKind.SUPPORT))
    before = views.shared(state)
    assert before.facts["c3"].supporters[IN] == 1
    state = do(state, A.Leave(actor="p4", at=clock()))
    after = made_after(state, before)
    assert after.facts["c3"].supporters[IN] == 0
    assert after.facts["c2"] is not before.facts["c2"]


def test_views_made_after_an_older_version_or_a_skipped_one_are_right() -> None:
    """A card column two boards old is made again, not patched with one step's change."""
    state, clock = played()
    first = views.shared(state)
    console(first)  # the console's columns, made at this version only
    state = do(state, A.React(actor="p1", at=clock(), card_id="c2", kind=ReactionKind.SUPPORT))
    second = made_after(state, first)
    state = do(state, A.React(actor="p1", at=clock(), card_id="c3", kind=ReactionKind.QUESTION))
    second_public_only = views.shared(second.state, first)  # no console made here
    third = made_after(state, second_public_only)
    assert console(third)["cards"][1]["reactions"]["support"] == 1
    made_after(state, first)  # straight from two versions back


def test_a_diff_skips_a_part_both_versions_share() -> None:
    """A part that is the same object in both versions is never compared item by item."""

    class Untouchable:
        def __eq__(self, other: object) -> bool:
            raise AssertionError("compared")

        __hash__ = object.__hash__

    shared_part = [{"id": "x", "value": Untouchable()}]
    old = {"cards": shared_part, "n": 1, "list": [1, 2, shared_part]}
    new = {"cards": shared_part, "n": 2, "list": [1, 3, shared_part]}
    assert diff(old, new) == [
        {"op": "replace", "path": "/n", "value": 2},
        {"op": "replace", "path": "/list/1", "value": 3},
    ]


def test_a_role_card_is_made_again_when_the_round_changes() -> None:
    """Players holding one role in a round share its view; the next round gives a new one."""
    state, clock = played()
    common = views.shared(state)
    role = {
        pid: views.compose(state, views.Participant(pid), common)["role"] for pid in ("p1", "p4")
    }
    assert role["p1"]["role"] == role["p4"]["role"] and role["p1"] is role["p4"]
    for _ in range(2):  # the reflection of round 1, then round 2's play
        state = do(state, A.NextPhase(actor=FACILITATOR, at=clock()))
    later = made_after(state, common)
    again = views.compose(state, views.Participant("p1"), later)["role"]
    assert again["round"] == 2 and again is not role["p1"]


def test_views_after_a_room_rebuilt_from_its_log_are_right() -> None:
    """A room rebuilt from its log (equal state, other objects) still gets views like view_for."""
    state, clock = played()
    before = views.shared(state)
    console(before)
    rebuilt = codec.state_from_json(json.loads(json.dumps(codec.state_to_json(state))))
    assert rebuilt == state and rebuilt.cards[0] is not state.cards[0]
    after = do(rebuilt, A.React(actor="p3", at=clock(), card_id="c1", kind=ReactionKind.SUPPORT))
    common = made_after(after, before)
    assert common.facts["c1"].supports == 1
    assert console(common)["cards"][0]["reactions"]["support"] == 1
