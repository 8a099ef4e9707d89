"""The loop-lag watcher's report: ranks of one stretch, and counts a reader can add up."""

from __future__ import annotations

import pytest

from game.rooms.runtime import LagReport, watch_loop_lag


class Enough(Exception):
    """Ends the watcher's endless loop after two reports."""


def test_a_report_ranks_its_samples_and_counts_those_over_each_bound() -> None:
    """p50, p99 and max of the stretch; per bound, the samples strictly later than it."""
    lags = [1.0] * 90 + [15.0] * 5 + [20.0, 30.0, 60.0, 120.0, 250.0]
    report = LagReport.of(lags)
    assert (report.samples, report.p50_ms, report.p99_ms, report.max_ms) == (100, 1.0, 250.0, 250.0)
    assert report.over_ms == {10: 10, 20: 4, 50: 3, 100: 2}


def test_the_watcher_measures_how_late_it_woke() -> None:
    """A clock that jumps 30 ms past each 50 ms sleep gives lags of 30 ms, reported per
    stretch."""
    now = [0.0]

    def clock() -> float:
        return now[0]

    def sleep(seconds: float) -> None:
        now[0] += seconds + 0.030

    reports: list[LagReport] = []

    def report(found: LagReport) -> None:
        reports.append(found)
        if len(reports) == 2:
            raise Enough

    with pytest.raises(Enough):
        watch_loop_lag(sleep, 0.4, report, interval_s=0.05, clock=clock)
    assert len(reports) == 2 and reports[0].samples == 5
    assert round(reports[0].max_ms) == 30 and reports[0].over_ms[20] == 5
