"""A broken scenario file never stops the server: it starts with the good cases, says which
file it skipped and why, and plays every shipped case to the end; `--strict` refuses."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from serverproc import ROLWISSEL, Server, free_port, server_env

from game.scenarios.loader import default_folder, scenario_files

pytestmark = pytest.mark.slow

SHIPPED = [path.stem for path in scenario_files(default_folder())]
# A tab where YAML wants spaces, on line 3.
BROKEN = "id: kapot\ntitle:\n\tnl: Kapot\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The shipped cases and one broken file next to them."""
    cases = tmp_path / "cases"
    shutil.copytree(default_folder(), cases)
    (cases / "kapot.yaml").write_text(BROKEN, encoding="utf-8")
    return cases


@pytest.fixture
def broken_server(tmp_path: Path, folder: Path) -> Server:
    env = server_env(tmp_path / "instance", SCENARIOS_DIR=str(folder))
    return Server(port=free_port(), env=env)


def test_server_skips_a_broken_file_and_plays_every_good_case(broken_server: Server) -> None:
    """One log line names the broken file, its line and the problem; the six cases play out."""
    server = broken_server
    try:
        server.start()
        skipped = [line for line in server.output if "scenario_skipped" in line]
        assert len(skipped) == 1, server.text
        assert "kapot.yaml" in skipped[0] and "line=3" in skipped[0]
        assert "use spaces, not tabs" in json.loads(skipped[0].split(" what=", 1)[1])
        listed = requests.get(server.url + "/api/scenarios", timeout=5).json()["scenarios"]
        assert sorted(s["id"] for s in listed) == sorted(SHIPPED)
        for scenario in SHIPPED:
            command = [ROLWISSEL, "simulate", "--url", server.url, "--players", "3"]
            done = subprocess.run(
                [*command, "--seed", "3", "--scenario", scenario],
                env=server.env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, (scenario, done.stderr)
            assert done.stdout.startswith("Gedragen"), (scenario, done.stdout)
    finally:
        server.close()


def test_strict_server_refuses_to_start_on_a_broken_file(broken_server: Server) -> None:
    """`serve --strict` exits non-zero, naming the broken file."""
    server = broken_server
    try:
        server.start(expect_ready=False, extra_args=("--strict",))
        assert server.process is not None
        assert server.process.wait(90) == 1  # a busy shared machine starts slowly
        server.close()
        assert "kapot.yaml" in server.text
    finally:
        server.close()


def test_scenarios_check_exits_non_zero_on_the_broken_file(folder: Path) -> None:
    """`rolwissel scenarios check` on the folder fails and names the file."""
    done = subprocess.run(
        [ROLWISSEL, "scenarios", "check", str(folder)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "kapot.yaml, line 3" in done.stderr
