"""Liveness and readiness, for the load balancer and the orchestrator (outside ``/api/v1``)."""

from __future__ import annotations

import logging
from typing import Any

from alembic.runtime.migration import MigrationContext
from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.engine import Engine

from osms.api.problems import ApiProblem
from osms.api.v1.common import problems
from osms.api.v1.schemas import Health, Readiness

__all__ = ["router"]

router = APIRouter(tags=["operations"])
log = logging.getLogger("osms.api")


@router.get(
    "/healthz",
    response_model=Health,
    summary="Liveness: the process answers",
    description="Touches nothing else; restart the process when this fails.",
)
def healthz() -> dict[str, Any]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Readiness: the database answers and is migrated to the newest revision",
    description=(
        "503 `ready.database` when the database cannot be reached, 503 `ready.migrations` "
        "when it is not at the revision this code needs (run `osms db upgrade`)."
    ),
    responses=problems(503),
)
def readyz(request: Request) -> dict[str, Any]:
    engine: Engine = request.app.state.engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            revision = MigrationContext.configure(connection).get_current_revision()
    except Exception as error:
        log.warning("database not reachable", extra={"error": type(error).__name__})
        raise ApiProblem(503, "ready.database", "the database cannot be reached") from None
    wanted: str = request.app.state.migration_head
    if revision != wanted:
        raise ApiProblem(
            503,
            "ready.migrations",
            f"the database is at {revision or 'no revision'}, the code needs {wanted}",
            extra={"revision": revision, "head": wanted},
        )
    return {"status": "ready", "database": engine.dialect.name, "revision": revision}
