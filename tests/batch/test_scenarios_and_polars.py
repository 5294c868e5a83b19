"""A disagreement's scenario file runs as it is; the Polars ledger step equals DuckDB's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from osms.batch.check import Disagreement, expected_row
from osms.batch.engine import _ledger_sql, _masks_sql, connect, plan
from osms.batch.facts import Population
from osms.batch.polars_ledger import ledger_masks_frames
from osms.rules.status import decide
from osms.scenarios.runner import run_paths
from osms.synthetic.generate import PROFILES, generate_tables


def test_disagreement_files_run_with_the_scenario_runner(tmp_path: Path) -> None:
    tables = generate_tables(300, seed=2, months=40, profiles={n: 1.0 for n in PROFILES})
    population = Population(tables)
    on, as_of = date(2025, 3, 10), date(2025, 6, 1)
    for iin in population.iins[:60]:
        facts = population.facts(iin)
        rules = expected_row(decide(facts, on, as_of))
        Disagreement(facts, on, as_of, {}, rules).write(tmp_path)
    lines: list[str] = []
    passed, failed = run_paths([tmp_path], emit=lines.append)
    assert (passed, failed) == (60, 0), "\n".join(lines)


def test_polars_ledger_masks_equal_duckdb() -> None:
    tables = generate_tables(6000, seed=4, months=30, profiles={n: 1.0 for n in PROFILES})
    p = plan(date(2026, 9, 15), date(2026, 10, 1))
    polars = ledger_masks_frames(
        pl.from_arrow(tables["payments"]).lazy(), pl.from_arrow(tables["people"]).lazy(), p
    ).collect()
    con = connect()
    for name in ("people", "payments"):
        con.register(f"{name}_arrow", tables[name])
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name}_src AS SELECT * FROM {name}_arrow")
    con.execute(_ledger_sql(p))
    con.execute(_masks_sql(p))
    duck = pl.from_arrow(
        con.sql(
            "SELECT iin, CAST(sm AS UBIGINT) AS sm, CAST(pmask AS UBIGINT) AS pmask, "
            "CAST(pb AS UBIGINT) AS pb FROM led"
        ).to_arrow_table()
    )
    con.close()
    key = ["iin"]
    assert (
        polars.sort(key)
        .select(["iin", "sm", "pmask", "pb"])
        .equals(duck.sort(key).with_columns(pl.col("iin").cast(pl.Int64)))
    )
