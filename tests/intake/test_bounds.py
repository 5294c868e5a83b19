"""Bounds: every value a register carries either fits the ledger or is a rejected line (a stable
code, its field, a message in kk/ru/en) or a rejected register, never a crash (R-F-3, R-L-3).
The bounds are those of the ledger's columns; booking such registers is checked end to end."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, String

from osms import i18n
from osms.intake import IntakeLine, LineError, RawLine, RegisterError
from osms.intake.csv_format import CsvReader
from osms.intake.lines import AMOUNT_LIMIT, LINE_CODES, NAME_MAX, has_control
from osms.intake.mt102 import Mt102Reader
from osms.intake.samples import SampleLine, write_csv, write_mt102
from osms.intake.validation import KEY_MAX, REFERENCE_MAX, first_paid_on, paid_on_window
from osms.registry.columns import Money
from osms.registry.ledger import csv_key
from osms.registry.models import Payment, Person
from osms.registry.registers import SENDER_MAX
from osms.rules.facts import KNP, earliest_period, latest_period
from osms.rules.month import Month
from osms.services.registers import book_register

from .helpers import read_all

IVANOV = "900515300018"
AKHMETOVA = "850312401235"
TODAY = date(2026, 12, 7)
PAID = date(2025, 6, 25)


def _mt102(lines: list[SampleLine], **options: object) -> bytes:
    out = io.BytesIO()
    write_mt102(out, lines, "HSBKKZKX", "BOUNDS1", PAID, "122", **options)  # type: ignore[arg-type]
    return out.getvalue()


def _csv(lines: list[SampleLine], **options: object) -> bytes:
    out = io.BytesIO()
    write_csv(out, lines, paid_on=PAID, names=True, **options)  # type: ignore[arg-type]
    return out.getvalue()


def _mt102_results(data: bytes, today: date = TODAY) -> list[IntakeLine | LineError]:
    """The fast reader's results, checked against the general one's."""
    fast = list(Mt102Reader(io.BytesIO(data), today=today).results())
    general = [
        raw.validate(today) for raw in Mt102Reader(io.BytesIO(data), today=today).raw_lines()
    ]
    assert fast == general
    return fast


def _csv_results(data: bytes, today: date = TODAY) -> list[IntakeLine | LineError]:
    fast = list(CsvReader(io.BytesIO(data), today=today).results())
    general = [raw.validate(today) for raw in CsvReader(io.BytesIO(data), today=today).raw_lines()]
    assert fast == general
    return fast


def _codes(results: list[IntakeLine | LineError]) -> list[tuple[str, ...]]:
    return [r.codes if isinstance(r, LineError) else () for r in results]


# -- the bounds are the ledger's columns -------------------------------------------------------


def test_the_bounds_are_the_columns_of_the_ledger() -> None:
    Money().process_bind_param(AMOUNT_LIMIT - Decimal("0.01"), None)
    with pytest.raises(ValueError):
        Money().process_bind_param(Decimal(AMOUNT_LIMIT), None)
    for column in (Person.surname, Person.given_name, Person.patronymic):
        assert isinstance(column.type, String) and column.type.length == NAME_MAX
    key = Payment.idempotency_key.type
    assert isinstance(key, String) and key.length is not None
    assert key.length == KEY_MAX
    # a CSV key keeps the whole reference of any sender (R-L-7): csv:<sender>:<reference>
    assert len(csv_key("s" * SENDER_MAX, "R" * REFERENCE_MAX)) <= KEY_MAX


def test_the_first_payment_date_is_the_first_day_r_l_3_can_check() -> None:
    # the first OSMS payments: employer deductions, for 2017-07 on (R-L-3)
    first = first_paid_on()
    assert first == date(2017, 7, 1) == min(earliest_period(knp) for knp in KNP).first_day()
    assert latest_period(first) == Month(2018, 7)
    assert latest_period(first - timedelta(days=1)) is None  # no R-L-3 bound before OSMS
    assert paid_on_window(TODAY) == (first, TODAY + timedelta(days=1))  # a Monday


# -- amounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "codes"),
    [
        ("999999999999,99", ()),
        ("1000000000000,00", ("line.amount_too_large",)),
        ("1234567890123", ("line.amount_too_large",)),
        ("999999999999999999", ("line.amount_too_large",)),
        ("1234567890123456789", ("line.malformed",)),
        ("6000,001", ("line.malformed",)),
        ("-1000000000000", ("line.amount_not_positive",)),
    ],
)
def test_csv_amounts_are_bounded_like_the_ledger(amount: str, codes: tuple[str, ...]) -> None:
    results = _csv_results(_csv([SampleLine(IVANOV, Month(2025, 5), amount)]))
    assert _codes(results) == [codes]
    if codes:
        error = results[0]
        assert isinstance(error, LineError) and error.field == "amount"


def test_a_13_digit_mt102_amount_is_a_line_and_the_register_then_does_not_add_up() -> None:
    lines = [
        SampleLine(IVANOV, Month(2025, 5), "1234567890123,00"),
        SampleLine(AKHMETOVA, Month(2025, 5), Decimal(6000)),
    ]
    data = _mt102(lines, total=Decimal(6000))
    assert _codes(_mt102_results(data)) == [("line.amount_too_large",), ()]
    read = read_all(data)
    with pytest.raises(RegisterError) as raised:
        read.reader.verify()
    assert raised.value.code == "register.total_mismatch"


@pytest.mark.parametrize("total", ["1000000000000,00", "99999999999999999,00"])
def test_an_mt102_total_of_10_to_the_12_rejects_the_register(total: str) -> None:
    data = _mt102([SampleLine(IVANOV, Month(2025, 5), Decimal(6000))], total=Decimal(6000))
    data = data.replace(b"KZT6000,00\r\n-}", f"KZT{total}\r\n-}}".encode())
    with pytest.raises(RegisterError) as raised:
        read_all(data)
    assert raised.value.code == "register.malformed"
    assert "trailer total" in str(raised.value)


def test_a_csv_total_row_of_10_to_the_12_rejects_the_register() -> None:
    data = _csv([SampleLine(IVANOV, Month(2025, 5), "1000000000000")], total=True)
    with pytest.raises(RegisterError) as raised:
        read_all(data)
    assert raised.value.code == "register.malformed" and "total row" in str(raised.value)
    with pytest.raises(ValueError):
        CsvReader(io.BytesIO(_csv([])), total=Decimal(AMOUNT_LIMIT))
    with pytest.raises(ValueError):
        CsvReader(io.BytesIO(_csv([])), total=Decimal("NaN"))


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "0.001", "1E+30", "sNaN"])
def test_typed_amounts_that_are_not_money_are_rejected(amount: str) -> None:
    error = RawLine(
        line_no=1,
        iin=IVANOV,
        period="2025-05",
        amount=Decimal(amount),
        knp="122",
        payer="990140000007",
        paid_on=PAID,
        channel="terminal",
        reference="csv:1",
    ).validate()
    assert isinstance(error, LineError) and error.field == "amount"
    assert error.code in ("line.malformed", "line.amount_too_large")


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paid_on", "ok"),
    [
        ("9999-12-31", False),
        ("0001-01-01", False),
        ("2000-06-25", False),
        ("2017-01-01", False),
        ("2017-06-30", False),
        ("2017-07-01", True),
        ("2026-12-07", True),  # today
        ("2026-12-08", True),  # a value date on the next working day
        ("2026-12-09", False),  # later: a payment is not made after its register arrives
        ("2027-12-07", False),  # a mistyped year (R-L-3 would then allow 2028-12 periods)
    ],
)
def test_csv_paid_on_outside_the_window_is_a_line(paid_on: str, ok: bool) -> None:
    # the first OSMS month, paid from its first day
    line = SampleLine(IVANOV, Month(2017, 7), Decimal(6000), paid_on=paid_on, knp="121")
    (result,) = _csv_results(_csv([line]))
    if ok:
        assert isinstance(result, IntakeLine)
    else:
        assert isinstance(result, LineError)
        assert (result.codes, result.field) == (("line.paid_on_out_of_range",), "paid_on")


def test_an_mt102_value_date_in_2000_rejects_every_line() -> None:
    data = _mt102(
        [
            SampleLine(IVANOV, Month(2025, 5), Decimal(6000)),
            SampleLine(AKHMETOVA, Month(2025, 5), Decimal(6000)),
        ]
    ).replace(b":32A:250625KZT", b":32A:000625KZT")
    results = _mt102_results(data)
    assert _codes(results) == [("line.paid_on_out_of_range",)] * 2
    assert all(isinstance(r, LineError) and "2000-06-25" in r.message for r in results)
    read = read_all(data)
    assert read.header.paid_on == date(2000, 6, 25)
    assert read.totals.matches and read.totals.accepted == 0


def test_the_upper_date_bound_is_the_next_working_day() -> None:
    """R-L-3, R-T-4: no payment date after the next working day in Kazakhstan (a bank's value
    date may be set for it), however near."""
    line = SampleLine(IVANOV, Month(2030, 5), Decimal(6000), paid_on="2030-05-13")  # a Monday
    assert _codes(_csv_results(_csv([line]), today=date(2030, 5, 10))) == [()]  # a Friday
    [error] = _csv_results(_csv([line]), today=date(2030, 5, 9))
    assert isinstance(error, LineError) and error.codes == ("line.paid_on_out_of_range",)
    assert "2030-05-13 is in the future" in error.message
    assert "later" in i18n.error_message("line.paid_on_out_of_range", "en")


def test_an_mt102_value_date_a_year_ahead_books_nothing() -> None:
    """A December register whose :32A: says 27 for 26 is not booked as paid in 2027."""
    data = _mt102([SampleLine(IVANOV, Month(2026, 11), Decimal(6000))]).replace(
        b":32A:250625KZT", b":32A:271205KZT"
    )
    [error] = _mt102_results(data, today=date(2026, 12, 7))
    assert isinstance(error, LineError) and error.codes == ("line.paid_on_out_of_range",)


# -- text --------------------------------------------------------------------------------------

BAD_NAMES = ["Ива\x00нов", "Ива\x01нов", "Иванов\x7f", "Ив\x85анов", "Ж" * (NAME_MAX + 1)]


@pytest.mark.parametrize("name", BAD_NAMES)
@pytest.mark.parametrize("field", ["surname", "given_name", "patronymic"])
def test_names_the_registry_cannot_keep_are_rejected_lines(name: str, field: str) -> None:
    line = SampleLine(IVANOV, Month(2025, 5), Decimal(6000), **{field: name})
    for results in (_mt102_results(_mt102([line])), _csv_results(_csv([line]))):
        (error,) = results
        assert isinstance(error, LineError)
        assert (error.codes, error.field) == (("line.invalid_text",), field)
        assert not has_control(error.message)


def test_names_that_fit_are_kept() -> None:
    names = ["Ж" * NAME_MAX, "Әбілқайыр\u00a0Нұрлан", " Иванов\t"]
    line = SampleLine(IVANOV, Month(2025, 5), Decimal(6000), names[0], names[1], names[2])
    for results in (_mt102_results(_mt102([line])), _csv_results(_csv([line]))):
        (good,) = results
        assert isinstance(good, IntakeLine)
        assert good.name == (
            "Ж" * NAME_MAX,
            "Әбілқайыр\u00a0Нұрлан",
            "Иванов",
        )


def test_control_characters_in_keys() -> None:
    # :20: is the register's reference: the register is rejected, its message printable
    data = _mt102([SampleLine(IVANOV, Month(2025, 5), Decimal(6000))])
    with pytest.raises(RegisterError) as raised:
        read_all(data.replace(b":20:BOUNDS1", b":20:BOUNDS\x001"))
    assert raised.value.code == "register.malformed" and not has_control(str(raised.value))
    # :21: is a line's: that line is malformed
    results = _mt102_results(data.replace(b":21:1\r\n", b":21:1\x07\r\n"))
    assert [(r.code, r.field) for r in results if isinstance(r, LineError)] == [
        ("line.malformed", "reference")
    ]
    line = SampleLine(IVANOV, Month(2025, 5), Decimal(6000), reference="T\x00-1")
    (error,) = _csv_results(_csv([line]))
    assert isinstance(error, LineError) and (error.code, error.field) == (
        "line.malformed",
        "reference",
    )


def test_every_bound_code_has_its_own_message_in_each_language() -> None:
    for code in ("line.amount_too_large", "line.paid_on_out_of_range", "line.invalid_text"):
        assert code in LINE_CODES
        texts = {lang: i18n.error_message(code, lang) for lang in ("kk", "ru", "en")}
        assert len(set(texts.values())) == 3
        assert all(text != i18n.error_message("no.such_code", lang) for lang, text in texts.items())


# -- booked end to end: nothing reaches the database that it refuses ---------------------------


def test_a_register_of_out_of_bound_values_books_without_error(engine: Engine) -> None:
    lines = [
        SampleLine(IVANOV, Month(2025, 5), Decimal(6000), "Иванов", "Иван"),
        SampleLine(IVANOV, Month(2025, 5), "1234567890123", reference="BIG"),
        SampleLine(IVANOV, Month(2025, 5), Decimal(6000), "Ива\x00нов", reference="NUL"),
        SampleLine(IVANOV, Month(2025, 5), Decimal(6000), "Ж" * 101, reference="LONG"),
        SampleLine(IVANOV, Month(2025, 5), Decimal(6000), paid_on="9999-12-31", reference="END"),
        SampleLine(IVANOV, Month(2025, 5), Decimal(6000), paid_on="0001-01-01", reference="BC"),
        SampleLine(AKHMETOVA, Month(2021, 3), Decimal(2975), knp="183", reference="ESP"),
    ]
    report = book_register(engine, io.BytesIO(_csv(lines)), actor="test", sender="KAZPOST")
    assert (report.lines, report.booked, report.rejected) == (7, 2, 5)
    assert [o.code for o in report.outcomes] == [
        "line.amount_too_large",
        "line.invalid_text",
        "line.invalid_text",
        "line.paid_on_out_of_range",
        "line.paid_on_out_of_range",
    ]
    assert all(not has_control(o.message) for o in report.outcomes)

    mt = _mt102([SampleLine(IVANOV, Month(2025, 5), Decimal(6000))])
    huge = book_register(
        engine,
        io.BytesIO(mt.replace(b"KZT6000,00\r\n-}", b"KZT1000000000000,00\r\n-}")),
        actor="test",
        sender="HSBKKZKX",
    )
    assert (huge.status, huge.reason_code) == ("rejected", "register.malformed")
