"""Log lines nobody can forge: typed values, escaped strings, one line per record."""

from __future__ import annotations

import io
import logging

import pytest

from game import logfmt
from game.codes import ServerCode


def test_values_are_typed_or_escaped() -> None:
    """Numbers and None as such; safe strings bare; anything else one quoted, escaped string."""
    line = logfmt.line(
        "action",
        room="k_uBnyg4iwK7-4-L",
        seq=None,
        ok=True,
        n=3,
        ms=8.49,
        code=ServerCode.BAD_TEXT,
        reason="transport close",
        name="x\n2026-01-01 00:00:00,000 INFO forged\r\x1b[2K\u2028",
    )
    assert line.startswith(
        "action room=k_uBnyg4iwK7-4-L seq=- ok=true n=3 ms=8.5 code=bad_text "
        'reason="transport close" name="x\\n2026-01-01'
    )
    assert "\n" not in line and "\r" not in line and "\x1b" not in line and "\u2028" not in line
    assert "\\u001b" in line and "\\u2028" in line


def test_long_values_are_cut() -> None:
    """A 60 kB header becomes at most MAX_VALUE characters (plus quoting) in the log."""
    assert len(logfmt.value("a" * 60_000)) < logfmt.MAX_VALUE + 10
    assert len(logfmt.value("ä" * 60_000)) < 7 * logfmt.MAX_VALUE


def test_event_names_are_ours() -> None:
    """An event name with anything but lower-case words is a programming error."""
    with pytest.raises(ValueError):
        logfmt.line("action room=x")


def test_the_formatter_keeps_records_on_one_line_and_marks_tracebacks() -> None:
    """Library messages get their control characters escaped; traceback lines start with the
    continuation mark, so no line of them can pass for a record."""
    stream = io.StringIO()
    logger = logging.getLogger("rolwissel.test_logfmt")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logfmt.SafeFormatter(logfmt.FORMAT))
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.error("Invalid session %s", "x\n2026-01-01 00:00:00,000 INFO forged\x1b")
        try:
            raise ValueError("bad\n2026-01-01 00:00:00,000 INFO forged")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    rows = stream.getvalue().splitlines()
    assert rows[0].endswith("Invalid session x\\x0a2026-01-01 00:00:00,000 INFO forged\\x1b")
    assert rows[1].endswith("ERROR rolwissel.test_logfmt failed")
    assert all(row.startswith(logfmt.CONTINUATION) for row in rows[2:])
    assert any("2026-01-01 00:00:00,000 INFO forged" in row for row in rows[2:])
