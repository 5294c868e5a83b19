"""Intake: register lines parsed and validated per second (no database).

    uv run python benchmarks/bench_parse.py [--lines 200000] [--repeat 3] [--birth-dates]

Writes one MT102 register (UTF-8, CRLF, КНП 122) and one CSV register of N lines each, with
distinct valid IINs, names and one month per line (``--birth-dates`` adds ``/DT/`` and the
``birth_date`` column), into a temporary directory, then reads each through
:func:`osms.intake.register.parse_register` (format detection, parsing, R-L-3 validation,
duplicate keys, totals) and prints the best of ``--repeat`` runs in lines/s, by the wall clock
(``time.perf_counter``) and by the process's CPU time (steadier on a shared machine).
Target: at least 60 000-80 000 lines/s (≤ 15 µs per line), so that booking can reach
50 000 lines/s into PostgreSQL end to end.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from osms.intake.lines import IntakeLine
from osms.intake.register import parse_register
from osms.intake.samples import SampleLine, write_csv, write_mt102
from osms.rules import iin as iin_rules
from osms.rules.errors import InvalidChecksum
from osms.rules.iin import birth_date
from osms.rules.month import Month

PAID_ON = date(2025, 6, 25)
FIRST_BIRTH_DAY = date(1960, 1, 1)
BIRTH_DAYS = 20_000  # 1960-01-01 … 2014-10
AMOUNTS = (Decimal("4250.00"), Decimal("5000.00"), Decimal("6000.00"), Decimal("8500.00"))
NAMES = (("Ахметов", "Нұрлан", "Серікұлы"), ("Иванова", "Анна", "Петровна"))


def iins(count: int) -> Iterator[str]:
    """``count`` distinct valid IINs (birth dates 1960-2014, both sexes, serials from 0)."""
    made = 0
    serial = 0
    while True:
        for offset in range(BIRTH_DAYS):
            born = FIRST_BIRTH_DAY + timedelta(days=offset)
            try:
                yield iin_rules.make(born, "female" if offset % 2 else "male", serial)
            except InvalidChecksum:  # a serial never issued for that date
                continue
            made += 1
            if made == count:
                return
        serial += 1


def sample_lines(count: int, birth_dates: bool = False) -> Iterator[SampleLine]:
    last = Month.of(PAID_ON)
    for i, iin in enumerate(iins(count)):
        surname, given_name, patronymic = NAMES[i % len(NAMES)]
        yield SampleLine(
            iin,
            last - i % 12,
            AMOUNTS[i % len(AMOUNTS)],
            surname,
            given_name,
            patronymic,
            birth_date=birth_date(iin) if birth_dates else None,
        )


def measure(path: Path, count: int, repeat: int) -> tuple[float, float]:
    """The best lines/s over ``repeat`` runs of parse + validate + totals: by the wall clock
    and by CPU time."""
    best_wall = best_cpu = 0.0
    for _ in range(repeat):
        with path.open("rb") as stream:
            start, start_cpu = time.perf_counter(), time.process_time()
            reader = parse_register(stream)
            accepted = 0
            for result in reader.lines():
                accepted += isinstance(result, IntakeLine)
            totals = reader.verify()
            wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        if accepted != count or totals.lines != count:
            raise SystemExit(f"{path.name}: {accepted} of {count} lines accepted: {totals}")
        best_wall, best_cpu = max(best_wall, count / wall), max(best_cpu, count / cpu)
    return best_wall, best_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=200_000, help="lines per register")
    parser.add_argument("--repeat", type=int, default=3, help="runs per format (best counts)")
    parser.add_argument("--birth-dates", action="store_true", help="write /DT/ and birth_date")
    args = parser.parse_args()
    count: int = args.lines
    birth_dates: bool = args.birth_dates
    print(
        f"{count:,} lines, best of {args.repeat}; {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as work:
        mt102 = Path(work) / "bench.mt102"
        csv = Path(work) / "bench.csv"
        write_mt102(
            mt102,
            sample_lines(count, birth_dates),
            sender_bic="HSBKKZKX",
            reference="BENCH1",
            paid_on=PAID_ON,
            knp="122",
        )
        write_csv(csv, sample_lines(count, birth_dates), paid_on=PAID_ON, names=True, total=True)
        for name, path in (("MT102", mt102), ("CSV", csv)):
            wall, cpu = measure(path, count, args.repeat)
            print(
                f"{name:6} parse+validate {wall:10,.0f} lines/s ({1e6 / wall:5.1f} µs/line); "
                f"CPU time: {cpu:,.0f} lines/s ({1e6 / cpu:.1f} µs/line)"
            )


if __name__ == "__main__":
    main()
