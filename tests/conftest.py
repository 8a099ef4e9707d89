"""Shared fixtures: an app on a temporary instance folder, its clients, and helpers for tests
that need real binaries (chromium, redis-server, PostgreSQL) or a free port.

Under CI=true a missing binary fails the test instead of skipping it, so CI can never turn
green by testing less.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient
from serverproc import Server, free_port, missing_program, server_env
from services import MissingProgram, PostgresCluster, RedisServer

from game import create_app
from game.engine import rotation
from game.extension import extension


def _missing_program_fails_on_ci(item: pytest.Item) -> Generator[None, object, object]:
    # A back-end (PostgreSQL, redis-server, nginx, openssl) that a fixture or the test itself
    # starts is not installed: fail under CI=true, skip elsewhere.
    try:
        return (yield)
    except MissingProgram as missing:
        missing_program(missing)


pytest_runtest_setup = pytest.hookimpl(wrapper=True)(_missing_program_fails_on_ci)
pytest_runtest_call = pytest.hookimpl(wrapper=True)(_missing_program_fails_on_ci)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Settings from the developer's shell must not leak into a test.
    for name in list(os.environ):
        if name.startswith("ROLWISSEL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ROLWISSEL_INSTANCE_PATH", str(tmp_path / "instance"))


@pytest.fixture(autouse=True)
def _no_remembered_rebalance() -> None:
    # The engine remembers the rebalance of each set of players (the console asks after every
    # change); a test must compute its own, never see one that an earlier test left behind.
    rotation._rebalanced.cache_clear()


def settings_for(tmp_path: Path) -> dict[str, Any]:
    """Settings for an app in a test: its own SQLite file, threading, no waiting."""
    return {
        "ASYNC_MODE": "threading",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'instance' / 'test.sqlite3'}",
        "SECRET_KEY": "test-secret",
        "WRITE_WINDOW_MS": 1,
        "RATELIMIT_STORAGE_URI": "memory://",
    }


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build apps with extra settings; each is closed (writer stopped) after the test."""
    apps: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        app = create_app({**settings_for(tmp_path), **overrides})
        app.config["TESTING"] = True
        apps.append(app)
        return app

    yield make
    for app in apps:
        extension(app).close(timeout=5)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def sockets(app: Flask) -> Callable[..., SocketIOTestClient]:
    """Open Flask-SocketIO test connections with an auth object."""

    def connect(auth: Any) -> SocketIOTestClient:
        socketio = extension(app).socketio
        return socketio.test_client(app, auth=auth)

    return connect


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A real `rolwissel serve` (eventlet) on a free port with its own instance folder; not
    started yet (tests/serverproc.py). Whatever still runs at the end is killed."""
    running = Server(port=free_port(), env=server_env(tmp_path / "instance"))
    yield running
    running.close()


# The databases every store and writer test runs on


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One throwaway PostgreSQL cluster for the whole session; each test takes a database."""
    cluster = PostgresCluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file in the test's folder, or a fresh PostgreSQL database
    in the session's cluster (started on first use)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    return cluster.new_database()


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A redis-server of this test's own (no persistence); its URL."""
    server = RedisServer.start(tmp_path / "redis")
    yield server.url
    server.stop()
