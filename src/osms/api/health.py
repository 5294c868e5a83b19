"""Liveness and readiness, for the load balancer and the orchestrator (outside ``/api/v1``).

Readiness also carries the parameters check (R-P-2): when the year in force or the next (from
60 days before it) lacks its minimum wage or its decree of transfers, the service still
answers (provisionally, R-P-1) and ``/readyz`` says ``degraded`` with the missing items, HTTP
200; so it does while the NBK base-rate table ends before today (penalties after its last day
are refused, R-K-4).  It is 503 only when the service cannot answer: the database unreachable
or not migrated, or a parameter or calendar file that does not load.
"""

from __future__ import annotations

import logging

from alembic.runtime.migration import MigrationContext
from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.engine import Engine

from osms.api.deps import Lang, Today
from osms.api.problems import ApiProblem
from osms.api.v1.common import problems
from osms.api.v1.schemas import Health, Readiness
from osms.rules.errors import RuleError
from osms.rules.upkeep import missing
from osms.views.models import NotRecorded

__all__ = ["router"]

router = APIRouter(tags=["operations"])
log = logging.getLogger("osms.api")


@router.get(
    "/healthz",
    response_model=Health,
    summary="Liveness: the process answers",
    description="Touches nothing else; restart the process when this fails.",
)
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Readiness: the database answers and is migrated, the rules load",
    description=(
        "503 `ready.database` when the database cannot be reached, 503 `ready.migrations` "
        "when it is not at the revision this code needs (run `osms db upgrade`), 503 with the "
        "file's code (`parameter.schema`, `calendar.data`) when a parameters file does not "
        "load.  200 `degraded` while serving with something missing for the year in force or "
        "ahead (its minimum wage, its decree of transfers: R-P-2) or while the NBK base-rate "
        "table ends before today (`upkeep.base_rate`: penalties after its `known_until` are "
        "`parameter.missing`, R-K-4), listed in `missing`."
    ),
    responses=problems(
        503,
        described={
            503: "Not ready: `ready.database`, `ready.migrations`, or a parameters or calendar "
            "file's code (`parameter.schema`, `calendar.data`)."
        },
    ),
)
def readyz(request: Request, today: Today, lang: Lang) -> Readiness:
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
    try:
        found = missing(today)
    except RuleError as error:
        log.error("rules do not load: %s", error, extra={"code": error.code})
        raise ApiProblem(503, error.code, "a parameters or calendar file does not load") from None
    return Readiness(
        status="degraded" if found else "ready",
        database=engine.dialect.name,
        revision=wanted,
        missing=[NotRecorded.from_missing(item, lang) for item in found],
    )
