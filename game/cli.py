"""The `rolwissel` command: serve, db upgrade, purge, scenarios, simulate, protocol-doc, config,
bench.

Only click and the standard library are imported at the top: `serve` must monkey-patch with
eventlet before Flask or pydantic are imported (eventlet greens the locks that exist when it
patches, and trips over pydantic's), so everything else is imported inside the commands.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from game.languages import DEFAULT_LANGUAGE, LANGUAGES
from rolwissel_client.scripted import DEFAULT_SCENARIO, DEFAULT_URL

DOCS = Path(__file__).resolve().parents[1] / "docs"
# Settings that are URLs and may carry a password, printed without it.
URL_SETTINGS = ("DATABASE_URL", "REDIS_URL", "MESSAGE_QUEUE", "RATELIMIT_STORAGE_URI")


class _Commands(click.Group):
    """The command group; `scenarios` and `bench` are loaded only when they are asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), "scenarios", "bench"])

    def get_command(self, ctx: click.Context, name: str) -> Any:
        if name == "scenarios":
            from game.scenarios.cli import scenarios_group

            return scenarios_group
        if name == "bench":
            # The benchmark lives with the protocol clients (docs/benchmarks.md).
            from rolwissel_client.bench.cli import bench

            return bench
        return super().get_command(ctx, name)


@click.group(cls=_Commands)
def cli() -> None:
    """Rolwissel: a multiplayer workshop game for local democracy."""


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse to start when a scenario file is broken (default: skip it, log one line).",
)
def serve(host: str, port: int, strict: bool) -> None:
    """Run the server (eventlet, one process) and print the address to open."""
    mode = os.environ.get("ROLWISSEL_ASYNC_MODE", "eventlet")
    if mode == "eventlet":
        from game.green import patch_eventlet

        # Before anything imports Flask, pydantic, psycopg, sockets or threads.
        patch_eventlet()
    from game.serve import run

    sys.exit(run(host, port, mode, strict=strict))


@cli.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Bring the database (ROLWISSEL_DATABASE_URL, or the SQLite file) up to date."""
    from game import configured_app
    from game.store.db import Database, upgrade

    app = configured_app()
    database = Database.open(app.config["DATABASE_URL"])
    try:
        upgrade(database.engine, revision)
    finally:
        database.close()
    click.echo(f"Database is up to date ({revision}): {_safe_url(app.config['DATABASE_URL'])}")


@cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only print what would be deleted.")
def purge(dry_run: bool) -> None:
    """Delete the games past their retention now, with everything in them, and print them.

    A game goes RETENTION_DAYS after it was closed, or IDLE_RETENTION_DAYS after its last
    event when it was never closed. A running server does the same every PURGE_INTERVAL_S;
    this command is for doing it by hand (or from cron when no server runs).
    """
    from datetime import UTC, datetime

    from game import configured_app
    from game.rooms.runtime import now_ms
    from game.store import retention
    from game.store.db import Database, erase_freed, is_empty

    app = configured_app()
    cfg = app.config
    policy = retention.Policy(cfg["RETENTION_DAYS"], cfg["IDLE_RETENTION_DAYS"])
    database = Database.open(cfg["DATABASE_URL"], pool_size=1)
    try:
        if is_empty(database.engine):
            click.echo("Nothing to purge: the database has no games.")
            return
        with database.sessions() as session, session.begin():
            found = retention.expired(session, policy, now_ms())
            for game in found:
                last = datetime.fromtimestamp(game.last_at / 1000, UTC).isoformat(
                    timespec="seconds"
                )
                click.echo(f"room={game.room_id} status={game.status} last_event={last}")
            if not dry_run:
                retention.delete_rooms(session, [game.room_id for game in found])
        if dry_run:
            click.echo(f"Would delete {len(found)} game(s) (dry run: nothing was deleted).")
            return
        if found:
            erase_freed(database.engine)
        click.echo(f"Deleted {len(found)} game(s).")
    finally:
        database.close()


@cli.command("simulate")
@click.option("--url", default=DEFAULT_URL, show_default=True, help="The server to play on.")
@click.option("--players", type=click.IntRange(1, 60), required=True, help="How many participants.")
@click.option("--scenario", "scenario_id", default=DEFAULT_SCENARIO, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same game.")
@click.option("--lang", type=click.Choice(LANGUAGES), default=DEFAULT_LANGUAGE, show_default=True)
@click.option("--verbose", is_flag=True, help="Name each step on stderr as it starts.")
def simulate(url: str, players: int, scenario_id: str, seed: int, lang: str, verbose: bool) -> None:
    """Play a whole game on a running server with scripted participants and a facilitator.

    Prints the result (gedragen or not, with the support per group), then the addresses of
    the summary page (with its key after `#k=`) and of each of its downloads (they need the
    key as `Authorization: Bearer <key>`, or the page opened first), one per line. The people
    and what they say: rolwissel_client/scripted.py and scenarios/simulate/.
    """
    from rolwissel_client.connection import SimulationError
    from rolwissel_client.scripted import ScriptedGame

    def say(step: str) -> None:
        click.echo(f"simulate: {step}", err=True)

    game = ScriptedGame(
        url=url,
        players=players,
        scenario_id=scenario_id,
        seed=seed,
        lang=lang,
        log=say if verbose else None,
    )
    try:
        outcome = game.play()
    except SimulationError as error:
        raise click.ClickException(str(error)) from None
    finally:
        game.close()
    click.echo(outcome.sentence)
    for address in outcome.urls:
        click.echo(address)


@cli.command("protocol-doc")
@click.option("--check", is_flag=True, help="Exit 1 when docs/protocol.md is out of date.")
@click.option("--output", type=click.Path(path_type=Path), default=DOCS / "protocol.md")
def protocol_doc(check: bool, output: Path) -> None:
    """Write docs/protocol.md from game/web/protocol.py (or check that it matches)."""
    from game.web.protocol import render_doc

    text = render_doc()
    if check:
        if not output.exists() or output.read_text(encoding="utf-8") != text:
            click.echo(f"{output} is out of date: run `rolwissel protocol-doc`", err=True)
            raise click.exceptions.Exit(1)
        click.echo(f"{output} is up to date")
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {output}")


@cli.command("config")
def show_config() -> None:
    """Print the settings in effect (secrets left out) and where they come from."""
    from game import configured_app
    from game.config import ENVIRONMENT, defaults

    # As `serve` would run: its async mode is eventlet unless the environment says otherwise.
    app = configured_app({"ASYNC_MODE": os.environ.get("ROLWISSEL_ASYNC_MODE", "eventlet")})
    click.echo(f"instance folder: {app.instance_path}")
    for name in sorted(defaults(app.instance_path)):
        value = app.config.get(name)
        if name == "SECRET_KEY":
            value = "(set)" if value else "(not set)"
        elif name in URL_SETTINGS and value:
            value = _safe_url(str(value))
        env = " (env)" if f"ROLWISSEL_{name}" in os.environ and name in ENVIRONMENT else ""
        click.echo(f"{name} = {value}{env}")


def _safe_url(url: str) -> str:
    """A database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    """The console script `rolwissel`."""
    cli()
