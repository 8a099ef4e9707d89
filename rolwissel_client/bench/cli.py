"""`rolwissel bench`: the sweep (game against echo), and the steps for later work."""

from __future__ import annotations

import shlex
import signal
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import Any

import click

from rolwissel_client.bench import report
from rolwissel_client.bench.runner import DEFAULT_LEVELS, RunSettings, Sweep, machine, real_errors

QUICK = RunSettings(
    warmup_s=1.0, duration_s=6.0, drain_s=3.0, interval_s=1.0, play_s=1.5, reflection_s=0.75
)
QUICK_LEVELS = (20,)
COMPRESSION = {"on": (True,), "off": (False,), "both": (True, False)}


def _say(text: str) -> None:
    click.echo(text, err=True)


def _stop_on_sigterm() -> None:
    """SIGTERM ends the bench like Ctrl-C does: through the `finally` that ends the servers."""

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def parse_levels(text: str | None) -> tuple[int, ...]:
    """'100,200,400' or 'start:step:max' (for example 100:100:1500)."""
    if not text:
        return DEFAULT_LEVELS
    if ":" in text:
        start, step, stop = (int(part) for part in text.split(":"))
        if step <= 0 or start <= 0:
            raise click.BadParameter("start and step must be positive")
        return tuple(range(start, stop + 1, step))
    return tuple(int(part) for part in text.split(",") if part.strip())


def load_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options every load run shares."""
    options = [
        click.option("--room-size", type=click.IntRange(2, 60), default=10, show_default=True,
                     help="Players per room (each room also has a facilitator socket)."),
        click.option("--interval", type=click.FloatRange(0.05), default=2.0, show_default=True,
                     help="Seconds between two actions of one player (T)."),
        click.option("--duration", type=click.FloatRange(1), default=20.0, show_default=True,
                     help="Seconds measured per run (after the warm-up)."),
        click.option("--warmup", type=click.FloatRange(0), default=5.0, show_default=True),
        click.option("--play-seconds", type=click.FloatRange(0.1), default=8.0, show_default=True,
                     help="The facilitator moves on after this long in a play phase."),
        click.option("--reflection-seconds", type=click.FloatRange(0.1), default=4.0,
                     show_default=True, help="... and after this long in a reflection phase."),
        click.option("--seed", type=int, default=1, show_default=True),
        click.option("--keep", is_flag=True, help="Keep each server's database and log."),
        click.option("--server-setting", "server_settings", multiple=True, metavar="NAME=VALUE",
                     help="A setting for the game server (ROLWISSEL_NAME), e.g. GC_THRESHOLDS=50000,20,100; repeatable."),  # noqa: E501
        click.option("--pin/--no-pin", default=True, show_default=True,
                     help="Pin the server and the generator to different cores."),
        click.option("--profile", "profile_dir", type=click.Path(file_okay=False),
                     help="Sample each server with py-spy during the window; files go here."),
        click.option("--json", "json_path", type=click.Path(path_type=Path),
                     help="Where to write the JSON (default: bench-results/bench-<mode>-<time>.json)."),  # noqa: E501
        click.option("--markdown", "markdown_path", type=click.Path(path_type=Path),
                     help="Also write the Markdown table here."),
    ]  # fmt: skip
    for option in reversed(options):
        function = option(function)
    return function


def _settings(kw: dict[str, Any]) -> RunSettings:
    return RunSettings(
        room_size=kw["room_size"],
        interval_s=kw["interval"],
        warmup_s=kw["warmup"],
        duration_s=kw["duration"],
        play_s=kw["play_seconds"],
        reflection_s=kw["reflection_seconds"],
        seed=kw["seed"],
        keep=kw["keep"],
        profile_dir=kw["profile_dir"],
        pin=kw["pin"],
        server_settings=tuple(_setting(text) for text in kw.get("server_settings") or ()),
    )


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"{text!r}: NAME=VALUE")
    return name.strip().upper(), value


def _finish(result: dict[str, Any], mode: str, kw: dict[str, Any]) -> dict[str, Any]:
    """Add the command and the machine, write the JSON (and Markdown), print the table."""
    result = {"mode": mode, "command": "rolwissel " + shlex.join(sys.argv[1:]), **result}
    result["machine"] = machine(kw.get("pin", True))
    path = report.write_json(result, kw.get("json_path") or report.default_path(mode))
    text = report.markdown(result)
    if kw.get("markdown_path"):
        kw["markdown_path"].write_text(text, encoding="utf-8")
    click.echo(text)
    click.echo(f"JSON: {path}", err=True)
    return result


def _run(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    _stop_on_sigterm()
    try:
        return work()
    except KeyboardInterrupt:
        raise click.Abort() from None
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None


@click.group("bench", invoke_without_command=True)
@click.option("--players", "levels", help="Player counts: '100,200,400' or 'start:step:max'.")
@click.option(
    "--compression",
    type=click.Choice(["on", "off", "both"]),
    default="both",
    show_default=True,
    help="permessage-deflate, as Chromium asks for it.",
)
@click.option(
    "--only",
    type=click.Choice(["both", "game", "echo"]),
    default="both",
    show_default=True,
    help="Run only one of the two servers.",
)
@click.option(
    "--threshold-ms",
    type=float,
    default=200.0,
    show_default=True,
    help="The p99 a player count must stay under to count.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 5),
    default=1,
    show_default=True,
    help="Run a failed level again when other work loaded the machine meanwhile.",
)
@click.option("--quick", is_flag=True, help="The CI smoke: 20 players, a few seconds, deflate on.")
@load_options
@click.pass_context
def bench(ctx: click.Context, **kw: Any) -> None:  # fmt: skip
    """Measure the real server against a bare Flask-SocketIO echo server (the ceiling).

    Each run starts a fresh server (`rolwissel serve`, eventlet, a new SQLite database with
    durable writes) and a lean load generator in another process, pinned to another core.
    Echo and game runs are interleaved per player count. Prints a Markdown table and writes
    JSON; see docs/benchmarks.md. The sub-commands measure single steps.
    """
    if ctx.invoked_subcommand is not None:
        return
    settings = _settings(kw)
    if kw["quick"]:
        settings = replace(
            QUICK, keep=settings.keep, profile_dir=settings.profile_dir, pin=settings.pin
        )
    compression = COMPRESSION[kw["compression"]]
    sweep = Sweep(
        levels=QUICK_LEVELS if kw["quick"] else parse_levels(kw["levels"]),
        kinds=("echo", "game") if kw["only"] == "both" else (kw["only"],),
        compression=(True,) if kw["quick"] else compression,
        threshold_ms=kw["threshold_ms"],
        retries=0 if kw["quick"] else kw["retries"],
        run=settings,
    )
    result = _finish(_run(lambda: sweep.execute(say=_say)), "sweep", kw)
    if kw["quick"] and any(run.get("errors") for run in result["runs"]):
        raise click.ClickException("the quick run had errors (see the table)")


@bench.command("cluster")
@click.option(
    "--processes",
    default="0,1,2,3",
    show_default=True,
    help="Server processes per run, e.g. '0,1,2,3': 0 is the one process on SQLite (no "
    "nginx), N a cluster of N behind nginx with PostgreSQL and Redis.",
)
@click.option("--players", "levels", help="Player counts: '100,200,400' or 'start:step:max'.")
@click.option("--compression/--no-compression", default=True, show_default=True)
@click.option("--threshold-ms", type=float, default=200.0, show_default=True)
@click.option("--retries", type=click.IntRange(0, 5), default=0, show_default=True)
@click.option("--quick", is_flag=True, help="The CI smoke: 20 players, a few seconds.")
@load_options
def cluster_command(processes: str, levels: str | None, compression: bool, threshold_ms: float,
                    retries: int, quick: bool, **kw: Any) -> None:  # fmt: skip
    """The cost of scaling out: the same load through nginx to 1, 2 and 3 server processes
    sharing PostgreSQL and Redis (each run starts them all, on free loopback ports), against
    the one process on SQLite. Server CPU per delivered message (summed over the processes;
    Redis, PostgreSQL and nginx apart) and the largest player count at p99 under the
    threshold. Needs initdb/pg_ctl, redis-server, nginx and openssl."""
    settings = _settings(kw)
    if quick:
        settings = replace(QUICK, keep=settings.keep, pin=settings.pin)
    try:
        counts = tuple(int(part) for part in processes.split(",") if part.strip())
    except ValueError:
        raise click.BadParameter(f"{processes!r}: numbers like 0,1,2,3") from None
    if not counts or min(counts) < 0:
        raise click.BadParameter(f"{processes!r}: numbers like 0,1,2,3")
    sweep = Sweep(
        levels=QUICK_LEVELS if quick else parse_levels(levels),
        kinds=("game",),
        compression=(compression,),
        threshold_ms=threshold_ms,
        retries=0 if quick else retries,
        run=settings,
        processes=counts,
    )
    result = _finish(_run(lambda: {**sweep.execute(say=_say), "mode": "cluster"}), "cluster", kw)
    # The smoke fails on errors, never on timing: a loaded CI machine may time an answer out.
    if quick and any(real_errors(run) for run in result["runs"]):
        raise click.ClickException("the quick run had errors (see the table)")


@bench.command("big-room")
@click.option("--players", type=click.IntRange(2, 60), default=60, show_default=True)
@click.option("--cards", type=int, default=300, show_default=True)
@click.option("--reactions", type=int, default=1800, show_default=True)
@click.option(
    "--actions-per-s",
    type=float,
    default=2.0,
    show_default=True,
    help="Actions per second in the room, from random players.",
)
@load_options
def big_room_command(players: int, cards: int, reactions: int, actions_per_s: float,
                     **kw: Any) -> None:  # fmt: skip
    """One room of 60 players with 300 cards and 1,800 reactions: server time per action."""
    from rolwissel_client.bench import steps

    settings = _settings(kw)
    result = _run(
        lambda: steps.big_room(
            settings,
            players=players,
            cards=cards,
            reactions=reactions,
            actions_per_s=actions_per_s,
            say=_say,
        )
    )
    _finish(result, "big-room", kw)


@bench.command("restart")
@click.option("--rooms", type=click.IntRange(10), default=1000, show_default=True)
@click.option(
    "--events", type=click.IntRange(20), default=300, show_default=True, help="Events per room."
)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--keep", is_flag=True, help="Keep the database and the log.")
@click.option("--json", "json_path", type=click.Path(path_type=Path))
@click.option("--markdown", "markdown_path", type=click.Path(path_type=Path))
def restart_command(rooms: int, events: int, seed: int, keep: bool, **kw: Any) -> None:  # fmt: skip
    """Restart with many rooms in the database: pages served, and a player back in a seat."""
    from rolwissel_client.bench import steps

    result = _run(lambda: steps.restart(rooms=rooms, events=events, seed=seed, keep=keep, say=_say))
    _finish(result, "restart", kw)


@bench.command("browser")
@click.option("--cards", type=int, default=40, show_default=True)
@click.option("--reactions", type=int, default=80, show_default=True)
@click.option("--runs", type=click.IntRange(1), default=3, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--json", "json_path", type=click.Path(path_type=Path))
@click.option("--markdown", "markdown_path", type=click.Path(path_type=Path))
def browser_command(cards: int, reactions: int, runs: int, seed: int, **kw: Any) -> None:
    """The participant page's time to show the board, on loopback and on "Fast 3G" with 4x CPU
    throttling (Chromium, DevTools protocol, Performance API)."""
    from rolwissel_client.bench import steps

    result = _run(
        lambda: steps.browser(cards=cards, reactions=reactions, runs=runs, seed=seed, say=_say)
    )
    _finish(result, "browser", kw)


@bench.command("soak")
@click.option("--players", type=click.IntRange(1), required=True)
@click.option("--minutes", type=click.FloatRange(0.1), default=30.0, show_default=True)
@click.option("--compression/--no-compression", default=True, show_default=True)
@load_options
def soak_command(players: int, minutes: float, compression: bool, **kw: Any) -> None:
    """Minutes at a load: p99 per minute, and every disconnect (ping time-outs by name)."""
    from rolwissel_client.bench import steps

    settings = _settings(kw)
    result = _run(
        lambda: steps.soak(
            settings, players=players, minutes=minutes, compression=compression, say=_say
        )
    )
    _finish(result, "soak", kw)


@bench.command("memory")
@click.option("--players", type=click.IntRange(1), default=1000, show_default=True)
@click.option(
    "--compression", type=click.Choice(["on", "off", "both"]), default="both", show_default=True
)
@load_options
def memory_command(players: int, compression: str, **kw: Any) -> None:  # fmt: skip
    """Server memory per player at a load (1,000 players by default), deflate on and off."""
    from rolwissel_client.bench import steps

    settings = _settings(kw)
    modes = COMPRESSION[compression]
    result = _run(lambda: steps.memory(settings, players=players, compression=modes, say=_say))
    _finish(result, "memory", kw)


@bench.command("report")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def report_command(path: Path) -> None:
    """Print the Markdown table of a JSON file written by an earlier run."""
    import json

    click.echo(report.markdown(json.loads(path.read_text(encoding="utf-8"))))
