"""The batch answer against the per-person engine, field by field, person by person.

:func:`diff` runs :func:`osms.batch.engine.snapshot_tables` and
:func:`osms.rules.status.decide` on the same population and returns every disagreement; a
:class:`Disagreement` writes the person's facts as a scenario file (the format of
``shared/scenarios/README.md``) whose ``expect`` is the per-person engine's answer, so that
``osms scenarios run`` reproduces the case on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import yaml

from osms.batch.engine import snapshot_tables
from osms.batch.facts import Population
from osms.rules import parameters
from osms.rules.coverage import Ledger
from osms.rules.facts import PersonFacts
from osms.rules.month import Month
from osms.rules.status import Decision, decide

__all__ = [
    "FIELDS",
    "Disagreement",
    "diff",
    "expected_row",
    "months_of_mask",
    "scenario_yaml",
]

FIELDS = (
    "status",
    "reason",
    "category",
    "insured_until",
    "debt_months",
    "debt_total",
    "debt_mask",
    "grace",
    "loses_status_next_month",
    "grace_months",
    "pending_months",
    "provisional",
)


def expected_row(decision: Decision) -> dict[str, Any]:
    """The per-person engine's decision in the snapshot's terms."""
    mask = 0
    first = decision.month.index - parameters.lookback_months(decision.month)
    for debt in decision.debt_months:
        mask |= 1 << (debt.month.index - first)
    return {
        "status": decision.status.value,
        "reason": decision.reason.value,
        "category": decision.category,
        "insured_until": decision.insured_until,
        "debt_months": len(decision.debt_months),
        "debt_total": decision.debt_total,
        "debt_mask": mask,
        "grace": decision.grace,
        "loses_status_next_month": decision.loses_status_next_month,
        "grace_months": decision.grace_months,
        "pending_months": len(decision.pending_months),
        "provisional": decision.provisional,
    }


def _same(field: str, batch: Any, rules: Any) -> bool:
    if field == "debt_total":
        return Decimal(batch or 0) == Decimal(rules)
    return bool(batch == rules)


@dataclass(frozen=True)
class Disagreement:
    facts: PersonFacts
    on: date
    as_of: date
    batch: Mapping[str, Any]
    rules: Mapping[str, Any]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for f in FIELDS if not _same(f, self.batch.get(f), self.rules[f]))

    def describe(self) -> str:
        parts = [f"{f}: batch {self.batch.get(f)!r} ≠ rules {self.rules[f]!r}" for f in self.fields]
        return f"{self.facts.iin} on {self.on} as of {self.as_of}: " + "; ".join(parts)

    def scenario(self) -> str:
        return scenario_yaml(self.facts, self.on, self.as_of, self.describe())

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"batch-disagreement-{self.facts.iin}-{self.on}.yaml"
        path.write_text(self.scenario(), encoding="utf-8")
        return path


def _money(amount: Decimal) -> int | float | str:
    if amount == amount.to_integral_value():
        return int(amount)
    return str(amount)


def scenario_yaml(facts: PersonFacts, on: date, as_of: date, note: str = "") -> str:
    """One scenario case with the person's facts and the per-person engine's answer."""
    decision = decide(facts, on, as_of)
    person: dict[str, Any] = {"iin": facts.iin, "kind": facts.kind.value}
    if facts.categories:
        person["categories"] = [
            {"category": c.category, "from": str(c.first)}
            | ({} if c.last is None else {"to": str(c.last)})
            for c in facts.categories
        ]
    if facts.temporary:
        person["temporary"] = [
            {"category": g.category, "granted_on": g.granted_on.isoformat()}
            for g in facts.temporary
        ]
    payments = []
    for item in facts.payments:
        row: dict[str, Any] = {
            "period": str(item.period),
            "paid_on": item.paid_on.isoformat(),
            "amount": _money(item.amount),
            "knp": int(item.knp.value),
            "payer": item.payer,
            "credited_on": item.credited_on.isoformat(),
        }
        if item.channel is not None:
            row["channel"] = item.channel.value
        if item.refunded_on is not None:
            row["refunded_on"] = item.refunded_on.isoformat()
        payments.append(row)
    expect: dict[str, Any] = {
        "date": on.isoformat(),
        "as_of": as_of.isoformat(),
        "status": decision.status.value,
        "reason": decision.reason.value,
        "debt_months": [str(d.month) for d in decision.debt_months],
        "debt_total": _money(decision.debt_total),
        "insured_until": None
        if decision.insured_until is None
        else decision.insured_until.isoformat(),
        "loses_status_next_month": decision.loses_status_next_month,
        "grace": decision.grace,
        "pending_months": [str(p.month) for p in decision.pending_months],
    }
    if decision.category is not None:
        expect["category"] = decision.category
    case = {
        "name": f"batch engine disagreement for {facts.iin} on {on} as of {as_of}",
        "source": note or "osms.batch.check",
        "person": person,
        "payments": payments,
        "expect": [expect],
    }
    text = yaml.safe_dump([case], allow_unicode=True, sort_keys=False, width=100)
    return "# Written by osms.batch.check: `expect` is the per-person engine's answer.\n" + text


def _rows(table: pa.Table) -> Iterator[dict[str, Any]]:
    columns = {name: table[name].to_pylist() for name in table.column_names}
    for i in range(table.num_rows):
        yield {name: values[i] for name, values in columns.items()}


def diff(
    population: Population,
    on: date,
    as_of: date | None = None,
    iins: Iterable[int] | None = None,
    con: Any = None,
) -> list[Disagreement]:
    """Every person whose batch answer differs from :func:`osms.rules.status.decide`."""
    known = on if as_of is None else as_of
    batch = {
        row["iin"]: row for row in _rows(snapshot_tables(population.tables, on, known, con=con))
    }
    wanted = population.iins if iins is None else list(iins)
    found: list[Disagreement] = []
    for iin in wanted:
        facts = population.facts(iin)
        decision = decide(Ledger(facts), on, known)
        rules = expected_row(decision)
        row = batch.get(facts.iin, {})
        if any(not _same(f, row.get(f), rules[f]) for f in FIELDS):
            found.append(Disagreement(facts, on, known, row, rules))
    return found


def months_of_mask(on: date, mask: int) -> list[Month]:
    """The months of a snapshot's ``debt_mask`` (bit i is month M − L + i, L the look-back of
    R-S-5)."""
    month = Month.of(on)
    lookback = parameters.lookback_months(month)
    first = month.index - lookback
    return [Month.from_index(first + i) for i in range(lookback + 1) if mask >> i & 1]
