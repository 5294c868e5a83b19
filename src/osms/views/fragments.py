"""The pieces of an answer that the terminal card, the bot and the page all show.

One renderer per fragment, so each is worded once: the status line (R-S-7), the debt lines
(R-S-7, R-L-5), the Fund's payment details (R-K-3) and the notes that go with them (R-T-3,
R-P-1).  Each door lays the pieces out its own way (columns, bullets, a table); the words are
these.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Final

from osms.i18n import (
    N_,
    explain,
    format_money,
    format_month_list,
    label,
    month_name,
    option_label,
    t,
    tn,
)
from osms.rules import parameters
from osms.rules.calculator import Calculation, FundDetails, Option
from osms.rules.status import DebtMonth, Finding, Status

__all__ = [
    "ENDS_NEXT_MONTH",
    "SEPARATE_PAYMENTS",
    "debt_rows",
    "debt_total",
    "fund_details",
    "insured_until",
    "not_billed_note",
    "option_name",
    "provisional_note",
    "status_appears",
    "status_line",
]

ENDS_NEXT_MONTH: Final = N_("Status ends next month: pay now to keep it")
"""The Fund's warning in the last grace month (RULES.md §11)."""

SEPARATE_PAYMENTS: Final = N_(
    "Pay each month as a separate payment and give the IIN, the month and the year."
)
"""R-K-3: one payment per month, each naming its period."""


def option_name(calc: Calculation, option: Option, lang: str) -> str:
    """The option's name as the answer around it allows (R-K-2, R-S-7): "stay insured" only
    to one insured today without a break until the option insures, "the whole debt" only
    when the decision lists a debt."""
    return option_label(
        lang,
        option.name.value,
        insured=calc.insured,
        lapses=calc.lapses_before(option),
        debt=calc.in_debt,
    )


def status_line(status: Status, reason: str, lang: str) -> str:
    """The status in capitals and its reason: ``Status: INSURED · Grace period`` (R-S-7).

    ``reason`` is already in words: the private card adds the category, the public view never
    does (RULES.md §11).  It follows a dot, not parentheses: the Fund's kk and ru words for the
    grace period carry their own ("Льготный период (условно застрахован)").
    """
    return t(lang, "Status") + f": {label(lang, 'status', status.value).upper()} · {reason}"


def debt_rows(debts: Sequence[DebtMonth], lang: str) -> list[tuple[str, str]]:
    """Each unpaid month and what is still due for it, in the language (R-S-7)."""
    return [(month_name(d.month, lang), format_money(d.amount, lang)) for d in debts]


def debt_total(debts: Sequence[DebtMonth], lang: str) -> tuple[str, str]:
    """``Total debt`` and the sum of the debt months."""
    total = sum((d.amount for d in debts), Decimal(0))
    return t(lang, "Total debt"), format_money(total, lang)


def fund_details(fund: FundDetails, beneficiary: str, lang: str) -> list[tuple[str, str]]:
    """The Fund's payment details, each with its name (R-K-3).

    ``beneficiary`` is the payee as this door writes it: the page, the bot and the terminal
    card in the language (:func:`osms.views.public.beneficiary`).
    """
    return [
        (t(lang, "Beneficiary"), beneficiary),
        (t(lang, "IIK"), fund.iik),
        (t(lang, "BIN"), fund.bin),
        (t(lang, "BIC"), fund.bic),
    ]


def insured_until(day: date | None, lang: str) -> str:
    """Until when a person is insured, or that no end is known (an open category, R-S-7).

    >>> insured_until(None, "ru"), insured_until(date(2027, 1, 31), "en")
    ('Застрахован бессрочно', 'Insured until 31 January 2027')
    """
    if day is None:
        return t(lang, "Insured with no end date")
    return t(lang, "Insured until {date}", date=day)


def status_appears(paid_on: date, lang: str) -> str:
    """How soon a payment made on ``paid_on`` gives status: its credit delay (R-T-3)."""
    n = parameters.credit_delay_working_days(paid_on)
    return tn(
        lang,
        "Status appears within {n} working day after payment.",
        "Status appears within {n} working days after payment.",
        n,
    )


def not_billed_note(option: Option, lang: str) -> str | None:
    """The option's months it does not bill, and why (R-K-2: no option bills a covered or a
    pending month), so that "12 months from this month" billing eleven says which one is left
    out; None when the plan bills every month of the option."""
    if not option.not_billed:
        return None
    months = format_month_list(option.not_billed, lang)
    return t(lang, "Not in the plan: {months} (paid already, or not yours to pay).", months=months)


def provisional_note(note: Finding | None, lang: str) -> str | None:
    """The warning shown with amounts that rest on a minimum wage not yet published (R-P-1):
    the note of a calculation or of one option, None when every amount is final."""
    return None if note is None else "⚠ " + explain(note, lang)
