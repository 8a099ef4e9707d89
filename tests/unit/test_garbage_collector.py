"""The server's garbage-collector settings after start-up (game/serve.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.config import defaults
from game.serve import _settle_garbage_collector


@pytest.fixture
def collector() -> Iterator[None]:
    """Puts the test process's collector back as it was."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_full_passes_are_rare_by_default_and_the_young_generations_keep_pythons(
    collector: None, tmp_path: Path
) -> None:
    """A full pass walks every board in memory (60-200 ms on a busy server), so the default
    waits 1,000 middle passes for one instead of Python's 10; the young generations keep
    Python's 700 and 10 (larger ones made each young pass a longer stall)."""
    _settle_garbage_collector(defaults(str(tmp_path))["GC_THRESHOLDS"])
    assert gc.get_threshold() == (700, 10, 1000)
    assert gc.get_freeze_count() > 0  # the start-up's objects are out of every later pass


def test_empty_thresholds_keep_pythons_own(collector: None) -> None:
    gc.set_threshold(700, 10, 10)
    _settle_garbage_collector(())
    assert gc.get_threshold() == (700, 10, 10)
