"""Alembic's entry point: runs migrations on the connection Rolwissel hands over, or on the
database named by the settings when `alembic` is run by hand."""

from logging.config import fileConfig

from alembic import context

from game.store.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    # The same order as the app: environment first, then the embedded SQLite default.
    import os
    from pathlib import Path

    url = os.environ.get("ROLWISSEL_DATABASE_URL")
    if url:
        return url
    instance = Path(__file__).resolve().parents[1] / "instance"
    return "sqlite:///" + str(instance / "rolwissel.sqlite3")


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # Run by hand: the alembic.ini logging applies, and we open our own engine.
    if config.config_file_name is not None:
        fileConfig(config.config_file_name)
    from game.store.db import make_engine

    engine = make_engine(_url())
    with engine.begin() as own:
        _run(own)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run them on a database")
run_migrations_online()
