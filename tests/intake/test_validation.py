"""Line validation (R-L-3): one test per code, the reporting order, period bounds from the
parameters, text forms, and the value types."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from osms import i18n
from osms.intake import IntakeLine, LineError, LineProblem, RawLine, RegisterError
from osms.intake.lines import LINE_CODES, REGISTER_CODES
from osms.intake.validation import LineValidator, parse_amount, parse_date
from osms.rules.facts import KNP, Channel, earliest_period, latest_period
from osms.rules.month import Month
from osms.rules.parameters import employer_liability_start, liability_start, prepayment_months

FIELDS: dict[str, Any] = {
    "line_no": 7,
    "iin": "900515300018",
    "period": "2025-05",
    "amount": "6000.00",
    "knp": "122",
    "payer": "990140000007",
    "paid_on": "2025-06-25",
    "channel": "terminal",
    "reference": "csv:T-1",
}


def check(**changes: Any) -> IntakeLine | LineError:
    return RawLine(**{**FIELDS, **changes}).validate()


def test_a_good_line() -> None:
    line = check(surname=" Иванов ", given_name="", birth_date="15.05.1990", raw="r")
    assert isinstance(line, IntakeLine) and line.ok
    assert (line.line_no, line.iin, line.period, line.amount) == (
        7,
        "900515300018",
        Month(2025, 5),
        Decimal("6000.00"),
    )
    assert (line.knp, line.channel, line.paid_on) == (
        KNP.CONTRIBUTION,
        Channel.TERMINAL,
        date(2025, 6, 25),
    )
    assert (line.name.surname, line.name.given_name, line.birth_date, line.raw) == (
        "Иванов",
        None,
        date(1990, 5, 15),
        "r",
    )
    assert (line.reference, line.payer) == ("csv:T-1", "990140000007")
    with pytest.raises(FrozenInstanceError):
        line.amount = Decimal(1)  # type: ignore[misc]


def test_typed_values_are_accepted_as_they_are() -> None:
    line = check(
        period=Month(2025, 5),
        amount=Decimal("5"),
        knp=KNP.EMPLOYER_DEDUCTION,
        paid_on=date(2025, 6, 25),
        channel=Channel.EMPLOYER,
        birth_date=date(1990, 5, 15),
    )
    assert isinstance(line, IntakeLine) and line.knp is KNP.EMPLOYER_DEDUCTION


@pytest.mark.parametrize(
    ("changes", "code", "field", "shown"),
    [
        ({"iin": "900515300019"}, "line.invalid_iin", "iin", "900515300019"),
        ({"iin": "12345"}, "line.invalid_iin", "iin", "12345"),
        ({"iin": ""}, "line.invalid_iin", "iin", "''"),
        ({"period": "2025-13"}, "line.invalid_period", "period", "2025-13"),
        ({"period": "May 2025"}, "line.invalid_period", "period", "May 2025"),
        ({"period": "2019-12"}, "line.period_too_early", "period", "2019-12"),
        ({"period": "2017-06", "knp": "121"}, "line.period_too_early", "period", "2017-06"),
        ({"period": "2026-07"}, "line.period_too_late", "period", "2026-07"),
        ({"amount": "0"}, "line.amount_not_positive", "amount", "0"),
        ({"amount": "-0,01"}, "line.amount_not_positive", "amount", "-0,01"),
        ({"knp": "010"}, "line.unknown_knp", "knp", "010"),
        ({"knp": ""}, "line.unknown_knp", "knp", "''"),
        ({"payer": "990140000001"}, "line.invalid_payer", "payer", "990140000001"),
        ({"payer": "900515300019"}, "line.invalid_payer", "payer", "900515300019"),
        ({"payer": "ТОО Пример"}, "line.invalid_payer", "payer", "ТОО Пример"),
        ({"amount": "6000.001"}, "line.malformed", "amount", "6000.001"),
        ({"amount": "1,234"}, "line.malformed", "amount", "1,234"),
        ({"amount": "12345678901234"}, "line.amount_too_large", "amount", "12345678901234"),
        ({"amount": "1000000000000"}, "line.amount_too_large", "amount", "1000000000000"),
        ({"amount": "1234567890123456789"}, "line.malformed", "amount", "1234567890123456789"),
        ({"paid_on": "9999-12-31"}, "line.paid_on_out_of_range", "paid_on", "9999-12-31"),
        ({"paid_on": "01.01.0001"}, "line.paid_on_out_of_range", "paid_on", "0001-01-01"),
        ({"paid_on": "2017-06-30"}, "line.paid_on_out_of_range", "paid_on", "2017-07-01"),
        ({"surname": "Ива\x00нов"}, "line.invalid_text", "surname", "\\x00"),
        ({"given_name": "Иван\x1b[31m"}, "line.invalid_text", "given_name", "\\x1b"),
        ({"patronymic": "Ж" * 101}, "line.invalid_text", "patronymic", "101 characters"),
        ({"paid_on": "2025-02-30"}, "line.malformed", "paid_on", "2025-02-30"),
        ({"paid_on": "yesterday"}, "line.malformed", "paid_on", "yesterday"),
        ({"channel": "atm"}, "line.malformed", "channel", "atm"),
        ({"reference": "  "}, "line.malformed", "reference", "empty"),
        ({"birth_date": "1990-02-30"}, "line.malformed", "birth_date", "1990-02-30"),
        ({"iin": None}, "line.malformed", "iin", "iin"),
        ({"paid_on": None, "channel": None}, "line.malformed", "paid_on", "channel"),
    ],
)
def test_each_code(changes: dict[str, Any], code: str, field: str, shown: str) -> None:
    error = check(**changes)
    assert isinstance(error, LineError) and not error.ok
    assert (error.code, error.field, error.line_no) == (code, field, 7)
    assert error.codes == (code,)
    assert shown in error.message


def test_boundaries_come_from_the_parameters() -> None:
    assert earliest_period(KNP.CONTRIBUTION) == liability_start() == Month(2020, 1)
    assert earliest_period(KNP.CONTRIBUTION_PENALTY) == liability_start()
    assert earliest_period(KNP.EMPLOYER_DEDUCTION) == employer_liability_start() == Month(2017, 7)
    assert earliest_period(KNP.DEDUCTION_PENALTY) == employer_liability_start()
    paid = date(2025, 6, 25)
    assert latest_period(paid) == Month.of(paid) + prepayment_months(Month.of(paid))
    assert isinstance(check(period="2020-01"), IntakeLine)
    assert isinstance(check(period="2017-07", knp="121"), IntakeLine)
    assert isinstance(check(period="2026-06"), IntakeLine)
    assert isinstance(check(period="2017-07", knp="123"), IntakeLine)
    assert isinstance(check(period="2017-07", knp="124"), LineError)


@pytest.mark.parametrize(
    ("period", "paid_on"),
    [("2019-01", "2019-02-10"), ("2023-12", "2024-01-10"), ("2022-03", "2025-06-25")],
)
def test_single_payment_knp_183_is_accepted_in_its_window(period: str, paid_on: str) -> None:
    # R-L-2: the ЕСП (КНП 183) covers months 2019-01 … 2023-12, even before 2020-01
    line = check(knp="183", period=period, paid_on=paid_on)
    assert isinstance(line, IntakeLine)
    assert line.knp is KNP.SINGLE_PAYMENT and line.period == Month.parse(period)
    validator = LineValidator()
    context = validator.context("183", FIELDS["payer"], paid_on, "terminal")
    assert context is not None
    fast = validator.line(
        context, 7, FIELDS["iin"], period, "6000.00", "csv:T-1", None, None, None, None, ""
    )
    assert fast == line


@pytest.mark.parametrize(
    ("period", "paid_on", "codes"),
    [
        ("2018-12", "2019-02-10", ("line.period_outside_esp",)),
        ("2024-01", "2024-01-10", ("line.period_outside_esp",)),
        ("2025-05", "2025-06-25", ("line.period_outside_esp",)),
        # inside the window but more than 12 months after the payment: R-L-3's own limit
        ("2023-12", "2022-06-01", ("line.period_too_late",)),
        ("2026-07", "2025-06-25", ("line.period_outside_esp", "line.period_too_late")),
    ],
)
def test_single_payment_outside_its_window_has_its_own_code(
    period: str, paid_on: str, codes: tuple[str, ...]
) -> None:
    error = check(knp="183", period=period, paid_on=paid_on)
    assert isinstance(error, LineError)
    assert error.codes == codes and error.field == "period"
    assert period in error.message
    if codes[0] == "line.period_outside_esp":
        assert "183" in error.message and "2019-01" in error.message
    validator = LineValidator()
    context = validator.context("183", FIELDS["payer"], paid_on, "terminal")
    assert context is not None
    assert (
        validator.line(
            context, 7, FIELDS["iin"], period, "6000.00", "csv:T-1", None, None, None, None, ""
        )
        is None
    )


def test_the_unknown_knp_message_lists_183() -> None:
    error = check(knp="125")
    assert isinstance(error, LineError) and error.code == "line.unknown_knp"
    assert "183" in error.message
    assert "183" in i18n.error_message("line.unknown_knp", "kk")
    assert "183" in i18n.error_message("line.period_outside_esp", "ru")


def test_payments_before_the_prepayment_parameter_and_at_the_end_of_time() -> None:
    # prepayment_months is known from 2020-01-01; an employer's 2018 payment uses that value.
    line = check(period="2018-03", knp="121", paid_on="2018-04-10")
    assert isinstance(line, IntakeLine)
    too_late = check(period="2019-05", knp="121", paid_on="2018-04-10")
    assert isinstance(too_late, LineError) and too_late.code == "line.period_too_late"
    assert latest_period(date(9999, 12, 31)) is None
    end = check(period="9999-12", paid_on="9999-12-31")  # past any sane payment date
    assert isinstance(end, LineError) and end.codes == ("line.paid_on_out_of_range",)


def test_several_problems_are_reported_in_the_documented_order() -> None:
    error = check(
        iin="900515300019",
        period="2019-12",
        amount="-5",
        knp="122",
        payer="1",
        paid_on="2025-06-25",
        channel="nowhere",
    )
    assert isinstance(error, LineError)
    assert error.codes == (
        "line.malformed",
        "line.invalid_iin",
        "line.period_too_early",
        "line.amount_not_positive",
        "line.invalid_payer",
    )
    assert (error.code, error.field) == ("line.malformed", "channel")
    assert [p.code for p in error.problems] == list(error.codes)
    assert error.amount == Decimal("-5") and error.reference == "csv:T-1"
    assert list(LINE_CODES) == sorted(LINE_CODES, key=LINE_CODES.index)


def test_an_unknown_knp_skips_the_early_check_and_a_bad_date_the_late_one() -> None:
    error = check(knp="999", period="2001-01", paid_on="31.31.2025")
    assert isinstance(error, LineError)
    assert error.codes == ("line.malformed", "line.unknown_knp")


def test_parser_problems_join_and_suppress_missing() -> None:
    problem = LineProblem("line.malformed", "amount", "amount :32B: is in USD, not KZT")
    error = check(amount=None, problems=[problem])
    assert isinstance(error, LineError)
    assert error.problems == (problem,)


def test_text_forms() -> None:
    assert parse_amount(" 6 000,5 ") == Decimal("6000.5")
    assert parse_amount("+7\u00a0000.00") == Decimal("7000.00")
    assert parse_amount("0") == Decimal(0)
    assert parse_amount("12,") == Decimal(12)  # SWIFT allows a bare decimal comma
    for bad in ("", "1.2.3", "1e3", "NaN", "Infinity", "١٢٣", "12,345", "--1"):
        with pytest.raises(ValueError):
            parse_amount(bad)
    assert parse_date("20250625") == parse_date("25.06.2025") == date(2025, 6, 25)
    for bad in ("2025-6-25", "25/06/2025", "0000-01-01", "２０２５-06-25"):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_value_types_check_their_codes() -> None:
    with pytest.raises(ValueError):
        LineError.of([LineProblem("line.nope", "iin", "x")], line_no=1)
    with pytest.raises(ValueError):
        LineError.of([], line_no=1)
    with pytest.raises(ValueError):
        RegisterError("line.malformed", "x")
    error = LineError.of([LineProblem("line.invalid_iin", "iin", "bad")], line_no=3)
    assert error.codes == ("line.invalid_iin",) and error.problems[0].field == "iin"
    again = error.with_problem(LineProblem("line.malformed", "amount", "unreadable"))
    assert again.code == "line.malformed" and again.codes == ("line.malformed", "line.invalid_iin")


@pytest.mark.parametrize("code", [*LINE_CODES, *REGISTER_CODES])
def test_every_code_has_a_translation(code: str) -> None:
    assert code in i18n.ERROR_CODES
    assert i18n.error_message(code, "kk") != i18n.error_message("no.such_code", "kk")


@pytest.mark.parametrize(
    "period", ["\u0662\u0660\u0662\u0665-\u0660\u0665", "２０２５-０５", "０５.２０２５"]
)
def test_a_period_in_other_digits_is_refused_like_any_other_field(period: str) -> None:
    """Other scripts' digits were refused in the IIN, the amount and the dates, but ``\\d`` and
    ``int()`` read them in a period: such a line was booked for May 2025."""
    line = check(period=period)
    assert isinstance(line, LineError) and line.code == "line.invalid_period", line
