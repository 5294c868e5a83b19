"""Shared helpers for the benchmarks: databases to measure on, results to record."""

from __future__ import annotations

import os
import platform
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from osms.registry import migrate
from osms.registry.db import make_engine

RESULTS = Path(__file__).parent / "results"
POSTGRES = os.environ.get(
    "OSMS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[Engine]:
    """A freshly migrated database: a SQLite file in ``workdir`` or a new PostgreSQL schema."""
    if kind == "sqlite":
        url = f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.sqlite'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()
        return
    schema = f"osms_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES, connect_args={"options": f"-csearch_path={schema}"})
    try:
        with engine.begin() as connection:
            migrate.upgrade(connection=connection)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def record(name: str, header: str, columns: list[str], row: list[str]) -> None:
    """Append a row to ``results/<name>.md``, creating the file with its header."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.md"
    if not path.exists():
        path.write_text(
            header.rstrip()
            + "\n\n| "
            + " | ".join(columns)
            + " |\n|"
            + "---|" * len(columns)
            + "\n"
        )
    with path.open("a") as out:
        out.write("| " + " | ".join([str(date.today()), *row]) + " |\n")
