"""One run (a server, a generator, what the server's log says) and the interleaved sweep.

The sweep runs, for each player count in turn, the echo server and then the game server
(for each compression setting), so both see the same machine noise. A kind stops climbing
once it failed p99 < threshold at two levels in a row, or far beyond it at one. The knee of a
kind is the largest player count whose p99 stayed under the threshold; the ratio is the
game's knee divided by the echo server's.
"""

from __future__ import annotations

import json
import platform
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from rolwissel_client.bench import procs
from rolwissel_client.bench import profile as spy
from rolwissel_client.bench.cluster import Cluster
from rolwissel_client.bench.loadgen import LoadConfig, summarize

DEFAULT_LEVELS = (50, 100, 150, 200, 300, 400, 600, 800, 1000, 1200, 1400, 1600)
LIBRARIES = (
    "flask",
    "flask-socketio",
    "python-socketio",
    "python-engineio",
    "eventlet",
    "sqlalchemy",
    "pydantic",
    "playwright",
)
FAR_BEYOND = 5  # a p99 this many times the threshold ends a kind's climb at once
# The share of one core a server may use in the CPU-based capacity figure.
CPU_BUDGET = 0.8
# Other processes used more than this share of a core during a run's window: the run was noisy.
NOISY_OTHER_CPU = 50.0

Say = Callable[[str], None]


@dataclass
class RunSettings:
    """What every run of a sweep shares (times in seconds)."""

    room_size: int = 10
    interval_s: float = 2.0
    warmup_s: float = 5.0
    duration_s: float = 20.0
    drain_s: float = 5.0
    play_s: float = 8.0
    reflection_s: float = 4.0
    seed: int = 1
    scenario: str = "buurtkamer-bibliotheek"
    keep: bool = False  # keep each server's instance folder (database and log)
    profile_dir: str | None = None  # py-spy samples of each run's server go here
    pin: bool = True  # the server and the generator on different cores
    # Settings for the game server (NAME -> value, as ROLWISSEL_NAME), on top of the bench's.
    server_settings: tuple[tuple[str, str], ...] = ()

    def profile_path(self, kind: str, players: int, compression: bool) -> Path | None:
        if self.profile_dir is None:
            return None
        deflate = "deflate" if compression else "plain"
        return Path(self.profile_dir) / f"{kind}-{players}-{deflate}.collapsed"

    def load_config(self, kind: str, players: int, compression: bool) -> LoadConfig:
        return LoadConfig(
            kind=kind,
            players=players,
            room_size=self.room_size,
            interval_s=self.interval_s,
            warmup_s=self.warmup_s,
            duration_s=self.duration_s,
            drain_s=self.drain_s,
            play_s=self.play_s,
            reflection_s=self.reflection_s,
            compression=compression,
            scenario=self.scenario,
            seed=self.seed,
        )


# The server's log


ACTION_MS = re.compile(
    r" action room=\S+ seq=\S+ actor_role=\S+ type=(\S+) ms=([\d.]+) outcome=(\S+)"
)
LOOP_LAG = re.compile(r"loop_lag\b(.*)")
NUMBER_FIELD = re.compile(r"(\w+)=([\d.]+)")
DISCONNECT = re.compile(r" disconnect room=\S+ viewer=\S+ reason=(.+)$")
LAG_FIELDS = ("p99_ms", "p99", "max_ms", "max", "lag_ms", "ms")


def read_log(text: str) -> dict[str, Any]:
    """What a stretch of the game server's log says: server time per action (`ms=`), refusals,
    the event loop's lag (`loop_lag` lines, once the server writes them), disconnects."""
    action_ms: list[float] = []
    by_type: dict[str, list[float]] = {}
    outcomes: Counter[str] = Counter()
    lags: list[float] = []
    samples: Counter[str] = Counter()  # the watcher's samples, and those over each bound
    disconnects: Counter[str] = Counter()
    for line in text.splitlines():
        found = ACTION_MS.search(line)
        if found:
            kind, ms, outcome = found.group(1), float(found.group(2)), found.group(3)
            action_ms.append(ms)
            by_type.setdefault(kind, []).append(ms)
            outcomes[outcome] += 1
            continue
        lag = LOOP_LAG.search(line)
        if lag:
            fields = dict(NUMBER_FIELD.findall(lag.group(1)))
            value = next((fields[name] for name in LAG_FIELDS if name in fields), None)
            if value is not None:
                lags.append(float(value))
            for name, count in fields.items():
                if name == "samples" or name.startswith("over_"):
                    samples[name] += int(float(count))
            continue
        gone = DISCONNECT.search(line)
        if gone:
            disconnects[gone.group(1).strip().strip('"')] += 1  # quoted when it has a space
    return {
        "server_action_ms": summarize(action_ms),
        "server_action_ms_by_type": {k: summarize(v) for k, v in sorted(by_type.items())},
        "outcomes": dict(outcomes),
        "loop_lag_ms": summarize(lags) if lags else None,  # None: the server does not say
        # Every sample of the window: how many, and how many were later than 10/20/50/100 ms.
        "loop_lag_samples": dict(samples) if samples else None,
        "disconnect_reasons": dict(disconnects),
    }


# One run


def run_load(
    kind: str,
    config: LoadConfig,
    *,
    settings: dict[str, str] | None = None,
    keep: bool = False,
    instance: Path | None = None,
    profile: Path | None = None,
    pin: bool = True,
    processes: int = 0,
    say: Say | None = None,
) -> dict[str, Any]:
    """Start a fresh server of `kind` (with `processes`, a fresh cluster of that many game
    servers behind nginx instead), run the generator against it, stop it, and return the
    generator's result with what the servers' logs and exits said. With `profile`, py-spy
    samples the (single) server during the window into that file."""
    if processes:
        return _run_cluster(config, processes, settings=settings, keep=keep, pin=pin, say=say)
    server_core, generator_core = procs.core_plan(pin)
    procs.raise_file_limit()
    with procs.ServerProcess(
        kind, core=server_core, settings=settings, keep=keep, instance=instance
    ) as server:
        server.start()
        config = replace(
            config,
            kind=kind,
            host=procs.HOST,
            port=server.port,
            server_pids=[server.pid],
            server_log=str(server.log_path),
        )
        budget = config.setup_timeout_s + config.warmup_s + config.duration_s + config.drain_s + 60
        if profile is not None:
            config = replace(config, window_file=str(server.instance / "window-started"))
        done = _generate(config, generator_core, budget, server, profile)
        result = _generated(done, config)
        errors = Counter(result.get("errors", {}))
        start, end = result.get("log_window", [None, None])
        if kind == "game" and start is not None and end is not None:
            result["server_log"] = read_log(server.log_text(start, end))
        ended = _ended(server)
        _server_errors(errors, result, server, ended, server.stop())
        if profile is not None and profile.exists():
            result["profile"] = {"file": str(profile), **spy.top(profile, count=25)}
        _label(result, errors, config, {"server": server_core, "generator": generator_core})
        if keep:
            result["instance"] = str(server.instance)
    if say is not None:
        say(line_for(result))
    return result


def _run_cluster(
    config: LoadConfig,
    processes: int,
    *,
    settings: dict[str, str] | None,
    keep: bool,
    pin: bool,
    say: Say | None,
) -> dict[str, Any]:
    """One run against a fresh cluster of `processes` game servers behind nginx."""
    server_core, generator_core = procs.core_plan(pin)
    procs.raise_file_limit()
    with Cluster(processes, core=server_core, settings=settings, keep=keep) as cluster:
        cluster.start()
        config = replace(
            config,
            kind="game",
            host=procs.HOST,
            port=cluster.port,
            tls=True,
            server_pids=cluster.server_pids,
            service_pids=cluster.service_pids,
            server_log=None,
        )
        budget = config.setup_timeout_s + config.warmup_s + config.duration_s + config.drain_s + 60
        # The generator's settings file goes next to the first server's log.
        done = _generate(config, generator_core, budget, cluster.servers[0], None)
        result = _generated(done, config)
        errors = Counter(result.get("errors", {}))
        ended = [_ended(server) for server in cluster.servers]
        for server, crashed, code in zip(cluster.servers, ended, cluster.stop(), strict=True):
            _server_errors(errors, result, server, crashed, code)
        result["processes"] = processes
        _label(result, errors, config, {"cluster": server_core, "generator": generator_core})
        if keep:
            result["instance"] = str(cluster.folder)
    if say is not None:
        say(line_for(result))
    return result


def _label(
    result: dict[str, Any], errors: Counter[str], config: LoadConfig, cores: dict[str, int | None]
) -> None:
    """What a run's result says about itself: its errors, server kind, deflate, cores."""
    result["errors"] = dict(errors)
    result["kind"] = config.kind
    result["compression"] = config.compression
    result["cores"] = cores


def _generated(done: subprocess.CompletedProcess[str], config: LoadConfig) -> dict[str, Any]:
    """The generator's JSON result, or a failure with its last words."""
    if done.returncode == 0 and done.stdout.strip():
        result: dict[str, Any] = json.loads(done.stdout)
        return result
    return {
        "config": asdict(config),
        "errors": {"generator_failed": 1},
        "generator_stderr": done.stderr[-4000:],
    }


def _ended(server: procs.ServerProcess) -> bool:
    """The server has ended before the bench stopped it."""
    return server.process is not None and server.process.poll() is not None


def _server_errors(
    errors: Counter[str],
    result: dict[str, Any],
    server: procs.ServerProcess,
    crashed: bool,
    code: int | None,
) -> None:
    """Count what went wrong with a server, once it was stopped with exit `code`: a crash
    during the run, tracebacks in its log, an exit that was not clean."""
    if crashed:
        errors["server_crashed"] += 1
    whole_log = server.log_text()
    if "Traceback" in whole_log:
        errors["server_traceback"] += whole_log.count("Traceback")
        result.setdefault("server_log_tail", server.log_tail(60))
    if code not in (0, None):
        errors[f"server_exit:{code}"] += 1


def _generate(
    config: LoadConfig,
    core: int | None,
    budget: float,
    server: procs.ServerProcess,
    profile: Path | None,
) -> subprocess.CompletedProcess[str]:
    """Run the generator in its own process; with `profile`, start py-spy on the server when
    the generator says the window has begun."""
    settings = server.instance / "generator.json"
    settings.write_text(json.dumps(asdict(config)), encoding="utf-8")
    generator = procs.start_python_module(
        "rolwissel_client.bench.loadgen", str(settings), core=core
    )
    sampler = None
    try:
        deadline = time.monotonic() + budget
        if profile is not None and config.window_file:
            started = Path(config.window_file)
            while not started.exists() and generator.poll() is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            if started.exists():
                sampler = spy.start(server.pid, profile, config.duration_s)
        try:
            out, err = generator.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            generator.kill()
            out, err = generator.communicate()
            return subprocess.CompletedProcess([], 124, out, "the generator ran out of time")
        if sampler is not None:
            sampler.wait(30)
        return subprocess.CompletedProcess([], generator.returncode, out, err)
    finally:
        for process in (generator, sampler):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(10)


def line_for(result: dict[str, Any]) -> str:
    """One line about a run, for the terminal."""
    latency = result.get("latency_ms") or {}
    server = result.get("server") or {}
    generator = result.get("generator") or {}
    errors = sum((result.get("errors") or {}).values())
    deflate = "deflate" if result.get("compression") else "plain"
    processes = result.get("processes")
    where = f" x{processes}" if processes else ""
    return (
        f"{result.get('kind', '?'):>4}{where} {result.get('players', '?'):>5} players "
        f"{deflate:>7}: "
        f"p50 {_ms(latency.get('p50'))} p99 {_ms(latency.get('p99'))}, "
        f"{result.get('deliveries_per_s', 0):,.0f} deliveries/s, "
        f"server CPU {server.get('cpu_percent', '?')} %, "
        f"generator {generator.get('cpu_percent', '?')} %, errors {errors}"
    )


def _ms(value: float | None) -> str:
    return "timeout" if value is None else f"{value:.0f} ms"


# The sweep


# What a loaded machine alone can cause: an answer or a fan-out later than its time-out.
TIMING_ERRORS = frozenset({"ack_timeout", "fanout_timeout", "first_state_timeout"})


def real_errors(result: dict[str, Any]) -> dict[str, int]:
    """A run's errors other than time-outs: refusals, disconnects, crashes, tracebacks."""
    return {k: v for k, v in (result.get("errors") or {}).items() if k not in TIMING_ERRORS}


def passes(result: dict[str, Any], threshold_ms: float) -> bool:
    """p99 under the threshold, with every action measured (a timeout is infinitely late)."""
    latency = result.get("latency_ms") or {}
    p99 = latency.get("p99")
    return bool(latency.get("count")) and p99 is not None and p99 < threshold_ms


@dataclass
class Sweep:
    levels: tuple[int, ...] = DEFAULT_LEVELS
    kinds: tuple[str, ...] = ("echo", "game")
    compression: tuple[bool, ...] = (True, False)
    threshold_ms: float = 200.0
    retries: int = 1  # a failed run on a noisy machine is run again this many times
    run: RunSettings = field(default_factory=RunSettings)
    # Game servers per run: 0 is the one process on SQLite; N > 0 a cluster of N behind nginx.
    processes: tuple[int, ...] = (0,)
    repeated: list[dict[str, Any]] = field(default_factory=list)  # the noisy failures

    def measure(
        self, kind: str, players: int, compression: bool, say: Say | None, processes: int = 0
    ) -> dict[str, Any]:
        """One level of one kind; a failure while other work loaded the machine is repeated."""
        for attempt in range(self.retries + 1):
            config = self.run.load_config(kind, players, compression)
            profile = self.run.profile_path(kind, players, compression)
            try:
                result = run_load(
                    kind,
                    config,
                    settings=dict(self.run.server_settings) if kind == "game" else None,
                    keep=self.run.keep,
                    profile=None if processes else profile,
                    pin=self.run.pin,
                    processes=processes,
                    say=say,
                )
            except (RuntimeError, TimeoutError) as error:
                # A server or a program of the cluster did not start (on a shared machine: a
                # port taken meanwhile, a start slower than its time-out): a failed level,
                # not the end of the sweep.
                result = {
                    "kind": kind,
                    "compression": compression,
                    "players": players,
                    "errors": {"start_failed": 1},
                    "start_error": str(error)[-2000:],
                }
                if say is not None:
                    say(f"{kind} x{processes} {players} players: did not start: {error}")
            result["level"] = players
            result["processes"] = processes
            if passes(result, self.threshold_ms) or not noisy(result) or attempt == self.retries:
                return result
            self.repeated.append(result)
            if say is not None:
                say(f"  (other work used {other_cpu(result):.0f} % of a core: once more)")
        raise AssertionError("unreachable")

    def execute(self, say: Say | None = None) -> dict[str, Any]:
        """Every level in turn: for each compression setting, echo then game."""
        runs: list[dict[str, Any]] = []
        lines = [
            (kind, compression, processes)
            for compression in self.compression
            for processes in self.processes
            for kind in self.kinds
        ]
        climbing = dict.fromkeys(lines, True)
        failures: Counter[tuple[str, bool, int]] = Counter()
        started = time.time()
        for players in self.levels:
            for line in lines:
                if not climbing[line]:
                    continue
                kind, compression, processes = line
                result = self.measure(kind, players, compression, say, processes)
                runs.append(result)
                ok = passes(result, self.threshold_ms)
                failures[line] = 0 if ok else failures[line] + 1
                p99 = (result.get("latency_ms") or {}).get("p99")
                far = p99 is None or p99 >= FAR_BEYOND * self.threshold_ms
                if failures[line] >= 2 or (not ok and far):
                    climbing[line] = False
            if not any(climbing.values()):
                break
        scaled = any(self.processes)
        return {
            "mode": "sweep",
            "noisy_runs_repeated": self.repeated,
            "threshold_ms": self.threshold_ms,
            "settings": asdict(self.run),
            "levels": list(self.levels),
            "runs": runs,
            "knees": [] if scaled else knees(runs, self.threshold_ms, self.run.interval_s),
            "scaling": scaling(runs, self.threshold_ms) if scaled else [],
            "took_s": round(time.time() - started, 1),
        }


def other_cpu(result: dict[str, Any]) -> float:
    return float((result.get("noise") or {}).get("other_cpu_percent") or 0.0)


def noisy(result: dict[str, Any]) -> bool:
    """Other processes took a good part of the cores while this run measured."""
    return other_cpu(result) > NOISY_OTHER_CPU


def knees(
    runs: list[dict[str, Any]], threshold_ms: float, interval_s: float = 2.0
) -> list[dict[str, Any]]:
    """Per compression setting: each kind's largest passing player count, and game/echo.

    Next to it a figure that other work on the machine hardly moves: the player count at
    which the server would use CPU_BUDGET of one core, from its CPU time per action (the
    median over the runs that passed, or over all runs when none did).
    """
    rows = []
    for compression in sorted({r["compression"] for r in runs}, reverse=True):
        row: dict[str, Any] = {"compression": compression}
        for kind in ("echo", "game"):
            mine = [r for r in runs if r["kind"] == kind and r["compression"] == compression]
            if not mine:
                continue
            passing = [r for r in mine if passes(r, threshold_ms)]
            row[kind] = max((r["level"] for r in passing), default=0)
            costs = [(r.get("server") or {}).get("ms_per_action") for r in (passing or mine)]
            known = [c for c in costs if c]
            if known:
                per_action = statistics.median(known)
                row[f"{kind}_cpu_ms_per_action"] = round(per_action, 3)
                row[f"{kind}_cpu_players"] = round(CPU_BUDGET * 1000 * interval_s / per_action)
        row["ratio"] = (
            round(row["game"] / row["echo"], 3) if row.get("echo") and "game" in row else None
        )
        if row.get("echo_cpu_players") and row.get("game_cpu_players"):
            row["cpu_ratio"] = round(row["game_cpu_players"] / row["echo_cpu_players"], 3)
        rows.append(row)
    return rows


def scaling(runs: list[dict[str, Any]], threshold_ms: float) -> list[dict[str, Any]]:
    """Per number of processes (0: the one process on SQLite, N: the cluster of N): the
    largest player count whose p99 stayed under the threshold, the latencies there, and the
    CPU per delivered message of the servers together and of each of the cluster's other
    programs: the median over the runs that passed (an overloaded server spends CPU on
    refusals and time-outs that deliver nothing), or over all runs when none did."""
    rows = []
    for processes in sorted({r.get("processes", 0) for r in runs}):
        line = [r for r in runs if r.get("processes", 0) == processes]
        passing = [r for r in line if passes(r, threshold_ms)]
        best = max(passing, key=lambda r: r["level"], default=None)
        mine = passing or line
        services: dict[str, float | None] = {}
        for name in sorted({n for r in mine for n in r.get("services") or {}}):
            services[name] = _median(
                ((r.get("services") or {}).get(name) or {}).get("ms_per_delivery") for r in mine
            )
        server = _median((r.get("server") or {}).get("ms_per_delivery") for r in mine)
        rows.append(
            {
                "processes": processes,
                "players": best["level"] if best else 0,
                "latency_ms": (best or {}).get("latency_ms"),
                "server_ms_per_delivery": server,
                "services_ms_per_delivery": services,
                "total_ms_per_delivery": (
                    None
                    if server is None
                    else round(server + sum(v or 0.0 for v in services.values()), 4)
                ),
                "errors": sum(sum((r.get("errors") or {}).values()) for r in line),
                "cost_from": "passing runs" if passing else "all runs",
            }
        )
    return rows


def _median(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 4) if known else None


# The machine


def machine(pin: bool = True) -> dict[str, Any]:
    """Where the figures come from: CPUs, memory, Python and the libraries that matter."""
    from importlib import metadata

    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        load = Path("/proc/loadavg").read_text().split()[:3]
    except (OSError, StopIteration, ValueError):
        mem_kb, load = 0, []
    versions: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    server_core, generator_core = procs.core_plan(pin)
    return {
        "nproc": len(procs.cores()),
        "cpu_model": model,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "libraries": versions,
        "load_average_at_start": load,
        "pinned": {"server": server_core, "generator": generator_core},
        "git_commit": _git_commit(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


def _git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
            cwd=Path(__file__).resolve().parent,
        )
    except OSError:
        return None
    return done.stdout.strip() or None


def per_player_kb(rss: int | None, idle: int | None, players: int) -> float | None:
    """Server memory per player above the idle server, in KB."""
    if rss is None or idle is None or not players:
        return None
    return round((rss - idle) / 1024 / players, 1)
