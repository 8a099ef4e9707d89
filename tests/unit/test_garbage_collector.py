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


def test_the_default_makes_full_passes_rare_after_the_start_ups_objects_are_frozen(
    collector: None, tmp_path: Path
) -> None:
    """A full pass walks every board in memory (60-200 ms on a busy server); a third
    threshold of 1,000 makes it rare (docs/benchmarks.md)."""
    gc.set_threshold(700, 10, 10)
    _settle_garbage_collector(defaults(str(tmp_path))["GC_THRESHOLDS"])
    assert gc.get_threshold() == (700, 10, 1000)
    assert gc.get_freeze_count() > 0  # the start-up's objects are out of every later pass


def test_an_empty_setting_keeps_pythons_own(collector: None) -> None:
    gc.set_threshold(700, 10, 10)
    _settle_garbage_collector(())
    assert gc.get_threshold() == (700, 10, 10)
