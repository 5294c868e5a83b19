"""The batch files: four Parquet tables in one folder, and how to read them.

A population folder holds ``people.parquet``, ``categories.parquet``, ``payments.parquet`` and
``grants.parquet`` (:data:`FILES`).  Conventions, chosen for whole-table speed:

- an IIN, BIN or payer is a 64-bit integer (the 12 digits as a number; pad with zeros to
  read it, :func:`osms.synthetic.ids.iin_text`): joins and group-bys on integers are several
  times faster than on text;
- a month is the ``YYYYMM`` integer, as in the registry (``first_period``, ``period``...);
- money is ``decimal(14, 2)``, as the registry's ``NUMERIC(14, 2)``: exact;
- dates are Parquet dates; ``refunded_on`` is the day an approved refund takes the item out of
  coverage (R-R-1), null when not refunded;
- ``part`` is the partition: everything about one person is in one part, and the files are
  written part by part, so that a reader can take a range of parts and skip the rest of the
  file (row-group statistics).  The batch engine works part range by part range; see
  ``docs/scale-out.md`` for how this maps onto hash partitioning by IIN.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]

from osms.rules.month import Month

__all__ = [
    "CATEGORIES",
    "FILES",
    "GRANTS",
    "METADATA",
    "PAYMENTS",
    "PEOPLE",
    "SCHEMAS",
    "ledger_start",
    "missing_files",
    "paths",
    "sql_text",
]

PEOPLE = "people"
CATEGORIES = "categories"
PAYMENTS = "payments"
GRANTS = "grants"
FILES = (PEOPLE, CATEGORIES, PAYMENTS, GRANTS)
METADATA = "population.json"
"""What a generator says of the folder it wrote (people, seed, months, ``ledger_from``)."""

MONEY = pa.decimal128(14, 2)

_PERSON_KEY = [("part", pa.int32()), ("iin", pa.int64())]
"""The first columns of every file: the person's part and IIN (as a number)."""


def _columns(*fields: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema([*_PERSON_KEY, *fields])


SCHEMAS: dict[str, pa.Schema] = {
    PEOPLE: _columns(
        ("birth_date", pa.date32()),
        ("kind", pa.string()),
        ("profile", pa.string()),
    ),
    CATEGORIES: _columns(
        ("category", pa.string()),
        ("first_period", pa.int32()),
        ("last_period", pa.int32()),
    ),
    PAYMENTS: _columns(
        ("period", pa.int32()),
        ("amount", MONEY),
        ("knp", pa.int16()),
        ("payer", pa.int64()),
        ("channel", pa.string()),
        ("paid_on", pa.date32()),
        ("credited_on", pa.date32()),
        ("refunded_on", pa.date32()),
    ),
    GRANTS: _columns(
        ("category", pa.string()),
        ("granted_on", pa.date32()),
        ("ends_on", pa.date32()),
    ),
}


def sql_text(value: str | Path) -> str:
    """``value`` as an SQL string literal, its quotes doubled: a folder may be ``o'brien``.

    >>> print(sql_text("/data/o'brien/people.parquet"))
    '/data/o''brien/people.parquet'
    """
    return "'" + str(value).replace("'", "''") + "'"


def paths(folder: Path) -> dict[str, Path]:
    """The four files of a population folder."""
    return {name: folder / f"{name}.parquet" for name in FILES}


def missing_files(folder: Path) -> list[str]:
    return [str(path) for path in paths(folder).values() if not path.exists()]


def ledger_start(folder: Path) -> Month | None:
    """The first month of a generated population's ledger (None for other folders, such as
    an exported registry, whose history is whatever the registry holds)."""
    try:
        return Month.parse(json.loads((folder / METADATA).read_text())["ledger_from"])
    except (OSError, ValueError, KeyError):
        return None
