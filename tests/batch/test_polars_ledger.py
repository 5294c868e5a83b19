"""The Polars ledger step of the benchmarks equals DuckDB's (the engine comparison is fair)."""

from __future__ import annotations

from datetime import date

import polars as pl
from benchmarks.polars_ledger import ledger_masks_frames

from osms.batch.engine import connect
from osms.rules import coverage_sql
from osms.rules.plan import plan
from osms.synthetic.generate import PROFILES, generate_tables


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
    con.execute(coverage_sql.contributions(p))
    con.execute(coverage_sql.self_covered(p))
    duck = pl.from_arrow(
        con.sql(
            "SELECT iin, CAST(self_months AS UBIGINT) AS sm, "
            "CAST(contribution_months AS UBIGINT) AS pmask, "
            "CAST(contributions_before AS UBIGINT) AS pb FROM led"
        ).to_arrow_table()
    )
    con.close()
    key = ["iin"]
    assert (
        polars.sort(key)
        .select(["iin", "sm", "pmask", "pb"])
        .equals(duck.sort(key).with_columns(pl.col("iin").cast(pl.Int64)))
    )
