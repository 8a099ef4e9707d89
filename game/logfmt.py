"""Log lines nobody can forge: `event key=value ...`, every value typed or escaped.

A value that a client chose (an event name, a header, an address behind a proxy) must never
start a new line, move the cursor of a terminal, or pass itself off as another key. So:

* `line(event, **fields)` writes numbers as numbers, None as `-`, and a string bare only when
  it is made of a few harmless characters; any other string is written as a JSON string
  (quoted, with every control and non-ASCII character escaped) and cut to MAX_VALUE characters.
* `SafeFormatter`, installed on the server's log handler by `configure()`, is the safety net
  for lines written by libraries: it escapes control characters in every message, and
  prefixes each line of a traceback with `  | `, so that every line starting with anything
  else is a real record.

Only the standard library: `rolwissel serve` configures logging before anything else.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from typing import IO, Any

# Longer values are cut: a 60 kB header must not become a 60 kB log line.
MAX_VALUE = 120
_BARE = re.compile(r"[A-Za-z0-9_.:/@+\-]+")
_EVENT = re.compile(r"[a-z][a-z0-9_]*")

# C0 and C1 control characters, DEL, and the Unicode line and paragraph separators.
_CONTROLS = [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029]
_ESCAPE_ALL = {c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}" for c in _CONTROLS}
_ESCAPE_BUT_NEWLINE = {c: e for c, e in _ESCAPE_ALL.items() if c != 0x0A}

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
CONTINUATION = "  | "


def value(item: Any) -> str:
    """One value as it may appear after `key=` in a log line."""
    if item is None:
        return "-"
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(int(item))
    if isinstance(item, float):
        return f"{item:.1f}"
    text = item if isinstance(item, str) else str(item)
    if _BARE.fullmatch(text):
        return text if len(text) <= MAX_VALUE else json.dumps(text[:MAX_VALUE] + "…")
    if len(text) > MAX_VALUE:
        text = text[:MAX_VALUE] + "…"
    return json.dumps(text, ensure_ascii=True)


def line(event: str, /, **fields: Any) -> str:
    """`event key=value ...` with each value through `value()`; keys are ours, never a client's."""
    if not _EVENT.fullmatch(event):
        raise ValueError(f"not a log event name: {event!r}")
    parts = [event]
    for key, item in fields.items():
        parts.append(f"{key}={value(item)}")
    return " ".join(parts)


def escape(text: str, keep_newlines: bool = False) -> str:
    """`text` with control characters written as `\\xNN` (newlines kept when asked)."""
    return text.translate(_ESCAPE_BUT_NEWLINE if keep_newlines else _ESCAPE_ALL)


class SafeFormatter(logging.Formatter):
    """A record is one line; a traceback's lines follow it, each starting with `  | `."""

    def format(self, record: logging.LogRecord) -> str:
        record.message = escape(record.getMessage())
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        text = self.formatMessage(record)
        blocks = []
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            blocks.append(record.exc_text)
        if record.stack_info:
            blocks.append(self.formatStack(record.stack_info))
        for block in blocks:
            for continued in escape(block, keep_newlines=True).splitlines():
                text += "\n" + CONTINUATION + continued
        return text


def configure(stream: IO[str] | None = None, level: int = logging.INFO) -> None:
    """The server's logging: one handler on the root logger, with SafeFormatter."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(SafeFormatter(FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
