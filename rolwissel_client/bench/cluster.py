"""The cluster under test: PostgreSQL, Redis, N `rolwissel serve` processes and nginx.

Everything runs on free ports of 127.0.0.1 from one temporary folder: a throwaway PostgreSQL
cluster (initdb, migrated with `rolwissel db upgrade`; fsync on, as the one process's SQLite
writes are durable too), redis-server without persistence, N
eventlet server processes sharing both (the bench's settings, TRUSTED_PROXIES=1), and nginx
with the site of deploy/nginx (TLS with a certificate made here, websockets, the cookie-hash
stickiness). The load goes through nginx, as a browser's would. With a core, every program of
the cluster is pinned to it: the same single core the one-process server gets, so the
figures compare the cost of the two paths within one budget.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from rolwissel_client.bench import procs
from rolwissel_client.bench.services import (
    Nginx,
    PostgresCluster,
    RedisServer,
    main_config,
    render_site,
    require_cluster_programs,
    self_signed_certificate,
)

MIGRATE_TIMEOUT_S = 120


class Cluster(procs.AlwaysEnded):
    """N server processes behind nginx, sharing PostgreSQL and Redis. A context manager:
    whatever was started is ended, also on Ctrl-C and exceptions."""

    def __init__(
        self,
        processes: int,
        *,
        core: int | None,
        settings: dict[str, str] | None = None,
        keep: bool = False,
    ) -> None:
        if processes < 1:
            raise ValueError("a cluster has one server process or more")
        self.folder = Path(tempfile.mkdtemp(prefix="rolwissel-bench-cluster-"))
        self.core = core
        self.settings = dict(settings or {})
        self.keep = keep
        self.postgres: PostgresCluster | None = None
        self.redis: RedisServer | None = None
        self.nginx: Nginx | None = None
        self.processes = processes
        self.servers: list[procs.ServerProcess] = []
        self.port = 0  # nginx's HTTPS port, once it listens

    @property
    def server_pids(self) -> list[int]:
        return [server.pid for server in self.servers]

    @property
    def service_pids(self) -> dict[str, int]:
        """The root process of each of the cluster's other programs."""
        assert self.postgres and self.redis and self.nginx
        return {
            "postgresql": self.postgres.pid,
            "redis": self.redis.process.pid,
            "nginx": self.nginx.process.pid,
        }

    def start(self) -> Cluster:
        require_cluster_programs()
        self.postgres = PostgresCluster.start(durable=True)
        procs.pin_tree(self.postgres.pid, self.core)
        database_url = self.postgres.new_database("bench")
        migrated = subprocess.run(
            [procs.ROLWISSEL, "db", "upgrade"],
            env=procs.server_env(self.folder / "migrate", DATABASE_URL=database_url),
            capture_output=True, text=True, timeout=MIGRATE_TIMEOUT_S, check=False,
        )  # fmt: skip
        if migrated.returncode != 0:
            raise RuntimeError(f"rolwissel db upgrade failed:\n{migrated.stderr[-3000:]}")
        self.redis = RedisServer.start(self.folder / "redis")
        procs.pin_tree(self.redis.process.pid, self.core)
        shared = {"DATABASE_URL": database_url, "REDIS_URL": self.redis.url, "TRUSTED_PROXIES": "1"}
        # Each port is picked just before its program takes it (PostgreSQL and Redis above),
        # so that no program is given a port another one has been promised but not yet bound.
        for n in range(1, self.processes + 1):
            server = procs.ServerProcess(
                "game", core=self.core, instance=self.folder / f"server-{n}",
                settings={**shared, **self.settings},
            )  # fmt: skip
            self.servers.append(server)
            server.start(wait=False)
        for server in self.servers:
            server.wait_ready(120)
        cert, key = self_signed_certificate(self.folder)
        self.port = procs.free_port()
        site = render_site(
            self.folder, upstream_ports=[s.port for s in self.servers], cert=cert, key=key,
            http_port=procs.free_port(), https_port=self.port,
        )  # fmt: skip
        self.nginx = Nginx.start(self.folder, main_config(self.folder, site), self.port)
        procs.pin_tree(self.nginx.process.pid, self.core)
        return self

    def stop(self) -> list[int | None]:
        """Stop nginx, then the servers (SIGTERM: their exit codes), then Redis and PostgreSQL."""
        if self.nginx is not None:
            self.nginx.stop()
        codes = [server.stop() for server in self.servers]
        self._stop_services()
        return codes

    def kill(self) -> None:
        """End everything at once (Ctrl-C, an exception)."""
        if self.nginx is not None and self.nginx.process.poll() is None:
            self.nginx.process.kill()
            self.nginx.process.wait(10)
        for server in self.servers:
            server.kill()
        self._stop_services()

    def _stop_services(self) -> None:
        if self.redis is not None:
            self.redis.stop()
            self.redis = None
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None

    def cleanup(self) -> None:
        if not self.keep:
            shutil.rmtree(self.folder, ignore_errors=True)
