"""`rolwissel bench cluster --quick`: the CI smoke of the cost-of-scaling-out step.

A tiny load (20 players, a few seconds) through nginx to two server processes that share a
throwaway PostgreSQL and Redis, all started by the bench itself. It fails on errors only,
never on timing. Under CI=true a missing PostgreSQL, redis-server, nginx or openssl fails it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from serverproc import ROLWISSEL

from rolwissel_client.bench.runner import real_errors
from rolwissel_client.bench.services import require_cluster_programs

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


def test_quick_cluster_bench_plays_through_nginx_on_two_processes(tmp_path: Path) -> None:
    """The quick cluster step starts PostgreSQL, Redis, two servers and nginx, plays through
    nginx over TLS, sees actions arrive, and reports CPU for both servers and for Redis,
    PostgreSQL and nginx, with no refusal, disconnect, protocol error or crash."""
    require_cluster_programs()  # before the bench: a missing program fails (CI) or skips
    out = tmp_path / "cluster.json"
    done = subprocess.run(
        [ROLWISSEL, "bench", "cluster", "--quick", "--processes", "2", "--json", str(out)],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:] + done.stdout
    result = json.loads(out.read_text())
    assert result["mode"] == "cluster"
    (run,) = result["runs"]
    assert run["processes"] == 2
    assert real_errors(run) == {}, (run["errors"], run.get("server_log_tail"))
    assert run["protocol_errors"] == []
    assert run["sockets"] == 22 and run["deflate_sockets"] == 22
    assert run["actions_sent"] > 0 and run["latency_ms"]["count"] > 0
    assert run["deliveries"] > 0
    assert "1:play" in run["phases_seen"]
    each = run["server"]["cpu_s_each"]
    assert len(each) == 2 and all(seconds > 0 for seconds in each), each
    for name in ("redis", "postgresql", "nginx"):
        assert run["services"][name]["cpu_s"] is not None, name
    (row,) = result["scaling"]
    assert row["processes"] == 2 and row["server_ms_per_delivery"] > 0
    assert "| 2 behind nginx | 20 |" in done.stdout  # the Markdown table
