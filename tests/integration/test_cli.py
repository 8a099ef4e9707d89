"""The `rolwissel` command's operator tools: db upgrade, config, protocol-doc, scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect

from game.cli import cli


def test_db_upgrade_creates_the_schema_in_the_configured_database(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ROLWISSEL_DATABASE_URL names the database (SQLite or PostgreSQL); upgrade makes every
    table, twice is fine."""
    url = database_url
    monkeypatch.setenv("ROLWISSEL_DATABASE_URL", url)
    for _ in range(2):
        result = CliRunner().invoke(cli, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert "up to date" in result.output
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"rooms", "seats", "room_events", "snapshots", "action_keys"} <= tables


def test_config_shows_the_settings_but_not_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """Environment settings are marked (env); the secret key and passwords never print."""
    monkeypatch.setenv("ROLWISSEL_SECRET_KEY", "very-secret-value")
    monkeypatch.setenv("ROLWISSEL_WRITE_WINDOW_MS", "7")
    monkeypatch.setenv("ROLWISSEL_DATABASE_URL", "postgresql+psycopg://rw:hunter2@db/rolwissel")
    monkeypatch.setenv("ROLWISSEL_REDIS_URL", "redis://:swordfish@redis:6379/0")
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 0, result.output
    assert "WRITE_WINDOW_MS = 7 (env)" in result.output
    assert "SECRET_KEY = (set)" in result.output
    assert "very-secret-value" not in result.output and "hunter2" not in result.output
    # The Redis URL and the settings that follow it print without its password.
    assert "REDIS_URL = redis://:***@redis:6379/0 (env)" in result.output
    assert "RATELIMIT_STORAGE_URI = redis://:***@redis:6379/0" in result.output
    assert "swordfish" not in result.output


def test_a_bad_setting_in_the_environment_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """A number that is not a number stops the command with the variable's name."""
    monkeypatch.setenv("ROLWISSEL_SNAPSHOT_EVERY", "many")
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code != 0
    assert "ROLWISSEL_SNAPSHOT_EVERY" in str(result.exception)


def test_protocol_doc_check_passes_on_the_committed_document() -> None:
    """`rolwissel protocol-doc --check` agrees with docs/protocol.md."""
    result = CliRunner().invoke(cli, ["protocol-doc", "--check"])
    assert result.exit_code == 0, result.output


def test_protocol_doc_check_fails_on_a_stale_document(tmp_path: Path) -> None:
    """A document that differs from the code makes --check exit 1."""
    stale = tmp_path / "protocol.md"
    stale.write_text("# old\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["protocol-doc", "--check", "--output", str(stale)])
    assert result.exit_code == 1


def test_the_scenarios_group_is_part_of_rolwissel() -> None:
    """`rolwissel scenarios check` checks the shipped scenarios."""
    result = CliRunner().invoke(cli, ["scenarios", "check"])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
