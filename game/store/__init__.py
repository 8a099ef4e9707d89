"""Durable storage: the tables, the database engine and the room event log."""
