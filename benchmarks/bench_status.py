"""Status decisions per second on one core, for a person with 5 years of monthly history.

    uv run python benchmarks/bench_status.py            # prints a Markdown table row
    uv run python benchmarks/bench_status.py --record   # also appends it to results/status.md

Target (issue #2): at least 20 000 full decisions per second.  Three figures are measured:
the full decision from raw facts (what a request pays), the status alone, and a full decision
on facts already compiled into a Ledger (what a batch of dates for one person pays).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from osms.rules.calendar import credit_date
from osms.rules.coverage import Ledger
from osms.rules.facts import KNP, PaymentItem, PersonFacts
from osms.rules.iin import birth_date
from osms.rules.month import Month
from osms.rules.pricing import month_price
from osms.rules.status import decide, is_insured

IIN = "900515300018"
RESULTS = Path(__file__).parent / "results" / "status.md"


def five_year_payer() -> PersonFacts:
    """Self-payer who paid each month of 2021-12 … 2026-11 on the 10th of that month."""
    facts = PersonFacts(iin=IIN, birth_date=birth_date(IIN))
    items = []
    for month in Month.range(Month(2021, 12), Month(2026, 12)):
        paid_on = month.first_day() + timedelta(days=9)
        items.append(
            PaymentItem(
                period=month,
                amount=month_price(facts.kind, month, paid_on),
                paid_on=paid_on,
                credited_on=credit_date(paid_on),
                knp=KNP.CONTRIBUTION,
                payer=IIN,
            )
        )
    return PersonFacts(iin=IIN, birth_date=facts.birth_date, payments=tuple(items))


def rate(action: Callable[[], object], seconds: float = 2.0, repeats: int = 5) -> float:
    """Best-of-``repeats`` calls per second, each run lasting about ``seconds``."""
    rates = []
    for _ in range(repeats):
        count = 0
        start = time.perf_counter()
        deadline = start + seconds / repeats
        while True:
            for _ in range(100):
                action()
            count += 100
            now = time.perf_counter()
            if now >= deadline:
                break
        rates.append(count / (now - start))
    return max(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--record", action="store_true", help="append to results/status.md")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    facts = five_year_payer()
    days = [date(2026, 11, 22) - timedelta(days=i * 37) for i in range(20)]
    cycle = iter(range(1 << 62))

    def full() -> object:
        return decide(facts, days[next(cycle) % 20])

    def status_only() -> object:
        return is_insured(facts, days[next(cycle) % 20])

    ledger = Ledger(facts)

    def compiled() -> object:
        return decide(ledger, days[next(cycle) % 20])

    figures = {
        "full decision from facts": rate(full, args.seconds),
        "status only (is_insured)": rate(status_only, args.seconds),
        "full decision, compiled ledger": rate(compiled, args.seconds),
    }
    sample = decide(facts, days[0])
    assert sample.insured, sample
    row = (
        f"| {date.today()} | {platform.python_implementation()} {platform.python_version()} | "
        + " | ".join(f"{v:,.0f}" for v in figures.values())
        + f" | {len(facts.payments)} items |"
    )
    for name, value in figures.items():
        print(f"{name:34} {value:12,.0f} /s   ({1e6 / value:6.1f} µs each)")
    print(row)
    if args.record:
        RESULTS.parent.mkdir(exist_ok=True)
        if not RESULTS.exists():
            RESULTS.write_text(
                "# Status decisions per second (one core)\n\n"
                "`uv run python benchmarks/bench_status.py --record`; person with 60 monthly\n"
                "payments (5 years), 20 query dates cycled.  Target: 20 000 full decisions/s.\n\n"
                "| date | python | full decision | status only | compiled ledger | history |\n"
                "|---|---|---|---|---|---|\n"
            )
        with RESULTS.open("a") as out:
            out.write(row + "\n")


if __name__ == "__main__":
    main()
