"""The ASGI entry point Uvicorn imports: ``uvicorn osms.api.asgi:create --factory``.

The database is ``OSMS_DATABASE_URL``, else the embedded SQLite file (migrated on first use).
"""

from __future__ import annotations

from fastapi import FastAPI

from osms.api.app import create_app
from osms.registry.migrate import ready_engine

__all__ = ["create"]


def create() -> FastAPI:
    return create_app(ready_engine())
