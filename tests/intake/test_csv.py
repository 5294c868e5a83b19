"""CSV payment lists (R-F-2): the mixed sample with every line code, encodings, delimiters,
headers, totals and rows that are not payments."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from osms.intake import IntakeLine, LineError, RegisterError, parse_register
from osms.intake.csv_format import CsvReader
from osms.intake.lines import LINE_CODES
from osms.intake.samples import SampleLine, write_csv
from osms.registry.people import WrittenName
from osms.rules.facts import KNP, Channel
from osms.rules.month import Month

from .helpers import MIXED_CSV, read_all

HEADER = "iin,period,amount,knp,payer,paid_on,channel,reference"
GOOD = "900515300018,2025-05,6000.00,122,990140000007,2025-06-25,terminal,T-1"

# line_no -> the codes of the sample's bad lines (the others are good)
EXPECTED_CODES = {
    3: ("line.invalid_iin",),
    4: ("line.invalid_period",),
    5: ("line.period_too_early",),
    7: ("line.period_too_early",),
    8: ("line.period_too_late",),
    10: ("line.amount_not_positive",),
    11: ("line.amount_not_positive",),
    12: ("line.unknown_knp",),
    13: ("line.invalid_payer",),
    14: ("line.duplicate",),
    15: ("line.malformed",),
    16: ("line.malformed",),
    17: ("line.malformed",),
    18: ("line.malformed",),
    19: ("line.invalid_iin", "line.period_too_early", "line.amount_not_positive"),
    21: ("line.period_outside_esp",),
    22: ("line.paid_on_out_of_range",),
    23: ("line.paid_on_out_of_range",),
    24: ("line.invalid_text",),
}


def _csv(*rows: str, newline: str = "\n") -> bytes:
    return (newline.join(rows) + newline).encode("utf-8")


def test_mixed_sample_has_every_line_code() -> None:
    read = read_all(MIXED_CSV.read_bytes())
    assert read.header.format == "csv"
    assert [r.line_no for r in read.results] == list(range(1, 25))
    codes = {r.line_no: r.codes for r in read.bad}
    assert codes == EXPECTED_CODES
    # an amount of 10^12 or more cannot be declared in a total row (test_bounds)
    assert {c for r in read.bad for c in r.codes} == set(LINE_CODES) - {"line.amount_too_large"}

    assert read.totals.lines == 24
    assert (read.totals.accepted, read.totals.rejected) == (5, 19)
    assert read.totals.accepted + read.totals.rejected == read.totals.lines
    assert read.totals.amount == Decimal("118850.00")
    assert read.totals.declared_total == Decimal("118850.00")  # the "# total:" row
    assert read.totals.matches
    assert read.header.line_count is None  # the header was read before the lines
    assert read.reader.header.line_count == 24
    assert read.reader.header.declared_total == Decimal("118850.00")
    assert sum(read.totals.rejected_by_code.values()) == 19


def test_mixed_sample_good_lines() -> None:
    good = {line.line_no: line for line in read_all(MIXED_CSV.read_bytes()).good}
    assert sorted(good) == [1, 2, 6, 9, 20]
    first = good[1]
    assert first == IntakeLine(
        line_no=1,
        iin="900515300018",
        period=Month(2025, 5),
        amount=Decimal("6000.00"),
        knp=KNP.CONTRIBUTION,
        payer="990140000007",
        paid_on=date(2025, 6, 25),
        channel=Channel.TERMINAL,
        reference="csv:T-0001",
        name=WrittenName("Иванов", "Иван", "Иванович"),
        birth_date=date(1990, 5, 15),
    )
    assert first.raw.startswith("900515300018;2025-05;6000,00;")
    assert good[2].name.given_name == "Айгерім" and good[2].name.patronymic is None
    assert good[2].channel is Channel.KAZPOST and good[2].period == Month(2025, 5)
    assert good[6].knp is KNP.EMPLOYER_DEDUCTION and good[6].period == Month(2017, 7)
    assert good[9].period == Month(2026, 6)  # month(paid_on) + 12 is still allowed
    # R-L-2: an ЕСП item (КНП 183) for a month of 2019-01 … 2023-12, paid later
    assert (good[20].knp, good[20].period) == (KNP.SINGLE_PAYMENT, Month(2022, 3))
    assert (good[20].name.surname, good[20].name.given_name) == ("Сейітов", "Ілияс")


def test_mixed_sample_errors_name_field_and_value() -> None:
    bad = {e.line_no: e for e in read_all(MIXED_CSV.read_bytes()).bad}
    assert (bad[3].field, "900515300019" in bad[3].message) == ("iin", True)
    assert bad[3].problems[0].cause == "iin.checksum"
    assert (bad[4].field, "13.2025" in bad[4].message) == ("period", True)
    assert (bad[12].field, "010" in bad[12].message) == ("knp", True)
    assert (bad[13].field, bad[13].problems[0].cause) == ("payer", "bin.checksum")
    assert (bad[15].field, "abc" in bad[15].message) == ("amount", True)
    assert bad[16].field == "paid_on"
    assert (bad[17].field, "atm" in bad[17].message) == ("channel", True)
    assert bad[18].field == "knp" and "reference" in bad[18].message
    assert bad[18].amount == Decimal("6000.00")
    assert bad[14].reference == "csv:T-0001"
    assert (bad[21].field, "2024-01" in bad[21].message) == ("period", True)
    assert (bad[22].field, "9999-12-31" in bad[22].message) == ("paid_on", True)
    assert (bad[23].field, "0001-01-01" in bad[23].message) == ("paid_on", True)
    assert (bad[24].field, "\\x00" in bad[24].message, "\x00" in bad[24].message) == (
        "surname",
        True,
        False,
    )


def test_mixed_sample_in_cp1251_reads_the_same() -> None:
    data = MIXED_CSV.read_bytes()
    cp1251 = data.decode("utf-8").encode("cp1251")
    utf8_read, cp_read = read_all(data), read_all(cp1251)
    assert cp_read.results == utf8_read.results
    assert isinstance(cp_read.reader.parser, CsvReader)
    assert cp_read.reader.parser.encoding == "cp1251"


def test_bom_comma_delimiter_lf_and_any_header_order_and_case() -> None:
    header = "Reference,IIN,Period,Amount,KNP,Payer,Paid_On,Channel"
    row = "T-1,900515300018,052025,6 000.50,122,990140000007,25.06.2025,Bank_App"
    read = read_all(b"\xef\xbb\xbf" + _csv(header, row))
    (line,) = read.good
    assert line.amount == Decimal("6000.50") and line.period == Month(2025, 5)
    assert line.channel is Channel.BANK_APP and line.reference == "csv:T-1"


def test_quoted_cells_and_trailing_delimiters() -> None:
    row = '900515300018;05.2025;"6000,00";122;990140000007;2025-06-25;terminal;"T;1";'
    read = read_all(_csv(HEADER.replace(",", ";") + ";", row, newline="\r\n"))
    (line,) = read.good
    assert line.reference == "csv:T;1" and line.amount == Decimal("6000.00")


def test_total_argument_and_total_row() -> None:
    data = _csv(HEADER, GOOD)
    assert read_all(data, total="6000,00").totals.matches
    mismatch = read_all(data, total=Decimal("6000.01")).totals
    assert not mismatch.matches and mismatch.declared_total == Decimal("6000.01")
    error = mismatch.error()
    assert error is not None and error.code == "register.total_mismatch"

    with_row = _csv(HEADER, GOOD, "# total: 5000.00")
    row_mismatch = read_all(with_row)
    assert row_mismatch.totals.declared_total == Decimal("5000.00")
    with pytest.raises(RegisterError) as raised:
        row_mismatch.reader.verify()
    assert raised.value.code == "register.total_mismatch"
    both = read_all(with_row, total="6000").totals
    assert not both.matches and "total row" in (both.problem or "")
    assert read_all(data).totals.matches  # nothing declared, nothing to reconcile
    assert read_all(data).totals.declared_total is None


def test_blank_rows_are_not_lines_but_comment_rows_are() -> None:
    read = read_all(_csv(HEADER, "", GOOD, ",,,,,,,", "# a note", " ", GOOD.replace("T-1", "T-2")))
    assert [type(r) for r in read.results] == [IntakeLine, LineError, IntakeLine]
    assert read.bad[0].code == "line.malformed" and "comment" in read.bad[0].message
    assert read.totals.lines == 3


def test_extra_cells_are_malformed() -> None:
    (error,) = read_all(_csv(HEADER, GOOD + ",surplus")).bad
    assert (error.code, error.field) == ("line.malformed", "row")


def test_optional_name_columns() -> None:
    out = io.BytesIO()
    line = SampleLine("900515300018", Month(2025, 5), Decimal(6000), "Иванов", "Иван", "", "")
    write_csv(out, [line], paid_on=date(2025, 6, 25), names=True)
    (good,) = read_all(out.getvalue()).good
    assert (good.name.surname, good.name.given_name, good.name.patronymic, good.birth_date) == (
        "Иванов",
        "Иван",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("data", "names"),
    [
        (_csv("iin,period,amount,knp,payer,paid_on,channel"), ["reference"]),
        (_csv(HEADER + ",colour,size", GOOD), ["'colour'", "'size'"]),
        (_csv("iin;period;amount", "1;2;3"), ["knp", "payer", "paid_on", "channel", "reference"]),
        (_csv(HEADER + ",iin", GOOD), ["repeated", "iin"]),
        (_csv(GOOD, GOOD), ["'900515300018'", "missing"]),
    ],
)
def test_unknown_or_missing_columns_reject_the_register(data: bytes, names: list[str]) -> None:
    with pytest.raises(RegisterError) as raised:
        read_all(data, "csv")
    assert raised.value.code == "register.malformed"
    for name in names:
        assert name in str(raised.value)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\r\n\r\n",
        _csv(HEADER),
        _csv(HEADER, GOOD, "# total: 6000", GOOD),
        _csv(HEADER, GOOD, "# total: 6000", "# total: 6000"),
        _csv(HEADER, GOOD, "# total: lots"),
        _csv(HEADER, GOOD) + "Иванов".encode("cp1251") + b"\n" + "Иванов".encode() + b"\n",
        _csv(HEADER, GOOD) + b"x" * 70_000 + b"\n",
    ],
    ids=[
        "empty",
        "blank",
        "header only",
        "line after total",
        "two totals",
        "bad total",
        "mixed encodings",
        "line too long",
    ],
)
def test_malformed_csv_registers(data: bytes) -> None:
    with pytest.raises(RegisterError) as raised:
        read_all(data, "csv")
    assert raised.value.code == "register.malformed"


def test_format_is_detected() -> None:
    assert parse_register(_csv(HEADER, GOOD)).format == "csv"
    assert parse_register(b"\xef\xbb\xbf\n  :20:X\n").format == "mt102"
    assert parse_register(b"{1:F01BANKKZKAXXX}").format == "mt102"


def test_csv_writer_round_trip_with_semicolons_and_commas() -> None:
    lines = [
        SampleLine("900515300018", Month(2025, 5), Decimal("6000.5")),
        SampleLine("850312401235", "2025-13", Decimal(1), reference="dup"),
        SampleLine("850312401235", "2025-04", Decimal(1), reference="dup", channel="kazpost"),
    ]
    out = io.BytesIO()
    total = write_csv(
        out,
        lines,
        paid_on="25.06.2025",
        delimiter=";",
        decimal=",",
        encoding="cp1251",
        total=True,
    )
    read = read_all(out.getvalue())
    assert total == Decimal("6002.5") and read.totals.matches
    assert [type(r).__name__ for r in read.results] == ["IntakeLine", "LineError", "LineError"]
    assert [r.code for r in read.bad] == ["line.invalid_period", "line.duplicate"]
