"""The Fund's two calculators as JSON: one month's amount (R-K-1) and an employer's penalty
(R-K-4)."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Self, cast

from pydantic import Field
from pydantic.config import JsonDict

from osms.rules import calculator
from osms.rules.amounts import MonthlyAmount as AmountAnswer
from osms.rules.amounts import Payer, part_amount, per_day
from osms.rules.facts import KNP
from osms.rules.month import Month
from osms.views.models.base import (
    SCHEMA_VERSION,
    AnswerModel,
    Money,
    MonthText,
    Number,
    decimal_text,
    money,
    money_or_none,
    with_example,
)
from osms.views.models.calculation import Fund

_FUND_EXAMPLE: JsonDict = {
    "iik": "KZ92009MEDS368609103",
    "bin": "160440007161",
    "bic": "GCVPKZ2A",
    "beneficiary": "НАО «Государственная корпорация «Правительство для граждан»»",
}

AMOUNT_EXAMPLE: JsonDict = {
    "schema": 1,
    "kind": "employer",
    "year": 2026,
    "month": "2026-01",
    "knp": "121",
    "amount": "102000.00",
    "rate": "0.03",
    "base": "3400000.00",
    "income": "5000000.00",
    "cap": "3400000.00",
    "cap_mw": "40",
    "maximum": "102000.00",
    "capped": True,
    "minimum_wage": "85000.00",
    "provisional": False,
    "fund": _FUND_EXAMPLE,
}
"""An employer's deduction on 5 000 000 a month in 2026: capped at 40 MW (SOURCES.md T3)."""

PENALTY_EXAMPLE: JsonDict = {
    "schema": 1,
    "arrears": "21000.00",
    "period": "2023-06",
    "due_on": "2023-07-25",
    "paid_on": "2023-08-04",
    "days": 10,
    "multiplier": "1.25",
    "amount": "120.46",
    "parts": [
        {
            "first": "2023-07-26",
            "last": "2023-08-04",
            "days": 10,
            "base_rate": "16.75",
            "multiplier": "1.25",
            "per_day": "12.05",
            "amount": "120.46",
        }
    ],
    "knp": ["123", "124"],
}
"""SOURCES.md §10 scenario 28: June 2023's 21 000 paid ten days late."""


class MonthlyAmount(AnswerModel):
    """One month's amount by who pays, the year and the income (R-K-1; SOURCES.md T1-T3)."""

    model_config = with_example(AMOUNT_EXAMPLE)

    schema_version: int = Field(alias="schema")
    kind: Payer = Field(description="Who pays.")
    year: int
    month: MonthText = Field(
        description="The month priced: January, or the first month the kind was due that "
        "year (employers: July 2017)."
    )
    knp: Literal["121", "122"] = Field(
        description="121: the employer's deductions; 122: contributions (R-L-2)."
    )
    amount: Money = Field(description="The month's amount: rate × base.")
    rate: Number = Field(description="A fraction: `0.05` is 5 %.", examples=["0.03"])
    base: Money = Field(
        description="What the rate applies to: the MW (self-payer), 1.4 MW (entrepreneur), or "
        "the income up to the cap."
    )
    income: Money | None = Field(description="The monthly income given (income kinds only).")
    cap: Money | None = Field(description="The largest base, in tenge (income kinds only).")
    cap_mw: Number | None = Field(
        description="The same cap in minimum wages: 10 through 2025; from 2026 40 (employer), "
        "20 (employee, summed over all jobs; the self-employed).",
        examples=["40"],
    )
    maximum: Money | None = Field(description="The largest amount of the month (T3).")
    capped: bool = Field(description="The income is above the cap.")
    minimum_wage: Money = Field(description="The year's MW.")
    provisional: bool = Field(
        description="The year's MW is not published yet: the last published one is used and "
        "the amount may change (R-P-1)."
    )
    fund: Fund = Field(description="Where to pay (R-K-3).")

    @classmethod
    def from_amount(cls, answer: AmountAnswer) -> Self:
        cap_mw = answer.cap_mw
        return cls(
            schema=SCHEMA_VERSION,
            kind=answer.payer,
            year=answer.year,
            month=str(answer.month),
            knp=cast(Literal["121", "122"], answer.knp.value),
            amount=money(answer.amount),
            rate=f"{answer.rate}",
            base=money(answer.base),
            income=money_or_none(answer.income),
            cap=money_or_none(answer.cap),
            cap_mw=None if cap_mw is None else decimal_text(cap_mw),
            maximum=money_or_none(answer.maximum),
            capped=answer.capped,
            minimum_wage=money(answer.minimum_wage),
            provisional=answer.provisional,
            fund=Fund.from_details(calculator.FUND),
        )


class PenaltyPart(AnswerModel):
    """Consecutive late days at one base rate and one multiplier (R-K-4)."""

    first: dt.date
    last: dt.date
    days: int = Field(ge=0)
    base_rate: Number = Field(description="The NBK base rate, percent a year.", examples=["16.75"])
    multiplier: Number = Field(description="2.5 before 2018, 1.25 from 2018-01-01 (§12 Q23).")
    per_day: Money = Field(description="arrears × base rate % / 100 × multiplier / 365.")
    amount: Money = Field(
        description="per day × days, rounded once (the parts may differ from the total by a "
        "tiyn each: the total rounds the exact sum)."
    )


class Penalty(AnswerModel):
    """An employer's penalty for deductions or contributions paid late (R-K-4)."""

    model_config = with_example(PENALTY_EXAMPLE)

    schema_version: int = Field(alias="schema")
    arrears: Money = Field(description="The amount paid late.")
    period: MonthText = Field(description="The month of the income.")
    due_on: dt.date = Field(description="The 25th of the following month.")
    paid_on: dt.date
    days: int = Field(ge=0, description="Days late, the day of payment included.")
    multiplier: Number = Field(description="The multiplier in force on the payment day.")
    amount: Money = Field(description="The penalty: the exact sum over the days, rounded once.")
    parts: list[PenaltyPart] = Field(description="The late days by base rate, in order.")
    knp: list[Literal["123", "124"]] = Field(
        description="Pay a penalty on deductions with КНП 123, on contributions with 124."
    )

    @classmethod
    def from_penalty(cls, penalty: calculator.Penalty, period: Month) -> Self:
        """The employer's penalty on the month ``period``, with its parts day by day."""
        return cls(
            schema=SCHEMA_VERSION,
            arrears=money(penalty.arrears),
            period=str(period),
            due_on=penalty.due_on,
            paid_on=penalty.paid_on,
            days=penalty.days,
            multiplier=f"{penalty.multiplier}",
            amount=money(penalty.amount),
            parts=[
                PenaltyPart(
                    first=part.first,
                    last=part.last,
                    days=part.days,
                    base_rate=f"{part.base_rate}",
                    multiplier=f"{part.multiplier}",
                    per_day=money(per_day(penalty, part)),
                    amount=money(part_amount(penalty, part)),
                )
                for part in penalty.parts
            ],
            knp=[KNP.DEDUCTION_PENALTY.value, KNP.CONTRIBUTION_PENALTY.value],
        )
