"""MT102 mass payment lists (R-F-1, SOURCES.md T8): the sample message, encodings, layout
variants, register-level rejection and per-line problems."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from osms.intake import IntakeLine, LineError, RegisterError, parse_register
from osms.intake.mt102 import TAIL_BYTES, Mt102Reader, read_trailer
from osms.intake.samples import SampleLine, write_mt102
from osms.registry.people import WrittenName
from osms.rules.facts import KNP, Channel
from osms.rules.month import Month

from .helpers import T8_TOTAL_MISMATCH, read_all, t8_utf8, to_cp1251_crlf

IVANOV = "900515300018"
AKHMETOVA = "850312401235"


def _replace(data: bytes, old: str, new: str) -> bytes:
    text = data.decode("utf-8")
    assert old in text, old
    return text.replace(old, new).encode("utf-8")


# -- the T8 sample ---------------------------------------------------------------------------


def test_t8_sample_utf8_header_lines_and_trailer() -> None:
    read = read_all(t8_utf8())
    header = read.header
    assert header.format == "mt102"
    assert header.sender == "BANKKZKA"
    assert header.reference == "OSMS20250625001"
    assert header.declared_total == Decimal("23000.00")
    assert header.paid_on == date(2025, 6, 25)
    assert header.knp == "122"
    assert header.payer == "990140000007"

    mt = read.reader.parser
    assert isinstance(mt, Mt102Reader)
    assert mt.header.ordering.name == "ТОО «ПРИМЕР»"
    assert mt.header.purpose == "Взносы на ОСМС за май 2025 г."
    assert mt.header.beneficiary.bank == "GCVPKZ2A"
    assert mt.header.beneficiary.account == "KZ92009MEDS368609103"
    assert mt.header.beneficiary.idn == "160440007161"
    assert mt.header.ordering.account == "KZ000000000000000001"
    assert mt.header.document_number == "15"
    assert mt.header.document_date == date(2025, 6, 25)
    assert mt.header.sender_bic == "BANKKZKA"
    assert mt.encoding == "utf-8"

    assert [type(r) for r in read.results] == [IntakeLine, IntakeLine]
    ivanov, akhmetova = read.good
    assert ivanov == IntakeLine(
        line_no=1,
        iin=IVANOV,
        period=Month(2025, 5),
        amount=Decimal("6000.00"),
        knp=KNP.CONTRIBUTION,
        payer="990140000007",
        paid_on=date(2025, 6, 25),
        channel=Channel.BANK_BRANCH,
        reference="mt102:BANKKZKA:OSMS20250625001:1",
        name=WrittenName("Иванов", "Иван", "Иванович"),
        birth_date=date(1990, 5, 15),
    )
    assert "/FM/Иванов" in ivanov.raw and ivanov.raw.startswith(":21:1")
    assert (akhmetova.iin, akhmetova.name.surname, akhmetova.name.given_name) == (
        AKHMETOVA,
        "Ахметова",
        "Айгерім",
    )
    assert akhmetova.name.patronymic is None  # /FT/ is empty
    assert akhmetova.amount == Decimal("17000.00")
    assert akhmetova.reference == "mt102:BANKKZKA:OSMS20250625001:2"

    assert mt.trailer is not None and mt.trailer.total == Decimal("23000.00")
    assert read.totals.lines == 2 and read.totals.accepted == 2 and read.totals.rejected == 0
    assert read.totals.amount == Decimal("23000.00") and read.totals.matches
    assert read.reader.header.line_count == 2
    assert read.reader.verify() == read.totals


def test_t8_sample_in_cp1251_with_crlf_reads_the_same() -> None:
    utf8 = read_all(t8_utf8())
    data = to_cp1251_crlf(t8_utf8())
    assert b"\r\n" in data and "Айгерім".encode("cp1251") in data
    cp1251 = read_all(data)
    assert cp1251.results == utf8.results
    assert [r.raw for r in cp1251.good] == [r.raw for r in utf8.good]
    assert isinstance(cp1251.reader.parser, Mt102Reader)
    assert cp1251.reader.parser.encoding == "cp1251"
    assert cp1251.reader.parser.header.ordering.name == "ТОО «ПРИМЕР»"
    assert cp1251.totals == utf8.totals


def test_bom_trailing_spaces_blank_lines_and_lf_are_tolerated() -> None:
    text = t8_utf8().decode("utf-8")
    noisy = "\ufeff" + "\n".join(f"  {line}   \t" for line in text.splitlines()) + "\n\n"
    noisy = noisy.replace(":21:2", "\n:21:2")  # a blank line inside sequence B
    read = read_all(noisy.encode("utf-8"))
    assert read.results == read_all(t8_utf8()).results


def test_a_message_without_envelope_starts_with_20() -> None:
    text = t8_utf8().decode("utf-8")
    body = text[text.index(":20:") : text.index("-}")]
    read = read_all(body.encode("utf-8"))
    assert [r.iin for r in read.good] == [IVANOV, AKHMETOVA]
    assert read.header.sender == "BANKKZKA"  # from :52B:


def test_envelope_blocks_on_one_line() -> None:
    data = _replace(
        t8_utf8(),
        "{1:F01BANKKZKAXXX0000000000}\n{2:I102SGROSS0000003003}\n{4:\n",
        "{1:F01BANKKZKAXXX0000000000}{2:I102SGROSS0000003003}{3:{108:X}}{4:\n",
    )
    assert len(read_all(data).good) == 2


def test_trailer_blocks_after_the_end_are_allowed() -> None:
    data = t8_utf8() + b"{5:{CHK:123456789ABC}}\n"
    assert len(read_all(data).good) == 2


def test_kazakh_letters_survive_in_utf8_but_cannot_be_written_in_cp1251() -> None:
    line = SampleLine(IVANOV, Month(2025, 5), Decimal(6000), "Қасымұлы", "Ұлан", "Әліұлы")
    out = io.BytesIO()
    write_mt102(out, [line], "BANKKZKA", "R1", date(2025, 6, 25), "122")
    (good,) = read_all(out.getvalue()).good
    assert good.name == ("Қасымұлы", "Ұлан", "Әліұлы")

    with pytest.raises(UnicodeEncodeError):
        write_mt102(io.BytesIO(), [line], "BANKKZKA", "R1", date(2025, 6, 25), "122", "cp1251")
    # What a bank that replaces the letters sends is read as it is (the IIN is what counts).
    lossy = io.BytesIO()
    write_mt102(
        lossy, [line], "BANKKZKA", "R1", date(2025, 6, 25), "122", "cp1251", errors="replace"
    )
    (read_back,) = read_all(lossy.getvalue()).good
    assert read_back.name.surname == "?асым?лы" and read_back.iin == IVANOV


def test_paid_on_is_the_trailer_value_date_not_the_document_date() -> None:
    out = io.BytesIO()
    write_mt102(
        out,
        [SampleLine(IVANOV, Month(2026, 6), Decimal(6000))],
        "BANKKZKA",
        "R1",
        paid_on=date(2025, 7, 1),
        knp="122",
        document_date=date(2025, 6, 30),
    )
    read = read_all(out.getvalue())
    (line,) = read.good  # 2026-06 is within 2025-07 + 12 months
    assert line.paid_on == date(2025, 7, 1)
    assert isinstance(read.reader.parser, Mt102Reader)
    assert read.reader.parser.header.document_date == date(2025, 6, 30)


def test_header_knows_paid_on_and_total_before_reading_the_lines() -> None:
    lines = (SampleLine(IVANOV, Month(2025, 5), Decimal(6000)) for _ in range(20_000))
    out = io.BytesIO()
    write_mt102(out, lines, "BANKKZKA", "BIG1", date(2025, 6, 25), "122")
    counted = _CountingReader(out.getvalue())
    reader = parse_register(counted, "mt102")
    assert reader.header.paid_on == date(2025, 6, 25)
    assert reader.header.declared_total == Decimal("120000000.00")
    assert counted.bytes_read < 300 * 1024 + TAIL_BYTES < len(out.getvalue())


class _CountingReader(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


class _Unseekable(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self._data.read(min(len(buffer), 7))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_non_seekable_streams_and_iterators_of_lines_are_spooled() -> None:
    expected = read_all(t8_utf8()).results
    assert list(parse_register(_Unseekable(t8_utf8())).lines()) == expected
    assert list(parse_register(iter(t8_utf8().splitlines(keepends=True))).lines()) == expected


def test_read_trailer_alone() -> None:
    trailer = read_trailer(io.BytesIO(t8_utf8()))
    assert (trailer.value_date, trailer.currency, trailer.total) == (
        date(2025, 6, 25),
        "KZT",
        Decimal("23000.00"),
    )


# -- channel and sender ----------------------------------------------------------------------


def test_channel_defaults_to_bank_branch_and_can_be_overridden() -> None:
    assert {r.channel for r in read_all(t8_utf8()).good} == {Channel.BANK_BRANCH}
    by_caller = read_all(t8_utf8(), channel=Channel.EMPLOYER)
    assert {r.channel for r in by_caller.good} == {Channel.EMPLOYER}
    in_header = _replace(t8_utf8(), "/PRT/50\n", "/PRT/50\n/CHANNEL/bank_app\n")
    assert {r.channel for r in read_all(in_header).good} == {Channel.BANK_APP}
    with pytest.raises(RegisterError) as raised:
        read_all(_replace(t8_utf8(), "/PRT/50\n", "/PRT/50\n/CHANNEL/pigeon\n"))
    assert raised.value.code == "register.malformed"


def test_the_key_bank_falls_back_to_the_envelope_then_to_the_sender() -> None:
    no_52b = _replace(t8_utf8(), ":52B:BANKKZKA\n", "")
    assert read_all(no_52b).good[0].reference == "mt102:BANKKZKA:OSMS20250625001:1"
    text = no_52b.decode("utf-8")
    bare = text[text.index(":20:") : text.index("-}")].encode("utf-8")
    with pytest.raises(RegisterError, match="sender"):
        read_all(bare)
    assert read_all(bare, sender="HSBKKZKX").good[0].reference.startswith("mt102:HSBKKZKX:")
    eleven = _replace(t8_utf8(), ":52B:BANKKZKA\n", ":52B:BANKKZKAXXX\n")
    assert read_all(eleven).header.sender == "BANKKZKA"


# -- the whole register rejected ------------------------------------------------------------


def test_total_mismatch_rejects_the_register() -> None:
    read = read_all(T8_TOTAL_MISMATCH.read_bytes())
    assert read.totals.lines == 2 and read.totals.accepted == 2
    assert read.totals.declared_total == Decimal("24000.00")
    assert read.totals.amount == Decimal("23000.00")
    assert not read.totals.matches
    error = read.totals.error()
    assert error is not None and error.code == "register.total_mismatch"
    assert "24000" in str(error) and "23000" in str(error)
    with pytest.raises(RegisterError) as raised:
        read.reader.verify()
    assert raised.value.code == "register.total_mismatch"


def test_bad_lines_count_toward_the_total() -> None:
    data = _replace(t8_utf8(), "/IDN/900515300018", "/IDN/900515300019")
    read = read_all(data)
    assert [type(r) for r in read.results] == [LineError, IntakeLine]
    assert read.totals.amount == Decimal("23000.00") and read.totals.matches
    assert read.totals.accepted_amount == Decimal("17000.00")


def _without(data: bytes, *olds: str) -> bytes:
    for old in olds:
        data = _replace(data, old, "")
    return data


MALFORMED_REGISTERS = {
    "empty": b"",
    "only whitespace": b" \r\n\r\n\t",
    "only a BOM": b"\xef\xbb\xbf",
    "csv text": b"iin,period,amount\n900515300018,2025-05,6000\n",
    "no reference": _without(t8_utf8(), ":20:OSMS20250625001\n"),
    "reference with a colon": _replace(t8_utf8(), ":20:OSMS20250625001", ":20:OSMS:1"),
    "no payer": _without(t8_utf8(), "/IDN/990140000007\n"),
    "no KNP": _without(t8_utf8(), "/KNP/122\n"),
    "bad payer bank": _replace(t8_utf8(), ":52B:BANKKZKA", ":52B:BANK KZ"),
    "no trailer": _without(t8_utf8(), ":32A:250625KZT23000,00\n"),
    "trailer in USD": _replace(t8_utf8(), "250625KZT23000,00", "250625USD23000,00"),
    "trailer date": _replace(t8_utf8(), "250625KZT23000,00", "251325KZT23000,00"),
    "trailer amount": _replace(t8_utf8(), "250625KZT23000,00", "250625KZT23.000,00"),
    "no end": _without(t8_utf8(), "-}\n"),
    "text after the end": t8_utf8() + b"garbage\n",
    "a second message": t8_utf8() + t8_utf8(),
    "text after the trailer": _replace(t8_utf8(), "-}", ":21:3\n-}"),
    "no payment lines": _without(
        t8_utf8(), *t8_utf8().decode()[t8_utf8().decode().index(":21:1") :].split(":32A:")[:1]
    ),
    "end before trailer": _replace(t8_utf8(), ":32A:", "-}\n:32A:"),
    "twice the same tag in sequence A": _replace(t8_utf8(), ":57B:GCVPKZ2A", ":52B:GCVPKZ2A"),
    "sequence A text before any tag": _replace(t8_utf8(), "{4:\n", "{4:\nhello\n"),
    "envelope without {4:": b"{1:F01BANKKZKAXXX0000000000}\n{2:I102SGROSS0000003003}\n",
    "envelope not {1:": _replace(t8_utf8(), "{1:F01", "{9:F01"),
    "utf-8 then cp1251 bytes": _replace(t8_utf8(), "/FM/Иванов", "/FM/").replace(
        b"/FM/\n", b"/FM/" + "Иванов".encode("cp1251") + b"\n"
    ),
    "undecodable in cp1251": to_cp1251_crlf(t8_utf8()).replace(b"/FT/\r\n", b"/FT/\x98\r\n"),
    "a line too long": _replace(t8_utf8(), "/ASSIGN/", "/ASSIGN/" + "x" * 70_000),
}


@pytest.mark.parametrize("data", MALFORMED_REGISTERS.values(), ids=MALFORMED_REGISTERS.keys())
def test_malformed_registers_are_rejected_whole(data: bytes) -> None:
    with pytest.raises(RegisterError) as raised:
        read_all(data, "mt102")
    assert raised.value.code == "register.malformed"
    assert str(raised.value)


def test_empty_register_is_rejected_before_format_detection() -> None:
    with pytest.raises(RegisterError, match="empty"):
        parse_register(b"\r\n")


# -- problems of single lines ----------------------------------------------------------------


def _line_errors(data: bytes) -> list[LineError]:
    read = read_all(data)
    assert read.totals.lines == len(read.results)
    return read.bad


def test_missing_iin_tag_is_malformed_and_the_other_line_is_kept() -> None:
    data = _without(t8_utf8(), "/IDN/900515300018\n")
    read = read_all(data)
    assert [type(r) for r in read.results] == [LineError, IntakeLine]
    (error,) = read.bad
    assert (error.code, error.field, error.line_no) == ("line.malformed", "iin", 1)
    assert "iin" in error.message and "/FM/Иванов" in error.raw
    assert error.reference == "mt102:BANKKZKA:OSMS20250625001:1"
    assert error.amount == Decimal("6000.00")


@pytest.mark.parametrize(
    ("old", "new", "code", "field"),
    [
        (":32B:KZT6000,00", ":32B:USD6000,00", "line.malformed", "amount"),
        (":32B:KZT6000,00", ":32B:6000,00", "line.malformed", "amount"),
        (":32B:KZT6000,00", ":32B:KZT6 000 руб", "line.malformed", "amount"),
        (":32B:KZT6000,00", ":32B:KZT0,00", "line.amount_not_positive", "amount"),
        (":32B:KZT6000,00", ":32B:KZT-6000,00", "line.amount_not_positive", "amount"),
        (":21:1\n", ":21:1 a\n", "line.malformed", "reference"),
        ("/PERIOD/052025\n:21:2", "/PERIOD/132025\n:21:2", "line.invalid_period", "period"),
        ("/PERIOD/052025\n:21:2", "/PERIOD/122019\n:21:2", "line.period_too_early", "period"),
        ("/PERIOD/052025\n:21:2", "/PERIOD/072026\n:21:2", "line.period_too_late", "period"),
        ("/PERIOD/052025\n:21:2", ":21:2", "line.malformed", "period"),
        ("/DT/19900515", "/DT/19901515", "line.malformed", "birth_date"),
        ("/IDN/900515300018", "/IDN/900515300019", "line.invalid_iin", "iin"),
        ("/FM/Иванов\n", "/FM/Иванов\n/FM/Петров\n", "line.malformed", "surname"),
        (":70:\n/FM/Иванов", "/FM/Иванов", "line.malformed", "surname"),
        (":32B:KZT6000,00\n", ":32B:KZT6000,00\n:32B:KZT1,00\n", "line.malformed", "amount"),
        (":32B:KZT6000,00\n", ":32B:KZT6000,00\nextra text\n", "line.malformed", "amount"),
    ],
)
def test_a_bad_person_block_is_one_line_error(old: str, new: str, code: str, field: str) -> None:
    read = read_all(_replace(t8_utf8(), old, new))
    assert len(read.results) == 2
    first = read.results[0]
    assert isinstance(first, LineError), first
    assert (first.code, first.field, first.line_no) == (code, field, 1)
    assert isinstance(read.results[1], IntakeLine)


def test_other_tags_and_flags_inside_a_block_are_ignored() -> None:
    data = _replace(t8_utf8(), ":21:1\n", ":21:1\n:59:KZ00\n/IDN/160440007161\n")
    data = _replace(data, ":70:\n/FM/Иванов", ":70:/OPV/C\n/FM/Иванов")
    first = read_all(data).results[0]
    assert isinstance(first, IntakeLine) and first.iin == IVANOV


def test_wrapped_subfield_text_is_joined() -> None:
    data = _replace(t8_utf8(), "/FT/Иванович", "/FT/Ивано\nвич")
    assert read_all(data).good[0].name.patronymic == "Иванович"


def test_header_knp_and_payer_apply_to_every_line() -> None:
    unknown = read_all(_replace(t8_utf8(), "/KNP/122", "/KNP/010"))
    assert [r.code for r in unknown.bad] == ["line.unknown_knp"] * 2
    payer = read_all(_replace(t8_utf8(), "/IDN/990140000007", "/IDN/990140000001"))
    assert [(r.code, r.field) for r in payer.bad] == [("line.invalid_payer", "payer")] * 2
    penalty = read_all(_replace(t8_utf8(), "/KNP/122", "/KNP/124"))
    assert {r.knp for r in penalty.good} == {KNP.CONTRIBUTION_PENALTY}


def test_single_payment_knp_183_in_an_mt102_list() -> None:
    # R-L-2, R-L-3: ЕСП months are 2019-01 … 2023-12; May 2025 is outside them
    esp = _replace(t8_utf8(), "/KNP/122", "/KNP/183")
    outside = read_all(esp)
    assert [(r.code, r.field) for r in outside.bad] == [("line.period_outside_esp", "period")] * 2
    inside = read_all(_replace(esp, "/PERIOD/052025\n:21:2", "/PERIOD/122023\n:21:2"))
    assert [type(r) for r in inside.results] == [IntakeLine, LineError]
    (line,) = inside.good
    assert (line.knp, line.period, line.iin) == (KNP.SINGLE_PAYMENT, Month(2023, 12), IVANOV)


def test_the_same_line_number_twice_is_a_duplicate() -> None:
    read = read_all(_replace(t8_utf8(), ":21:2", ":21:1"))
    assert isinstance(read.results[0], IntakeLine)
    second = read.results[1]
    assert isinstance(second, LineError)
    assert (second.code, second.line_no) == ("line.duplicate", 2)
    assert second.reference == "mt102:BANKKZKA:OSMS20250625001:1"
    assert read.totals.amount == Decimal("23000.00")


def test_line_numbers_are_positions_whatever_21_says() -> None:
    read = read_all(_replace(_replace(t8_utf8(), ":21:1\n", ":21:A7\n"), ":21:2\n", ":21:05\n"))
    assert [r.line_no for r in read.good] == [1, 2]
    assert [r.reference.rsplit(":", 1)[1] for r in read.good] == ["A7", "05"]


def test_an_overlong_block_is_one_malformed_line() -> None:
    data = _replace(t8_utf8(), "/FT/Иванович\n", "/FT/Иванович\n" + "/XX/1\n" * 150)
    first = read_all(data).results[0]
    assert isinstance(first, LineError) and first.code == "line.malformed"
    assert first.raw.count("\n") < 110


def test_lines_can_be_read_only_once() -> None:
    reader = parse_register(t8_utf8())
    list(reader.lines())
    with pytest.raises(RuntimeError):
        list(reader.lines())


def test_totals_need_the_lines_read_first() -> None:
    reader = parse_register(t8_utf8())
    with pytest.raises(RuntimeError):
        reader.totals()
