"""Server processes for the benchmark, and what /proc says about a process.

A `ServerProcess` is `rolwissel serve` (eventlet, a fresh instance folder with its own SQLite
file, durable writes as configured by default) or the echo server, on a free port of
127.0.0.1, pinned to one core where the machine has two or more, with everything it prints in
a log file. It is always ended: SIGTERM, then SIGKILL, also on Ctrl-C and exceptions (use it as
a context manager).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from rolwissel_client.bench.client import wait_healthy

HOST = "127.0.0.1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
ROLWISSEL = str(Path(sys.executable).parent / "rolwissel")
READY_LINE = "Rolwissel draait op"
ECHO_READY_LINE = "echo server ready"


# /proc


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rpartition(")")[2].split()
    # After the command name: state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process and of its children: those still running, and (through the
    parent's cutime and cstime) those that ended and were waited for. PostgreSQL forks a
    backend per connection and nginx its workers; both count here."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rpartition(")")[2].split()
    # utime, stime, cutime and cstime are fields 14-17 (1-based, man 5 proc).
    total = sum(int(v) for v in fields[11:15]) / CLOCK_TICKS
    for child in children(pid):
        try:
            total += cpu_seconds(child)
        except OSError:
            continue  # it ended meanwhile
    return total


def children(pid: int) -> list[int]:
    """The direct children of a process (every thread's, from /proc)."""
    found: list[int] = []
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/children", encoding="ascii") as handle:
                found += [int(v) for v in handle.read().split()]
        except OSError:
            continue
    return found


def rss_bytes(pid: int) -> int:
    """Resident memory of a process, in bytes."""
    with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * PAGE


def busy_cpu_seconds() -> float:
    """CPU seconds every process on the machine has used (all cores, /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def cpu_pressure() -> float | None:
    """The share of the last 10 s in which some task waited for a CPU (Linux PSI), in %."""
    try:
        with open("/proc/pressure/cpu", encoding="ascii") as handle:
            first = handle.readline().split()
    except OSError:
        return None
    return float(first[1].partition("=")[2]) if len(first) > 1 else None


def cores() -> list[int]:
    """The CPUs this process may run on."""
    return sorted(os.sched_getaffinity(0))


def core_plan(pin: bool = True) -> tuple[int | None, int | None]:
    """(server core, generator core): different cores where there are two or more."""
    available = cores()
    if len(available) < 2 or not pin:
        return None, None
    return available[0], available[1]


def pinned_to(core: int | None) -> Callable[[], None] | None:
    """A preexec_fn that pins the child (and every thread it starts) to `core`."""
    if core is None:
        return None

    def pin() -> None:
        os.sched_setaffinity(0, {core})

    return pin


def pin_tree(pid: int, core: int | None) -> None:
    """Pin a running process, every thread of it and its children to `core` (what they start
    later inherits it)."""
    if core is None:
        return
    for thread in os.listdir(f"/proc/{pid}/task"):
        try:
            os.sched_setaffinity(int(thread), {core})
        except OSError:
            continue  # it ended meanwhile
    for child in children(pid):
        pin_tree(child, core)


def raise_file_limit() -> int:
    """Lift the soft limit on open files to the hard one (a socket each); returns it."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    return soft


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def server_env(instance: Path, **settings: str) -> dict[str, str]:
    """The environment of a server: none of the caller's ROLWISSEL_* settings, its own
    instance folder, and `settings` as ROLWISSEL_<name> (the tests' servers use it too)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROLWISSEL_")}
    env["ROLWISSEL_INSTANCE_PATH"] = str(instance)
    for name, value in settings.items():
        env[f"ROLWISSEL_{name}"] = value
    return env


# The settings every benchmark server gets. Every simulated person comes from 127.0.0.1, so
# the limits per address (rooms made, open and not-yet-admitted connections) are lifted, and
# the server takes more sockets than its default. Durability stays the default.
BENCH_SETTINGS = {
    "ROOM_CREATE_LIMIT": "100000 per hour",
    "MAX_CONNECTIONS": "8192",
    "MAX_CONNECTIONS_PER_ADDRESS": "8192",
    "MAX_PENDING": "2048",
    "MAX_PENDING_PER_ADDRESS": "2048",
    # The big room's prefill sends faster than a person; the sweep stays far below the limit.
    "ACTION_RATE": "0",
    # The event loop's lag once a second (the game server's `loop_lag` lines), not every 10 s.
    "LOOP_LAG_REPORT_S": "1",
}


class AlwaysEnded:
    """What the bench starts is always ended, as a context manager: stopped when the block
    ends well, killed on Ctrl-C and exceptions, and its folder cleaned up."""

    def stop(self) -> object:
        raise NotImplementedError

    def kill(self) -> None:
        raise NotImplementedError

    def cleanup(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if kind is None:
                self.stop()
            else:
                self.kill()
        finally:
            self.kill()
            self.cleanup()


class ServerProcess(AlwaysEnded):
    """One server under test; `kind` is "game" (`rolwissel serve`) or "echo"."""

    def __init__(
        self,
        kind: str,
        *,
        core: int | None,
        instance: Path | None = None,
        settings: dict[str, str] | None = None,
        keep: bool = False,
    ) -> None:
        self.kind = kind
        self.core = core
        self.port = free_port()
        self._own_dir = instance is None
        self.instance = instance or Path(tempfile.mkdtemp(prefix=f"rolwissel-bench-{kind}-"))
        self.instance.mkdir(parents=True, exist_ok=True)
        self.settings = {**BENCH_SETTINGS, **(settings or {})}
        self.keep = keep
        self.log_path = self.instance / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.spawned_at = 0.0
        self.exit_code: int | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def database(self) -> Path:
        return self.instance / "rolwissel.sqlite3"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def command(self) -> list[str]:
        if self.kind == "game":
            return [ROLWISSEL, "serve", "--port", str(self.port)]
        return [sys.executable, "-m", "rolwissel_client.bench.echo", "--port", str(self.port)]

    def start(self, ready_within: float = 60.0, wait: bool = True) -> ServerProcess:
        """Spawn the server; unless `wait` is False, return once it answers /healthz."""
        env = server_env(self.instance, **self.settings)
        with open(self.log_path, "ab") as log:
            self.spawned_at = time.perf_counter()
            self.process = subprocess.Popen(
                self.command(),
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=pinned_to(self.core),  # pins before exec: every thread inherits it
                start_new_session=True,  # Ctrl-C reaches the bench, which ends the server
            )
        if wait:
            self.wait_ready(ready_within)
        return self

    def wait_ready(self, seconds: float) -> float:
        """Wait for the ready line and /healthz; returns when it answered (perf_counter)."""
        line = READY_LINE if self.kind == "game" else ECHO_READY_LINE
        deadline = time.monotonic() + seconds
        while line not in self.log_text():
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the {self.kind} server exited:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the {self.kind} server did not start:\n{self.log_tail()}")
            time.sleep(0.02)
        return wait_healthy(HOST, self.port, max(1.0, deadline - time.monotonic()))

    def log_text(self, start: int = 0, end: int | None = None) -> str:
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(start)
                data = handle.read() if end is None else handle.read(max(0, end - start))
        except FileNotFoundError:
            return ""
        return data.decode("utf-8", "replace")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, then SIGKILL after `timeout`; returns the exit status."""
        process = self.process
        if process is None:
            return self.exit_code
        if process.poll() is None:
            try:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        self.exit_code = process.returncode
        return self.exit_code

    def kill(self) -> None:
        """SIGKILL now (Ctrl-C, an exception): the server never outlives the bench."""
        process = self.process
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(10)
            self.exit_code = process.returncode

    def cleanup(self) -> None:
        if self._own_dir and not self.keep:
            shutil.rmtree(self.instance, ignore_errors=True)


def start_python_module(module: str, *args: str, core: int | None) -> subprocess.Popen[str]:
    """Start `python -m module args` pinned to `core`, with pipes for stdout and stderr."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=pinned_to(core),  # pins before exec: every thread inherits it
        start_new_session=True,
    )


def run_python_module(
    module: str,
    payload: str,
    *,
    core: int | None,
    timeout: float,
    env: dict[str, Any] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m module` with `payload` on stdin, pinned; killed on timeout or Ctrl-C."""
    return subprocess.run(
        [sys.executable, "-m", module],
        input=payload,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=pinned_to(core),  # pins before exec: every thread inherits it
        start_new_session=True,
        env=env,
        check=False,
    )
