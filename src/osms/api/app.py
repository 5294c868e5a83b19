"""The FastAPI application: the versioned API and the citizen web page, one process.

``create_app(engine)`` builds it over a database; ``osms serve`` runs it with Uvicorn.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from osms import __version__
from osms.registry.db import make_session_factory

__all__ = ["create_app"]


def create_app(engine: Engine) -> FastAPI:
    app = FastAPI(
        title="OSMS API",
        version=__version__,
        description=(
            "Mandatory social health insurance of Kazakhstan (ОСМС / МӘМС): status by IIN, "
            "payments, debts, the calculator, register upload and operators' decisions."
        ),
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.state.engine = engine
    app.state.sessions = make_session_factory(engine)

    from osms.api.v1 import router as api_v1
    from osms.api.web import router as web

    app.include_router(api_v1, prefix="/api/v1")
    app.include_router(web)
    return app
