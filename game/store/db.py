"""The database engine: SQLite in the instance folder by default, PostgreSQL by URL.

SQLite gets WAL and `synchronous=FULL` on every connection: an acknowledged action survives a
power cut, and the group-commit writer keeps that affordable (one fsync per batch). It also
gets `secure_delete`: what is deleted (a game past its retention, a game the facilitator
deleted) is overwritten with zeros in the file, not just marked free; `erase_freed` then
empties the write-ahead log, which still holds the old pages.
PostgreSQL (psycopg 3) gets a pool sized by the settings; under eventlet psycopg must wait
cooperatively (game/green.py), which `make_engine` checks.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from game.green import check_psycopg
from game.store.models import Health

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

# How long a connection waits for another one's write lock before giving up.
BUSY_TIMEOUT_MS = 10_000

# The key of the PostgreSQL advisory lock held while migrating ("rolwissel" in ASCII, cut to
# 63 bits): processes started together migrate one after the other.
MIGRATION_LOCK = 0x726F6C7769737365


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    """Per-connection SQLite settings; WAL persists in the file, the others do not."""
    if not isinstance(dbapi_connection, sqlite3.Connection):  # pragma: no cover
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted rows and freed pages are overwritten with zeros, so a deleted game cannot be
    # read back from the file (privacy by design; docs/security.md).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def make_engine(
    url: str, *, pool_size: int = 10, max_overflow: int = 10, pool_timeout: float = 30.0
) -> Engine:
    """An engine for `url`; SQLite files get their pragmas and their folder made.

    The pool (the DATABASE_POOL_* settings): up to `pool_size + max_overflow` connections per
    process on PostgreSQL, so N processes need N times that below its max_connections; a
    request waits `pool_timeout` seconds for a free one.
    """
    if url.startswith("sqlite"):
        if ":memory:" in url or url.rstrip("/") in ("sqlite:", "sqlite:/"):
            # Each pooled connection would get its own empty database.
            raise ValueError("use a SQLite file, not an in-memory database")
        path = url.split("///", 1)[1] if "///" in url else ""
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # No overflow: SQLite takes one writer at a time and its reads are short.
        engine = create_engine(url, pool_size=pool_size, max_overflow=0, pool_timeout=pool_timeout)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql"):
        check_psycopg()
    # pre_ping: a connection the database closed (a restart, a failover) is replaced, not
    # handed to a request.
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_pre_ping=True,
    )


def alembic_config() -> Config:
    """Alembic's settings, built in code so it works wherever the package is run from."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def is_empty(engine: Engine) -> bool:
    """True when the database has no Rolwissel tables yet (a new instance, or a volume that
    was not mounted). A file that is not a database raises sqlalchemy's DatabaseError."""
    return not inspect(engine).has_table("rooms")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to `revision` with the migrations under migrations/."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several processes started at once (systemd, compose) each run the migrations:
            # one migrates, the others wait here and then find nothing left to do.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@dataclass
class Database:
    """One engine and its session factory."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(
        cls, url: str, *, pool_size: int = 10, max_overflow: int = 10, pool_timeout: float = 30.0
    ) -> Database:
        engine = make_engine(
            url, pool_size=pool_size, max_overflow=max_overflow, pool_timeout=pool_timeout
        )
        return cls(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def ping(self) -> bool:
        """True when the database answers `SELECT 1`."""
        with self.engine.connect() as connection:
            return bool(connection.execute(text("SELECT 1")).scalar_one() == 1)

    def close(self) -> None:
        self.engine.dispose()


def write_health(session: Session, at: int) -> None:
    """Touch the one health row (made by the first call): the cheapest real write."""
    session.merge(Health(id=1, checked_at=at))


def erase_freed(engine: Engine) -> None:
    """After a deletion: with `secure_delete` the database pages hold zeros where the deleted
    rows were, but SQLite's write-ahead log still holds the pages as they were before. A
    TRUNCATE checkpoint copies the log into the database and cuts the log file to zero bytes.
    PostgreSQL keeps dead rows until VACUUM reuses their space (docs/security.md)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
