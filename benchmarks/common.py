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
    """The CPU model (the hosts differ: results are only comparable on the same one)."""
    cpu = platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = f"{cpu} ({line.split(':', 1)[1].strip()})"
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def record(name: str, header: str, columns: list[str], row: list[str]) -> None:
    """Add a row to the table of ``results/<name>.md``, creating the file with its header."""
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
    line = "| " + " | ".join([str(date.today()), *row]) + " |"
    lines = path.read_text().splitlines()
    # after the table's last row, so that notes written below the table stay below it
    rows = [i for i, text in enumerate(lines) if text.startswith("| 2")]
    at = rows[-1] + 1 if rows else len(lines)
    path.write_text("\n".join([*lines[:at], line, *lines[at:]]) + "\n")
