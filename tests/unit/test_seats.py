"""Join codes, tokens and ids: unguessable, unambiguous, forgiving in how they are typed."""

from __future__ import annotations

import base64
import math
import re

from game.rooms import seats


def test_codes_have_at_least_35_bits_of_entropy() -> None:
    """8 symbols from an alphabet of 30 give about 39 bits."""
    bits = seats.CODE_LENGTH * math.log2(len(seats.CODE_ALPHABET))
    assert bits >= 35
    assert len(set(seats.CODE_ALPHABET)) == len(seats.CODE_ALPHABET) == 30


def test_the_alphabet_has_no_characters_people_confuse() -> None:
    """No 0/O, 1/I/L, and no U (it reads as V); only digits and capitals."""
    assert not set("0O1ILU") & set(seats.CODE_ALPHABET)
    assert re.fullmatch(r"[2-9A-Z]+", seats.CODE_ALPHABET)


def test_new_codes_use_only_the_alphabet_and_all_of_it() -> None:
    """Codes are random over the whole alphabet (secrets, not a pattern)."""
    codes = [seats.new_code() for _ in range(2000)]
    assert all(len(c) == 8 and set(c) <= set(seats.CODE_ALPHABET) for c in codes)
    assert set("".join(codes)) == set(seats.CODE_ALPHABET)
    assert len(set(codes)) == len(codes)


def test_a_code_is_accepted_however_it_is_typed() -> None:
    """Lower case, with or without the dash, with spaces: all the same code."""
    code = "K7MW4QX9"
    shown = seats.format_code(code)
    assert shown == "K7MW-4QX9"
    for typed in ("K7MW-4QX9", "k7mw4qx9", " k7mw - 4qx9 ", "K7MW 4QX9", "k7mw_4qx9"):
        assert seats.normalise_code(typed) == code


def test_what_cannot_be_a_code_is_refused() -> None:
    """Wrong length, confusable or foreign characters, or not text at all: None."""
    for typed in ("K7MW4QX", "K7MW4QX99", "K7MW4QX0", "O7MW4QX9", "K7MW-4QX!", "", "x" * 100):
        assert seats.normalise_code(typed) is None
    assert seats.normalise_code(12345678) is None  # type: ignore[arg-type]


def test_tokens_carry_at_least_128_bits_and_only_their_hash_is_kept() -> None:
    """A token is 32 random bytes; the stored form is its sha256, which is not the token."""
    token = seats.new_token()
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) * 8 >= 128
    digest = seats.hash_token(token)
    assert re.fullmatch(r"[0-9a-f]{64}", digest) and token not in digest
    assert seats.hash_token(token) == digest
    assert len({seats.new_token() for _ in range(1000)}) == 1000


def test_ids_are_random_and_url_safe() -> None:
    """Room and player ids: 96 random bits, fine in a URL path."""
    ids = {seats.new_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{16}", i) for i in ids)
