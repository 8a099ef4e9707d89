"""What changed between two versions of a view, as an RFC 6902 JSON Patch, and encoding once.

`diff(old, new)` makes the patch. It is made from views the engine has already hidden
(game/engine/views.py), so a patch can never carry what a view leaves out. It is written
for the views' shapes: lists of objects with an `id` (cards, players, secrets) are matched
by id, so a change to one card of 300 is one small op, a new card one `add`, a withdrawn
card one `remove` (a general list diff, like the `jsonpatch` library's, often rewrites half
the list instead). Every other list is compared element by element, or replaced when its
length changed other than at the end. Python's `==` decides "unchanged", so the views must
not hold a value that is a bool in one version and a number in another (they do not: each
field has one type).

`encode(message)` is the one JSON encoding of a message (orjson), handed to Socket.IO as
`{"__json__": text}`: game/web/packets.py puts the text into the packet as it is, so nothing
walks or encodes the same message again per socket. It is a plain dict rather than a str
subclass because a message queue carries emits between processes as JSON, which keeps a dict
but would turn a str subclass into a plain string.
"""

from __future__ import annotations

from typing import Any

import orjson

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
        return
    if old == new:
        return
    if isinstance(old, dict):
        _diff_dict(old, new, path, ops)
    elif isinstance(old, list):
        _diff_list(old, new, path, ops)
    else:
        ops.append({"op": "replace", "path": path, "value": new})


def _diff_dict(old: dict[str, JSON], new: dict[str, JSON], path: str, ops: list[Op]) -> None:
    for key in old:
        if key not in new:
            ops.append({"op": "remove", "path": f"{path}/{_escape(key)}"})
    for key, value in new.items():
        where = f"{path}/{_escape(key)}"
        if key not in old:
            ops.append({"op": "add", "path": where, "value": value})
        else:
            _diff(old[key], value, where, ops)


def _ids(items: list[JSON]) -> list[Any] | None:
    """The ids of a list of objects that each have a distinct `id`; None for any other list."""
    try:
        ids = [item["id"] for item in items]
        distinct = len(set(ids)) == len(ids)
    except (TypeError, KeyError):  # not all objects, one without an id, or an id not hashable
        return None
    return ids if distinct else None


def _diff_list(old: list[JSON], new: list[JSON], path: str, ops: list[Op]) -> None:
    old_ids, new_ids = _ids(old), _ids(new)
    if old_ids is not None and new_ids is not None and old and new:
        if old_ids == new_ids:  # the same objects in the same order: the usual case
            for index, (before, after) in enumerate(zip(old, new, strict=True)):
                if before is not after and before != after:
                    _diff(before, after, f"{path}/{index}", ops)
            return
        if _diff_keyed(old, new, old_ids, new_ids, path, ops):
            return
    elif len(old) == len(new) or (len(new) > len(old) and new[: len(old)] == old):
        for index, value in enumerate(new):
            if index < len(old):
                _diff(old[index], value, f"{path}/{index}", ops)
            else:
                ops.append({"op": "add", "path": f"{path}/{index}", "value": value})
        return
    elif len(old) > len(new) and old[: len(new)] == new:
        for index in range(len(old) - 1, len(new) - 1, -1):
            ops.append({"op": "remove", "path": f"{path}/{index}"})
        return
    ops.append({"op": "replace", "path": path, "value": new})


def _diff_keyed(
    old: list[JSON],
    new: list[JSON],
    old_ids: list[Any],
    new_ids: list[Any],
    path: str,
    ops: list[Op],
) -> bool:
    """Ops for a list of objects matched by id; False when the kept ones changed order (the
    caller replaces the whole list then)."""
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
            removals.append({"op": "remove", "path": f"{path}/{index}"})
    ops.extend(reversed(removals))
    # Then the new ones at their places (ascending, so each index counts those before it),
    # and the changes inside the ones that stayed.
    at = 0
    for index, item in enumerate(new):
        if new_ids[index] in kept_old:
            _diff(remaining[at], item, f"{path}/{index}", ops)
            at += 1
        else:
            ops.append({"op": "add", "path": f"{path}/{index}", "value": item})
    return True
