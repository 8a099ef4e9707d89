"""The writer under eventlet, in a process of its own (monkey-patching cannot be undone)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.store.db import Database, upgrade

SCRIPT = Path(__file__).with_name("eventlet_group_commit.py")


@pytest.mark.slow
def test_simultaneous_actions_share_a_transaction_and_the_hub_keeps_running(
    tmp_path: Path, database_url: str
) -> None:
    """50 joins at once under eventlet: at most two transactions, and the hub keeps ticking
    (SQLite in a real thread; PostgreSQL cooperatively, even through a 0.3 s query)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROLWISSEL_")}
    env["ROLWISSEL_INSTANCE_PATH"] = str(tmp_path / "instance")
    env["ROLWISSEL_DATABASE_URL"] = database_url
    env["PYTHONWARNINGS"] = "ignore"
    sqlite = database_url.startswith("sqlite")
    if not sqlite:
        database = Database.open(database_url)
        upgrade(database.engine)  # `rolwissel db upgrade`
        database.close()
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["joined"] == 50
    assert result["versions"] == list(range(2, 52))
    assert result["transactions"] <= 2
    # The hub ran its ticker at least every 100 ms throughout (Engine.IO pings are seconds
    # apart).
    assert result["max_gap_ms"] < 100
    # SQLite's writer has its own engine, used only from eventlet.tpool's real thread;
    # psycopg waits cooperatively on the hub (game/green.py), so one engine serves both.
    assert result["same_thread_engine"] is not sqlite
    if not sqlite:
        assert result["slow_query_gap_ms"] < 100
    assert "Traceback" not in done.stderr


def test_psycopg_imported_before_the_patch_is_refused() -> None:
    """A monkey-patched process whose psycopg was imported first (and so would block the hub
    on every query) cannot open a PostgreSQL engine: it says why instead."""
    script = (
        "import psycopg\n"
        "from game.green import patch_eventlet\n"
        "patch_eventlet()\n"
        "from game.store.db import make_engine\n"
        "make_engine('postgresql+psycopg://nobody@127.0.0.1:1/none')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PSYCOPG_WAIT_FUNC"}
    env["PYTHONWARNINGS"] = "ignore"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "psycopg was imported before game.green.patch_eventlet()" in done.stderr
