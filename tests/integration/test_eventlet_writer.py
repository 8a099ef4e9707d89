"""The writer under eventlet, in a process of its own (monkey-patching cannot be undone)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("eventlet_group_commit.py")


@pytest.mark.slow
def test_simultaneous_actions_share_a_transaction_and_the_hub_keeps_running(
    tmp_path: Path,
) -> None:
    """50 joins at once under eventlet: at most two transactions, and the hub keeps ticking."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROLWISSEL_")}
    env["ROLWISSEL_INSTANCE_PATH"] = str(tmp_path / "instance")
    env["PYTHONWARNINGS"] = "ignore"
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["joined"] == 50
    assert result["versions"] == list(range(2, 52))
    assert result["transactions"] <= 2
    # The hub ran its ticker at least every 100 ms throughout (Engine.IO pings are seconds
    # apart). The writer has its own engine, used only from eventlet.tpool's real thread.
    assert result["max_gap_ms"] < 100
    assert result["same_thread_engine"] is False
    assert "Traceback" not in done.stderr
