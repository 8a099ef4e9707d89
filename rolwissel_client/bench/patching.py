"""A small RFC 6902 JSON Patch applier, for the one copy of the public view the generator keeps.

The generator reads the board (which cards exist) from the facilitator's messages: a `state`
carries the whole view, a `patch` with `part` "public" the changes to its public part.
"""

from __future__ import annotations

import copy
from typing import Any


class PatchError(Exception):
    """A patch that does not fit the document (a gap in the stream, or a broken patch)."""


def _tokens(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise PatchError(f"bad pointer {pointer!r}")
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def _index(container: list[Any], token: str, *, adding: bool) -> int:
    if token == "-" and adding:
        return len(container)
    if not token.isdigit():
        raise PatchError(f"bad index {token!r}")
    index = int(token)
    if index > len(container) or (index == len(container) and not adding):
        raise PatchError(f"index {index} out of range")
    return index


def _parent(doc: Any, tokens: list[str]) -> Any:
    node = doc
    for token in tokens[:-1]:
        if isinstance(node, list):
            node = node[_index(node, token, adding=False)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            raise PatchError(f"no {token!r} on the way")
    return node


def get(doc: Any, pointer: str) -> Any:
    """The value at `pointer`."""
    tokens = _tokens(pointer)
    if not tokens:
        return doc
    parent = _parent(doc, tokens)
    last = tokens[-1]
    if isinstance(parent, list):
        return parent[_index(parent, last, adding=False)]
    if isinstance(parent, dict) and last in parent:
        return parent[last]
    raise PatchError(f"nothing at {pointer!r}")


def _put(doc: Any, pointer: str, value: Any, *, replace: bool) -> Any:
    tokens = _tokens(pointer)
    if not tokens:
        return value
    parent = _parent(doc, tokens)
    last = tokens[-1]
    if isinstance(parent, list):
        index = _index(parent, last, adding=not replace)
        if replace:
            parent[index] = value
        else:
            parent.insert(index, value)
    elif isinstance(parent, dict):
        if replace and last not in parent:
            raise PatchError(f"nothing to replace at {pointer!r}")
        parent[last] = value
    else:
        raise PatchError(f"cannot set {pointer!r}")
    return doc


def _remove(doc: Any, pointer: str) -> Any:
    tokens = _tokens(pointer)
    if not tokens:
        raise PatchError("cannot remove the whole document")
    parent = _parent(doc, tokens)
    last = tokens[-1]
    if isinstance(parent, list):
        del parent[_index(parent, last, adding=False)]
    elif isinstance(parent, dict) and last in parent:
        del parent[last]
    else:
        raise PatchError(f"nothing to remove at {pointer!r}")
    return doc


def apply(doc: Any, ops: list[dict[str, Any]]) -> Any:
    """Apply `ops` to `doc` (changed in place where it can be); returns the new document."""
    for op in ops:
        kind, path = op.get("op"), op.get("path", "")
        if kind == "add":
            doc = _put(doc, path, op["value"], replace=False)
        elif kind == "replace":
            doc = _put(doc, path, op["value"], replace=True)
        elif kind == "remove":
            doc = _remove(doc, path)
        elif kind == "move":
            value = get(doc, op["from"])
            doc = _put(_remove(doc, op["from"]), path, value, replace=False)
        elif kind == "copy":
            doc = _put(doc, path, copy.deepcopy(get(doc, op["from"])), replace=False)
        elif kind == "test":
            if get(doc, path) != op.get("value"):
                raise PatchError(f"test failed at {path!r}")
        else:
            raise PatchError(f"unknown op {kind!r}")
    return doc
