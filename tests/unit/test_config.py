"""Settings from the environment are read with their types (the connection guard's ones too)."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.config import defaults, from_environment


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
