"""The synthetic population: deterministic, valid identifiers, the realistic mix."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from osms.batch.facts import Population
from osms.batch.schema import SCHEMAS, paths
from osms.rules import iin as iin_rules
from osms.rules.calendar import credit_date
from osms.rules.checkdigit import calc_check_digit
from osms.rules.facts import KNP, ItemCover, PayerKind
from osms.rules.month import Month
from osms.synthetic.generate import CHUNK, PROFILES, generate, generate_chunk, generate_tables
from osms.synthetic.ids import check_digits, iin_text, is_bin

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def tables() -> dict[str, object]:
    return generate_tables(20_000, seed=11, months=36, today=TODAY)


@given(st.lists(st.integers(0, 10**11 - 1), min_size=1, max_size=50))
def test_vectorised_check_digits_are_the_rules(prefixes: list[int]) -> None:
    """R-IIN-2, vectorised, against the per-number reference."""
    expected = [calc_check_digit(f"{p:011d}") for p in prefixes]
    assert check_digits(np.array(prefixes)).tolist() == [-1 if e is None else e for e in expected]


def test_same_arguments_same_population() -> None:
    a = generate_chunk(3000, 5, 0, months=12)
    b = generate_chunk(3000, 5, 0, months=12)
    c = generate_chunk(3000, 6, 0, months=12)
    assert all(a[name].equals(b[name]) for name in SCHEMAS)
    assert not a["payments"].equals(c["payments"])


def test_iins_are_valid_and_unique(tables: dict[str, object]) -> None:
    people = tables["people"]
    numbers = iin_text(people["iin"].to_numpy())  # type: ignore[attr-defined]
    assert len(set(numbers)) == len(numbers) == 20_000
    assert all(iin_rules.is_valid(str(n)) for n in numbers)
    births = people["birth_date"].to_pylist()  # type: ignore[attr-defined]
    assert all(iin_rules.birth_date(str(n)) == b for n, b in zip(numbers, births, strict=True))


def test_iins_stay_unique_across_parts() -> None:
    first = generate_chunk(CHUNK + 2000, 1, 0, months=3)["people"]["iin"].to_numpy()
    second = generate_chunk(CHUNK + 2000, 1, 1, months=3)["people"]["iin"].to_numpy()
    assert len(np.intersect1d(first, second)) == 0


def test_ledger_is_what_intake_would_book(tables: dict[str, object]) -> None:
    payments = tables["payments"]
    rows = payments.to_pylist()  # type: ignore[attr-defined]
    assert rows
    employer = [r for r in rows if r["knp"] == 121 or (r["knp"] == 122 and is_bin(r["payer"]))]
    assert employer
    assert all(calc_check_digit(f"{r['payer']:012d}"[:11]) == r["payer"] % 10 for r in employer)
    for row in rows[:: max(1, len(rows) // 5000)]:
        assert row["amount"] > 0 and row["amount"] == row["amount"].quantize(Decimal("0.01"))
        assert row["paid_on"] <= TODAY
        assert row["credited_on"] == credit_date(row["paid_on"])
        assert row["refunded_on"] is None or row["refunded_on"] <= TODAY
    knps = Counter(r["knp"] for r in rows)
    assert set(knps) <= {121, 122, 123, 183} and knps[123] > 0 and knps[183] > 0


def test_the_mix_follows_the_funds_figures(tables: dict[str, object]) -> None:
    """SOURCES.md §9: about 60 % state-paid, 22 % paying, 18 % outside."""
    counts = Counter(tables["people"]["profile"].to_pylist())  # type: ignore[attr-defined]
    share = {name: counts[name] / 20_000 for name in PROFILES}
    total = sum(PROFILES.values())
    for name, weight in PROFILES.items():
        assert abs(share[name] - weight / total) < 0.01 + weight / total * 0.25, name
    kinds = Counter(tables["people"]["kind"].to_pylist())  # type: ignore[attr-defined]
    assert kinds["entrepreneur"] and kinds["employee"] and kinds["self_payer"]
    assert kinds["self_employed"]


def test_every_rule_has_people(tables: dict[str, object]) -> None:
    """Refunds, grants, rejected periods (R-L-3), relatives' payments, split payments."""
    population = Population(tables)  # type: ignore[arg-type]
    facts = [population.facts(i) for i in population.iins[:6000]]
    items = [item for f in facts for item in f.payments]
    assert any(i.refunded_on is not None for i in items)
    assert any(i.covers is ItemCover.NONE and i.knp is KNP.CONTRIBUTION for i in items)
    assert any(
        i.payer not in (None, f.iin) and i.covers is ItemCover.SELF
        for f in facts
        for i in f.payments
    )
    assert any(f.temporary for f in facts)
    split = Counter(
        (f.iin, i.period) for f in facts for i in f.payments if i.covers is ItemCover.SELF
    )
    assert max(split.values()) >= 2
    assert any(
        Month.of(f.birth_date) + 12 * 18 >= Month(2024, 1) for f in facts if not f.categories
    )


def test_the_revised_rules_have_people() -> None:
    """ЕСП items within their window (R-L-2), a few past it (R-L-3), the self-employed paid
    by a platform or themselves from 2026-01, whatever the amount (R-L-6), employers paying on
    the due date (R-L-9), blocks of twelve months paid at once and twelve paid one by one
    (R-S-4), and months of 2020 paid in 2019 (R-L-4)."""
    from osms.rules.pending import due_date

    population = Population(generate_tables(6000, seed=3, months=83, today=date(2026, 11, 30)))
    facts = list(population.all_facts())
    esp = [i for f in facts for i in f.payments if i.knp is KNP.SINGLE_PAYMENT]
    assert any(Month(2019, 1) <= i.period <= Month(2023, 12) and i.amount > 0 for i in esp)
    assert any(i.period > Month(2023, 12) and i.covers is ItemCover.NONE for i in esp)
    self_employed = [f for f in facts if f.kind is PayerKind.SELF_EMPLOYED]
    platform = [i for f in self_employed for i in f.payments if i.period >= Month(2026, 1)]
    assert platform and all(i.knp is KNP.CONTRIBUTION for i in platform)
    assert any(i.payer is not None and is_bin(int(i.payer)) for i in platform)
    assert any(i.payer is not None and not is_bin(int(i.payer)) for i in platform)
    assert any(i.amount < 500 for i in platform)
    assert all(i.paid_on <= due_date(i.period) for i in platform)
    on_due = [
        i
        for f in facts
        if f.kind is PayerKind.EMPLOYEE
        for i in f.payments
        if i.knp is KNP.EMPLOYER_DEDUCTION and i.paid_on == due_date(i.period)
    ]
    assert len(on_due) > 100
    own = Counter(
        (f.iin, i.paid_on)
        for f in facts
        for i in f.payments
        if i.covers is ItemCover.SELF and i.period > Month.of(i.paid_on)
    )
    assert max(own.values()) >= 12  # a block paid on one day
    profiles = {
        population.rows("people", int(f.iin))[0]["profile"]: f for f in facts
    }  # one person of each profile
    assert "one_by_one" in profiles
    assert any(
        i.paid_on < date(2020, 1, 1) and i.period >= Month(2020, 1)
        for f in facts
        for i in f.payments
    )


def test_written_files_are_the_tables(tmp_path: Path) -> None:
    summary = generate(tmp_path, 1500, seed=9, months=12)
    assert summary.rows["people"] == 1500 and summary.parts == 1
    expected = generate_tables(1500, seed=9, months=12)
    for name, path in paths(tmp_path).items():
        table = pq.read_table(path)
        assert table.schema.equals(SCHEMAS[name])
        assert table.equals(expected[name])


def test_refuses_a_ledger_before_2020() -> None:
    with pytest.raises(ValueError, match="before 2020-01"):
        generate_tables(10, seed=1, months=90, today=TODAY)
