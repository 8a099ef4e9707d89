"""Settings: for several processes one Redis URL turns on what they must share; the database
pool is sized by settings; the guard's settings come typed; every setting is documented."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from game import configured_app
from game.config import defaults, from_environment
from game.extension import extension


def settings(**overrides: object) -> dict[str, object]:
    app = configured_app({"SECRET_KEY": "x", **overrides})
    return dict(app.config)


def test_one_process_keeps_everything_in_memory() -> None:
    """Without Redis: no message queue, rate limits in memory."""
    config = settings()
    assert config["REDIS_URL"] is None and config["MESSAGE_QUEUE"] is None
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_redis_url_alone_shares_the_queue_and_the_rate_limits() -> None:
    """REDIS_URL is enough: the message queue and the rate limits' storage follow it."""
    config = settings(REDIS_URL="redis://127.0.0.1:6390/2")
    assert config["MESSAGE_QUEUE"] == "redis://127.0.0.1:6390/2"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6390/2"


def test_a_redis_message_queue_alone_also_shares_presence_and_limits() -> None:
    """An older setup that only set MESSAGE_QUEUE gets presence and limits in that Redis too."""
    config = settings(MESSAGE_QUEUE="redis://127.0.0.1:6390/0")
    assert config["REDIS_URL"] == "redis://127.0.0.1:6390/0"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6390/0"


def test_settings_given_on_their_own_win() -> None:
    """An explicit rate-limit storage or queue is kept."""
    config = settings(
        REDIS_URL="redis://127.0.0.1:6390/0",
        MESSAGE_QUEUE="amqp://guest@127.0.0.1//",
        RATELIMIT_STORAGE_URI="memcached://127.0.0.1:11211",
    )
    assert config["MESSAGE_QUEUE"] == "amqp://guest@127.0.0.1//"
    assert config["RATELIMIT_STORAGE_URI"] == "memcached://127.0.0.1:11211"


def test_pool_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """ROLWISSEL_DATABASE_POOL_SIZE and friends are read as numbers."""
    monkeypatch.setenv("ROLWISSEL_DATABASE_POOL_SIZE", "4")
    monkeypatch.setenv("ROLWISSEL_DATABASE_MAX_OVERFLOW", "6")
    monkeypatch.setenv("ROLWISSEL_DATABASE_POOL_TIMEOUT", "5")
    config = settings()
    assert (config["DATABASE_POOL_SIZE"], config["DATABASE_MAX_OVERFLOW"]) == (4, 6)
    assert config["DATABASE_POOL_TIMEOUT"] == 5


def test_the_pool_is_sized_by_the_settings(
    make_app: Callable[..., Flask], database_url: str
) -> None:
    """The app's database pool has the configured size and wait, on SQLite and PostgreSQL."""
    app = make_app(DATABASE_URL=database_url, DATABASE_POOL_SIZE=3, DATABASE_POOL_TIMEOUT=7)
    pool = extension(app).reader.engine.pool
    assert pool.size() == 3 and pool.timeout() == 7


def test_guard_settings_come_typed_from_the_environment() -> None:
    """Numbers, seconds with a fraction, and a comma-separated list of host names."""
    found = from_environment(
        {
            "ROLWISSEL_MAX_PENDING_PER_ADDRESS": "30",
            "ROLWISSEL_AUTH_TIMEOUT": "2.5",
            "ROLWISSEL_TRUSTED_PROXIES": "1",
            "ROLWISSEL_ALLOWED_HOSTS": " Spel.Gemeente.nl, ,rolwissel.example ",
        }
    )
    assert found == {
        "MAX_PENDING_PER_ADDRESS": 30,
        "AUTH_TIMEOUT": 2.5,
        "TRUSTED_PROXIES": 1,
        "ALLOWED_HOSTS": ("spel.gemeente.nl", "rolwissel.example"),
    }


def test_a_setting_that_is_not_a_number_is_named() -> None:
    """A wrong value stops the start with the variable's name in the message."""
    with pytest.raises(ValueError, match="ROLWISSEL_MAX_CONNECTIONS"):
        from_environment({"ROLWISSEL_MAX_CONNECTIONS": "many"})


def test_every_setting_is_in_the_operations_table() -> None:
    """docs/operations.md lists every setting an operator can change."""
    table = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    missing = [name for name in defaults("/instance") if f"| `{name}` |" not in table]
    assert missing == []
