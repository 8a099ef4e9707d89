"""The browser's side of patches: static/js/patch.js applies RFC 6902 exactly as Python's
`jsonpatch` does, and a participant's page follows a game through patches alone."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from typing import Any

import jsonpatch
import pytest
from browser_game import ApiRoom
from playwright.sync_api import BrowserContext, WebSocket, expect
from serverproc import Server

from game.rooms.patches import diff

pytestmark = pytest.mark.browser


def _document(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.choice(["scalar", "scalar", "list", "dict", "cards"] if depth < 3 else ["scalar"])
    if kind == "list":
        return [_document(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if kind == "dict":
        return {rng.choice(["a", "b", "c/d", "e~f", "__proto__"]): _document(rng, depth + 1)
                for _ in range(rng.randint(0, 4))}  # fmt: skip
    if kind == "cards":
        ids = rng.sample(range(8), rng.randint(0, 5))
        return [{"id": f"c{i}", "n": _document(rng, depth + 1)} for i in ids]
    return rng.choice([None, True, False, 2, 3, "x", "y/z"])


def _cases() -> list[dict[str, Any]]:
    rng = random.Random(13)
    cases = []
    for _ in range(300):
        old, new = _document(rng), _document(rng)
        cases.append({"doc": old, "ops": diff(old, new), "expected": new})
    # Every kind of op by hand, and ops that must fail.
    base = {"a": [1, 2, 3], "b": {"c": "d"}}
    for ops in (
        [{"op": "add", "path": "/a/-", "value": 4}],
        [{"op": "add", "path": "/a/0", "value": 0}],
        [{"op": "remove", "path": "/a/1"}],
        [{"op": "replace", "path": "/b/c", "value": [1]}],
        [{"op": "move", "from": "/b/c", "path": "/a/0"}],
        [{"op": "copy", "from": "/a", "path": "/b/e"}],
        [{"op": "test", "path": "/a", "value": [1, 2, 3]}, {"op": "remove", "path": "/b"}],
        [{"op": "replace", "path": "", "value": 5}],
    ):
        cases.append({"doc": base, "ops": ops, "expected": jsonpatch.apply_patch(base, ops)})
    for ops in (
        [{"op": "remove", "path": "/x"}],
        [{"op": "replace", "path": "/a/3", "value": 1}],
        [{"op": "add", "path": "/a/5", "value": 1}],
        [{"op": "test", "path": "/a", "value": [1]}],
        [{"op": "add", "path": "/a/01", "value": 1}],
        [{"op": "jump", "path": "/a"}],
    ):
        with pytest.raises((jsonpatch.JsonPatchException, jsonpatch.JsonPointerException)):
            jsonpatch.apply_patch(base, ops)
        cases.append({"doc": base, "ops": ops, "expected": "error"})
    return cases


def test_the_pages_applier_gives_what_jsonpatch_gives(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """patch.js on 300 random diffs and every op: the result equals Python's jsonpatch, the
    document it was given is left as it was, and an op that does not fit throws PatchError."""
    page = people().new_page()
    page.goto(live_server.url + "/")
    cases = _cases()
    results = page.evaluate(
        """async (text) => {
          // Through JSON text both ways, as on the wire: a key "__proto__" stays a key.
          const { applyPatch, PatchError } = await import("/static/js/patch.js");
          return JSON.stringify(JSON.parse(text).map(({ doc, ops }) => {
            const before = JSON.stringify(doc);
            try {
              const out = applyPatch(doc, ops);
              return { out, kept: JSON.stringify(doc) === before };
            } catch (error) {
              return { error: error instanceof PatchError, kept: JSON.stringify(doc) === before };
            }
          }));
        }""",
        json.dumps(cases),
    )
    results = json.loads(results)
    for case, result in zip(cases, results, strict=True):
        assert result["kept"], case
        if case["expected"] == "error":
            assert result.get("error") is True, (case, result)
        else:
            assert "out" in result, (case, result)
            assert json.dumps(result["out"], sort_keys=True) == json.dumps(
                case["expected"], sort_keys=True
            ), case


def test_a_participants_page_follows_the_game_through_patches(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """A player's page shows others' cards, an edit and a reaction count as they happen,
    from `patch` messages alone: one whole `state` on connect, and no `resync`."""
    room = ApiRoom.create(live_server.url)
    context = people()
    room.seat_in(context, "Anna", "inwoner")
    page = context.new_page()
    frames: dict[str, list[str]] = {"sent": [], "received": []}

    def on_websocket(ws: WebSocket) -> None:
        ws.on("framesent", lambda payload: frames["sent"].append(str(payload)))
        ws.on("framereceived", lambda payload: frames["received"].append(str(payload)))

    page.on("websocket", on_websocket)
    page.goto(f"{live_server.url}/room/{room.room_id}/play")
    expect(page.get_by_test_id("my-name")).to_have_text("Anna")
    host = room.facilitator()
    ben = room.bot("Ben", "raadslid")
    try:
        host.act("start")
        texts = [f"Kaart {n} van Ben" for n in range(3)]
        for text in texts:
            ben.act("post_card", text=text)
        board = page.get_by_test_id("board")
        for text in texts:
            expect(board).to_contain_text(text)
        for _ in range(50):  # Ben's own view follows by patches too
            if len(ben.view.get("me", {}).get("card_ids", [])) == 3:
                break
            page.wait_for_timeout(100)
        card_id = ben.view["me"]["card_ids"][0]
        ben.act("edit_card", card_id=card_id, text="Kaart 0, beter gezegd")
        expect(board).to_contain_text("Kaart 0, beter gezegd")
        host.act("highlight_card", card_id=card_id)
        expect(page.locator(f"[data-card-id='{card_id}']")).to_have_class(
            re.compile(r"\bhighlighted\b")
        )
    finally:
        host.close()
        ben.close()
    patches = [f for f in frames["received"] if f.startswith('42["patch"')]
    states = [f for f in frames["received"] if f.startswith('42["state"')]
    assert len(patches) >= 6, frames["received"]
    # The first state may come before the upgrade to the websocket (long-polling).
    assert len(states) <= 1, "a whole view after an ordinary action"
    assert not [f for f in frames["sent"] if '"resync"' in f], "the page asked for the whole view"
