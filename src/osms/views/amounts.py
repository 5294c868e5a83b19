"""How the Fund's two calculators are shown: the lines of the command line, and the words the
page, the command line and the API share (:data:`AMOUNT_MESSAGES`); their JSON is
:mod:`osms.views.models`.

The words come from the gettext catalogs (``osms.i18n``); nothing here decides anything.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from osms.i18n import N_, error_message, format_date, format_money, label, month_name, t
from osms.rules.amounts import MonthlyAmount, Payer, part_amount, per_day
from osms.rules.calculator import Penalty
from osms.rules.month import Month
from osms.rules.parameters import ParameterMissing

__all__ = [
    "AMOUNTS_TITLE",
    "AMOUNT_MESSAGES",
    "PENALTY_TITLE",
    "amount_lines",
    "base_rate_missing",
    "number",
    "payer_name",
    "penalty_lines",
    "percent",
]

AMOUNTS_TITLE: Final = N_("OSMS calculator")
PENALTY_TITLE: Final = N_("Penalty calculator")
AMOUNTS_INTRO: Final = N_(
    "The monthly amount of contributions or deductions by who pays, the year and the income."
)
PENALTY_INTRO: Final = N_(
    "The penalty an employer pays on deductions and contributions paid after the 25th of the "
    "following month: for every day late, the day of payment included, at the National "
    "Bank's base rate of that day multiplied by the multiplier in force (shown in the "
    "calculation)."
)
WHO_PAYS: Final = N_("Who pays")
YEAR: Final = N_("Year")
INCOME: Final = N_("Monthly income")
INCOME_HINT: Final = N_(
    "For an employer, an employee or the self-employed: the month's income in tenge; an "
    "employee's income from all jobs together."
)
CALCULATE: Final = N_("Calculate")
MONTHLY_AMOUNT: Final = N_("Monthly amount")
RATE: Final = N_("Rate")
BASE: Final = N_("Calculation base")
CAP: Final = N_("The base is capped at {cap_mw} minimum wages: {cap}")
MAXIMUM: Final = N_("Largest amount a month")
CAPPED: Final = N_("The income is above the cap: this is the largest amount of the month.")
MINIMUM_WAGE: Final = N_("Minimum wage of {year}: {amount}")
PROVISIONAL: Final = N_(
    "The minimum wage of {year} is not published yet: the last published one is used, and "
    "the amount may change."
)
EMPLOYER: Final = N_("Employer: deductions for an employee")
EMPLOYEE: Final = N_("Employee: contributions withheld by the employer")
ARREARS: Final = N_("Amount owed")
DUE_ON: Final = N_("Due date")
DAYS_LATE: Final = N_("Days late")
PENALTY: Final = N_("Penalty")
BASE_RATE: Final = N_("Base rate")
MULTIPLIER: Final = N_("Multiplier")
PER_DAY: Final = N_("Per day")
DAYS: Final = N_("Days")
FIRST_DAY: Final = N_("First day")
LAST_DAY: Final = N_("Last day")
ON_TIME: Final = N_("Paid on time: no penalty.")
RATE_MISSING: Final = N_(
    "The National Bank's base rate for {date} is not recorded yet: the penalty for a payment "
    "on that day or later cannot be computed."
)
PENALTY_KNP: Final = N_("Pay the penalty with KNP 123 (deductions) or 124 (contributions).")

AMOUNT_MESSAGES: Final[tuple[str, ...]] = (
    AMOUNTS_TITLE,
    PENALTY_TITLE,
    AMOUNTS_INTRO,
    PENALTY_INTRO,
    WHO_PAYS,
    YEAR,
    INCOME,
    INCOME_HINT,
    CALCULATE,
    MONTHLY_AMOUNT,
    RATE,
    BASE,
    CAP,
    MAXIMUM,
    CAPPED,
    MINIMUM_WAGE,
    PROVISIONAL,
    EMPLOYER,
    EMPLOYEE,
    ARREARS,
    DUE_ON,
    DAYS_LATE,
    PENALTY,
    BASE_RATE,
    MULTIPLIER,
    PER_DAY,
    DAYS,
    FIRST_DAY,
    LAST_DAY,
    ON_TIME,
    RATE_MISSING,
    PENALTY_KNP,
)
"""The msgids of the calculators, for the command line's check of its own texts."""

_OWN_NAMES: Final = {Payer.EMPLOYER: EMPLOYER, Payer.EMPLOYEE: EMPLOYEE}


def payer_name(payer: Payer, lang: str) -> str:
    """Who pays, in the language: the payer kinds' own names, and the calculator's two sides
    of a salary (the employer's deductions, the employee's withheld contributions).

    >>> payer_name(Payer.SELF_PAYER, "kk"), payer_name(Payer.EMPLOYER, "en")
    ('Дербес төлеуші', 'Employer: deductions for an employee')
    """
    own = _OWN_NAMES.get(payer)
    return t(lang, own) if own is not None else label(lang, "payer_kind", payer.value)


def percent(rate: Decimal, lang: str) -> str:
    """A fraction as a percentage, with the language's decimal sign: ``0.015`` → ``1,5 %``.

    >>> percent(Decimal("0.015"), "ru"), percent(Decimal("0.03"), "en")
    ('1,5\\xa0%', '3\\xa0%')
    """
    text = f"{(rate * 100).normalize():f}"
    if lang != "en":
        text = text.replace(".", ",")
    return f"{text}\u00a0%"


def number(value: Decimal, lang: str) -> str:
    """A decimal as written in the language, without trailing zeros: ``1.25`` → ``1,25``.

    >>> number(Decimal("40"), "kk"), number(Decimal("1.250"), "ru"), number(Decimal("2.5"), "en")
    ('40', '1,25', '2.5')
    """
    text = f"{value.normalize():f}"
    return text if lang == "en" else text.replace(".", ",")


def base_rate_missing(error: ParameterMissing, lang: str) -> str:
    """Why a penalty cannot be computed: the first day without a recorded base rate (R-K-4)."""
    if error.parameter != "base_rate":
        return error_message(error.code, lang)
    return t(lang, RATE_MISSING, date=format_date(error.day, lang))


def amount_lines(answer: MonthlyAmount, lang: str) -> list[str]:
    """The month's amount for a terminal, in the language."""
    lines = [
        f"{payer_name(answer.payer, lang)} · {t(lang, YEAR)} {answer.year}",
        f"{t(lang, MONTHLY_AMOUNT)}: {format_money(answer.amount, lang)}",
        f"{t(lang, RATE)}: {percent(answer.rate, lang)}",
        f"{t(lang, BASE)}: {format_money(answer.base, lang)}",
    ]
    if answer.month.month != 1:
        lines.append(t(lang, "Month") + f": {month_name(answer.month, lang)}")
    if answer.cap is not None and answer.cap_mw is not None:
        cap = format_money(answer.cap, lang)
        lines.append(t(lang, CAP, cap_mw=number(answer.cap_mw, lang), cap=cap))
    maximum = answer.maximum
    if maximum is not None:
        lines.append(f"{t(lang, MAXIMUM)}: {format_money(maximum, lang)}")
    if answer.capped:
        lines.append(t(lang, CAPPED))
    wage = format_money(answer.minimum_wage, lang)
    lines.append(t(lang, MINIMUM_WAGE, year=answer.year, amount=wage))
    lines.append(t(lang, "KNP") + f": {answer.knp.value} — {label(lang, 'knp', answer.knp.value)}")
    if answer.provisional:
        lines.append("⚠ " + t(lang, PROVISIONAL, year=answer.year))
    return lines


def penalty_lines(penalty: Penalty, period: Month, lang: str) -> list[str]:
    """The employer's penalty on the month ``period`` for a terminal, part by part."""
    lines = [
        f"{t(lang, ARREARS)}: {format_money(penalty.arrears, lang)}",
        t(lang, "Period") + f": {month_name(period, lang)}",
        f"{t(lang, DUE_ON)}: {format_date(penalty.due_on, lang)}",
        t(lang, "Paid on") + f": {format_date(penalty.paid_on, lang)}",
        f"{t(lang, DAYS_LATE)}: {penalty.days}",
        f"{t(lang, PENALTY)}: {format_money(penalty.amount, lang)}",
    ]
    if not penalty.parts:
        lines.append(t(lang, ON_TIME))
        return lines
    lines.append("")
    for part in penalty.parts:
        rate = f"{number(part.base_rate, lang)}\u00a0% × {number(part.multiplier, lang)}"
        lines.append(
            f"  {format_date(part.first, lang)} – {format_date(part.last, lang)}: "
            f"{t(lang, DAYS)}: {part.days} · {t(lang, BASE_RATE)}: {rate} · "
            f"{t(lang, PER_DAY)}: {format_money(per_day(penalty, part), lang)} · "
            f"{format_money(part_amount(penalty, part), lang)}"
        )
    lines.append("")
    lines.append(t(lang, PENALTY_KNP))
    return lines
