"""The fast paths of intake give what the general readers and :meth:`RawLine.validate` give.

Each fast path is compared with the general code it short-cuts: the MT102 usual-block reader
and :class:`LineValidator` (switched off by replacing them), the CSV line split (against
:mod:`csv`), the line-length check of :func:`osms.intake._io.read_texts`, the IIN check and the
fast :class:`IntakeLine` constructor.  The fast paths must also actually be taken for the usual
registers, or the speed is lost without any test failing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osms.intake import IntakeLine, LineError, RegisterError, _io, parse_register
from osms.intake.lines import LineResult
from osms.intake.mt102 import persons
from osms.intake.samples import SampleLine, write_csv, write_mt102
from osms.intake.validation import LineValidator, RawLine
from osms.rules import iin as kziin
from osms.rules.checkdigit import calc_check_digit, check_digit_of_codes, has_valid_check_digit
from osms.rules.facts import Channel
from osms.rules.month import Month

from .helpers import CSV_LINES, T8_LINES, mutated

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
NEVER = re.compile(r"(?!)")


def _results(data: bytes) -> tuple[list[tuple[object, ...]], object]:
    """Every result with its ``raw`` (which equality leaves out) and the totals, or the
    register error."""
    reader = parse_register(data)
    try:
        results: list[LineResult] = list(reader.lines())
    except RegisterError as error:
        return [], (error.code, str(error), error.line_no)
    return [(r, r.raw) for r in results], reader.totals()


def _general(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the fast paths off: every block and line takes the general way."""
    monkeypatch.setattr(persons, "USUAL_IN_TEXT", NEVER)
    monkeypatch.setattr(persons, "USUAL_BLOCK", NEVER)
    monkeypatch.setattr(LineValidator, "line", lambda self, *args: None)


def _compare(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _results(data)
    with monkeypatch.context() as patch:
        _general(patch)
        general = _results(data)
    assert fast == general


# -- whole registers, fast and general ------------------------------------------------------

NAMES = ["", "Иванов", "Ахмет Али", " Иван", "Ив ", "/NM/x"]
IINS = ["900515300018", "850312401235", "900515300019", " 900515300018", "000229500018", "12"]
AMOUNTS: list[Decimal | str] = [Decimal("6000"), Decimal(0), "6 000,00", " 6000", "abc", "1,5"]
PERIODS: list[Month | str] = [Month(2025, 5), Month(2019, 12), Month(2026, 7), "132025", " 052025"]


@st.composite
def sample_lines(draw: st.DrawFn) -> SampleLine:
    return SampleLine(
        iin=draw(st.sampled_from(IINS)),
        period=draw(st.sampled_from(PERIODS)),
        amount=draw(st.sampled_from(AMOUNTS)),
        surname=draw(st.sampled_from(NAMES)),
        given_name=draw(st.sampled_from(NAMES)),
        patronymic=draw(st.sampled_from(NAMES)),
        birth_date=draw(st.sampled_from([None, date(1990, 5, 15), "19901515", "15.05.1990"])),
        line_ref=draw(st.sampled_from([None, None, "7", "x y", ""])),
        reference=draw(st.sampled_from([None, None, "R1", " ", " r "])),
        channel=draw(st.sampled_from([None, "kazpost", " Terminal ", "pigeon"])),
        paid_on=draw(st.sampled_from([None, None, "25.06.2025", "2025-13-01"])),
    )


@FUZZ
@given(
    st.lists(sample_lines(), min_size=1, max_size=12),
    st.sampled_from(["mt102", "csv"]),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(["122", "121", "010"]),
    st.sampled_from(["990140000007", "990140000001"]),
    st.sampled_from([256 * 1024, 50, 7]),
)
def test_generated_registers_read_the_same_without_the_fast_paths(
    monkeypatch: pytest.MonkeyPatch,
    lines: list[SampleLine],
    format: str,
    newline: str,
    knp: str,
    payer: str,
    chunk: int,
) -> None:
    monkeypatch.setattr(_io, "CHUNK_BYTES", chunk)  # blocks and rows across chunks
    out = io.BytesIO()
    if format == "mt102":
        write_mt102(
            out, lines, "BANKKZKA", "REF1", date(2025, 6, 25), knp, newline=newline, payer=payer
        )
    else:
        write_csv(
            out, lines, paid_on=date(2025, 6, 25), knp=knp, payer=payer, newline=newline, names=True
        )
    _compare(out.getvalue(), monkeypatch)


@FUZZ
@given(mutated(T8_LINES), st.sampled_from([256 * 1024, 40]))
def test_mutated_mt102_reads_the_same_without_the_fast_paths(
    monkeypatch: pytest.MonkeyPatch, text: str, chunk: int
) -> None:
    monkeypatch.setattr(_io, "CHUNK_BYTES", chunk)
    _compare(text.encode("utf-8"), monkeypatch)


@FUZZ
@given(mutated(CSV_LINES), st.sampled_from([256 * 1024, 40]))
def test_mutated_csv_reads_the_same_without_the_fast_paths(
    monkeypatch: pytest.MonkeyPatch, text: str, chunk: int
) -> None:
    monkeypatch.setattr(_io, "CHUNK_BYTES", chunk)
    _compare(text.encode("utf-8"), monkeypatch)


# -- the fast paths are taken ---------------------------------------------------------------


def _usual_lines(count: int) -> Iterator[SampleLine]:
    iins = ["900515300018", "850312401235", "000101500011", "880101300111"]
    for i in range(count):
        yield SampleLine(
            iins[i % 4],
            Month(2025, 1 + i % 6),
            Decimal(6000 + i % 3),
            "Ахметова",
            "Айгерім",
            "Серікқызы" if i % 2 else "",
            birth_date=date(1985, 3, 12) if i % 3 else None,
            line_ref=str(i + 1),
            reference=f"T-{i + 1}",
        )


@pytest.mark.parametrize("format", ["mt102", "csv"])
def test_the_usual_register_takes_the_fast_paths(
    format: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_io, "CHUNK_BYTES", 8 * 1024)  # several chunks
    out = io.BytesIO()
    if format == "mt102":
        write_mt102(out, _usual_lines(300), "BANKKZKA", "R1", date(2025, 6, 25), "122")
    else:
        write_csv(out, _usual_lines(300), paid_on=date(2025, 6, 25), names=True, total=True)
    fast = 0
    line = LineValidator.line

    def counting(self: LineValidator, *args: object) -> IntakeLine | None:
        nonlocal fast
        result = line(self, *args)  # type: ignore[arg-type]
        fast += result is not None
        return result

    monkeypatch.setattr(LineValidator, "line", counting)
    reader = parse_register(out.getvalue())
    assert all(isinstance(result, IntakeLine) for result in reader.lines())
    assert reader.verify().accepted == 300
    # MT102: the block that ends a chunk goes the general way (its end is in the next chunk)
    chunks = len(out.getvalue()) // (8 * 1024) + 1
    assert fast >= (300 - chunks if format == "mt102" else 300)


# -- the pieces -----------------------------------------------------------------------------

_ANY_CELL = st.text(st.sampled_from('ab 1,;"\r\x00\t\u00a0#'), max_size=12)


@settings(max_examples=500, deadline=None)
@given(st.lists(_ANY_CELL, min_size=1, max_size=5), st.sampled_from([",", ";"]))
def test_splitting_a_plain_line_is_what_csv_does(cells: list[str], delimiter: str) -> None:
    line = delimiter.join(cells)
    if '"' in line or "\r" in line or "\x00" in line:
        return  # such lines go through csv
    (row,) = csv.reader([line + "\n"], delimiter=delimiter)
    assert line.split(delimiter) == row or (row == [] and line == "")


FIELDS: dict[str, list[object]] = {
    "iin": ["900515300018", "900515300019", " 900515300018", "000229500018", "010229500016"],
    "period": ["2025-05", "052025", " 2025-05 ", "2019-12", "2026-07", "13.2025", ""],
    "amount": ["6000.00", "6000,", "0", "-5", "6 000", "abc", "0.001"],
    "knp": ["122", "121", " 124", "010"],
    "payer": ["990140000007", "990140000001", "900515300018", "9901 4000 0007"],
    "paid_on": ["2025-06-25", "25.06.2025", "20250625", "2025-02-30", date(2025, 6, 25)],
    "channel": ["terminal", " Kazpost ", "pigeon", Channel.BANK_BRANCH],
    "reference": ["csv:T-1", " csv:T-1 ", "   "],
    "surname": [None, "", " Иванов ", "Ахмет Али"],
    "birth_date": [None, "", "19900515", "19901515", "1990-05-15", " 15.05.1990 ", "x"],
}


@settings(max_examples=500, deadline=None)
@given(st.fixed_dictionaries({name: st.sampled_from(values) for name, values in FIELDS.items()}))
def test_the_line_validator_accepts_only_what_raw_line_validate_accepts(
    fields: dict[str, object],
) -> None:
    expected = RawLine(line_no=3, raw="raw", **fields).validate()  # type: ignore[arg-type]
    validator = LineValidator()
    context = validator.context(
        fields["knp"],  # type: ignore[arg-type]
        fields["payer"],  # type: ignore[arg-type]
        fields["paid_on"],  # type: ignore[arg-type]
        fields["channel"],  # type: ignore[arg-type]
    )
    shared_problem = isinstance(expected, LineError) and {p.field for p in expected.problems} & {
        "knp",
        "payer",
        "paid_on",
        "channel",
    }
    assert (context is None) == bool(shared_problem)
    if context is None:
        return
    for _ in range(2):  # the second time from the caches
        line = validator.line(
            context,
            3,
            fields["iin"],  # type: ignore[arg-type]
            fields["period"],  # type: ignore[arg-type]
            fields["amount"],  # type: ignore[arg-type]
            fields["reference"],  # type: ignore[arg-type]
            fields["surname"],  # type: ignore[arg-type]
            None,
            None,
            fields["birth_date"],  # type: ignore[arg-type]
            "raw",
        )
        if line is not None:
            assert line == expected and line.raw == "raw"


@settings(max_examples=2000, deadline=None)
@given(st.text(st.sampled_from("0123456789"), min_size=11, max_size=11), st.integers(0, 9))
def test_the_fast_iin_check_agrees_with_validate(first: str, last: int) -> None:
    number = f"{first}{last}"
    assert kziin.is_valid_compact(number) == kziin.is_valid(number)
    assert has_valid_check_digit(number) == (calc_check_digit(first) == last)
    assert check_digit_of_codes(first.encode()) == calc_check_digit(first)


def test_the_fast_iin_check_needs_a_compact_number() -> None:
    assert kziin.is_valid("900515 300018") and not kziin.is_valid_compact("900515 300018")
    assert not kziin.is_valid_compact("９00515300018")  # a fullwidth digit
    assert not has_valid_check_digit("９00515300018")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 25), min_size=1, max_size=12), st.sampled_from([4, 7, 10]))
def test_long_lines_are_found_without_splitting(lengths: list[int], limit: int) -> None:
    text = "\n".join("x" * n for n in lengths)
    long = [number for number, n in enumerate(lengths, 40) if n > limit]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_io, "MAX_LINE_BYTES", limit)
        if not long:
            _io._check_line_lengths(text, 40)
            return
        with pytest.raises(RegisterError) as raised:
            _io._check_line_lengths(text, 40)
    assert raised.value.line_no == long[0]
