"""``osms serve``: the API and the citizen page with Uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from osms.registry.db import database_url, redacted
from osms.registry.migrate import NotMigrated, ready_engine

__all__ = ["serve"]


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes.")] = 1,
) -> None:
    """Serve the REST API (/api/v1, docs at /docs) and the citizen page (/)."""
    try:
        ready_engine().dispose()  # migrate the embedded default once, before the workers
    except NotMigrated as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"OSMS on http://{host}:{port}/ (API docs: /docs) over {redacted(database_url())}")
    uvicorn.run(
        "osms.api.asgi:create",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        # Uvicorn would believe X-Forwarded-For from 127.0.0.1; the app decides, from
        # OSMS_TRUSTED_PROXIES only (osms.api.proxies).
        proxy_headers=False,
    )
