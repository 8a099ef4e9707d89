"""Real back-ends for tests: a throwaway PostgreSQL cluster, redis-server and nginx.

Each runs from a temporary folder on a free loopback port and is gone after the test session
(or the test that started it). Nothing here is mocked: the same engines a municipality runs.
Under CI=true a missing program fails the test that needs it (serverproc.require_binary).
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from serverproc import free_port, require_binary

FOLDER_PREFIX = "rolwissel-pg-"
POSTGRES_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
NGINX = Path("/usr/sbin/nginx")


def _postgres_program(name: str) -> str:
    return require_binary(name, *(folder / name for folder in POSTGRES_BIN))


def _as_postgres_user() -> list[str]:
    # initdb refuses to run as root: as root, run the server programs as `postgres`.
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


@dataclass
class PostgresCluster:
    """A PostgreSQL cluster of its own (initdb + pg_ctl) in a temporary folder.

    fsync is off: nothing in the tests kills PostgreSQL itself, only the app's processes,
    and a throwaway cluster need not survive a power cut.
    """

    folder: Path
    port: int
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @classmethod
    def start(cls) -> PostgresCluster:
        initdb, pg_ctl = _postgres_program("initdb"), _postgres_program("pg_ctl")
        cls.sweep()
        folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
        (folder / "owner").write_text(str(os.getpid()))
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
        cluster = cls(folder=folder, port=free_port())
        as_user = _as_postgres_user()
        data = folder / "data"
        subprocess.run(
            [*as_user, initdb, "-D", str(data), "-U", "postgres", "-E", "UTF8", "--no-sync",
             "--auth-local=trust", "--auth-host=trust"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {cluster.port} -c unix_socket_directories={folder}"
            " -c fsync=off -c max_connections=200"
        )
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w",
             "start"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        return cluster

    @staticmethod
    def sweep() -> None:
        """Stop the clusters of test sessions that were killed before they could (their
        owner process is gone)."""
        for folder in Path(tempfile.gettempdir()).glob(FOLDER_PREFIX + "*"):
            try:
                owner = int((folder / "owner").read_text())
                os.kill(owner, 0)
            except ProcessLookupError:
                PostgresCluster(folder=folder, port=0).stop()
            except (OSError, ValueError):
                continue  # not ours to judge (being made, or another user's)

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of one database of the cluster (psycopg 3)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "t") -> str:
        """An empty database of its own; returns its URL."""
        import psycopg

        name = f"{prefix}_{next(self._names)}_{os.getpid()}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        pg_ctl = _postgres_program("pg_ctl")
        subprocess.run(
            [*_as_postgres_user(), pg_ctl, "-D", str(self.folder / "data"), "-m", "immediate",
             "-w", "stop"],
            capture_output=True,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class RedisServer:
    """redis-server on a free loopback port, without persistence."""

    folder: Path
    port: int
    process: subprocess.Popen[bytes]

    @classmethod
    def start(cls, folder: Path) -> RedisServer:
        program = require_binary("redis-server")
        folder.mkdir(parents=True, exist_ok=True)
        port = free_port()
        process = subprocess.Popen(
            [program, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
             "--appendonly", "no", "--dir", str(folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        server = cls(folder=folder, port=port, process=process)
        server._wait_ready()
        return server

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _wait_ready(self) -> None:
        import redis

        deadline = time.monotonic() + 10
        client = redis.Redis.from_url(self.url)
        try:
            while True:
                try:
                    if client.ping():
                        return
                except redis.ConnectionError:
                    pass
                assert self.process.poll() is None, "redis-server exited"
                assert time.monotonic() < deadline, "redis-server did not answer"
                time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def nginx_program() -> str:
    return require_binary("nginx", NGINX)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key (openssl, valid one day)."""
    openssl = require_binary("openssl")
    cert, key = folder / "rolwissel.crt", folder / "rolwissel.key"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key
