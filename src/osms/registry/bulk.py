"""Many rows in, many rows out: the registry's bulk paths for whole populations.

:func:`insert_rows` writes rows in chunks, one ``executemany`` per chunk or, on PostgreSQL, one
``COPY … FROM STDIN``; :func:`select_rows` reads model columns back.  Each of their values goes
through its column type's own bind or result processor for the connection's dialect (the
models' :class:`~osms.registry.columns.MonthType`, ``Money``, ``EnumText``, dates …), exactly
as a Core statement would, once per distinct value: what is left out is SQLAlchemy's per-row
parameter bookkeeping, which costs more than the database itself on tens of thousands of rows.

:func:`load` writes rows already in the database's own representation, as a population
folder's query produces them (:mod:`osms.batch.load`): a CSV file through ``COPY``
(PostgreSQL) or batches of value tuples through ``executemany``.

The registry's repositories call these (:func:`osms.registry.people.add_many`,
:func:`osms.registry.ledger.book_many`, :func:`osms.registry.ledger.load` …): they decide which
table and which rows.  (A population folder's decided applications are loaded as they are.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from sqlalchemy import ColumnElement, Connection, Table, select, type_coerce
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.types import NullType

__all__ = ["CHUNK", "Source", "copy_csv", "insert_rows", "insert_values", "load", "select_rows"]

Source = Path | Iterable[Sequence[tuple[Any, ...]]]
"""Rows in the database's own representation: a headerless CSV file (PostgreSQL's ``COPY``)
or batches of driver-level value tuples."""

CHUNK: Final = 5000

Progress = Callable[[int, int], None]
"""Called with (rows written so far, rows in all) after each chunk."""


def insert_rows(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]],
    progress: Progress | None = None,
    *,
    names: Sequence[str] | None = None,
) -> None:
    """INSERT ``rows`` into ``table``, in chunks: mappings with the same column names, or
    value sequences in the order of ``names``."""
    if not rows:
        if progress is not None:
            progress(0, 0)
        return
    dialect = connection.dialect
    columns = [table.c[name] for name in (names or list(rows[0]))]
    processors = [
        _memo(column.type.dialect_impl(dialect).bind_processor(dialect)) for column in columns
    ]
    preparer = dialect.identifier_preparer
    target = (
        f"{preparer.format_table(table)} ({', '.join(preparer.format_column(c) for c in columns)})"
    )
    copy_rows = _copier(connection, target) if dialect.name == "postgresql" else None
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    statement = f"INSERT INTO {target} VALUES ({', '.join([mark] * len(columns))})"
    keys: Sequence[Any] = range(len(columns)) if names else [column.key for column in columns]
    pairs = list(zip(keys, processors, strict=True))
    for start in range(0, len(rows), CHUNK):
        chunk = [
            tuple(row[key] if process is None else process(row[key]) for key, process in pairs)
            for row in rows[start : start + CHUNK]
        ]
        if copy_rows is not None:
            copy_rows(chunk)
        else:
            connection.exec_driver_sql(statement, chunk)
        if progress is not None:
            progress(min(start + CHUNK, len(rows)), len(rows))


def load(connection: Connection, table: Table, columns: Sequence[str], source: Source) -> int:
    """Write ``source`` into ``columns`` of ``table`` (:func:`copy_csv` for a CSV file, else
    :func:`insert_values`); rows written."""
    if isinstance(source, Path):
        return copy_csv(connection, table, columns, source)
    return insert_values(connection, table, columns, source)


def copy_csv(connection: Connection, table: Table, columns: Sequence[str], csv: Path) -> int:
    """PostgreSQL: ``COPY`` a headerless CSV file into ``columns`` of ``table``; rows copied."""
    raw = connection.connection.dbapi_connection
    assert raw is not None
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN (FORMAT csv)"
    with raw.cursor() as cursor:  # type: ignore[attr-defined]
        with cursor.copy(statement) as copy, csv.open("rb") as data:
            while block := data.read(1 << 20):
                copy.write(block)
        return int(cursor.rowcount)


def insert_values(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    batches: Iterable[Sequence[tuple[Any, ...]]],
) -> int:
    """``executemany`` of driver-level values into ``columns`` of ``table``; rows inserted."""
    marks = ", ".join("?" if connection.dialect.paramstyle == "qmark" else "%s" for _ in columns)
    insert = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
    total = 0
    for rows in batches:
        connection.exec_driver_sql(insert, list(rows))
        total += len(rows)
    return total


def _copier(connection: Connection, target: str) -> Callable[[list[tuple[Any, ...]]], None]:
    """PostgreSQL: rows through ``COPY … FROM STDIN`` (psycopg 3), far faster than INSERTs."""
    raw = connection.connection.dbapi_connection
    assert raw is not None

    def copy_rows(chunk: list[tuple[Any, ...]]) -> None:
        with raw.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in chunk:
                copy.write_row(row)

    return copy_rows


def select_rows(
    connection: Connection,
    *columns: InstrumentedAttribute[Any],
    where: ColumnElement[bool] | None = None,
    join: tuple[Any, ColumnElement[bool]] | None = None,
    order_by: tuple[InstrumentedAttribute[Any], ...] = (),
) -> Iterator[list[Any]]:
    """The rows of a SELECT of model columns, each value converted by its column's result
    processor for the dialect — memoized, since a population's values repeat (months, amounts,
    dates, codes)."""
    dialect = connection.dialect
    statement = select(*(type_coerce(column, NullType()) for column in columns))
    if join is not None:
        statement = statement.outerjoin(*join)
    if where is not None:
        statement = statement.where(where)
    statement = statement.order_by(*order_by)
    result = connection.execute(statement)
    described = result.cursor.description if result.cursor is not None else None
    pairs = [
        (
            _memo(
                column.type.dialect_impl(dialect).result_processor(
                    dialect, described[i][1] if described else None
                )
            ),
            i,
        )
        for i, column in enumerate(columns)
    ]
    for row in result:
        yield [row[i] if process is None else process(row[i]) for process, i in pairs]


def _memo(process: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """``process`` remembering its answer per (hashable) value."""
    if process is None:
        return None
    known: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        try:
            return known[value]
        except KeyError:
            result = known[value] = process(value)
            return result

    return remembered
