"""The FastAPI application: the versioned API and the citizen web page, one process.

``create_app(engine)`` builds it over a database; ``osms serve`` runs it with Uvicorn.  The
API's own log line per request replaces Uvicorn's access log (``access_log=False``); Uvicorn's
lines are masked all the same.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from sqlalchemy.engine import Engine

from osms import __version__
from osms.api.bodies import BodyLimitMiddleware
from osms.api.caching import NoStoreMiddleware
from osms.api.docs import install_docs
from osms.api.head import HeadAsGetMiddleware
from osms.api.logs import RequestLogMiddleware, configure_logging
from osms.api.outage import install_outage_handlers
from osms.api.problems import PROBLEM_MEDIA_TYPE, install_problem_handlers, is_api_path
from osms.api.proxies import ClientAddressMiddleware
from osms.api.ratelimit import RateLimiter
from osms.api.settings import ApiSettings
from osms.registry import migrate
from osms.registry.db import make_session_factory
from osms.services.clients import SCOPES

__all__ = ["create_app"]

_SCOPE_LINES = "\n".join(f"- `{name}`: {what}" for name, what in SCOPES.items())

DESCRIPTION: Final = f"""
Mandatory social health insurance of Kazakhstan (ОСМС / МӘМС): status by IIN, payments, debts,
the calculator, register upload and operators' decisions. Rule ids (R-…) refer to the rules
specification.

**Keys.** Clients (banks, clinics, operators' systems) get a key from the Fund
(`osms clients create`), shown once: send it as `Authorization: Bearer osms_<prefix>_<secret>`
or `X-API-Key`. Scopes:

{_SCOPE_LINES}

The public check `GET /api/v1/status/{{iin}}` needs no key.

**Errors** are RFC 9457 problem documents (`application/problem+json`): `type`
(`urn:osms:problem:<code>`), `title`, `status`, `detail` (in the request's language),
`instance` (`urn:uuid:<request id>`, also the `X-Request-ID` header), and the extension members
`code` (stable: match on it), `field`, `lang`, `message`. A malformed IIN is a 422 with the
rule's code (`iin.checksum`...), never a server error.

**Languages**: `?lang=kk|ru|en`, else `Accept-Language`; Kazakh by default.

**Rate limits**: each client has its own requests-per-minute; the public check is limited per
IP address (the connection's, or the one a configured reverse proxy forwards: a client's own
`X-Forwarded-For` is ignored). Over the limit: 429 `rate.limited` with `Retry-After` (seconds).

**Dates** are `YYYY-MM-DD`, months `YYYY-MM`, money a string of tenge with two decimals.
Every look-up by IIN is written to the audit trail.
"""

_OPTIONAL_AUTH: Final = ("/api/v1/status/{iin}", "/api/v1/calculator/{iin}")


def create_app(engine: Engine, settings: ApiSettings | None = None) -> FastAPI:
    app = FastAPI(
        title="OSMS API",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # served from the package below: no CDN (osms.api.docs)
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.engine = engine
    app.state.sessions = make_session_factory(engine)
    app.state.settings = settings or ApiSettings.from_env()
    app.state.limiter = RateLimiter(clock=app.state.settings.clock)
    app.state.migration_head = migrate.head()

    configure_logging()
    install_problem_handlers(app)
    install_outage_handlers(app)
    app.add_middleware(BodyLimitMiddleware)  # inside the log: a refusal has its request id
    app.add_middleware(NoStoreMiddleware)  # outside the body limit: its 413 is not stored either
    app.add_middleware(HeadAsGetMiddleware)  # inside the log too: it records HEAD as asked
    app.add_middleware(RequestLogMiddleware)
    # Added last, so outermost: the log, the limits and the audit all see the client's address.
    app.add_middleware(ClientAddressMiddleware, trusted=app.state.settings.trusted_proxies)

    from osms.api.health import router as health
    from osms.api.v1 import router as api_v1
    from osms.api.web import router as web
    from osms.api.web.amounts import router as web_calculators

    install_docs(app)
    app.include_router(health)
    app.include_router(api_v1, prefix="/api/v1")
    app.include_router(web)
    app.include_router(web_calculators)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = _problems_in_schema(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _problems_in_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Error answers as ``application/problem+json`` documents of the ``Problem`` schema."""
    problem = {"$ref": "#/components/schemas/Problem"}
    for path, operations in schema.get("paths", {}).items():
        if not is_api_path(path):
            continue  # the web page answers its errors its own way
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                if status[:1] not in ("4", "5"):
                    continue
                response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": problem}}
                if status == "422" and response.get("description") == "Validation Error":
                    response["description"] = (
                        "Invalid input: a rule's code or `request.invalid` with `errors`."
                    )
            if path in _OPTIONAL_AUTH and operation.get("security"):
                operation["security"] = [{}, *operation["security"]]
    return schema
