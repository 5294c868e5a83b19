"""Dependencies shared by the API and the web page: a database session per request."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

__all__ = ["db_session"]


def db_session(request: Request) -> Iterator[Session]:
    """A session whose work is committed when the request succeeds, else rolled back."""
    with request.app.state.sessions() as session, session.begin():
        yield session
