"""Export the registry to a population folder for the batch engine (the nightly recompute).

``export_registry(engine, folder, parts=P)`` reads what :func:`osms.registry.facts.load_facts`
reads, for everyone at once: people (birth date from the column), the latest payer kind,
category periods, approved temporary grants, and the ledger with each item's approved refund
day and its credit day (the stored one, else computed by today's calendar; R-T-3).  Each
person goes to part ``hash(iin) mod P`` (Fibonacci hashing of the IIN as a number), and every
file is sorted by part and IIN, so the engine reads a range of parts without touching the rest.
With PostgreSQL hash partitions of the same modulus, part *n* is partition *n*
(``docs/scale-out.md``); this implementation reads through SQLAlchemy and holds one table at a
time in memory, which suits registries of a few million people; the production export runs one
``COPY`` per partition.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from sqlalchemy import Engine, text

from osms.batch.schema import CATEGORIES, GRANTS, PAYMENTS, PEOPLE, SCHEMAS, paths
from osms.registry.db import READ_ONLY
from osms.registry.ledger import credit_day

__all__ = ["export_registry", "part_of"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)

_QUERIES = {
    PEOPLE: """
        SELECT p.iin, p.birth_date,
               (SELECT k.kind FROM payer_kind_periods k WHERE k.iin = p.iin
                ORDER BY k.first_period DESC LIMIT 1) AS kind
        FROM people p""",
    CATEGORIES: """
        SELECT iin, category, first_period, last_period FROM category_periods""",
    PAYMENTS: """
        SELECT p.iin, p.period, p.amount, p.knp, p.payer, p.channel, p.paid_on,
               p.credited_on, r.refunded_on
        FROM payments p
        LEFT JOIN refund_applications r ON r.payment_id = p.id AND r.status = 'approved'""",
    GRANTS: """
        SELECT iin, category, granted_on, ends_on FROM temporary_applications
        WHERE status = 'approved'""",
}


def part_of(iins: Any, parts: int) -> Any:
    """The part of each IIN (as numbers): Fibonacci hashing, then modulo ``parts``."""
    values = np.asarray(iins, dtype=np.int64).astype(np.uint64)
    with np.errstate(over="ignore"):
        mixed = (values * _GOLDEN) >> np.uint64(32)
    return (mixed % np.uint64(parts)).astype(np.int32)


def _value(value: Any, kind: pa.DataType) -> Any:
    """A driver value as Arrow wants it: SQLite gives dates as text and money as REAL."""
    if value is None:
        return None
    if pa.types.is_date(kind) and isinstance(value, str):
        return date.fromisoformat(value[:10])
    if pa.types.is_decimal(kind):
        return Decimal(f"{value:.2f}") if isinstance(value, float) else Decimal(value)
    return value


def _credit_days(paid: list[Any], stored: list[Any]) -> tuple[list[date], list[date]]:
    """The payment days and every payment's credit day (R-T-3): the engine reads one for each
    payment, and the registry stores one only when the intake record carried it."""
    days = [_value(day, pa.date32()) for day in paid]
    credited = [
        credit_day(day, _value(carried, pa.date32()))
        for day, carried in zip(days, stored, strict=True)
    ]
    return days, credited


def _column(name: str, values: list[Any], field: pa.Field) -> pa.Array:
    if name in ("iin", "payer"):
        return pa.array([None if v is None else int(v) for v in values], pa.int64())
    if name == "knp":
        return pa.array([int(v) for v in values], pa.int16())
    return pa.array([_value(v, field.type) for v in values], field.type)


def export_registry(engine: Engine, folder: Path, parts: int = 8) -> dict[str, int]:
    """Write the registry behind ``engine`` as a population folder; rows per file."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        connection.execution_options(**READ_ONLY)  # SQLite: a reader never takes the write lock
        for name, query in _QUERIES.items():
            schema = SCHEMAS[name]
            result = connection.execute(text(query))
            rows = result.fetchall()
            columns = list(result.keys())
            data = {c: [row[i] for row in rows] for i, c in enumerate(columns)}
            if name == PEOPLE:
                data["kind"] = [k or "self_payer" for k in data["kind"]]
                data["profile"] = [None] * len(rows)
            if name == PAYMENTS:
                data["paid_on"], data["credited_on"] = _credit_days(
                    data["paid_on"], data["credited_on"]
                )
            arrays = {
                field.name: _column(field.name, data[field.name], field)
                for field in schema
                if field.name != "part"
            }
            part = part_of(arrays["iin"].to_numpy(zero_copy_only=False), parts)
            table = pa.table({"part": pa.array(part, pa.int32()), **arrays}, schema=schema).sort_by(
                [("part", "ascending"), ("iin", "ascending")]
            )
            pq.write_table(table, paths(folder)[name], compression="zstd", row_group_size=1 << 20)
            counts[name] = table.num_rows
    return counts
