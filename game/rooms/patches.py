"""What changed between two versions of a view, as an RFC 6902 JSON Patch, and encoding once.

`diff(old, new)` makes the patch. It is made from views the engine has already hidden
(game/engine/views.py), so a patch can never carry what a view leaves out. It is written
for the views' shapes: a list is compared only between the items both versions share at
its start and its end; there, objects with an `id` (cards, players, secrets) are matched by
id, so a change to one card of 300 is one small op, a new card one `add`, a withdrawn card
one `remove` (a general list diff, like the `jsonpatch` library's, often rewrites half the
list instead), and other items are compared one by one, the rest added or removed. A part
that is the same object in both versions (the views take over what a step did not touch,
game/engine/reuse.py) is skipped without a walk. Python's `==` decides "unchanged", so the
views must not hold a value that is a bool in one version and a number in another (they do
not: each field has one type).

`encode(message)` is the one JSON encoding of a message (orjson), handed to Socket.IO as
`{"__json__": text}`: game/web/packets.py puts the text into the packet as it is, so nothing
walks or encodes the same message again per socket. It is a plain dict rather than a str
subclass because a message queue carries emits between processes as JSON, which keeps a dict
but would turn a str subclass into a plain string.
"""

from __future__ import annotations

from typing import Any

import orjson

from game.engine.reuse import changed_span

JSON = Any
Op = dict[str, Any]


READY = "__json__"
Encoded = dict[str, str]  # {READY: JSON text}


def encode(message: Any) -> Encoded:
    """`message` as JSON text, once, wrapped for Socket.IO (game/web/packets.py)."""
    return {READY: orjson.dumps(message).decode()}


def encoded_text(data: Any) -> str | None:
    """The JSON text of an encoded message; None for anything else."""
    if type(data) is dict and len(data) == 1:
        text = data.get(READY)
        if isinstance(text, str):
            return text
    return None


def diff(old: JSON, new: JSON) -> list[Op]:
    """The RFC 6902 ops that turn `old` into `new` (empty when they are equal)."""
    ops: list[Op] = []
    _diff(old, new, "", ops)
    return ops


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _diff(old: JSON, new: JSON, path: str, ops: list[Op]) -> None:
    if old is new:
        return
    # bool is a subclass of int, and 1 == 1.0: for JSON those are different values.
    if type(old) is not type(new):
        ops.append({"op": "replace", "path": path, "value": new})
    elif isinstance(old, list):
        _diff_list(old, new, path, ops)
    elif old == new:
        return
    elif isinstance(old, dict):
        _diff_dict(old, new, path, ops)
    else:
        ops.append({"op": "replace", "path": path, "value": new})


def _diff_dict(old: dict[str, JSON], new: dict[str, JSON], path: str, ops: list[Op]) -> None:
    for key in old:
        if key not in new:
            ops.append({"op": "remove", "path": f"{path}/{_escape(key)}"})
    for key, value in new.items():
        if key not in old:
            ops.append({"op": "add", "path": f"{path}/{_escape(key)}", "value": value})
        elif old[key] is not value:  # a part the views took over: nothing to walk
            _diff(old[key], value, f"{path}/{_escape(key)}", ops)


def _ids(items: list[JSON]) -> list[Any] | None:
    """The ids of a list of objects that each have a distinct `id`; None for any other list."""
    try:
        ids = [item["id"] for item in items]
        distinct = len(set(ids)) == len(ids)
    except (TypeError, KeyError):  # not all objects, one without an id, or an id not hashable
        return None
    return ids if distinct else None


def _diff_list(old: list[JSON], new: list[JSON], path: str, ops: list[Op]) -> None:
    # Only the part between the items both lists share at their start and end can differ
    # (found in C, the taken-over items by identity), so a long list costs what changed.
    start, old_stop, new_stop = changed_span(old, new)
    gone, came = old[start:old_stop], new[start:new_stop]
    if not gone and not came:
        return
    old_ids, new_ids = _ids(gone), _ids(came)
    if old_ids is not None and new_ids is not None and gone and came:
        if old_ids == new_ids:  # the same objects in the same order: the usual case
            for index, (before, after) in enumerate(zip(gone, came, strict=True), start):
                _diff(before, after, f"{path}/{index}", ops)
            return
        if _diff_keyed(gone, came, old_ids, new_ids, path, ops, start):
            return
        ops.append({"op": "replace", "path": path, "value": new})
        return
    # Item by item where both have one, then the new ones added or the old ones removed
    # (from the end backwards, so each index is still right when it is applied).
    both = min(len(gone), len(came))
    for index in range(both):
        _diff(gone[index], came[index], f"{path}/{start + index}", ops)
    for index in range(both, len(came)):
        ops.append({"op": "add", "path": f"{path}/{start + index}", "value": came[index]})
    for index in range(len(gone) - 1, both - 1, -1):
        ops.append({"op": "remove", "path": f"{path}/{start + index}"})


def _diff_keyed(
    old: list[JSON],
    new: list[JSON],
    old_ids: list[Any],
    new_ids: list[Any],
    path: str,
    ops: list[Op],
    offset: int,
) -> bool:
    """Ops for a part of a list of objects matched by id, the part starting at `offset`;
    False when the kept ones changed order (the caller replaces the whole list then)."""
    kept_new, kept_old = set(new_ids), set(old_ids)
    if [i for i in old_ids if i in kept_new] != [i for i in new_ids if i in kept_old]:
        return False
    # Removals from the end backwards, so each index is still right when it is applied.
    remaining: list[JSON] = []
    removals: list[Op] = []
    for index, item in enumerate(old):
        if old_ids[index] in kept_new:
            remaining.append(item)
        else:
            removals.append({"op": "remove", "path": f"{path}/{offset + index}"})
    ops.extend(reversed(removals))
    # Then the new ones at their places (ascending, so each index counts those before it),
    # and the changes inside the ones that stayed.
    at = 0
    for index, item in enumerate(new):
        if new_ids[index] in kept_old:
            _diff(remaining[at], item, f"{path}/{offset + index}", ops)
            at += 1
        else:
            ops.append({"op": "add", "path": f"{path}/{offset + index}", "value": item})
    return True
