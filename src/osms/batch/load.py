"""Load a population folder into the registry's tables (``osms batch generate --load``).

DuckDB turns the Parquet files into rows of each table; the registry's repositories write them
(``load`` of :mod:`~osms.registry.people`, :mod:`~osms.registry.categories`,
:mod:`~osms.registry.ledger` …, on :func:`osms.registry.bulk.load`): PostgreSQL gets ``COPY …
FROM STDIN`` fed with the CSV that DuckDB writes, SQLite ``executemany`` in batches.  Rows
become what the registry would hold had the facts arrived through its services:

- ``people`` (birth date from the IIN) and one ``payer_kind_periods`` row from 2020-01;
- ``category_periods`` with ``source = 'batch'``;
- ``payments`` with ids ``first_id + row`` (the row of ``payments.parquet``) and idempotency
  keys :func:`osms.registry.ledger.batch_key` (R-L-7), so that reloading the same folder fails
  on the unique key instead of doubling the ledger; a credit day is stored only where it is
  not the one today's calendar gives (:func:`osms.registry.ledger.carried_credit`, R-T-3);
- each refunded item an approved ``refund_applications`` row (reason ``overpayment``) with
  its ``refunded_on`` (R-R-1);
- each grant an approved ``temporary_applications`` row (R-TMP-1).

The target database must be migrated (``osms db upgrade``) and must not hold these people yet.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]
from sqlalchemy import Connection, Engine, Table, text

from osms.batch.schema import CATEGORIES, GRANTS, PAYMENTS, PEOPLE, missing_files, paths, sql_text
from osms.registry import bulk, categories, ledger, people
from osms.registry.models import RefundApplication, TemporaryApplication

__all__ = ["LOAD_ORDER", "load_registry"]

_SOURCE = "batch"


def _queries(now: str, first_id: int) -> dict[str, tuple[str, str]]:
    """Per registry table: (column list, DuckDB query producing them in that order)."""
    iin = "lpad(CAST(iin AS VARCHAR), 12, '0')"
    return {
        "people": ("iin, birth_date, created_at", f"SELECT {iin}, birth_date, '{now}' FROM people"),
        "payer_kind_periods": (
            "iin, first_period, kind, last_period",
            f"SELECT {iin}, 202001, kind, NULL FROM people",
        ),
        "category_periods": (
            "iin, category, first_period, last_period, source, created_at",
            f"SELECT {iin}, category, first_period, last_period, '{_SOURCE}', '{now}' "
            "FROM categories",
        ),
        "payments": (
            "id, iin, period, amount, knp, payer, channel, paid_on, credited_on, "
            "idempotency_key, booked_at",
            f"SELECT {first_id} + row_no, {iin}, period, amount, CAST(knp AS VARCHAR), "
            "lpad(CAST(payer AS VARCHAR), 12, '0'), channel, paid_on, "
            f"carried, {ledger.batch_key_sql('row_no')}, '{now}' "
            "FROM payments LEFT JOIN credit_days USING (paid_on, credited_on)",
        ),
        "refund_applications": (
            "payment_id, iin, reason, applied_on, due_by, status, decided_by, decided_at, "
            "refunded_on",
            f"SELECT {first_id} + row_no, {iin}, 'overpayment', refunded_on, refunded_on, "
            f"'approved', '{_SOURCE}', '{now}', refunded_on FROM payments "
            "WHERE refunded_on IS NOT NULL",
        ),
        "temporary_applications": (
            "iin, category, documents, submitted_on, channel, status, decided_by, decided_at, "
            "granted_on, ends_on",
            f"SELECT {iin}, category, '[]', granted_on, '{_SOURCE}', 'approved', '{_SOURCE}', "
            f"'{now}', granted_on, ends_on FROM grants",
        ),
    }


Loader = Callable[[Connection, Sequence[str], bulk.Source], int]


def _applications(table: Table) -> Loader:
    """Decided applications, written as they are (no repository decides them again)."""
    return lambda connection, columns, source: bulk.load(connection, table, columns, source)


_LOADERS: dict[str, Loader] = {
    "people": people.load,
    "payer_kind_periods": people.load_payer_kinds,
    "category_periods": categories.load,
    "payments": ledger.load,
    "refund_applications": _applications(RefundApplication.__table__),  # type: ignore[arg-type]
    "temporary_applications": _applications(TemporaryApplication.__table__),  # type: ignore[arg-type]
}
LOAD_ORDER = tuple(_LOADERS)


def _duckdb(folder: Path) -> Any:
    con = duckdb.connect()
    files = paths(folder)
    for name in (PEOPLE, CATEGORIES, GRANTS):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({sql_text(files[name])})")
    con.execute(
        "CREATE VIEW payments AS SELECT *, file_row_number + 1 AS row_no "
        f"FROM read_parquet({sql_text(files[PAYMENTS])}, file_row_number = true)"
    )
    pairs = con.execute("SELECT DISTINCT paid_on, credited_on FROM payments").fetchall()
    credit_days = pa.table(
        {
            "paid_on": pa.array([paid for paid, _ in pairs], pa.date32()),
            "credited_on": pa.array([credited for _, credited in pairs], pa.date32()),
            "carried": pa.array(
                [ledger.carried_credit(paid, credited) for paid, credited in pairs], pa.date32()
            ),
        }
    )
    con.register("credit_days", credit_days)
    return con


def load_registry(
    engine: Engine, folder: Path, *, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Load the population in ``folder`` into the registry behind ``engine``; rows per table."""
    missing = missing_files(folder)
    if missing:
        raise FileNotFoundError(f"missing files: {', '.join(missing)}")
    backend = engine.dialect.name
    with engine.begin() as connection:
        first_id = int(
            connection.execute(text("SELECT coalesce(max(id), 0) FROM payments")).scalar_one()
        )
    con = _duckdb(folder)
    counts: dict[str, int] = {}
    try:
        if backend == "postgresql":
            now = datetime.now(UTC).isoformat()
            queries = _queries(now, first_id)
            with engine.begin() as connection, tempfile.TemporaryDirectory() as tmp:
                for table in LOAD_ORDER:
                    columns, query = queries[table]
                    csv = Path(tmp) / f"{table}.csv"
                    con.execute(f"COPY ({query}) TO {sql_text(csv)} (FORMAT csv, HEADER false)")
                    counts[table] = _LOADERS[table](connection, _names(columns), csv)
                    if progress is not None:
                        progress(table, counts[table])
                connection.exec_driver_sql(
                    "SELECT setval(pg_get_serial_sequence('payments', 'id'), "
                    "(SELECT coalesce(max(id), 1) FROM payments))"
                )
        else:
            now = datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
            queries = _queries(now, first_id)
            with engine.begin() as connection:
                for table in LOAD_ORDER:
                    columns, query = queries[table]
                    batches = _batches(con.execute(query))
                    counts[table] = _LOADERS[table](connection, _names(columns), batches)
                    if progress is not None:
                        progress(table, counts[table])
    finally:
        con.close()
    return counts


def _names(columns: str) -> list[str]:
    return [name.strip() for name in columns.split(",")]


def _batches(result: Any) -> Iterator[list[tuple[Any, ...]]]:
    while rows := result.fetchmany(20_000):
        yield [_sqlite_row(row) for row in rows]


def _sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Dates as ISO text and decimals as text, as SQLAlchemy stores them on SQLite."""
    return tuple(
        value.isoformat()
        if hasattr(value, "isoformat")
        else str(value)
        if value is not None and not isinstance(value, int | str | float)
        else value
        for value in row
    )
