"""What to pay to become insured (R-K-2, R-K-3) as JSON: the options, their payment plans and
the Fund's details."""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from osms.rules import calculator
from osms.rules.calculator import OptionName
from osms.rules.facts import KNP
from osms.views.models.base import (
    SCHEMA_VERSION,
    AnswerModel,
    Iin,
    Money,
    MonthText,
    money,
    money_or_none,
    set_by_the_api,
)


class PlanItem(AnswerModel):
    iin: Iin
    period: MonthText
    period_mt102: str = Field(pattern=r"^\d{6}$", examples=["012025"])
    knp: KNP
    amount: Money


class CalculatorOption(AnswerModel):
    name: OptionName
    months: list[MonthText]
    total: Money
    status_from: dt.date | None = Field(description="First day insured once paid and credited.")
    insured_until: dt.date | None
    cost_per_day: Money | None
    plan: list[PlanItem] = Field(description="One separate payment per month, KNP 122 (R-K-3).")

    @classmethod
    def from_option(cls, option: calculator.Option) -> Self:
        per_day = option.cost_per_day()
        return cls(
            name=option.name,
            months=[str(m) for m in option.months],
            total=money(option.total),
            status_from=option.status_from,
            insured_until=option.insured_until,
            cost_per_day=money_or_none(per_day),
            plan=[
                PlanItem(
                    iin=item.iin,
                    period=str(item.period),
                    period_mt102=item.period.mt102(),
                    knp=item.knp,
                    amount=money(item.amount),
                )
                for item in option.plan
            ],
        )


class Fund(AnswerModel):
    iik: str = Field(examples=["KZ92009MEDS368609103"])
    bin: str = Field(examples=["160440007161"])
    bic: str = Field(examples=["GCVPKZ2A"])
    beneficiary: str

    @classmethod
    def from_details(cls, fund: calculator.FundDetails) -> Self:
        return cls(iik=fund.iik, bin=fund.bin, bic=fund.bic, beneficiary=fund.beneficiary)


class Calculation(AnswerModel):
    """What to pay to become insured (R-K-2, R-K-3), as ``osms calc --json`` prints it."""

    schema_version: int = Field(alias="schema")
    iin: Iin
    date: dt.date
    paid_on: dt.date = Field(description="The options are priced as if paid that day.")
    credited_on: dt.date = Field(description="When payments made that day count (R-T-3).")
    recommended: OptionName | None
    insured: bool = Field(
        description=(
            "Insured on `date`: then only options that extend the status (`minimum_now` when "
            "it lapses before `credited_on`; R-K-2)."
        )
    )
    insured_until: dt.date | None = Field(description="Last insured day if nothing more is paid.")
    provisional: bool = Field(description="An amount rests on an unpublished minimum wage.")
    known: bool | SkipJsonSchema[None] = set_by_the_api(
        "False: the registry holds no record of this IIN yet (no payment, no category). The "
        "public calculator then offers only the prepayments: no month is billed as a debt on "
        "the IIN alone (RULES.md §11). Set by the API; left out by `osms calc --json`."
    )
    options: list[CalculatorOption]
    fund: Fund

    @classmethod
    def from_calculation(
        cls, calculation: calculator.Calculation, *, known: bool | None = None
    ) -> Self:
        """The calculator's answer; ``known`` (whether the registry holds the IIN) is set only
        when the caller knows it, else left out of the JSON."""
        values: dict[str, Any] = {} if known is None else {"known": known}
        return cls(
            **values,
            schema=SCHEMA_VERSION,
            iin=calculation.iin,
            date=calculation.on,
            paid_on=calculation.paid_on,
            credited_on=calculation.credited_on,
            recommended=calculation.recommended,
            insured=calculation.insured,
            insured_until=calculation.insured_until,
            provisional=calculation.provisional,
            options=[CalculatorOption.from_option(o) for o in calculation.options],
            fund=Fund.from_details(calculation.fund),
        )
