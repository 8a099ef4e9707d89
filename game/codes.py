"""The codes the server itself gives, next to the engine's ErrorCode (the game's rules).

Below every layer that refuses something (rooms, web), so none of them has to import
another for a code. The sentence for each code is in game/web/messages.py.
"""

from __future__ import annotations

from enum import StrEnum


class ServerCode(StrEnum):
    """Codes the server itself gives, next to the engine's ErrorCode (game rules)."""

    # The message is not a JSON object.
    NOT_AN_OBJECT = "not_an_object"
    # The message is larger than the server accepts.
    MESSAGE_TOO_BIG = "message_too_big"
    # The action type is not one a browser may send.
    UNKNOWN_ACTION = "unknown_action"
    # An action without an idempotency key.
    MISSING_KEY = "missing_key"
    # A field of the message envelope has the wrong type or length.
    BAD_FIELD = "bad_field"
    # The connection's auth object is missing or malformed.
    BAD_AUTH = "bad_auth"
    # No room with this id (or it was removed).
    UNKNOWN_ROOM = "unknown_room"
    # The token is not a seat or facilitator token of this room (or the seat was left).
    BAD_TOKEN = "bad_token"
    # The big screen only watches; it cannot send actions.
    SCREEN_CANNOT_ACT = "screen_cannot_act"
    # No room has this join code.
    UNKNOWN_CODE = "unknown_code"
    # Too many failed join attempts from this address; wait and try again.
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    # No scenario with this id.
    UNKNOWN_SCENARIO = "unknown_scenario"
    # A case with this id exists already (shipped, or saved in the editor).
    CASE_ID_TAKEN = "case_id_taken"
    # A saved case keeps its id; save it as a new case to change it.
    CASE_ID_FIXED = "case_id_fixed"
    # An HTTP request body that is not what the endpoint expects.
    BAD_REQUEST = "bad_request"
    # A home role that is not inwoner, raadslid or ambtenaar.
    BAD_ROLE = "bad_role"
    # Notice: the same seat token connected from another device; this one is logged out.
    SEAT_TAKEN_OVER = "seat_taken_over"
    # Notice and refusal: the server is restarting; reconnect in a moment.
    SERVER_RESTARTING = "server_restarting"
    # Something unexpected failed on the server; nothing was changed.
    SERVER_ERROR = "server_error"
    # A page, download or connection without a key: the room id alone opens nothing.
    NO_KEY = "no_key"
    # The key does not open this (a wrong key, or the key of something else).
    WRONG_KEY = "wrong_key"
    # This room's stored log cannot be read; it is set aside, the other rooms play on.
    ROOM_DAMAGED = "room_damaged"
    # This connection sends actions faster than a person can; wait a moment.
    TOO_MANY_ACTIONS = "too_many_actions"
    # Too many new tables from this address; wait and try again.
    TOO_MANY_ROOMS = "too_many_rooms"
    # Notice and join refusal: the facilitator took this player (or this device) out of the game.
    REMOVED_FROM_GAME = "removed_from_game"
    # Notice: this player left the game; the seat's connections are closed.
    LEFT_GAME = "left_game"
    # Notice: the facilitator deleted the game (or its retention ended); nothing of it is kept.
    GAME_DELETED = "game_deleted"
    # The facilitator must confirm deleting a game.
    CONFIRM_DELETE = "confirm_delete"
    # Too many open connections from this address (HTTP 429, before any upgrade).
    TOO_MANY_CONNECTIONS = "too_many_connections"
    # The server holds as many connections as it may; try again soon (HTTP 503).
    SERVER_BUSY = "server_busy"
    # Too much work waits for the database: this action was refused before it could be
    # saved (nothing changed); the same action may be sent again in a few seconds (HTTP 503).
    SERVER_OVERLOADED = "server_overloaded"
    # The connection did not show a valid key in time and was closed.
    AUTH_TIMEOUT = "auth_timeout"
    # An HTTP request body larger than the server accepts (HTTP 413).
    BODY_TOO_LARGE = "body_too_large"
    # A socket message that is not a readable Socket.IO event (not JSON, nested too deep,
    # binary, or missing its event name).
    BAD_PACKET = "bad_packet"
    # An event name the server does not handle (or a reserved one such as `connect`).
    UNKNOWN_EVENT = "unknown_event"
    # Text with characters that cannot be stored (for example half of an emoji).
    BAD_TEXT = "bad_text"
