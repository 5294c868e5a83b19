"""Properties: arbitrary and mutated input ends cleanly, good lines always re-validate, and
accepted + rejected always equals the register's lines (R-F-3)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from osms.intake import (
    IntakeLine,
    LineError,
    RawLine,
    RegisterError,
    parse_register,
)
from osms.intake.lines import LINE_CODES, REGISTER_CODES, Format
from osms.intake.mt102 import Mt102Reader, persons
from osms.intake.register import KeySet
from osms.intake.samples import SampleLine, write_csv, write_mt102
from osms.rules import bin as kzbin
from osms.rules import iin as kziin
from osms.rules.facts import KNP, Channel, period_problem
from osms.rules.month import Month

from .helpers import CSV_LINES, T8_LINES, mutated, t8_utf8

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def check_good_line(line: IntakeLine) -> None:
    """A yielded IntakeLine passes validation again, and an independent look agrees."""
    again = RawLine(
        line_no=line.line_no,
        iin=line.iin,
        period=str(line.period),
        amount=str(line.amount),
        knp=line.knp.value,
        payer=line.payer,
        paid_on=line.paid_on.isoformat(),
        channel=line.channel.value,
        reference=line.reference,
        surname=line.name.surname,
        given_name=line.name.given_name,
        patronymic=line.name.patronymic,
        birth_date=line.birth_date.isoformat() if line.birth_date else None,
    ).validate()
    assert again == line
    assert kziin.is_valid(line.iin) and len(line.iin) == 12
    assert kzbin.is_valid(line.payer) or kziin.is_valid(line.payer)
    assert line.amount > 0
    assert period_problem(line.period, line.knp, line.paid_on) is None  # R-L-3
    assert line.reference.startswith(("mt102:", "csv:"))


def check_error(error: LineError) -> None:
    assert error.code in LINE_CODES and error.codes[0] == error.code
    assert set(error.codes) <= set(LINE_CODES)
    assert list(error.codes) == sorted(error.codes, key=LINE_CODES.index)
    assert error.message and error.field


def exercise(data: bytes, format: Format | None = None) -> list[IntakeLine | LineError] | None:
    """Read everything; only RegisterError may escape (returned as None)."""
    try:
        reader = parse_register(data, format)
        header = reader.header
        results: list[IntakeLine | LineError] = []
        for result in reader.lines():
            if isinstance(result, IntakeLine):
                check_good_line(result)
            else:
                assert isinstance(result, LineError)
                check_error(result)
            results.append(result)
        totals = reader.totals()
    except RegisterError as error:
        assert error.code in REGISTER_CODES
        assert str(error)
        event(f"register rejected: {error.code}")
        return None
    event("register read")
    assert totals.lines == len(results) == totals.accepted + totals.rejected
    assert [r.line_no for r in results] == list(range(1, len(results) + 1))
    assert reader.header.line_count == len(results)
    assert header.format == reader.format
    return results


# -- arbitrary bytes ---------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from([None, "mt102", "csv"]))
def test_arbitrary_bytes_end_cleanly(data: bytes, format: Format | None) -> None:
    exercise(data, format)


@FUZZ
@given(st.sampled_from([b"{1:", b":20:", b"iin,", b"\xef\xbb\xbf"]), st.binary(max_size=2000))
def test_arbitrary_bytes_after_a_plausible_start_end_cleanly(start: bytes, rest: bytes) -> None:
    exercise(start + rest)


# -- mutated registers ------------------------------------------------------------------------


def _encode(text: str, encoding: str, newline: str) -> bytes:
    return text.replace("\n", newline).encode(encoding, "replace")


@FUZZ
@given(
    mutated(T8_LINES),
    st.sampled_from(["utf-8", "cp1251"]),
    st.sampled_from(["\n", "\r\n"]),
)
def test_mutated_mt102_ends_cleanly_and_accounts_for_every_person(
    text: str, encoding: str, newline: str
) -> None:
    results = exercise(_encode(text, encoding, newline), "mt102")
    if results is not None:
        # R-F-3: one result per :21: line of sequence B, none dropped, none invented
        stripped = [line.strip() for line in text.splitlines()]
        assert len(results) == sum(1 for line in stripped if line.startswith(":21:"))


@FUZZ
@given(
    mutated(CSV_LINES),
    st.sampled_from(["utf-8", "cp1251"]),
    st.sampled_from(["\n", "\r\n"]),
)
def test_mutated_csv_ends_cleanly(text: str, encoding: str, newline: str) -> None:
    exercise(_encode(text, encoding, newline), "csv")


# -- generated registers: accepted + rejected == lines in the file ---------------------------

IINS = ["900515300018", "850312401235", "000101500011", "880101300111", "900515300019", "12"]
AMOUNTS: list[Decimal | str] = [
    Decimal("6000"),
    Decimal("0.01"),
    Decimal("17000.50"),
    Decimal(0),
    "-5,00",
    "abc",
    "1,234",
]
PERIODS: list[Month | str] = [
    Month(2025, 5),
    Month(2019, 12),
    Month(2026, 6),
    Month(2026, 7),
    Month(2017, 7),
    "132025",
    "",
]


@st.composite
def sample_lines(draw: st.DrawFn) -> SampleLine:
    return SampleLine(
        iin=draw(st.sampled_from(IINS)),
        period=draw(st.sampled_from(PERIODS)),
        amount=draw(st.sampled_from(AMOUNTS)),
        surname=draw(st.sampled_from(["", "Иванов", "Ахметова"])),
        given_name=draw(st.sampled_from(["", "Айгерім"])),
        birth_date=draw(st.sampled_from([None, date(1990, 5, 15), "1990-02-30"])),
        line_ref=draw(st.sampled_from([None, None, None, "7"])),
        reference=draw(st.sampled_from([None, None, None, "R1", "dup"])),
        channel=draw(st.sampled_from([None, "kazpost", "atm"])),
    )


@settings(max_examples=100, deadline=None)
@given(
    st.lists(sample_lines(), min_size=1, max_size=25),
    st.sampled_from(["mt102", "csv"]),
    st.sampled_from(["utf-8", "cp1251"]),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from([KNP.CONTRIBUTION, KNP.EMPLOYER_DEDUCTION, "010"]),
    st.sampled_from(["990140000007", "990140000001"]),
    st.sampled_from([",", ";"]),
)
def test_accepted_plus_rejected_equals_the_lines_written(
    lines: list[SampleLine],
    format: Format,
    encoding: str,
    newline: str,
    knp: KNP | str,
    payer: str,
    delimiter: str,
) -> None:
    paid_on = date(2025, 6, 25)
    out = io.BytesIO()
    if format == "mt102":
        written = write_mt102(
            out, lines, "BANKKZKA", "REF1", paid_on, knp, encoding, newline, payer=payer
        )
    else:
        written = write_csv(
            out,
            lines,
            paid_on=paid_on,
            knp=knp,
            payer=payer,
            delimiter=delimiter,
            decimal="," if delimiter == ";" else ".",
            encoding=encoding,
            newline=newline,
            names=True,
            total=True,
        )
    assume(written >= 0)  # an MT102 total cannot be negative (nor, in SWIFT, any amount)
    results = exercise(out.getvalue())
    assert results is not None
    assert len(results) == len(lines)

    # the same validator, applied directly, plus the register's duplicate rule
    seen: set[str] = set()
    for position, (line, result) in enumerate(zip(lines, results, strict=True), start=1):
        if format == "mt102":
            key = f"mt102:BANKKZKA:REF1:{line.line_ref or position}"
            channel: str | Channel = Channel.BANK_BRANCH
        else:
            key = f"csv:{line.reference or f'R{position}'}"
            channel = line.channel or Channel.TERMINAL
        expected = RawLine(
            line_no=position,
            iin=line.iin,
            period=line.period,
            amount=line.amount if isinstance(line.amount, str) else f"{line.amount:.2f}",
            knp=knp,
            payer=payer,
            paid_on=paid_on,
            channel=channel,
            reference=key,
            birth_date=line.birth_date,
        ).validate()
        codes = expected.codes if isinstance(expected, LineError) else ()
        if key in seen:
            codes = (*codes, "line.duplicate")
        seen.add(key)
        actual = result.codes if isinstance(result, LineError) else ()
        assert actual == codes, (line, result)

    reader_total = sum((r.amount for r in results if r.amount is not None), start=Decimal(0))
    assert reader_total == written


# -- the MT102 fast path agrees with the general reader ---------------------------------------

BLOCK_PIECES = [
    ":32B:KZT6000,00",
    ":32B:KZT 1,5",
    ":70:",
    ":70:/OPV/C",
    "/FM/Иванов",
    "/FM/ Ив /x/",
    "/NM/Иван",
    "/FT/",
    "/DT/19900515",
    "/IDN/900515300018",
    "/IDN/ 900515300019",
    "/PERIOD/052025",
    "/XX/other",
    "continued",
    ":59:KZ00",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(BLOCK_PIECES), max_size=10), st.sampled_from(["1", "a b", ""]))
def test_the_fast_path_agrees_with_the_general_reader(pieces: list[str], ref: str) -> None:
    reader = Mt102Reader(io.BytesIO(t8_utf8()))
    header = reader.header
    block = [f":21:{ref}".strip(), *pieces]
    raw = "\n".join(block)
    fast = persons.person(1, block, len(block), header)
    general = persons._person_general(1, block, raw, len(block), header)
    assert fast == general


# -- the compact key set is a set --------------------------------------------------------------

keys = st.one_of(
    st.builds(
        "{}{}".format,
        st.sampled_from(["mt102:BANKKZKA:R1:", "csv:T-", "csv:", "csv:T-0", ""]),
        st.one_of(
            st.integers(0, 3000),
            st.integers(0, 10**12),
            st.integers(0, 99).map("{:04d}".format),
        ),
    ),
    st.text(max_size=6),
    st.integers(0, 200).map("p{}:1".format),  # many prefixes (past MAX_BITMAPS)
)


@settings(max_examples=300, deadline=None)
@given(st.lists(keys, max_size=400))
def test_key_set_behaves_like_a_set(items: list[str]) -> None:
    compact, plain = KeySet(), set[str]()
    for key in items:
        assert compact.add(key) == (key not in plain)
        plain.add(key)
    for key in items:
        assert key in compact
    for key in ("csv:T-999999999", "never", "csv:T-1\n", *(k + "0" for k in items[:20])):
        assert (key in compact) == (key in plain)


def test_key_set_is_about_a_byte_per_numbered_key() -> None:
    import tracemalloc

    tracemalloc.start()
    keys_ = KeySet()
    for number in range(1, 20_001):
        assert keys_.add(f"csv:T-{number:06d}")
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert size < 20_000  # 20 000 keys in about 2.5 KiB of bits
    assert not keys_.add("csv:T-000001") and keys_.add("csv:T-1")
