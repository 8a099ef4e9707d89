"""Socket.IO's packet as this server sends it: messages encoded once go in as they are.

python-socketio encodes an emit to a room once for all its sockets, but it first walks every
nested value looking for bytes (`Packet.data_is_binary`) and then encodes it with the
standard library. The broadcaster (game/rooms/broadcast.py) hands it messages it has already
encoded (game/rooms/patches.py: `{"__json__": text}`); `ReadyPacket` splices that text into
the packet, so the walk and the second encoding never happen. This server never sends
bytes, so the walk is off for every packet (incoming binary packets are still decoded: the
type comes from the wire, not from the walk).
"""

from __future__ import annotations

from typing import Any

from socketio import packet

from game.rooms.patches import encoded_text


class ReadyPacket(packet.Packet):
    """A Socket.IO packet whose arguments may be JSON text already (see the module)."""

    uses_binary_events = False

    def encode(self) -> Any:
        data = self.data
        if self.packet_type != packet.EVENT or not isinstance(data, list):
            return super().encode()
        texts = [encoded_text(item) for item in data]
        if not any(text is not None for text in texts):
            return super().encode()
        head = str(self.packet_type)
        if self.namespace is not None and self.namespace != "/":
            head += self.namespace + ","
        if self.id is not None:
            head += str(self.id)
        parts = [
            text if text is not None else self.json.dumps(item, separators=(",", ":"))
            for item, text in zip(data, texts, strict=True)
        ]
        return f"{head}[{','.join(parts)}]"
