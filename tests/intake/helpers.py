"""Shared helpers of the intake tests: the sample files and reading a register to the end."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from osms.intake import (
    IntakeLine,
    LineError,
    LineResult,
    RegisterHeader,
    RegisterTotals,
    parse_register,
)
from osms.intake.lines import Format
from osms.intake.register import RegisterReader

DATA = Path(__file__).parent / "data"
T8 = DATA / "t8_example.mt102"
T8_TOTAL_MISMATCH = DATA / "total_mismatch.mt102"
MIXED_CSV = DATA / "register_mixed.csv"


def t8_utf8() -> bytes:
    """SOURCES.md T8's illustrative message with Cyrillic names, UTF-8, LF."""
    return T8.read_bytes()


def to_cp1251_crlf(data: bytes) -> bytes:
    """The same text in Windows-1251 with CRLF line ends (as some Kazakh banks send it)."""
    text = data.decode("utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
    return text.encode("cp1251")


@dataclass
class Read:
    reader: RegisterReader
    header: RegisterHeader
    results: list[LineResult]
    totals: RegisterTotals

    @property
    def good(self) -> list[IntakeLine]:
        return [r for r in self.results if isinstance(r, IntakeLine)]

    @property
    def bad(self) -> list[LineError]:
        return [r for r in self.results if isinstance(r, LineError)]


def read_all(data: bytes, format: Format | None = None, **options: object) -> Read:
    """Open, read the header, every line and the totals (any RegisterError propagates)."""
    reader = parse_register(data, format, **options)  # type: ignore[arg-type]
    header = reader.header
    results = list(reader.lines())
    return Read(reader, header, results, reader.totals())


# -- mutations of the samples, for the property tests ------------------------------------

T8_LINES = t8_utf8().decode("utf-8").splitlines()
CSV_LINES = MIXED_CSV.read_bytes().decode("utf-8").splitlines()
VOCABULARY = [
    ":21:1",
    ":21:2",
    ":21:x y",
    ":32B:KZT1,00",
    ":32B:KZT0",
    ":32B:USD5,00",
    ":70:",
    ":70:/OPV/C",
    "/FM/Әлі",
    "/IDN/900515300018",
    "/IDN/000101500011",
    "/IDN/",
    "/PERIOD/062025",
    "/PERIOD/132025",
    "/DT/20000101",
    ":32A:250625KZT23000,00",
    ":32A:250625KZT1,00",
    "-}",
    "{5:{CHK:1}}",
    ":20:OTHER",
    "/KNP/121",
    "garbage",
    "",
    "900515300018;2025-05;1;122;990140000007;2025-06-25;terminal;Z",
    "# total: 1",
    '"unclosed;quote',
]


@st.composite
def mutated(draw: st.DrawFn, lines: list[str]) -> str:
    result = list(lines)
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "swap", "edit"]))
        if not result:
            break
        i = draw(st.integers(0, len(result) - 1))
        if op == "delete":
            del result[i]
        elif op == "duplicate":
            result.insert(i, result[i])
        elif op == "insert":
            result.insert(i, draw(st.sampled_from(VOCABULARY)))
        elif op == "swap":
            j = draw(st.integers(0, len(result) - 1))
            result[i], result[j] = result[j], result[i]
        else:
            text = result[i]
            k = draw(st.integers(0, len(text)))
            result[i] = text[:k] + draw(st.text(max_size=3)) + text[k + 1 :]
    return "\n".join(result) + "\n"
