"""Intake: register lines booked per second into PostgreSQL and SQLite.

    uv run python benchmarks/bench_intake.py [--lines 200000] [--record]

Writes one MT102 register of N lines (distinct people, this year's months), then books it
through the real path (parse, validate, reconcile, INSERT … ON CONFLICT, register report) into
a fresh database of each kind.  Also measures parsing alone.  Target (issue #3): at least
50 000 lines/s into PostgreSQL.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from common import database, machine, record

from osms.intake.register import parse_register
from osms.intake.samples import SampleLine, write_mt102
from osms.rules import iin as iin_rules
from osms.rules.errors import InvalidChecksum
from osms.rules.month import Month
from osms.services.registers import book_register


def people(count: int) -> list[str]:
    """``count`` distinct valid IINs of men of the 20th century, deterministic."""
    found: list[str] = []
    serial = 0
    while len(found) < count:
        serial += 1
        year, month, day = 80 + serial // 280000 % 25, 1 + serial // 10000 % 12, 1 + serial % 28
        born = date(1900 + year % 100, month, day)
        try:
            found.append(iin_rules.make(born, "male", serial % 10000))
        except InvalidChecksum:  # a serial never issued for that date
            continue
    return list(dict.fromkeys(found))[:count]


def write_register(path: Path, count: int) -> None:
    iins = people(count)
    lines = (
        SampleLine(iin, Month(2026, 1) + i % 10, Decimal("4250"), "Ахметов", "Нұрлан")
        for i, iin in enumerate(iins)
    )
    write_mt102(
        path,
        lines,
        sender_bic="HSBKKZKX",
        reference="BENCH1",
        paid_on=date(2026, 11, 10),
        knp="122",
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        workdir = Path(work)
        register = workdir / "bench.mt102"
        write_register(register, args.lines)
        with register.open("rb") as stream:
            start = time.perf_counter()
            reader = parse_register(stream)
            parsed = sum(1 for _ in reader.lines())
            parse_rate = parsed / (time.perf_counter() - start)
        print(f"parse only       {parse_rate:10,.0f} lines/s")
        rates = {}
        for kind in ("postgresql", "sqlite"):
            with database(kind, workdir) as engine:
                start = time.perf_counter()
                report = book_register(engine, register, actor="bench", sender="halyk")
                elapsed = time.perf_counter() - start
                assert report.booked == args.lines, report
                rates[kind] = args.lines / elapsed
                print(f"book {kind:11} {rates[kind]:10,.0f} lines/s ({elapsed:.1f} s)")
        if args.record:
            record(
                "intake",
                "# Intake: register lines booked per second\n\n"
                "`uv run python benchmarks/bench_intake.py --lines N --record`: one MT102\n"
                "register, N distinct people, booked through parse, validation, reconciliation\n"
                "and INSERT … ON CONFLICT into a fresh database. Target: 50 000 lines/s into\n"
                "PostgreSQL.",
                ["date", "machine", "lines", "parse only", "PostgreSQL", "SQLite"],
                [
                    machine(),
                    f"{args.lines:,}",
                    f"{parse_rate:,.0f}",
                    f"{rates['postgresql']:,.0f}",
                    f"{rates['sqlite']:,.0f}",
                ],
            )


if __name__ == "__main__":
    main()
