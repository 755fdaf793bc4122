"""Loading a record by id for a use case: the row, or NotFound naming what was asked for."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from app.errors import NotFound
from app.ids import MAX_ID

T = TypeVar("T")


def load(session: Session, model: type[T], ident: int) -> T:
    row = session.get(model, ident) if 1 <= ident <= MAX_ID else None
    if row is None:
        kind = getattr(model, "__tablename__", model.__name__).rstrip("s").replace("_", " ")
        raise NotFound(kind, ident)
    return row
