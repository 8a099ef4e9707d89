"""`rolwissel scenarios ...`: check scenario files before a workshop, without a server."""

from pathlib import Path

import click

from game.scenarios.loader import check_files, default_folder


@click.group("scenarios")
def scenarios_group() -> None:
    """Work with scenario files (casussen)."""


@scenarios_group.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check_command(paths: tuple[Path, ...]) -> None:
    """Check scenario files or folders (default: the scenarios folder).

    Prints OK per valid file and every problem of a broken one; exits 1 when anything is wrong.
    """
    results = check_files(paths or (default_folder(),))
    failed = False
    for result in results:
        if result.scenario is not None:
            click.echo(f"OK {result.file} ({result.scenario.id})")
            continue
        failed = True
        for problem in result.problems:
            click.echo(str(problem), err=True)
    if failed:
        # One short line at the end, so a long list of problems still ends with the verdict.
        broken = sum(1 for r in results if r.scenario is None)
        click.echo(f"{broken} of {len(results)} scenario file(s) have problems.", err=True)
        raise click.exceptions.Exit(1)
