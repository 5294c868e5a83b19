"""From batch rows back to one person's :class:`~osms.rules.facts.PersonFacts`.

The batch engine must answer exactly what :func:`osms.rules.status.decide` answers; these
functions build the per-person engine's input from the same rows, for the equality tests and
for diffing a whole population, in the one order of stored facts
(:meth:`osms.rules.facts.PersonFacts.in_order`, as :func:`osms.registry.facts.load_facts`).

>>> from datetime import date
>>> facts = to_facts(
...     {"iin": 900515300018, "birth_date": date(1990, 5, 15), "kind": "self_payer"},
...     [{"category": "student", "first_period": 202009, "last_period": 202506}],
...     [{"period": 202210, "amount": "4250", "knp": 122, "payer": 900515300018,
...       "channel": "bank_app", "paid_on": date(2022, 10, 17),
...       "credited_on": date(2022, 10, 20), "refunded_on": None}],
...     [],
... )
>>> facts.iin, facts.categories[0].last, facts.payments[0].payer
('900515300018', Month(2025, 6), '900515300018')
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from osms.batch.schema import CATEGORIES, GRANTS, PAYMENTS, PEOPLE, SCHEMAS, paths
from osms.rules.facts import (
    KNP,
    CategoryPeriod,
    Channel,
    PayerKind,
    PaymentItem,
    PersonFacts,
    TemporaryGrant,
)
from osms.rules.month import Month

__all__ = [
    "Population",
    "iin_number",
    "iin_string",
    "read_tables",
    "tables_from_facts",
    "to_facts",
]

Row = Mapping[str, Any]


def iin_string(number: int | str) -> str:
    """The 12-digit text of an IIN or BIN kept as a number."""
    return str(number).zfill(12)


def iin_number(text: str) -> int:
    return int(text)


_MONTHS: dict[int, Month] = {}
_KNPS = {int(k.value): k for k in KNP} | {k.value: k for k in KNP}
_CHANNELS = {c.value: c for c in Channel}


def _month(value: int) -> Month:
    found = _MONTHS.get(value)
    if found is None:
        found = _MONTHS[value] = Month(value // 100, value % 100)
    return found


def _amount(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _knp(value: Any) -> KNP:
    try:
        return _KNPS[value]
    except KeyError:
        return KNP(str(value))


def _channel(value: Any) -> Channel | None:
    return None if value is None else _CHANNELS.get(value) or Channel(value)


def to_facts(
    person: Row, categories: Iterable[Row], payments: Iterable[Row], grants: Iterable[Row]
) -> PersonFacts:
    """One person's facts from their rows of the four batch tables."""
    periods = [
        CategoryPeriod(
            str(row["category"]),
            _month(int(row["first_period"])),
            None if row["last_period"] is None else _month(int(row["last_period"])),
        )
        for row in categories
    ]
    temporary = [
        TemporaryGrant(str(row["category"]), row["granted_on"], row["ends_on"]) for row in grants
    ]
    items = tuple(
        PaymentItem(
            period=_month(int(row["period"])),
            amount=_amount(row["amount"]),
            paid_on=row["paid_on"],
            credited_on=row["credited_on"],
            knp=_knp(row["knp"]),
            payer=None if row["payer"] is None else iin_string(row["payer"]),
            channel=_channel(row.get("channel")),
            refunded_on=row["refunded_on"],
        )
        for row in payments
    )
    birth: date = person["birth_date"]
    return PersonFacts.in_order(
        iin_string(person["iin"]),
        birth,
        PayerKind(str(person.get("kind") or PayerKind.SELF_PAYER.value)),
        periods,
        temporary,
        items,
    )


def read_tables(folder: Path) -> dict[str, pa.Table]:
    """The four tables of a population folder, in memory (small populations)."""
    return {name: pq.read_table(path) for name, path in paths(folder).items()}


class Population:
    """The four tables in memory, with every person's rows found by IIN (for checking)."""

    def __init__(self, tables: Mapping[str, pa.Table]) -> None:
        self.tables = dict(tables)
        self._rows: dict[str, dict[int, tuple[int, int]]] = {}
        self._facts: dict[int, PersonFacts] = {}
        self._columns: dict[str, dict[str, list[Any]]] = {}
        for name in (PEOPLE, CATEGORIES, PAYMENTS, GRANTS):
            table = self.tables[name]
            order = pc.sort_indices(table, sort_keys=[("iin", "ascending")])
            table = table.take(order)
            self.tables[name] = table
            iins = table["iin"].to_numpy()
            starts = np.r_[0, np.flatnonzero(np.diff(iins)) + 1] if len(iins) else np.zeros(0)
            ends = np.r_[starts[1:], len(iins)] if len(iins) else np.zeros(0)
            self._rows[name] = {
                int(iins[s]): (int(s), int(e)) for s, e in zip(starts, ends, strict=True)
            }
            self._columns[name] = {c: table[c].to_pylist() for c in table.column_names}

    @classmethod
    def read(cls, folder: Path) -> Population:
        return cls(read_tables(folder))

    @property
    def iins(self) -> list[int]:
        return list(self._rows[PEOPLE])

    def rows(self, name: str, iin: int) -> list[dict[str, Any]]:
        span = self._rows[name].get(iin)
        if span is None:
            return []
        columns = self._columns[name]
        return [{c: values[i] for c, values in columns.items()} for i in range(*span)]

    def facts(self, iin: int) -> PersonFacts:
        """The person's facts (built once, then kept)."""
        found = self._facts.get(iin)
        if found is not None:
            return found
        people = self.rows(PEOPLE, iin)
        if not people:
            raise KeyError(iin_string(iin))
        found = self._facts[iin] = to_facts(
            people[0],
            self.rows(CATEGORIES, iin),
            self.rows(PAYMENTS, iin),
            self.rows(GRANTS, iin),
        )
        return found

    def all_facts(self, iins: Sequence[int] | None = None) -> Iterator[PersonFacts]:
        for iin in self.iins if iins is None else iins:
            yield self.facts(iin)


def _yyyymm(month: Month) -> int:
    return month.year * 100 + month.month


def tables_from_facts(people: Iterable[PersonFacts], part: int = 0) -> dict[str, pa.Table]:
    """The batch tables of some people's facts (the inverse of :func:`to_facts`).

    Amounts must be whole tiyn (as the registry's ``NUMERIC(14, 2)``).
    """
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    for facts in people:
        iin = int(facts.iin)
        rows[PEOPLE].append(
            {
                "part": part,
                "iin": iin,
                "birth_date": facts.birth_date,
                "kind": facts.kind.value,
                "profile": None,
            }
        )
        for period in facts.categories:
            rows[CATEGORIES].append(
                {
                    "part": part,
                    "iin": iin,
                    "category": period.category,
                    "first_period": _yyyymm(period.first),
                    "last_period": None if period.last is None else _yyyymm(period.last),
                }
            )
        for grant in facts.temporary:
            rows[GRANTS].append(
                {
                    "part": part,
                    "iin": iin,
                    "category": grant.category,
                    "granted_on": grant.granted_on,
                    "ends_on": grant.ends_on,
                }
            )
        for item in facts.payments:
            if item.amount != item.amount.quantize(Decimal("0.01")):
                raise ValueError(f"{facts.iin}: amount {item.amount} is finer than a tiyn")
            rows[PAYMENTS].append(
                {
                    "part": part,
                    "iin": iin,
                    "period": _yyyymm(item.period),
                    "amount": item.amount.quantize(Decimal("0.01")),
                    "knp": int(item.knp.value),
                    "payer": None if item.payer is None else int(item.payer),
                    "channel": None if item.channel is None else item.channel.value,
                    "paid_on": item.paid_on,
                    "credited_on": item.credited_on,
                    "refunded_on": item.refunded_on,
                }
            )
    return {name: pa.Table.from_pylist(rows[name], schema=SCHEMAS[name]) for name in SCHEMAS}
