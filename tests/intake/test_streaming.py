"""Streaming: a large register is read one line at a time in bounded memory.

Two measurements, because tracing every allocation makes parsing several times slower:

- a 200 000-line MT102 register (1.8 million text lines, 25 MB), written from a generator and
  read through the ``lines()`` generator in a fresh interpreter, must not raise the process's
  peak resident memory by 50 MB or more (``ru_maxrss`` after the imports and at the end;
  collecting the lines in a list instead raises it by about 170 MB);
- under ``tracemalloc``, the peak of a 12 000-line register is below 50 MB and no higher than
  that of a 3 000-line register plus 1 MB: memory does not grow with the register.  The read
  chunk, which sets the peak, is made 32 KiB so that both registers span many chunks.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import textwrap
import tracemalloc
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from osms.intake import IntakeLine, _io, parse_register
from osms.intake.samples import SampleLine, write_csv, write_mt102
from osms.rules.month import Month

MB = 1024 * 1024

_SCRIPT = textwrap.dedent(
    """
    import json, resource, sys
    from datetime import date
    from decimal import Decimal
    from osms.intake import IntakeLine, _io, parse_register
    from osms.intake.samples import SampleLine, write_mt102
    from osms.rules.month import Month

    N = int(sys.argv[2])

    def lines():  # a generator: the register is never a list
        for i in range(N):
            iin = "900515300019" if i % 1000 == 999 else "900515300018"
            yield SampleLine(iin, Month(2025, 5), Decimal(6000), "Иванов", "Иван", "Иванович")

    path = sys.argv[1]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    write_mt102(path, lines(), "BANKKZKA", "BIG2025", date(2025, 6, 25), "122")
    with open(path, "rb") as stream:
        reader = parse_register(stream)
        accepted = rejected = 0
        for result in reader.lines():
            if isinstance(result, IntakeLine):
                accepted += 1
            else:
                rejected += 1
        totals = reader.verify()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "accepted": accepted, "rejected": rejected, "lines": totals.lines,
        "amount": str(totals.amount), "growth_kib": after - before,
    }))
    """
)


@pytest.mark.slow
def test_a_200_000_line_register_streams_in_bounded_memory(tmp_path: Path) -> None:
    n = 200_000
    path = tmp_path / "big.mt102"
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(path), str(n)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert path.stat().st_size > 20 * MB
    assert result["lines"] == n == result["accepted"] + result["rejected"]
    assert result["rejected"] == n // 1000
    assert Decimal(result["amount"]) == 6000 * n
    assert result["growth_kib"] * 1024 < 50 * MB, result


def _lines(n: int) -> Iterator[SampleLine]:
    for i in range(n):
        yield SampleLine(
            "900515300018",
            Month(2025, 5),
            Decimal(6000 + i % 7),
            "Ахметова",
            "Айгерім",
            birth_date=date(1985, 3, 12),
        )


def _peak(path: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            reader = parse_register(stream)
            results = reader.lines()
            assert inspect.isgenerator(results)
            count = sum(1 for result in results if isinstance(result, IntakeLine))
            reader.verify()
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("format", ["mt102", "csv"])
def test_peak_memory_does_not_grow_with_the_register(
    tmp_path: Path, format: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_io, "CHUNK_BYTES", 32 * 1024)  # reach the steady state sooner
    peaks = {}
    for n in (3_000, 12_000):
        path = tmp_path / f"{n}.{format}"
        if format == "mt102":
            write_mt102(path, _lines(n), "BANKKZKA", f"R{n}", date(2025, 6, 25), "122")
        else:
            write_csv(path, _lines(n), paid_on=date(2025, 6, 25), names=True, total=True)
        count, peaks[n] = _peak(path)
        assert count == n
    print(format, {n: f"{peak / MB:.2f} MB" for n, peak in peaks.items()})
    assert peaks[12_000] < 50 * MB
    assert peaks[12_000] < peaks[3_000] + 1 * MB, peaks
