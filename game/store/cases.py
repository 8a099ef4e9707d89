"""Own cases in the database: the case editor's scenarios, stored as YAML with an edit key.

Only storage: the YAML is checked by the scenario loader (game/scenarios/loader.py) before it
comes here, and again when it is read (a case that no longer passes is not offered).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from game.store.db import Database
from game.store.models import OwnCase


@dataclass(frozen=True)
class StoredCase:
    id: str
    yaml: str
    edit_key_hash: str
    version: int
    updated_at: int


def _stored(row: OwnCase) -> StoredCase:
    return StoredCase(row.id, row.yaml, row.edit_key_hash, row.version, row.updated_at)


def get_case(db: Database, case_id: str) -> StoredCase | None:
    """One own case by its scenario id, or None."""
    with db.sessions() as session:
        row = session.get(OwnCase, case_id)
        return None if row is None else _stored(row)


def all_cases(db: Database) -> list[StoredCase]:
    """Every own case, by id."""
    with db.sessions() as session:
        return [_stored(r) for r in session.scalars(select(OwnCase).order_by(OwnCase.id))]


def add_case(db: Database, case_id: str, text: str, edit_key_hash: str, at: int) -> bool:
    """Store a new case; False when a case with this id is stored already."""
    with db.sessions() as session, session.begin():
        if session.get(OwnCase, case_id) is not None:
            return False
        session.add(
            OwnCase(
                id=case_id,
                yaml=text,
                edit_key_hash=edit_key_hash,
                version=1,
                created_at=at,
                updated_at=at,
            )
        )
    return True


def update_case(db: Database, case_id: str, text: str, at: int) -> int | None:
    """Replace a stored case's YAML; its new version, or None when there is no such case."""
    with db.sessions() as session, session.begin():
        row = session.get(OwnCase, case_id)
        if row is None:
            return None
        row.yaml = text
        row.version += 1
        row.updated_at = at
        return row.version
