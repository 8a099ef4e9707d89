"""Join codes, seat tokens and ids: how people get into a room and back into their seat.

Only the values and their checks live here; when a seat is made, used, taken over, dropped and
freed is game/rooms/lifecycle.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from enum import StrEnum

# Crockford-like: digits and capitals without 0/O, 1/I/L and U, so a code read aloud or from a
# projector cannot be mistyped into another valid one. 30 symbols, 8 of them: 30**8 ≈ 2**39.3.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8
# Room and player ids are never typed by people; 12 random bytes are 96 bits, unguessable.
ID_BYTES = 12
# Seat and facilitator tokens: 32 random bytes, 256 bits, only their sha256 is stored.
TOKEN_BYTES = 32

_SEPARATORS = re.compile(r"[\s\-_.]+")
# What a room, player or event id may look like in an address (new_id makes 16 of these).
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def new_code() -> str:
    """A fresh join code in its stored form: 8 symbols, no dash."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """The code as people see it, in two groups of four: `K7MW-4QX9`."""
    return f"{code[:4]}-{code[4:]}"


def normalise_code(typed: str) -> str | None:
    """The stored form of a code as someone typed it, or None when it cannot be one.

    Case does not matter and dashes or spaces may be left out or added.
    """
    if not isinstance(typed, str) or len(typed) > 32:
        return None
    code = _SEPARATORS.sub("", typed).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def new_token() -> str:
    """A seat or facilitator token: 43 URL-safe characters, 256 bits."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """What the database keeps of a token: a leaked table lets nobody into a seat."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Purpose(StrEnum):
    """What a key derived from the facilitator token opens (besides the facilitator's own)."""

    SCREEN = "screen"  # the big screen: the public view, the join code and its QR code
    SUMMARY = "summary"  # the summary page and its downloads, once the game is closed


def derived_key(facilitator_token: str, room_id: str, purpose: Purpose) -> str:
    """The big screen's or the summary's key of a room: HMAC-SHA256 of the room and the
    purpose under the facilitator token, 256 bits, URL-safe.

    Made when the room is created and stored only as its sha256, like every key. Deriving it
    lets any holder of the facilitator token (the console on another laptop, the event
    overview) show the same screen and summary links again, while the screen's or summary's
    key opens nothing more than itself: the facilitator token cannot be got back from it.
    """
    digest = hmac.new(
        facilitator_token.encode("utf-8"),
        f"rolwissel:{purpose.value}:{room_id}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def device_hash(room_id: str, device: str) -> str:
    """What the database keeps of the device id a browser sends when joining: bound to the
    room, so the same browser cannot be followed from one game to another."""
    return hashlib.sha256(f"{room_id}:{device}".encode()).hexdigest()


def new_id() -> str:
    """A room, player or event id: random and URL-safe (16 characters, 96 bits)."""
    return secrets.token_urlsafe(ID_BYTES)


def looks_like_id(text: str) -> bool:
    """Whether text from an address can be an id this server made; anything else is a 404
    without a look in the database."""
    return _ID.match(text) is not None
