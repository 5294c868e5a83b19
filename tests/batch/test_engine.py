"""The batch engine's plan, its limits and its output."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from osms.batch.check import months_of_mask
from osms.batch.engine import SNAPSHOT_SCHEMA, snapshot_tables
from osms.batch.facts import tables_from_facts
from osms.rules.calendar import credit_date
from osms.rules.choices import GraceGaps, RuleChoices
from osms.rules.facts import KNP, PayerKind, PaymentItem, PersonFacts
from osms.rules.iin import birth_date
from osms.rules.month import Month
from osms.rules.plan import PlanError, plan
from osms.rules.pricing import month_price

IIN = "900515300018"


def _person(*months: Month, paid_on: date = date(2022, 10, 17)) -> PersonFacts:
    items = tuple(
        PaymentItem(
            m,
            month_price(PayerKind.SELF_PAYER, m, paid_on),
            paid_on,
            credit_date(paid_on),
            KNP.CONTRIBUTION,
            IIN,
        )
        for m in months
    )
    return PersonFacts(IIN, birth_date(IIN), payments=items)


def test_the_window_follows_the_dates() -> None:
    p = plan(date(2026, 11, 22))
    window = (p.window_start, p.decided_month, p.window_end)
    assert window == (Month(2025, 9).index, Month(2026, 11).index, Month(2028, 7).index)
    assert p.width == 35 and p.int_type == "BIGINT"
    wide = plan(date(2021, 1, 10), date(2026, 12, 31))
    assert wide.int_type == "HUGEINT" and wide.width == 106
    assert plan(date(2025, 3, 1)).long_payer_from == Month(2026, 1).index


@pytest.mark.parametrize(
    ("on", "as_of", "message"),
    [
        (date(2025, 3, 1), date(2025, 2, 1), "before the date"),
        (date(2019, 12, 31), None, "not supported"),
        (date(2020, 7, 1), date(2029, 1, 1), "too long after"),
    ],
)
def test_questions_it_cannot_answer_are_refused(on: date, as_of: date | None, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        plan(on, as_of)


def test_only_the_default_settings() -> None:
    with pytest.raises(PlanError, match="default rule settings"):
        plan(date(2025, 3, 1), settings=RuleChoices(grace_gaps=GraceGaps.TOLERATE_SHORT))


def test_the_seed_leaflet_prepayment_in_the_snapshot() -> None:
    """SEED-000/002: no payment ever, 12 months prepaid on 2022-10-17 (SOURCES.md §10 #1-#4)."""
    facts = _person(*Month.range(Month(2022, 10), Month(2023, 10)))
    tables = tables_from_facts([facts])

    def row(on: date) -> dict[str, object]:
        table = snapshot_tables(tables, on)
        assert table.schema.equals(SNAPSHOT_SCHEMA)
        return dict(zip(table.column_names, (c[0].as_py() for c in table.columns), strict=True))

    assert row(date(2022, 10, 19))["reason"] == "debt"
    first = row(date(2022, 10, 20))
    assert first["iin"] == IIN
    assert (first["status"], first["reason"]) == ("insured", "prepaid")
    assert first["insured_until"] == date(2023, 12, 31)
    grace = row(date(2023, 11, 10))
    assert (grace["reason"], grace["debt_months"], str(grace["debt_total"])) == (
        "grace",
        2,
        "7000.00",
    )
    assert months_of_mask(date(2023, 11, 10), int(grace["debt_mask"])) == [  # type: ignore[arg-type]
        Month(2023, 10),
        Month(2023, 11),
    ]
    assert row(date(2023, 12, 5))["loses_status_next_month"] is True
    after = row(date(2024, 1, 15))
    assert (after["status"], after["debt_months"], str(after["debt_total"])) == (
        "uninsured",
        4,
        "14750.00",
    )


def test_empty_population() -> None:
    table = snapshot_tables(tables_from_facts([]), date(2025, 1, 1))
    assert table.num_rows == 0 and isinstance(table, pa.Table)


def test_files_and_tables_give_the_same_snapshot(tmp_path: Path) -> None:
    from osms.batch.engine import snapshot
    from osms.synthetic.generate import generate, generate_tables

    generate(tmp_path, 700, seed=3, months=18)
    from_files = pa.concat_tables(list(snapshot(tmp_path, date(2026, 6, 30), parts_per_step=1)))
    in_memory = snapshot_tables(generate_tables(700, seed=3, months=18), date(2026, 6, 30))
    key = [("iin", "ascending")]
    assert from_files.sort_by(key).equals(in_memory.sort_by(key))


def test_steps_in_lanes_give_the_same_snapshot_in_the_same_order(tmp_path: Path) -> None:
    """Three steps run two at a time on two cursors: the same tables, in step order."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from osms.batch.engine import snapshot
    from osms.batch.schema import paths
    from osms.synthetic.generate import generate_tables

    files = paths(tmp_path)
    for name, table in generate_tables(1500, seed=4, months=20).items():
        part = pc.cast(pc.remainder(table["iin"], 3), pa.int32())
        table = table.set_column(0, "part", part).sort_by([("part", "ascending")])
        pq.write_table(table, files[name], row_group_size=500)
    one = list(snapshot(tmp_path, date(2026, 7, 15), parts_per_step=1))
    two = list(snapshot(tmp_path, date(2026, 7, 15), parts_per_step=1, lanes=2))
    assert len(one) == len(two) == 3
    key = [("iin", "ascending")]  # rows within a step come in no fixed order
    assert all(a.sort_by(key).equals(b.sort_by(key)) for a, b in zip(one, two, strict=True))
    assert sum(t.num_rows for t in two) == 1500


def test_parallel_workers_give_the_same_answer(tmp_path: Path) -> None:
    """Two parts run by two worker processes: the same snapshot as one process."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from osms.batch.run import run
    from osms.batch.schema import paths
    from osms.synthetic.generate import generate_tables

    tables = generate_tables(1200, seed=8, months=24)
    files = paths(tmp_path)
    for name, table in tables.items():
        part = pc.cast(pc.bit_wise_and(table["iin"], 1), pa.int32())
        table = table.set_column(0, "part", part).sort_by([("part", "ascending")])
        pq.write_table(table, files[name], row_group_size=500)
    one = run(tmp_path, date(2026, 11, 22), out=tmp_path / "one", jobs=1)
    two = run(tmp_path, date(2026, 11, 22), out=tmp_path / "two", jobs=2, parts_per_step=1)
    assert one.statistics.as_dict() == two.statistics.as_dict()
    key = [("iin", "ascending")]
    first = pq.read_table(tmp_path / "one" / "snapshot.parquet").sort_by(key)
    second = pq.read_table(tmp_path / "two" / "snapshot.parquet").sort_by(key)
    assert first.equals(second) and first.num_rows == 1200
