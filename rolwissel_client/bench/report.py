"""The benchmark's results as JSON (one file per run) and as Markdown tables."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

RESULTS_DIR = Path("bench-results")
NONE = "\N{EN DASH}"  # an empty cell


def default_path(mode: str) -> Path:
    return RESULTS_DIR / f"bench-{mode}-{time.strftime('%Y%m%d-%H%M%S')}.json"


def write_json(result: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return path


def late_share(samples: dict[str, int] | None, bound_ms: int) -> float | None:
    """The percentage of the loop-lag watcher's samples later than `bound_ms` in a run (below
    1 %: the lag's p99 is under the bound); None when the server did not count them."""
    if not samples or not samples.get("samples") or f"over_{bound_ms}ms" not in samples:
        return None
    return 100 * samples[f"over_{bound_ms}ms"] / samples["samples"]


def _cell(value: Any, digits: int = 0) -> str:
    if value is None:
        return NONE
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _mb(value: int | None) -> str:
    return NONE if value is None else f"{value / 1e6:,.0f}"


def _errors(errors: dict[str, int] | None) -> str:
    if not errors:
        return "0"
    return ", ".join(f"{code} {count}" for code, count in sorted(errors.items()))


def run_rows(runs: list[dict[str, Any]]) -> list[str]:
    """One table row per run."""
    head = (
        "| server | deflate | players | actions/s | deliveries/s | p50 ms | p95 ms | p99 ms "
        "| max ms | server CPU % | CPU ms per delivery | server RSS MB | generator CPU % "
        "| loop lag > 20 ms % | other CPU % | errors |"
    )
    rows = [head, _rule(head)]
    for run in runs:
        latency = run.get("latency_ms") or {}
        server = run.get("server") or {}
        generator = run.get("generator") or {}
        lag = late_share((run.get("server_log") or {}).get("loop_lag_samples"), 20)
        cells = [
            run.get("kind", "?"),
            "on" if run.get("compression") else "off",
            _cell(run.get("players")),
            _cell(run.get("actions_per_s"), 0),
            _cell(run.get("deliveries_per_s"), 0),
            *_latencies(latency),
            _cell(server.get("cpu_percent"), 0),
            _cell(server.get("ms_per_delivery"), 3),
            _mb(server.get("rss_max")),
            _cell(generator.get("cpu_percent"), 0),
            "n/a" if lag is None else _cell(lag, 1),
            _cell((run.get("noise") or {}).get("other_cpu_percent"), 0),
            _errors(run.get("errors")),
        ]
        rows.append(_row(cells))
    return rows


def _latencies(latency: dict[str, Any]) -> list[str]:
    """The p50, p95, p99 and max cells of a run (a time-out shows as such)."""
    return [
        _cell(latency.get("p50"), 0),
        _cell(latency.get("p95"), 0),
        _latency(latency.get("p99"), latency),
        _latency(latency.get("max"), latency),
    ]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


SERVICES = ("redis", "postgresql", "nginx")


def _processes(processes: int) -> str:
    return "1, SQLite" if not processes else f"{processes} behind nginx"


def cluster_rows(runs: list[dict[str, Any]]) -> list[str]:
    """One table row per run of the cluster step: latencies, and CPU per delivered message of
    the servers (summed) and of each of the cluster's other programs."""
    head = (
        "| processes | players | deliveries/s | p50 ms | p95 ms | p99 ms | max ms "
        "| servers CPU % | servers ms/delivery | redis | postgresql | nginx "
        "| other CPU % | errors |"
    )
    rows = [head, _rule(head)]
    for run in runs:
        latency = run.get("latency_ms") or {}
        server = run.get("server") or {}
        services = run.get("services") or {}
        cells = [
            _processes(run.get("processes", 0)),
            _cell(run.get("players")),
            _cell(run.get("deliveries_per_s"), 0),
            *_latencies(latency),
            _cell(server.get("cpu_percent"), 0),
            _cell(server.get("ms_per_delivery"), 3),
            *(_cell((services.get(name) or {}).get("ms_per_delivery"), 3) for name in SERVICES),
            _cell((run.get("noise") or {}).get("other_cpu_percent"), 0),
            _errors(run.get("errors")),
        ]
        rows.append(_row(cells))
    return rows


def scaling_rows(result: dict[str, Any]) -> list[str]:
    """Per number of processes: the largest player count under the threshold, its
    latencies, and the CPU per delivered message (medians over the step's runs)."""
    head = (
        f"| processes | players at p99 < {result.get('threshold_ms', 200):.0f} ms "
        "| p50 / p95 / p99 / max ms there | servers ms/delivery | redis | postgresql | nginx "
        "| all ms/delivery |"
    )
    rows = [head, _rule(head)]
    for row in result.get("scaling", []):
        latency = row.get("latency_ms") or {}
        services = row.get("services_ms_per_delivery") or {}
        spread = " / ".join(_cell(latency.get(k), 0) for k in ("p50", "p95", "p99", "max"))
        cells = [
            _processes(row["processes"]),
            _cell(row.get("players")),
            spread if latency else NONE,
            _cell(row.get("server_ms_per_delivery"), 3),
            *(_cell(services.get(name), 3) for name in SERVICES),
            _cell(row.get("total_ms_per_delivery"), 3),
        ]
        rows.append(_row(cells))
    return rows


def _rule(head: str) -> str:
    return "|" + " --- |" * (head.count("|") - 1)


def _latency(value: float | None, latency: dict[str, Any]) -> str:
    if value is None and latency.get("count"):
        return "timeout"
    return _cell(value, 0)


def machine_lines(machine: dict[str, Any]) -> list[str]:
    libraries = ", ".join(f"{k} {v}" for k, v in machine.get("libraries", {}).items() if v)
    pinned = machine.get("pinned") or {}
    return [
        f"- Machine: {machine.get('nproc')} CPUs ({machine.get('cpu_model')}), "
        f"{machine.get('memory_gb')} GB, Linux {machine.get('kernel')}, "
        f"load average at start {' '.join(machine.get('load_average_at_start', []))}",
        f"- Python {machine.get('python')}; {libraries}",
        f"- Server pinned to core {pinned.get('server')}, generator to core "
        f"{pinned.get('generator')}; commit {machine.get('git_commit')}; {machine.get('date')}",
    ]


def markdown(result: dict[str, Any]) -> str:
    """A Markdown report of any mode's result."""
    mode = result.get("mode", "sweep")
    lines = [f"### rolwissel bench {'' if mode == 'sweep' else mode}".rstrip(), ""]
    if result.get("command"):
        lines += [f"`{result['command']}`", ""]
    if result.get("machine"):
        lines += [*machine_lines(result["machine"]), ""]
    if mode == "sweep":
        lines += run_rows(result.get("runs", []))
        lines += [
            "",
            f"Largest player count with p99 < {result.get('threshold_ms', 200):.0f} ms:",
            "",
        ]
        lines += [
            "| deflate | echo | game | game / echo | server CPU ms per action, echo / game "
            "| players at 80 % of a core, echo / game | game / echo by CPU |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for knee in result.get("knees", []):
            lines.append(
                f"| {'on' if knee['compression'] else 'off'} | {_cell(knee.get('echo'))} "
                f"| {_cell(knee.get('game'))} | {_cell(knee.get('ratio'), 3)} "
                f"| {_cell(knee.get('echo_cpu_ms_per_action'), 2)} / "
                f"{_cell(knee.get('game_cpu_ms_per_action'), 2)} "
                f"| {_cell(knee.get('echo_cpu_players'))} / {_cell(knee.get('game_cpu_players'))} "
                f"| {_cell(knee.get('cpu_ratio'), 3)} |"
            )
    elif mode == "cluster":
        lines += cluster_rows(result.get("runs", []))
        lines += ["", "CPU in ms per delivered message; medians over the runs:", ""]
        lines += scaling_rows(result)
    elif mode in ("big-room", "soak"):
        lines += run_rows([result])
        log = result.get("server_log") or {}
        server_ms = log.get("server_action_ms") or {}
        lines += [
            "",
            f"Server time per action (the action log's ms=): p50 {_cell(server_ms.get('p50'), 1)} "
            f"ms, p99 {_cell(server_ms.get('p99'), 1)} ms, max {_cell(server_ms.get('max'), 1)} ms "
            f"({_cell(server_ms.get('count'))} actions).",
        ]
        if mode == "soak":
            lines += [
                f"Ping-timeout disconnects: {result.get('ping_timeouts')}; disconnects the "
                f"clients saw: {_errors(result.get('client_disconnects'))}.",
                "",
                "| minute from | deliveries/s | p99 ms | server CPU % | server RSS MB |",
                "| --- | --- | --- | --- | --- |",
            ]
            for row in result.get("timeline", []):
                lines.append(
                    f"| {row['t_s'] / 60:.0f} | {_cell(row['deliveries_per_s'], 0)} "
                    f"| {_cell(row['p99_ms'], 0)} | {_cell(row['server_cpu_percent'], 0)} "
                    f"| {_mb(row['server_rss'])} |"
                )
    elif mode == "memory":
        lines += run_rows(result.get("runs", []))
        lines += [
            "",
            "| deflate | KB per player connected | KB per player at load |",
            "| --- | --- | --- |",
        ]
        for run in result.get("runs", []):
            figures = run.get("memory_kb_per_player") or {}
            lines.append(
                f"| {'on' if run.get('compression') else 'off'} "
                f"| {_cell(figures.get('connected'), 0)} | {_cell(figures.get('at_load'), 0)} |"
            )
    elif mode == "restart":
        lines += [
            f"- {result['rooms']:,} rooms of {result['events_per_room']} events",
            f"- pages served {result['pages_served_s']} s after the start",
            f"- a player back in their seat {result['seat_back_first_s']} s after asking "
            f"(more rooms: {result['seat_back_s'][1:]})",
            f"- the server's own rebuild line: {result.get('server_rebuild_log')}",
        ]
    elif mode == "browser":
        lines += [
            "| profile | board shown, median ms | max ms | view asked | view arrived "
            "| DOMContentLoaded |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for profile, figures in result.get("profiles", {}).items():
            lines.append(
                f"| {profile} | {_cell(figures['board_ms_median'], 0)} "
                f"| {_cell(figures['board_ms_max'], 0)} "
                f"| {_cell(figures.get('view_asked_ms_median'), 0)} "
                f"| {_cell(figures.get('view_arrived_ms_median'), 0)} "
                f"| {_cell(figures.get('dom_content_loaded_ms_median'), 0)} |"
            )
    return "\n".join(lines) + "\n"
