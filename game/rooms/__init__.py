"""Rooms: the one writer per room, seats and join codes, and telling viewers what changed."""
