"""The API over a migrated registry (SQLite and PostgreSQL), with keys and a fixed clock."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from osms.api.app import create_app
from osms.api.settings import ApiSettings
from osms.registry import people
from osms.registry.db import make_engine, make_session_factory
from osms.rules.month import Month
from osms.services.clients import SCOPES, create_client
from tests.conftest import pay

TODAY = date(2025, 1, 10)
PREPAID = "900515300018"  # male, 1990-05-15: 2024-06 … 2025-05 prepaid on 2024-06-03
UNPAID = "850312401235"  # female, 1985-03-12: known to the registry, nothing paid
UNKNOWN = "800101300096"  # male, 1980-01-01: never seen by the registry
CHILD = "150101600018"  # girl, 2015-01-01: the state pays (R-C-2)
ALL_SCOPES = tuple(SCOPES)

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
"""For tests of the HTTP layer alone: the flows through the registry run on both databases."""


@dataclass
class Clock:
    """The rate limiter's clock, moved by hand."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Api:
    """A test client over the app, and what a test needs around it."""

    app: FastAPI
    client: TestClient
    engine: Engine
    clock: Clock
    keys: dict[str, str] = field(default_factory=dict)

    def session(self) -> Session:
        return make_session_factory(self.engine)()

    def key(
        self,
        name: str,
        scopes: Iterable[str] = ALL_SCOPES,
        rate_limit: int = 600,
    ) -> str:
        with self.session() as session, session.begin():
            _, key = create_client(session, name, scopes, "test", rate_limit)
        self.keys[name] = key
        return key

    def auth(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}


def make_api(engine: Engine, *, public_limit: int = 1000, max_register_bytes: int = 1 << 20) -> Api:
    clock = Clock()
    settings = ApiSettings(
        public_rate_limit_per_minute=public_limit,
        max_register_bytes=max_register_bytes,
        today=lambda: TODAY,
        clock=clock,
    )
    app = create_app(engine, settings)
    return Api(app, TestClient(app), engine, clock)


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    """The registry with one prepaid payer and one person who never paid."""
    with make_session_factory(engine)() as session, session.begin():
        pay(session, PREPAID, Month(2024, 6), Month(2025, 5), date(2024, 6, 3))
        people.ensure(session, UNPAID)
    return engine


@pytest.fixture
def api(seeded: Engine) -> Api:
    return make_api(seeded)


@pytest.fixture
def sqlite_engine(tmp_path: Path, _migrated_sqlite_template: Path) -> Iterator[Engine]:
    """A migrated SQLite registry only (for the slower fuzzing)."""
    path = tmp_path / "api.sqlite"
    shutil.copyfile(_migrated_sqlite_template, path)
    created = make_engine(f"sqlite:///{path}")
    yield created
    created.dispose()


MakeApi = Callable[..., Api]
