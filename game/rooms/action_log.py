"""The one log line per action: who kind of sent it, what, how long it took, how it ended.

Never who the sender is, never what they typed: player ids and texts stay out of the log.
"""

from __future__ import annotations

import logging

from game.engine.state import FACILITATOR
from game.logfmt import line

action_log = logging.getLogger("rolwissel.actions")


def actor_role(actor: str | None) -> str:
    """The kind of sender for the log: 'facilitator', 'participant' or (None) 'screen'."""
    if actor is None:
        return "screen"
    return "facilitator" if actor == FACILITATOR else "participant"


def log_action(
    *, room: str, seq: int | None, actor: str | None, kind: str, ms: float, outcome: str
) -> None:
    """The one log line per action: room, seq, actor's role, type, time taken, outcome."""
    action_log.info(
        line(
            "action",
            room=room,
            seq=seq,
            actor_role=actor_role(actor),
            type=kind,
            ms=ms,
            outcome=outcome,
        )
    )
