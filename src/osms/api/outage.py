"""While the database cannot be reached: 503 with ``Retry-After``, never a 500.

A refused or dropped connection, an SQLite file that cannot be opened or stays locked, a pool
with no connection to lend: each is the database being unavailable, not a fault of the
request.  The API answers the problem ``service.unavailable``; the citizen page shows its form
again with the same message in the page's language.  Both say when to try again
(:data:`RETRY_AFTER_SECONDS`).  Nothing about the database (its address, its user, the
driver's text) reaches the answer; the log line names the error's class only.

``/readyz`` reports the outage to the orchestrator on its own (``ready.database``).
"""

from __future__ import annotations

import logging
from typing import Final

from fastapi import FastAPI, Request
from sqlalchemy import exc
from starlette.responses import Response

from osms.api.deps import settings
from osms.api.problems import RETRY_AFTER_SECONDS, ApiProblem, is_api_path, problem_response
from osms.api.web.rendering import Page, render
from osms.i18n import error_message

__all__ = [
    "RETRY_AFTER_SECONDS",
    "UNAVAILABLE",
    "database_unavailable",
    "install_outage_handlers",
]

log = logging.getLogger("osms.api")

UNAVAILABLE: Final = "service.unavailable"


def database_unavailable(error: BaseException) -> bool:
    """True for the errors that mean the database is out of reach, not that a query is wrong.

    >>> database_unavailable(exc.OperationalError("SELECT 1", None, ConnectionRefusedError()))
    True
    >>> database_unavailable(exc.IntegrityError("INSERT", None, ValueError()))
    False
    """
    if isinstance(error, exc.OperationalError | exc.TimeoutError):
        # Refused or lost connections, a file that cannot be opened or stays locked, a
        # statement timeout; or no connection free in the pool in time.
        return True
    return isinstance(error, exc.DBAPIError) and error.connection_invalidated


async def _unavailable(request: Request, error: Exception) -> Response:
    if not database_unavailable(error):
        raise error  # a real fault: logged and answered 500 by osms.api.logs
    log.warning(
        "database unavailable",
        extra={
            "request_id": getattr(request.state, "request_id", None),
            "error": type(error).__name__,
            "driver_error": type(getattr(error, "orig", None)).__name__,
        },
    )
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if is_api_path(request.url.path):
        return problem_response(request, ApiProblem(503, UNAVAILABLE, headers=headers))
    params = request.query_params
    page = Page.of(request, params.get("lang"), params.get("date"), settings(request).today())
    return render(
        page,
        "index.html",
        status_code=503,
        headers=headers,
        iin=None,
        error=error_message(UNAVAILABLE, page.lang),
    )


def install_outage_handlers(app: FastAPI) -> None:
    """Answer 503 for every exception that means the database is out of reach."""
    app.add_exception_handler(exc.DBAPIError, _unavailable)
    app.add_exception_handler(exc.TimeoutError, _unavailable)
