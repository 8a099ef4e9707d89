"""Taking over what the views made for an earlier version of a room, so that making the views
of a new version costs what the step changed, not what the room holds.

A step leaves most of a state's tuples the same objects (`replay` builds a new tuple only
for what an event changed, and keeps the items it did not touch), so what changed is found
by comparing the two states: `changed_span` finds the part of a tuple that differs with a
few comparisons made in C (identity first, then `==`), `Grouped` keeps a tuple's items per
key and rebuilds only the groups the span touched, and `Parts` takes over a part of a view
whose inputs are the same as before. Views are never changed in place, so a part taken over
serves both versions, and a diff of the two versions skips it as one object.
"""

from collections.abc import Callable, Hashable, Mapping, Sequence
from operator import attrgetter
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def _prefix(old: Sequence[Any], new: Sequence[Any], limit: int) -> int:
    """How many items at the start of both are equal, at most `limit`."""
    if old[:limit] == new[:limit]:
        return limit
    low, high = 0, limit  # old[:low] == new[:low], and the first difference is before high
    while high - low > 1:
        middle = (low + high) // 2
        if old[low:middle] == new[low:middle]:
            low = middle
        else:
            high = middle
    return low


def _suffix(old: Sequence[Any], new: Sequence[Any], limit: int) -> int:
    """How many items at the end of both are equal, at most `limit`."""
    n, m = len(old), len(new)
    if old[n - limit :] == new[m - limit :]:
        return limit
    low, high = 0, limit
    while high - low > 1:
        middle = (low + high) // 2
        if old[n - middle : n - low] == new[m - middle : m - low]:
            low = middle
        else:
            high = middle
    return low


def changed_span(old: Sequence[Any], new: Sequence[Any]) -> tuple[int, int, int]:
    """(start, old_stop, new_stop): `old[start:old_stop]` became `new[start:new_stop]`, and
    the items before and after those are equal in both. An empty span: nothing changed."""
    if old is new:
        return len(old), len(old), len(new)
    limit = min(len(old), len(new))
    start = _prefix(old, new, limit)
    end = _suffix(old, new, limit - start)
    return start, len(old) - end, len(new) - end


class Grouped(Generic[T]):
    """The items of a tuple grouped by one attribute (by player, by card), each group a tuple
    in the order of the tuple. Made again for a later version of the tuple (`after`), only
    the groups the change touched are new objects; `touched` names them."""

    def __init__(self, attribute: str, items: Sequence[T]) -> None:
        self._key = attrgetter(attribute)
        self._items = items
        groups: dict[Hashable, list[T]] = {}
        for item in items:
            groups.setdefault(self._key(item), []).append(item)
        self.groups: Mapping[Any, tuple[T, ...]] = {k: tuple(v) for k, v in groups.items()}
        self.touched: frozenset[Any] | None = None  # None: made from scratch

    def get(self, key: Hashable) -> tuple[T, ...]:
        return self.groups.get(key, ())

    def after(self, items: Sequence[T]) -> "Grouped[T]":
        """The groups of a later version of the tuple, taking over the untouched groups."""
        old = self._items
        start, old_stop, new_stop = changed_span(old, items)
        made = object.__new__(Grouped)
        made._key, made._items = self._key, items
        if start == old_stop == new_stop:
            made.groups, made.touched = self.groups, frozenset()
            return made
        key = self._key
        gone, came = old[start:old_stop], items[start:new_stop]
        gone_keys = list(map(key, gone))
        touched = frozenset(gone_keys) | frozenset(map(key, came))
        # Where the change sits in each group: its items before the change, counted on the
        # shorter side of it.
        after_side = len(old) - old_stop < start
        side_keys = list(map(key, old[old_stop:] if after_side else old[:start]))
        groups = dict(self.groups)
        for k in touched:
            group = groups.get(k, ())
            removed, side = gone_keys.count(k), side_keys.count(k)
            before = len(group) - removed - side if after_side else side
            added = tuple(item for item in came if key(item) == k)
            rebuilt = group[:before] + added + group[before + removed :]
            if rebuilt:
                groups[k] = rebuilt
            else:
                groups.pop(k, None)
        made.groups, made.touched = groups, touched
        return made


class Parts:
    """The newest value of each part of the views, kept with the inputs it was made from and
    handed from version to version: a version takes a part over when its inputs are equal,
    and otherwise makes it and keeps the new one. Each version has its own copy of the
    table, so an older version's parts stay as they were."""

    def __init__(self, previous: "Parts | None" = None) -> None:
        self._kept: dict[Hashable, tuple[tuple[Any, ...], Any]] = (
            dict(previous._kept) if previous is not None else {}
        )

    def get(self, name: Hashable, inputs: tuple[Any, ...], make: Callable[[], T]) -> T:
        """The part `name` made from `inputs`: taken over, or made now."""
        found = self._kept.get(name)
        # Tuples compare in C, each pair by identity first: the usual match costs no __eq__.
        if found is not None and found[0] == inputs:
            value: T = found[1]
            return value
        value = make()
        self._kept[name] = (inputs, value)
        return value

    def found(self, name: Hashable) -> tuple[tuple[Any, ...], Any] | None:
        """The inputs and value of the newest part `name`, from this version or an earlier one."""
        return self._kept.get(name)

    def keep(self, name: Hashable, inputs: tuple[Any, ...], value: T) -> T:
        """Keep a part made elsewhere, for the next versions to take over."""
        self._kept[name] = (inputs, value)
        return value
