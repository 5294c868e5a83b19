"""MT102 layout variants banks send (R-F-1): sequence A's /PERIOD/, 5-digit periods, pre-2013
double-slash subfields, and the encodings KZ-1048 and Windows-1251 told apart by the Kazakh
letters.  Each has a small sample file in ``data/``."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from osms.intake import IntakeLine, LineError, RegisterError, _io
from osms.intake.csv_format import CsvReader
from osms.intake.mt102 import Mt102Reader
from osms.intake.samples import SampleLine, write_csv, write_mt102
from osms.rules.month import Month

from .helpers import DATA, read_all

PERIOD_IN_SEQUENCE_A = DATA / "period_in_sequence_a.mt102"
PERIOD_FIVE_DIGITS = DATA / "period_five_digits.mt102"
LEGACY_DOUBLE_SLASH = DATA / "legacy_double_slash.mt102"
KAZAKH_KZ1048 = DATA / "kazakh_names.kz1048.mt102"
KAZAKH_REPLACED_CP1251 = DATA / "kazakh_names_replaced.cp1251.mt102"

IINS = ["870312300016", "921102400015", "900515300018", "950630300012", "010403600011"]


def _results_both_ways(data: bytes) -> list[IntakeLine | LineError]:
    """The results of the fast reader, checked against the general one (raw lines validated)."""
    fast = list(Mt102Reader(io.BytesIO(data)).results())
    general = [raw.validate() for raw in Mt102Reader(io.BytesIO(data)).raw_lines()]
    assert fast == general
    return fast


def _mt102(reader: object) -> Mt102Reader:
    assert isinstance(reader, Mt102Reader)
    return reader


# -- a. /PERIOD/ once in sequence A ------------------------------------------------------------


def test_sequence_a_period_applies_to_every_block_without_its_own() -> None:
    data = PERIOD_IN_SEQUENCE_A.read_bytes()
    read = read_all(data)
    assert _mt102(read.reader.parser).header.period == "052025"
    assert [type(r) for r in read.results] == [IntakeLine] * 4
    # blocks 1, 2: no /PERIOD/; block 3 its own April; block 4 an empty /PERIOD/
    assert [r.period for r in read.good] == [
        Month(2025, 5),
        Month(2025, 5),
        Month(2025, 4),
        Month(2025, 5),
    ]
    assert [r.name.surname for r in read.good] == ["Әбілқайыр", "Өмірзақова", "Иванов", "Сейітов"]
    assert "/PERIOD/" not in read.good[0].raw  # the line's own text, as sent
    assert read.totals.matches and read.totals.amount == Decimal("24000.00")
    assert _results_both_ways(data) == read.results


def test_without_any_period_a_block_is_still_malformed() -> None:
    data = PERIOD_IN_SEQUENCE_A.read_bytes().replace(b"/PERIOD/052025\n", b"", 1)
    read = read_all(data)
    assert [(r.line_no, r.code, r.field) for r in read.bad] == [
        (1, "line.malformed", "period"),
        (2, "line.malformed", "period"),
        (4, "line.invalid_period", "period"),  # an empty /PERIOD/ with nothing to fall back on
    ]
    assert [r.period for r in read.good] == [Month(2025, 4)]


# -- b. a period of five digits ----------------------------------------------------------------


def test_a_five_digit_period_is_month_without_its_leading_zero_and_year() -> None:
    data = PERIOD_FIVE_DIGITS.read_bytes()
    read = read_all(data)
    assert [r.period for r in read.good] == [Month(2025, 5), Month(2025, 1), Month(2024, 12)]
    assert [r.iin for r in read.good] == [*IINS[:2], IINS[4]]
    (error,) = read.bad  # "02025": month 0 is no month, whatever the number of digits
    assert (error.line_no, error.code, error.field) == (4, "line.invalid_period", "period")
    assert "02025" in error.message
    assert _results_both_ways(data) == read.results


def test_a_five_digit_period_in_sequence_a_too() -> None:
    data = PERIOD_IN_SEQUENCE_A.read_bytes().replace(b"/PERIOD/052025\n", b"/PERIOD/52025\n", 1)
    assert [r.period for r in read_all(data).good] == [
        Month(2025, 5),
        Month(2025, 5),
        Month(2025, 4),
        Month(2025, 5),
    ]


# -- c. pre-2013 double-slash subfields --------------------------------------------------------


def test_legacy_double_slash_subfields_read_like_the_modern_ones() -> None:
    legacy = LEGACY_DOUBLE_SLASH.read_bytes()
    assert b"\r\n//FM/" in legacy and b"\r\n//IDN/" in legacy
    read = read_all(legacy)
    assert [type(r) for r in read.results] == [IntakeLine] * 3
    first = read.good[0]
    assert first.name == (
        "Әбілқайыр",
        "Нұрлан",
        "Ғалымжанұлы",
    )
    assert (first.iin, first.birth_date, first.period) == (
        IINS[0],
        date(1987, 3, 12),
        Month(2025, 5),
    )
    modern = read_all(legacy.replace(b"\r\n//", b"\r\n/"))
    assert modern.results == read.results  # raw text differs; it is not compared
    assert _results_both_ways(legacy) == read.results


def test_legacy_double_slash_in_sequence_a() -> None:
    legacy = LEGACY_DOUBLE_SLASH.read_bytes().replace(b"/KNP/122", b"//KNP/122")
    legacy = legacy.replace(b"/IDN/990140000007", b"//IDN/990140000007")
    read = read_all(legacy)
    assert (read.header.knp, read.header.payer) == ("122", "990140000007")
    assert len(read.good) == 3


# -- d. KZ-1048 and Windows-1251 ---------------------------------------------------------------

KAZAKH_SURNAMES = ["ӘБІЛҚАЙЫР", "ӨМІРЗАҚОВА", "ИВАНОВ", "СЕЙІТОВ", "ҚҰРМАНҒАЛИЕВА"]


def test_kz1048_list_reads_the_kazakh_letters_and_names_its_encoding() -> None:
    data = KAZAKH_KZ1048.read_bytes()
    # what a Windows-1251 reading would make of it
    assert "ЈБІЛЌАЙЫР" in data.decode("cp1251") and "ӘБІЛҚАЙЫР" not in data.decode("cp1251")
    read = read_all(data)
    parser = _mt102(read.reader.parser)
    assert parser.encoding == "kz1048"
    assert parser.header.ordering.name == "ТОО «АЛАТАУ ҚҰРЫЛЫС»"
    assert parser.header.purpose == "МӘМС жарналары 2025 жылғы мамыр үшін"
    assert [r.name.surname for r in read.good] == KAZAKH_SURNAMES
    assert [(r.name.given_name, r.name.patronymic) for r in read.good][::4] == [
        ("НҰРЛАН", "ҒАЛЫМЖАНҰЛЫ"),
        ("ӘСЕЛ", "СЕРІКҚЫЗЫ"),
    ]
    assert read.good[3].name.given_name == "ШАҺМАРДАН"
    # the same list in UTF-8 gives the same lines
    utf8 = read_all(data.decode("kz1048").encode("utf-8"))
    assert _mt102(utf8.reader.parser).encoding == "utf-8"
    assert utf8.results == read.results


def test_the_same_list_in_cp1251_reads_as_sent_and_names_cp1251() -> None:
    # Windows-1251 has no Ә Қ Ұ ...: the bank replaced them by Russian look-alikes.
    kz = read_all(KAZAKH_KZ1048.read_bytes())
    cp = read_all(KAZAKH_REPLACED_CP1251.read_bytes())
    assert _mt102(cp.reader.parser).encoding == "cp1251"
    assert [r.name.surname for r in cp.good] == [
        "АБІЛКАЙЫР",
        "ОМІРЗАКОВА",
        "ИВАНОВ",
        "СЕЙІТОВ",
        "КУРМАНГАЛИЕВА",
    ]
    same = [(r.iin, r.period, r.amount, r.reference) for r in kz.good]
    assert [(r.iin, r.period, r.amount, r.reference) for r in cp.good] == same
    assert cp.totals.amount == kz.totals.amount == Decimal("29000.00")


def test_a_kazakh_letter_late_in_a_cp1251_looking_register_makes_it_kz1048(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    russian = [SampleLine(IINS[2], Month(2025, 5), Decimal(6000), "Иванов", "Иван")] * 3000
    kazakh = SampleLine(IINS[0], Month(2025, 5), Decimal(6000), "Әбілқайыр", "Нұрлан")
    lines = [
        SampleLine(s.iin, s.period, s.amount, s.surname, s.given_name, line_ref=str(n))
        for n, s in enumerate([*russian, kazakh], start=1)
    ]
    out = io.BytesIO()
    write_mt102(out, lines, "HSBKKZKX", "LATE1", date(2025, 6, 25), "122", "kz1048")
    data = out.getvalue()
    assert len(data) > _io.CHUNK_BYTES  # the Kazakh letter is not in the first chunk
    for chunk in (_io.CHUNK_BYTES, 4096, 97):
        monkeypatch.setattr(_io, "CHUNK_BYTES", chunk)
        read = read_all(data)
        parser = _mt102(read.reader.parser)
        assert parser.encoding == "kz1048"
        assert parser.header.ordering.name == "ТОО «Пример»"
        assert {r.name.surname for r in read.good[:-1]} == {"Иванов"}
        assert (read.good[-1].name.surname, read.good[-1].name.given_name) == (
            "Әбілқайыр",
            "Нұрлан",
        )


def test_csv_in_kz1048_and_cp1251() -> None:
    lines = [
        SampleLine(IINS[0], Month(2025, 5), Decimal(6000), "Әбілқайыр", "Нұрлан", "Ғалымжанұлы"),
        SampleLine(IINS[2], Month(2025, 5), Decimal(6000), "Иванов", "Иван", "Иванович"),
    ]
    names = [(line.surname, line.given_name, line.patronymic) for line in lines]
    for encoding in ("kz1048", "utf-8"):
        out = io.BytesIO()
        write_csv(out, lines, paid_on="2025-06-25", names=True, encoding=encoding, delimiter=";")
        read = read_all(out.getvalue())
        assert isinstance(read.reader.parser, CsvReader)
        assert read.reader.parser.encoding == encoding
        assert [r.name for r in read.good] == names
    out = io.BytesIO()
    write_csv(out, lines[1:], paid_on="2025-06-25", names=True, encoding="cp1251")
    read = read_all(out.getvalue())
    assert isinstance(read.reader.parser, CsvReader)
    assert read.reader.parser.encoding == "cp1251"
    assert read.good[0].name.surname == "Иванов"


def test_kz1048_bytes_in_a_utf8_register_reject_it() -> None:
    text = read_all(PERIOD_IN_SEQUENCE_A.read_bytes())  # UTF-8 throughout
    assert _mt102(text.reader.parser).encoding == "utf-8"
    data = PERIOD_IN_SEQUENCE_A.read_bytes().replace("Сейітов".encode(), "Сейітов".encode("kz1048"))
    with pytest.raises(RegisterError) as raised:
        read_all(data)
    assert raised.value.code == "register.malformed"
    assert "utf-8" in str(raised.value)
