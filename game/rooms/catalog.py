"""The scenarios a server offers: the shipped files, and the own cases of the database.

A `Catalog` is the mapping the room service looks scenarios up in, so a case saved in the
editor can be played at once, in every server process, without a restart. An own case is
parsed once per stored version; one that no longer passes the schema is left out (and
logged), like a broken file. A shipped id always wins over an own case.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from game.scenarios.loader import check_text, skipped_line
from game.scenarios.schema import Scenario
from game.store import cases
from game.store.db import Database

logger = logging.getLogger("rolwissel.scenarios")


class Catalog(Mapping[str, Scenario]):
    """Shipped scenarios and own cases, by id."""

    def __init__(self, shipped: Mapping[str, Scenario], db: Database) -> None:
        self.shipped = dict(shipped)
        self.db = db
        self._parsed: dict[str, tuple[int, Scenario | None]] = {}
        self._lock = threading.Lock()

    def is_own(self, scenario_id: str) -> bool:
        return scenario_id not in self.shipped and scenario_id in self.own_ids()

    def own_ids(self) -> list[str]:
        return [c.id for c in cases.all_cases(self.db) if c.id not in self.shipped]

    def _parse(self, stored: cases.StoredCase) -> Scenario | None:
        with self._lock:
            known = self._parsed.get(stored.id)
            if known is not None and known[0] == stored.version:
                return known[1]
        checked = check_text(stored.yaml, Path(f"own-case:{stored.id}"))
        if checked.scenario is None:
            logger.warning(skipped_line(checked))
        with self._lock:
            self._parsed[stored.id] = (stored.version, checked.scenario)
        return checked.scenario

    def __getitem__(self, scenario_id: str) -> Scenario:
        if scenario_id in self.shipped:
            return self.shipped[scenario_id]
        stored = cases.get_case(self.db, scenario_id)
        scenario = None if stored is None else self._parse(stored)
        if scenario is None or scenario.id != scenario_id:
            raise KeyError(scenario_id)
        return scenario

    def own(self) -> list[Scenario]:
        """The own cases that pass the schema."""
        found = (self._parse(c) for c in cases.all_cases(self.db) if c.id not in self.shipped)
        return [s for s in found if s is not None]

    def __iter__(self) -> Iterator[str]:
        yield from self.shipped
        yield from (s.id for s in self.own())

    def __len__(self) -> int:
        return len(self.shipped) + len(self.own())
