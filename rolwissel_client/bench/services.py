"""Real back-ends for the cluster: a throwaway PostgreSQL cluster, redis-server and nginx.

Each runs from a temporary folder on a free loopback port and is gone after the test session
(or the benchmark run) that started it. Nothing here is mocked: the same engines a
municipality runs. Shared by the tests (tests/cluster, the store's tests on PostgreSQL) and
`rolwissel bench cluster`. A missing program raises MissingProgram; the tests turn that into
a failure under CI=true and a skip elsewhere (tests/conftest.py).
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rolwissel_client.bench.procs import free_port

FOLDER_PREFIX = "rolwissel-pg-"
POSTGRES_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
NGINX = Path("/usr/sbin/nginx")


def _check(holds: bool, problem: str) -> None:
    """Raise `problem` unless `holds` (a RuntimeError: the bench reports it, a test fails)."""
    if not holds:
        raise RuntimeError(problem)


class MissingProgram(RuntimeError):
    """A program the cluster needs is not installed."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is not installed (.ci/run installs it)")
        self.name = name


def find_program(name: str, *also: Path) -> str | None:
    """The path of a program: on PATH, or the first of `also` that exists."""
    return shutil.which(name) or next((str(p) for p in also if p.exists()), None)


def require_program(name: str, *also: Path) -> str:
    """The path of a program the cluster needs; MissingProgram without it."""
    found = find_program(name, *also)
    if found is None:
        raise MissingProgram(name)
    return found


def _postgres_program(name: str) -> str:
    return require_program(name, *(folder / name for folder in POSTGRES_BIN))


def require_cluster_programs() -> None:
    """Every program a cluster needs is installed (MissingProgram names the first that is
    not), checked before anything is started."""
    for name in ("initdb", "pg_ctl"):
        _postgres_program(name)
    for name in ("redis-server", "openssl"):
        require_program(name)
    nginx_program()


def _as_postgres_user() -> list[str]:
    # initdb refuses to run as root: as root, run the server programs as `postgres`.
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


@dataclass
class PostgresCluster:
    """A PostgreSQL cluster of its own (initdb + pg_ctl) in a temporary folder.

    fsync is off unless `durable`: nothing in the tests kills PostgreSQL itself, only the
    app's processes, and a throwaway cluster need not survive a power cut. The benchmark
    asks for `durable`: a commit then costs what it costs on a municipality's server.
    """

    folder: Path
    port: int
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @classmethod
    def start(cls, durable: bool = False) -> PostgresCluster:
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
            " -c max_connections=200"
        ) + ("" if durable else " -c fsync=off")
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

    @property
    def pid(self) -> int:
        """The postmaster's process id (its backends are its children)."""
        return int((self.folder / "data" / "postmaster.pid").read_text().split()[0])

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
        program = require_program("redis-server")
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
                _check(self.process.poll() is None, "redis-server exited")
                _check(time.monotonic() < deadline, "redis-server did not answer")
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
    return require_program("nginx", NGINX)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key (openssl, valid one day)."""
    openssl = require_program("openssl")
    cert, key = folder / "rolwissel.crt", folder / "rolwissel.key"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


# nginx with the site configuration of deploy/nginx

DEPLOY_NGINX = Path(__file__).resolve().parents[2] / "deploy" / "nginx"

# How every request is logged in the tests: which process got it, for which browser.
LOG_FORMAT = "$upstream_addr $rolwissel_route $status $request_method $uri"


def _replace(text: str, old: str, new: str) -> str:
    """`text` with `old` replaced, failing loudly when deploy/ no longer says `old`."""
    _check(old in text, f"deploy/nginx no longer contains {old!r}: update {__name__}")
    return text.replace(old, new)


def render_site(
    folder: Path,
    *,
    upstream_ports: list[int],
    cert: Path,
    key: Path,
    http_port: int = 80,
    https_port: int = 443,
) -> Path:
    """deploy/nginx/rolwissel.conf and its upstream file, copied into `folder` with only the
    addresses changed: the listening ports (loopback only), the certificate, the processes.
    Returns the site file's path."""
    upstream = (DEPLOY_NGINX / "rolwissel-upstream.conf").read_text()
    servers = [line for line in upstream.splitlines() if line.strip().startswith("server ")]
    _check(bool(servers), "deploy/nginx/rolwissel-upstream.conf lists no server")
    ours = [
        servers[0].replace(servers[0].split()[1], f"127.0.0.1:{port}") for port in upstream_ports
    ]
    upstream = _replace(upstream, "\n".join(servers), "\n".join(ours))
    (folder / "rolwissel-upstream.conf").write_text(upstream)

    site = (DEPLOY_NGINX / "rolwissel.conf").read_text()
    site = _replace(
        site, "include /etc/nginx/rolwissel-upstream.conf;",
        f"include {folder / 'rolwissel-upstream.conf'};",
    )  # fmt: skip
    site = _replace(site, "    listen [::]:80;\n", "")
    site = _replace(site, "    listen [::]:443 ssl http2;\n", "")
    site = _replace(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = _replace(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = _replace(site, "/etc/nginx/tls/rolwissel.crt", str(cert))
    site = _replace(site, "/etc/nginx/tls/rolwissel.key", str(key))
    path = folder / "rolwissel.conf"
    path.write_text(site)
    return path


def main_config(folder: Path, site: Path) -> Path:
    """An nginx.conf that runs in the foreground with every path in `folder` and includes
    the site, as /etc/nginx/nginx.conf includes sites-enabled/ on a server."""
    temp = folder / "temp"
    temp.mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach `folder`
    config = folder / "nginx.conf"
    config.write_text(
        f"""daemon off;
{user}worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    log_format rolwissel '{LOG_FORMAT}';
    access_log {folder / "access.log"} rolwissel;
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    include {site};
}}
"""
    )
    return config


def nginx_test(folder: Path, config: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on a configuration."""
    return subprocess.run(
        [nginx_program(), "-t", "-p", str(folder), "-c", str(config)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip


@dataclass
class Nginx:
    """nginx in the foreground, from a folder of its own."""

    folder: Path
    process: subprocess.Popen[bytes]

    @classmethod
    def start(cls, folder: Path, config: Path, port: int) -> Nginx:
        checked = nginx_test(folder, config)
        _check(checked.returncode == 0, checked.stderr)
        process = subprocess.Popen(
            [nginx_program(), "-p", str(folder), "-c", str(config)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return cls(folder, process)
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError((folder / "error.log").read_text()) from None
                _check(time.monotonic() < deadline, "nginx did not listen")
                time.sleep(0.05)

    def access_log(self) -> list[list[str]]:
        """Each request so far as the fields of LOG_FORMAT."""
        path = self.folder / "access.log"
        return [line.split() for line in path.read_text().splitlines()] if path.exists() else []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish and close the log
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
