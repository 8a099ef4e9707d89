"""A seeded generator of socket messages for the fuzz test: malformed ones of every kind, and
valid ones. Each message knows what it is, so the test knows what must happen to it.

Kinds of invalid messages (none may change a room's log):

* `packet`: not a readable Socket.IO event (broken or cut JSON, nesting too deep, NaN, huge
  numbers, lone surrogates, binary attachments, no event name, reserved or unknown names);
* `envelope`: an `action` whose envelope is wrong (no key, wrong types, unknown type, too big);
* `rules`: a well-formed action the engine must refuse for this sender in round 1.

Valid messages post, react to and edit cards, and switch language.
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass
from typing import Any

# Characters that break naive code: controls, quotes, separators, right-to-left, zero width,
# a combining mark, an emoji (a surrogate pair in JSON), and non-characters.
NASTY = (
    "\x00\x01\x07\x08\t\n\r\x1b\x7f\x85\u2028\u2029\u202e\u200b\u0301\"'\\<>&%{}[]😀\ufeff\uffff"
)
RESERVED = ("connect", "disconnect", "connect_error", "__disconnect_final", "disconnecting")
STEERING = (
    "start", "next_phase", "previous_phase", "pause_game", "resume_game", "set_timer",
    "pause_timer", "resume_timer", "extend_timer", "highlight_card", "merge_cards", "hide_card",
    "rebalance_roles", "set_player_home_role", "remove_player", "set_setting", "close_game",
    "draft_proposal", "open_vote", "close_vote", "show_tally",
)  # fmt: skip
REACTIONS = ("support", "question", "concern")


@dataclass(frozen=True)
class Message:
    """One message to send: its frames, whether it asks for an answer, and what it is."""

    frames: tuple[str | bytes, ...]  # Engine.IO message payloads (text after the '4', or bytes)
    ack_id: int | None
    kind: str  # packet, envelope, rules, valid
    refusal_event: bool = False  # answered with a `refusal` event (asked for no ack)


@dataclass
class Sender:
    """What the generator knows about one connection."""

    role: str  # "facilitator" or "player"
    own_cards: list[str]
    other_cards: list[str]
    next_id: int = 1000

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id


class Fuzzer:
    """Makes messages from a seed (the same seed, the same messages)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.count = 0

    # Building blocks

    def text(self, most: int = 40) -> str:
        size = self.rng.randint(0, most)
        pool = string.ascii_letters + string.digits + " éëïöü" + NASTY
        return "".join(self.rng.choice(pool) for _ in range(size))

    def value(self, depth: int = 0) -> Any:
        """Any JSON value, a few levels deep."""
        choice = self.rng.randint(0, 7 if depth < 3 else 4)
        if choice == 0:
            return None
        if choice == 1:
            return self.rng.choice([True, False])
        if choice == 2:
            return self.rng.choice([0, -1, 1, 2**31, 2**63, -(2**64), 3.5, 1e300])
        if choice in (3, 4):
            return self.text()
        if choice == 5:
            return [self.value(depth + 1) for _ in range(self.rng.randint(0, 3))]
        return {self.text(8): self.value(depth + 1) for _ in range(self.rng.randint(0, 3))}

    def key(self) -> str:
        self.count += 1
        return f"f{self.count}"

    def event(self, sender: Sender, body: str, kind: str, ack: bool = True) -> Message:
        """An EVENT packet with `body` (the JSON after the ack id)."""
        ack_id = sender.take_id() if ack else None
        if body[:1].isdigit():
            body = " " + body  # a leading digit would be read as part of the ack id
        packet = "2" + ("" if ack_id is None else str(ack_id)) + body
        return Message((packet,), ack_id, kind, refusal_event=not ack and kind == "packet")

    @staticmethod
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    # Invalid messages

    def packet(self, sender: Sender) -> Message:
        """A message that is not a readable Socket.IO event."""
        rng = self.rng
        ack = rng.random() < 0.85
        pick = rng.randint(0, 11)
        valid_body = self.dumps(["action", {"type": "post_card", "key": self.key(), "text": "x"}])
        if pick == 0:  # cut short
            body = valid_body[: rng.randint(1, len(valid_body) - 1)]
        elif pick == 1:  # too deep, somewhere
            depth = rng.choice([21, 100, 1000, 3000])
            deep = "[" * depth + "]" * depth
            body = rng.choice(
                [deep, f'["action",{deep}]', f'["action",{{"type":"post_card","text":{deep}}}]']
            )
        elif pick == 2:  # NaN, Infinity, overflowing numbers
            number = rng.choice(["NaN", "Infinity", "-Infinity", "1e999", "9" * 5000])
            body = f'["action",{{"type":"set_timer","key":"{self.key()}","seconds":{number}}}]'
        elif pick == 3:  # a lone surrogate, escaped, in any string
            half = rng.choice(["\\ud800", "\\udfff", "\\ud83d", "\\udc00x"])
            where = rng.randint(0, 3)
            parts = ["action", "post_card", self.key(), "text"]
            parts[where] += half
            name, kind, key, text = parts
            body = f'["{name}",{{"type":"{kind}","key":"{key}","text":"{text}"}}]'
        elif pick == 4:  # not a list with an event name first
            body = self.dumps(rng.choice([[], {}, "action", 7, None, [5], [None, {}], [[]]]))
        elif pick == 5:  # no JSON at all, or garbage
            body = rng.choice(["", "[", "]", "{", '["action"', "[,]", "tru", "[1,]", "'x'"])
        elif pick == 6:  # reserved names
            body = self.dumps([rng.choice(RESERVED), self.value()])
        elif pick == 7:  # unknown names
            body = self.dumps(
                [self.text(30) + "?", *[self.value() for _ in range(rng.randint(0, 2))]]
            )
        elif pick == 8:  # binary: attachments in a field or as the argument, then the bytes
            ack_id = sender.take_id() if ack else None
            holder = {"_placeholder": True, "num": 0}
            data = rng.choice(
                [["action", holder], ["action", {"type": "post_card", "text": holder}]]
            )
            head = "51-" + ("" if ack_id is None else str(ack_id)) + self.dumps(data)
            return Message((head, rng.randbytes(rng.randint(0, 300))), ack_id, "packet", not ack)
        elif pick == 9:  # a bare binary message
            return Message((rng.randbytes(rng.randint(1, 200)),), None, "packet", True)
        elif pick == 10:  # a packet type a client never sends, or one beyond the protocol
            head = rng.choice(["7", "8", "9", "²", "x", "-", "/"])
            return Message((head + self.text(20),), None, "packet", True)
        else:  # random bytes of JSON-looking text
            body = "".join(
                rng.choice('[]{}",:0123456789abcnultrefs\\') for _ in range(rng.randint(1, 60))
            )
            try:
                decoded = json.loads(body)
            except ValueError:
                decoded = None
            if isinstance(decoded, list) and decoded and isinstance(decoded[0], str):
                body = "{" + body  # by chance a real event: make sure it is not one
        return self.event(sender, body, "packet", ack)

    def envelope(self, sender: Sender) -> Message:
        """An `action` whose envelope is refused before the engine sees it."""
        rng = self.rng
        pick = rng.randint(0, 7)
        action: Any = {"type": "post_card", "key": self.key(), "text": self.text(20)}
        if pick == 0:
            del action["key"]
        elif pick == 1:
            action["key"] = rng.choice([7, None, [], {}, True, "", "k" * 65])
        elif pick == 2:
            action["type"] = rng.choice([self.text(20) + "!", 5, None, [], "", "Post_Card"])
        elif pick == 3:
            action["expected_version"] = rng.choice([-1, "1", 1.5, [], {}, True])
        elif pick == 4:
            action["text"] = "ä" * rng.randint(4200, 7000)  # more than 8 KiB of JSON
        elif pick == 5:
            action = self.value()
            if isinstance(action, dict):
                action.pop("key", None)
        elif pick == 6:
            action = [action]
        else:
            action = rng.choice([None, "post_card", 5, True])
        args = [action] if rng.random() < 0.9 else [action, self.value()]
        return self.event(sender, self.dumps(["action", *args]), "envelope")

    def rules(self, sender: Sender) -> Message:
        """A well-formed action the engine refuses for this sender in round 1."""
        rng = self.rng
        key = self.key()
        if sender.role == "player":
            choices: list[dict[str, Any]] = [
                {"type": rng.choice(STEERING)},
                {"type": "react", "card_id": "nope-" + self.text(5), "kind": "support"},
                {"type": "edit_card", "card_id": "nope", "text": self.text(20) + "x"},
                {"type": "post_card", "text": "x" * rng.randint(281, 2000)},
                {"type": "post_card", "text": rng.choice(["", " ", "\n\t"])},
                {"type": "cast_vote", "choice": "eens"},
                {"type": "save_reflection", "text": "een terugblik"},
                {"type": "score_option", "option_id": "pilot-one-year", "score": 3},
            ]
            if sender.other_cards:
                card = rng.choice(sender.other_cards)
                choices.append({"type": "edit_card", "card_id": card, "text": "niet van mij"})
                choices.append({"type": "withdraw_card", "card_id": card})
        else:
            choices = [
                {"type": "next_phase", "expected_version": 0},
                {"type": "set_timer", "seconds": rng.choice([0, -5, 10**7])},
                {"type": "open_vote"},
                {"type": "show_tally"},
                {"type": "highlight_card", "card_id": "nope-" + self.text(5)},
                {"type": "hide_card", "card_id": "nope"},
                {"type": "remove_player", "player_id": "nope"},
                {"type": "set_setting", "name": "nope" + self.text(5), "value": True},
            ]
        return self.event(
            sender, self.dumps(["action", {**rng.choice(choices), "key": key}]), "rules"
        )

    def invalid(self, sender: Sender) -> Message:
        return self.rng.choice([self.packet, self.packet, self.envelope, self.rules])(sender)

    # Valid messages

    def valid(self, sender: Sender) -> Message:
        """An action that may well be applied (or refused by the rules), or set_lang/resync."""
        rng = self.rng
        pick = rng.randint(0, 5)
        if pick == 0:
            return self.event(
                sender, self.dumps(["set_lang", {"lang": rng.choice(["nl", "en"])}]), "valid"
            )
        if pick == 1:
            return self.event(
                sender, self.dumps(["resync", {"last_seq": rng.randint(0, 5)}]), "valid"
            )
        if sender.role == "facilitator":
            action: dict[str, Any] = {"type": "set_setting", "name": "show_author_names",
                                      "value": rng.choice([True, False])}  # fmt: skip
        elif pick == 2 and sender.own_cards:
            action = {"type": "edit_card", "card_id": rng.choice(sender.own_cards),
                      "text": self.text(60) + "."}  # fmt: skip
        elif pick == 3 and (sender.own_cards or sender.other_cards):
            card = rng.choice(sender.own_cards + sender.other_cards)
            action = {"type": "react", "card_id": card, "kind": rng.choice(REACTIONS),
                      "on": rng.choice([True, False])}  # fmt: skip
        else:
            action = {"type": "post_card", "text": self.text(100) + "!"}
        return self.event(sender, self.dumps(["action", {**action, "key": self.key()}]), "valid")
