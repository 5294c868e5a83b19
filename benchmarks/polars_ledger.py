"""The ledger steps of the batch engine (:mod:`osms.rules.coverage_sql`) in Polars, for the
engine choice (a benchmark artefact: Polars is no runtime dependency).

The batch engine runs on DuckDB (``docs/scale-out.md`` records the measurements and why).  This
module computes the same per-person bitmasks (S, P and the contribution run before the
window) with Polars' lazy API, so that the benchmark compares the two engines on the heaviest
part of the work, the scan and aggregation of the whole ledger, and a test checks that both
give the same masks.  Windows up to 61 months only (UInt64).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from osms.batch.schema import PAYMENTS, PEOPLE, paths
from osms.rules.bitmask_sql import yyyymm
from osms.rules.plan import Plan, PlanError

__all__ = ["ledger_masks", "ledger_masks_frames"]


def _price(p: Plan, ie: pl.Expr, year: pl.Expr) -> pl.Expr:
    own = {int(y): int(v) for y, v in p.prices["self_payer"].items()}
    ent = {int(y): int(v) for y, v in p.prices["entrepreneur"].items()}
    return (
        pl.when(ie)
        .then(year.replace_strict(ent, default=None, return_dtype=pl.Int64))
        .otherwise(year.replace_strict(own, default=None, return_dtype=pl.Int64))
    )


def ledger_masks_frames(payments: pl.LazyFrame, people: pl.LazyFrame, p: Plan) -> pl.LazyFrame:
    """Per person: ``sm`` (self-covered months), ``pmask`` (contribution months) and ``pb``.

    The same algorithm as :func:`osms.rules.coverage_sql.contributions` and
    :func:`~osms.rules.coverage_sql.self_covered`: one pass per person with employer bits (КНП
    121, ЕСП 183, 122 paid by a BIN, a self-employed
    person's 122 from 2026), single-item coverage at both prices, and the list of items below
    the price; months with several such items are summed in a second, small pass (two price
    levels: the year paid before the month's, and the month's).
    """
    if p.width > 61:
        raise PlanError("the Polars ledger step handles windows of at most 61 months")
    knp = pl.col("knp")
    by_bin = (pl.col("payer") % 100_000_000).is_between(40_000_000, 69_999_999).fill_null(False)
    paid_year = pl.col("paid_on").dt.year().cast(pl.Int64)
    paid_period = paid_year * 100 + pl.col("paid_on").dt.month().cast(pl.Int64)
    # R-L-4: the rate of the year paid, not before the first rate in force
    year = pl.max_horizontal(pl.min_horizontal(paid_year, pl.col("py")), p.price_from)
    emp = pl.col("emp")
    if p.horizon % 12:
        raise PlanError("the Polars ledger step handles horizons of whole years only")
    esp_first, esp_last = p.single_payment
    kinds = people.select(
        "iin", ie=pl.col("kind") == "entrepreneur", se=pl.col("kind") == "self_employed"
    )
    items = (
        payments.filter(
            (pl.col("credited_on") <= p.as_of)
            & (pl.col("refunded_on").is_null() | (pl.col("refunded_on") > p.as_of))
            & (pl.col("amount") > 0)
            & knp.is_in([121, 122, 183])
            & (pl.col("period") <= paid_period + 100 * (p.horizon // 12))
            & (
                pl.col("period")
                >= pl.when(knp == 121)
                .then(yyyymm(p.employer_from))
                .when(knp == 183)
                .then(yyyymm(esp_first))
                .otherwise(yyyymm(p.liable_from))
            )
            & ((knp != 183) | (pl.col("period") <= yyyymm(esp_last)))
            & pl.col("period").is_between(
                yyyymm(p.window_start - p.long_months), yyyymm(p.window_end)
            )
        )
        .join(kinds.select("iin", "se").filter(pl.col("se")), on="iin", how="left")
        .with_columns(
            mi=(pl.col("period") // 100 * 12 + pl.col("period") % 100 - 1).cast(pl.Int64),
            py=(pl.col("period") // 100).cast(pl.Int64),
        )
        .with_columns(
            emp=(knp != 122)
            | by_bin
            | (pl.col("se").fill_null(False) & (pl.col("mi") >= p.self_employed_from)),
        )
        .with_columns(
            wb=pl.when(pl.col("mi") >= p.window_start)
            .then(pl.lit(2, pl.Int64).pow((pl.col("mi") - p.window_start).clip(0)))
            .otherwise(0),
            bb=pl.when(pl.col("mi") < p.window_start)
            .then(pl.lit(2, pl.Int64).pow((p.window_start - 1 - pl.col("mi")).clip(0)))
            .otherwise(0),
            amt=(pl.col("amount") * 100).cast(pl.Int64),
            late=paid_year >= pl.col("py"),
            p_own=_price(p, pl.lit(False), year),
            p_ie=_price(p, pl.lit(True), year),
        )
    )
    own_ok = ~emp & (pl.col("amt") >= pl.col("p_own"))
    ie_ok = ~emp & (pl.col("amt") >= pl.col("p_ie"))
    led0 = items.group_by("iin").agg(
        ew=pl.col("wb").filter(emp).bitwise_or(),
        eb=pl.col("bb").filter(emp).bitwise_or(),
        sw_own=pl.col("wb").filter(own_ok).bitwise_or(),
        sb_own=pl.col("bb").filter(own_ok).bitwise_or(),
        sw_ie=pl.col("wb").filter(ie_ok).bitwise_or(),
        sb_ie=pl.col("bb").filter(ie_ok).bitwise_or(),
        partials=pl.struct("mi", "amt", "py", "late").filter(
            ~emp & ~((pl.col("amt") >= pl.col("p_own")) & (pl.col("amt") >= pl.col("p_ie")))
        ),
    )
    ie = pl.col("ie")
    early_year = pl.max_horizontal(pl.col("py") - 1, p.price_from)
    covered = (pl.col("mi") >= p.liable_from) & (
        (pl.col("early") >= _price(p, ie, early_year)).fill_null(False)
        | ((pl.col("late_n") > 0) & (pl.col("own_total") >= _price(p, ie, pl.col("py")))).fill_null(
            False
        )
    )
    split = (
        led0.filter(pl.col("partials").list.len() > 1)
        .select("iin", "partials")
        .explode("partials")
        .unnest("partials")
        .group_by("iin", "mi")
        .agg(
            early=pl.col("amt").filter(~pl.col("late")).sum(),
            own_total=pl.col("amt").sum(),
            late_n=pl.col("late").sum(),
            py=pl.col("py").first(),
            n=pl.len(),
        )
        .filter(pl.col("n") > 1)
        .join(kinds.select("iin", "ie"), on="iin")
        .filter(covered)
        .with_columns(
            wb=pl.when(pl.col("mi") >= p.window_start)
            .then(pl.lit(2, pl.Int64).pow((pl.col("mi") - p.window_start).clip(0)))
            .otherwise(0),
            bb=pl.when(pl.col("mi") < p.window_start)
            .then(pl.lit(2, pl.Int64).pow((p.window_start - 1 - pl.col("mi")).clip(0)))
            .otherwise(0),
        )
        .group_by("iin")
        .agg(sw=pl.col("wb").bitwise_or(), sb=pl.col("bb").bitwise_or())
    )
    zero = pl.lit(0, pl.Int64)
    sm = pl.when(ie).then(pl.col("sw_ie")).otherwise(pl.col("sw_own")).fill_null(0) | pl.col(
        "sw"
    ).fill_null(0)
    sb = pl.when(ie).then(pl.col("sb_ie")).otherwise(pl.col("sb_own")).fill_null(0) | pl.col(
        "sb"
    ).fill_null(0)
    return (
        led0.join(kinds.select("iin", "ie"), on="iin")
        .join(split, on="iin", how="left")
        .with_columns(sm=sm, sb=sb)
        .select(
            "iin",
            sm=pl.col("sm").cast(pl.UInt64),
            pmask=(pl.col("sm") | pl.col("ew").fill_null(zero)).cast(pl.UInt64),
            pb=(pl.col("sb") | pl.col("eb").fill_null(zero)).cast(pl.UInt64),
        )
    )


def ledger_masks(folder: Path, p: Plan, first_part: int, last_part: int) -> pl.DataFrame:
    """The masks for the parts [first_part, last_part] of a population folder."""
    files = paths(folder)
    parts = pl.col("part").is_between(first_part, last_part)
    payments = pl.scan_parquet(files[PAYMENTS]).filter(parts)
    people = pl.scan_parquet(files[PEOPLE]).filter(parts)
    return ledger_masks_frames(payments, people, p).collect()
