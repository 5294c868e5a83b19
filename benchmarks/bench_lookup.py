"""Status look-up from the database: load one person's facts (two queries) and decide.

    uv run python benchmarks/bench_lookup.py [--people 20000] [--lookups 3000] [--record]

Fills a fresh database of each kind with N people, each with 5 years (60 months) of monthly
payments, then times `services.status.status_of` (load_facts + decide + the audit event) for
random IINs, one session per look-up as a request would.  Target (issue #3): median under
2 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from common import database, machine, record

from osms.registry import ledger
from osms.registry.db import make_session_factory
from osms.registry.ledger import NewPayment
from osms.rules import iin as iin_rules
from osms.rules.errors import InvalidChecksum
from osms.rules.facts import KNP, Channel, PayerKind
from osms.rules.iin import Sex
from osms.rules.month import Month
from osms.rules.pricing import month_price
from osms.services.status import status_of

TODAY = date(2026, 11, 22)


def iins(count: int, seed: int = 7) -> list[str]:
    """``count`` distinct valid IINs of people born 1960-1999, deterministic."""
    rng = random.Random(seed)
    found: set[str] = set()
    while len(found) < count:
        born = date.fromordinal(date(1960, 1, 1).toordinal() + rng.randrange(365 * 40))
        sex: Sex = "female" if rng.randrange(2) else "male"
        try:
            found.add(iin_rules.make(born, sex, rng.randrange(10000)))
        except InvalidChecksum:  # a serial never issued for that date
            continue
    return sorted(found)


def fill(engine, people: list[str]) -> None:  # type: ignore[no-untyped-def]
    """60 monthly self-payments for each person, booked through the registry's one writer."""
    months = list(Month.range(Month(2021, 12), Month(2026, 12)))
    with engine.begin() as connection:
        for start in range(0, len(people), 1000):
            payments = []
            for iin in people[start : start + 1000]:
                for month in months:
                    paid_on = month.first_day().replace(day=10)
                    amount = month_price(PayerKind.SELF_PAYER, month, paid_on)
                    payments.append(
                        NewPayment(
                            iin, month, amount, KNP.CONTRIBUTION, iin, Channel.BANK_APP,
                            paid_on, f"bench:{iin}:{month}",
                        )
                    )  # fmt: skip
            ledger.book_many(connection, payments)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--lookups", type=int, default=3_000)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    people = iins(args.people)
    rng = random.Random(11)
    figures: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as work:
        for kind in ("postgresql", "sqlite"):
            with database(kind, Path(work)) as engine:
                fill(engine, people)
                if kind == "postgresql":
                    # settle the fill: statistics, visibility map, and its WAL written out,
                    # so that autovacuum and a checkpoint do not run inside the measurement
                    with engine.connect() as connection:
                        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                        connection.exec_driver_sql("VACUUM (ANALYZE)")
                        connection.exec_driver_sql("CHECKPOINT")
                sessions = make_session_factory(engine)
                timings = []
                for i in range(args.lookups + 200):
                    iin = rng.choice(people)
                    start = time.perf_counter()
                    with sessions() as session, session.begin():
                        answer = status_of(session, iin, TODAY, actor="bench", channel="bench")
                    elapsed = time.perf_counter() - start
                    assert answer.decision.insured
                    if i >= 200:  # warm-up done
                        timings.append(elapsed * 1000)
                timings.sort()
                median = statistics.median(timings)
                p99 = timings[int(len(timings) * 0.99)]
                figures[kind] = (median, p99)
                print(f"{kind:11} median {median:.2f} ms, p99 {p99:.2f} ms")
    if args.record:
        record(
            "lookup",
            "# Status look-up from the database\n\n"
            "`uv run python benchmarks/bench_lookup.py --record`: N people with 60 monthly\n"
            "payments each; one session per look-up: load_facts (two queries), decide, audit\n"
            "event, commit. Target: median under 2 ms on PostgreSQL.",
            [
                "date",
                "machine",
                "people",
                "PostgreSQL median",
                "PostgreSQL p99",
                "SQLite median",
                "SQLite p99",
            ],
            [
                machine(),
                f"{args.people:,}",
                f"{figures['postgresql'][0]:.2f} ms",
                f"{figures['postgresql'][1]:.2f} ms",
                f"{figures['sqlite'][0]:.2f} ms",
                f"{figures['sqlite'][1]:.2f} ms",
            ],
        )


if __name__ == "__main__":
    main()
