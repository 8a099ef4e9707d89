"""The real server in a test: `rolwissel serve` (eventlet) as a subprocess on 127.0.0.1.

Start it, stop it with SIGTERM, kill it with SIGKILL (from outside, or let it kill itself at
a named point of its write path with ROLWISSEL_CRASH_AT), start it again on the same instance
folder, and read what its database holds. Used by test_serve.py, test_simulate.py,
test_crash.py and test_summary_after_crash.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROLWISSEL = str(Path(sys.executable).parent / "rolwissel")


def server_env(instance: Path, **settings: str) -> dict[str, str]:
    """The environment of a server: none of the caller's ROLWISSEL_* settings, its own
    instance folder, and `settings` as ROLWISSEL_<name>."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROLWISSEL_")}
    env["ROLWISSEL_INSTANCE_PATH"] = str(instance)
    for name, value in settings.items():
        env[f"ROLWISSEL_{name}"] = value
    return env


def wait(condition: Callable[[], bool], seconds: float = 10) -> None:
    """Poll `condition` until it holds; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@dataclass
class Server:
    """One `rolwissel serve` on a port, started as often as a test likes, with everything it
    printed in every run."""

    port: int
    env: dict[str, str]
    process: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)
    readers: list[threading.Thread] = field(default_factory=list)
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def instance(self) -> Path:
        return Path(self.env["ROLWISSEL_INSTANCE_PATH"])

    @property
    def database_url(self) -> str:
        """The database the server writes to (the SQLite file in its instance folder)."""
        return self.env.get(
            "ROLWISSEL_DATABASE_URL", f"sqlite:///{self.instance / 'rolwissel.sqlite3'}"
        )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, expect_ready: bool = True, extra_env: dict[str, str] | None = None) -> None:
        """Start a process (the previous one must have ended); wait until it answers
        /healthz unless `expect_ready` is False."""
        assert not self.running, "the previous server still runs"
        self.starts += 1
        self.output.append(f"--- start {self.starts} ---\n")
        self.process = subprocess.Popen(
            [ROLWISSEL, "serve", "--port", str(self.port)],
            env={**self.env, **(extra_env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        reader = threading.Thread(target=self._read, args=(self.process,), daemon=True)
        reader.start()
        self.readers.append(reader)
        if expect_ready:
            marker = f"--- start {self.starts} ---\n"
            self.wait_for(lambda: "Rolwissel draait op" in self.text.rpartition(marker)[2], 20)
            self.wait_for(self._healthy, 10)

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        with process.stdout:
            for line in process.stdout:
                self.output.append(line)

    def _healthy(self) -> bool:
        try:
            return requests.get(self.url + "/healthz", timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    @property
    def text(self) -> str:
        return "".join(self.output)

    def wait_for(self, condition: Callable[[], bool], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process is not None and self.process.poll() is not None and not condition():
                raise AssertionError(f"server exited {self.process.returncode}:\n{self.text}")
            time.sleep(0.05)
        raise AssertionError(f"timed out; server said:\n{self.text}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        return self.process.wait(timeout)

    def kill(self) -> int:
        """SIGKILL from outside, at whatever moment this is; returns the exit status."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        return self.process.wait(10)

    def close(self) -> None:
        """End a process still running (a failed test) and collect its output."""
        if self.running:
            assert self.process is not None
            self.process.kill()
            self.process.wait(5)
        for thread in self.readers:
            thread.join(5)
