"""Patches of views: what game/rooms/patches.py makes and what each viewer's stream adds up to.

The diff is checked against the `jsonpatch` library (RFC 6902) on random documents; the
broadcaster's stream is checked over random games (the engine's state machine): every
viewer's patches, applied in order by the client's LiveView, give exactly the view the engine
makes for that viewer at that version, and no message a viewer receives holds a secret it
was not dealt or another player's unshared reflection.
"""

from __future__ import annotations

import json
from typing import Any

import jsonpatch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant
from test_game_machine import SECRETS, Game, secrets_in

from factories import T0, do, room_with_players
from game.engine import actions as A
from game.engine import views
from game.engine.roles import Role
from game.engine.state import FACILITATOR, RoomState
from game.rooms.broadcast import Broadcaster, Step, sio_room
from game.rooms.connections import Connection, Connections, Identity
from game.rooms.patches import diff, encode, encoded_text
from rolwissel_client.liveview import LiveView

# JSON values. No number equals a bool (0, 1): Python says False == 0, and the views never
# hold a value that is a bool in one version and a number in another (patches.py).
scalars = st.one_of(st.none(), st.booleans(), st.integers(2, 9), st.text("ab/~", max_size=3))
keys = st.text("ab/~_", max_size=3)


def json_values() -> st.SearchStrategy[Any]:
    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        cards = st.lists(
            st.fixed_dictionaries({"id": st.integers(0, 9), "n": inner}),
            max_size=6,
            unique_by=lambda c: c["id"],
        )
        return st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4), cards
        )

    return st.recursive(scalars, extend, max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(old=json_values(), new=json_values())
def test_a_diff_applied_by_jsonpatch_gives_the_new_document(old: Any, new: Any) -> None:
    """Any two JSON documents: diff(old, new) applied with jsonpatch gives new, old untouched."""
    before = json.dumps(old)
    ops = diff(old, new)
    assert jsonpatch.apply_patch(old, ops) == new
    assert json.dumps(old) == before
    assert (ops == []) == (json.dumps(old, sort_keys=True) == json.dumps(new, sort_keys=True))


def test_a_diff_of_one_card_among_many_is_one_small_op() -> None:
    """A changed, a new and a removed card among 300 are one op each, by index."""
    cards = [{"id": f"c{n}", "text": f"kaart {n}", "reactions": {"support": n}} for n in range(300)]
    changed = [dict(c) for c in cards]
    changed[150] = {**cards[150], "reactions": {"support": 0}}
    assert diff({"cards": cards}, {"cards": changed}) == [
        {"op": "replace", "path": "/cards/150/reactions/support", "value": 0}
    ]
    grown = [*cards, {"id": "new", "text": "nieuw", "reactions": {"support": 0}}]
    assert diff({"cards": cards}, {"cards": grown}) == [
        {"op": "add", "path": "/cards/300", "value": grown[300]}
    ]
    shrunk = cards[:10] + cards[11:]
    assert diff({"cards": cards}, {"cards": shrunk}) == [{"op": "remove", "path": "/cards/10"}]


def test_an_encoded_message_is_its_json_text() -> None:
    """encode() gives the JSON text once, in the shape the Socket.IO packet recognises."""
    message = {"version": 3, "ops": [{"op": "add", "path": "/a~1b", "value": "é"}]}
    text = encoded_text(encode(message))
    assert text is not None and json.loads(text) == message
    assert encoded_text({"__json__": 1}) is None and encoded_text("text") is None


class Streamed(Game):
    """The engine's random games, each rule one committed step told through the broadcaster
    to a client-side LiveView per viewer (the facilitator, the big screen, every player)."""

    shared = True  # as with a message queue: private and public patches apart

    def __init__(self) -> None:
        super().__init__()
        self.inbox: list[tuple[str, dict[str, Any], str]] = []
        self.connections = Connections()
        self.broadcaster = Broadcaster(
            self._emit, lambda: 0, self.connections, shared=self.shared, members=self._members
        )
        self.lives: dict[str, LiveView] = {}
        self.received: dict[str, list[str]] = {}
        self.published: RoomState | None = None

    def _emit(self, event: str, data: Any, *, to: str, skip_sid: list[str] | None = None) -> None:
        # Each viewer has one socket here, whose sid is its viewer key.
        text = encoded_text(data)
        assert text is not None, "every view and patch is encoded once"
        keys = [key for key in self._keys_of(to) if key not in (skip_sid or [])]
        self.inbox.append((event, json.loads(text), ",".join(keys)))
        for key in keys:
            self.received.setdefault(key, []).append(text)

    def _members(self, room: str) -> list[str]:
        return self._keys_of(room)

    def _keys_of(self, to: str) -> list[str]:
        room = self.state.room_id
        if to == room:
            return list(self.lives)
        return [key for key in self.lives if sio_room(room, key) == to]

    @invariant()
    def every_viewer_holds_its_own_view_and_nothing_it_may_not_see(self) -> None:
        state = self.state
        if self.published is not None and state.version != self.published.version:
            self.broadcaster.publish([Step(self.published, state)])
            for event, message, keys in self.inbox:
                for key in filter(None, keys.split(",")):
                    live = self.lives[key]
                    (live.full if event == "state" else live.patch)(message)
        self.inbox.clear()
        # Whoever is new in the room connects now and gets the whole view, as a socket would.
        for key in ["facilitator", "screen", *(f"p:{p.id}" for p in state.players)]:
            if key not in self.lives:
                self.lives[key] = LiveView()
                actor = {"facilitator": FACILITATOR, "screen": None}.get(key, key[2:])
                self.connections.add(Connection(key, Identity(state.room_id, actor), "nl"))
                message = json.loads(json.dumps(self.broadcaster.message(state, key)))
                self.lives[key].full(message)
        self.published = state
        unshared = {r.text: r.player_id for r in state.reflections if not r.shared}
        for key, live in self.lives.items():
            viewer = _viewer(key)
            expected = json.loads(json.dumps(views.view_for(state, viewer)))
            assert live.version == state.version and live.view == expected, key
            assert live.failed == 0 and not live.pending
            seen = "".join(self.received.get(key, []))
            if isinstance(viewer, views.Participant):
                dealt = {d.secret_id for d in state.dealt_to(viewer.player_id)}
                assert secrets_in(seen) <= dealt, (key, secrets_in(seen) - dealt)
                others = [t for t, pid in unshared.items() if pid != viewer.player_id]
                assert not any(t in seen for t in others), key
            elif isinstance(viewer, views.BigScreen):
                assert secrets_in(seen) == set()
            else:
                assert not any(t in seen for t in unshared), key


def _viewer(key: str) -> views.Viewer:
    if key == "facilitator":
        return views.FACILITATOR_VIEWER
    if key == "screen":
        return views.BIG_SCREEN
    return views.Participant(key.removeprefix("p:"))


assert SECRETS  # the scenario of the machine has secrets to leak
TestStreamed = Streamed.TestCase
TestStreamed.settings = settings(max_examples=60, stateful_step_count=50, deadline=None)


class StreamedTogether(Streamed):
    """The same games in one process: a viewer whose own part changed gets one whole-view
    patch (`part` "view"), and the room's public patch skips its sockets."""

    shared = False


TestStreamedTogether = StreamedTogether.TestCase
TestStreamedTogether.settings = settings(max_examples=60, stateful_step_count=50, deadline=None)


def _patch(base: int, version: int, part: str, ops: list[dict[str, Any]]) -> dict[str, Any]:
    return {"base": base, "version": version, "now": 0, "part": part, "ops": ops}


def test_the_client_applies_steps_in_version_order_and_waits_for_a_gap() -> None:
    """A step whose base is ahead waits until the step before it comes, then both apply in
    order, each with its private patch; an older patch is ignored; one that does not fit
    asks for the whole view at once."""
    live = LiveView()
    view = {"viewer": "participant", "public": {"n": 1}, "me": {"k": 0}, "role": None}
    live.full({"version": 1, "now": 0, "view": view})
    later = _patch(2, 3, "public", [{"op": "replace", "path": "/n", "value": 3}])
    assert live.patch(later) == [] and live.gap_seconds() >= 0 and live.pending
    mine = _patch(1, 2, "private", [{"op": "replace", "path": "/me/k", "value": 2}])
    assert live.patch(mine) == []  # its public patch has not come yet
    reached = live.patch(_patch(1, 2, "public", [{"op": "replace", "path": "/n", "value": 2}]))
    assert [r["version"] for r in reached] == [2, 3]
    assert reached[0]["view"]["me"] == {"k": 2} and reached[0]["view"]["public"] == {"n": 2}
    assert live.view is not None and live.view["public"] == {"n": 3} and not live.pending
    assert live.gap_seconds() == 0
    assert live.patch(_patch(1, 2, "public", [])) == []  # a step it has already
    broken = _patch(3, 4, "public", [{"op": "remove", "path": "/missing"}])
    assert live.patch(broken) == [] and live.failed == 1 and live.gap_seconds() > 1
    assert view == {"viewer": "participant", "public": {"n": 1}, "me": {"k": 0}, "role": None}


def test_in_one_process_the_author_and_the_console_get_one_whole_view_patch_each() -> None:
    """A card posted: its author and the facilitator (whose own parts changed) each get one
    `view` patch with the public ops under /public; the public patch skips their sockets;
    another player and the big screen get only the public patch; applied, each view is
    exactly the engine's view at the new version."""
    before = room_with_players([Role.INWONER, Role.RAADSLID])
    after = do(before, A.PostCard(actor="p1", at=T0 + 9_000, text="Een bankje"))
    sent: list[tuple[str, dict[str, Any], str, list[str]]] = []

    def emit(event: str, data: Any, *, to: str, skip_sid: list[str] | None = None) -> None:
        sent.append((event, json.loads(encoded_text(data) or "null"), to, skip_sid or []))

    sockets = {"facilitator": "s-f", "screen": "s-s", "p:p1": "s-1", "p:p2": "s-2"}
    connections = Connections()
    for key, sid in sockets.items():
        actor = {"facilitator": FACILITATOR, "screen": None}.get(key, key[2:])
        connections.add(Connection(sid, Identity(before.room_id, actor), "nl"))

    def members(room: str) -> list[str]:
        return [sid for key, sid in sockets.items() if sio_room(before.room_id, key) == room]

    broadcaster = Broadcaster(emit, lambda: 0, connections, members=members)
    lives = {key: LiveView() for key in sockets}
    for key, live in lives.items():
        live.full(json.loads(json.dumps(broadcaster.message(before, key))))
    broadcaster.publish([Step(before, after)])

    assert [(m["part"], to) for _e, m, to, _s in sent] == [
        ("view", "room-1/facilitator"),
        ("view", "room-1/p:p1"),
        ("public", "room-1"),
    ]
    assert sorted(sent[-1][3]) == ["s-1", "s-f"]
    assert any(op["path"].startswith("/public/cards") for op in sent[1][1]["ops"])
    for key, live in lives.items():
        sid = sockets[key]
        for _event, message, to, skip in sent:
            if sid not in skip and (to == after.room_id or to == sio_room(after.room_id, key)):
                live.patch(message)
        expected = json.loads(json.dumps(views.view_for(after, _viewer(key))))
        assert live.version == after.version and live.view == expected, key
