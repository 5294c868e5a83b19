"""Property-based testing of every API operation against its OpenAPI schema (SQLite).

Schemathesis generates requests from ``/openapi.json`` — valid and invalid paths, queries
and bodies — and sends them with a key holding every scope: no answer may be a server error,
and every answer must have a documented status, content type and shape.
The schema is read from the app when the module is collected; the app is bound to a freshly
migrated SQLite registry (with a payer and a key) before the operations run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from osms.api.app import create_app
from osms.api.settings import ApiSettings
from osms.registry import people
from osms.registry.db import make_engine, make_session_factory
from osms.rules.month import Month
from osms.services.clients import SCOPES, create_client
from tests.api.conftest import PREPAID, TODAY, UNPAID, pay

APP = create_app(
    make_engine("sqlite://"),  # replaced by a migrated registry in `registry` below
    ApiSettings(public_rate_limit_per_minute=10**6, today=lambda: TODAY),
)
KEY: dict[str, str] = {}

schema = schemathesis.openapi.from_asgi("/openapi.json", APP).include(
    path_regex=r"^/(api/|healthz|readyz)"
)


@pytest.fixture(scope="module", autouse=True)
def registry(
    tmp_path_factory: pytest.TempPathFactory, _migrated_sqlite_template: Path
) -> Iterator[None]:
    path = tmp_path_factory.mktemp("schemathesis") / "api.sqlite"
    shutil.copyfile(_migrated_sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    sessions = make_session_factory(engine)
    with sessions() as session, session.begin():
        pay(session, PREPAID, Month(2024, 6), Month(2025, 5), date(2024, 6, 3))
        people.ensure(session, UNPAID)
        _, KEY["value"] = create_client(session, "Fuzzer", SCOPES, "test", 10**6)
    APP.state.engine, APP.state.sessions = engine, sessions
    yield
    engine.dispose()


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_every_answer_as_documented(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {KEY['value']}"}, checks=CHECKS)
