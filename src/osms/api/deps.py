"""Dependencies shared by the API and the web page: a database session per request, and more.

- :func:`db_session`: a session whose work is committed when the request succeeds;
  :data:`DbSession` is the API's form of it, committed *before* the response is sent (an
  answer never claims what a failed commit lost);
- :data:`Today`: the default query date, Kazakhstan's today (:class:`~.settings.ApiSettings`);
- :data:`Lang`: the answer's language, ``?lang=`` else ``Accept-Language``, Kazakh by default.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Literal

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from osms.api.settings import ApiSettings
from osms.i18n import negotiate

__all__ = ["DbSession", "Lang", "Today", "db_session", "language", "settings", "today"]


def db_session(request: Request) -> Iterator[Session]:
    """A session whose work is committed when the request succeeds, else rolled back."""
    with request.app.state.sessions() as session, session.begin():
        yield session


DbSession = Annotated[Session, Depends(db_session, scope="function")]
"""A session committed when the handler returns, before the response leaves."""


def settings(request: Request) -> ApiSettings:
    found: ApiSettings = request.app.state.settings
    return found


def today(request: Request) -> date:
    return settings(request).today()


Today = Annotated[date, Depends(today)]


def language(
    request: Request,
    lang: Annotated[
        Literal["kk", "ru", "en"] | None,
        Query(description="The language of texts; default: Accept-Language, else kk."),
    ] = None,
) -> str:
    return lang or negotiate(request.headers.get("accept-language"))


Lang = Annotated[str, Depends(language)]
