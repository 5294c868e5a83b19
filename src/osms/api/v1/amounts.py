"""The Fund's two calculators (SOURCES.md §7), public like the check by IIN: no key needed,
limited per IP address (a client that sends its key is limited by its own quota).

- ``GET /amounts?kind=&year=&income=``: one month's amount by who pays, the year and the
  income (R-K-1, SOURCES.md T1-T3), as fms.kz's «МӘМС калькуляторы»;
- ``GET /penalty?arrears=&period=&paid_on=``: an employer's penalty day by day at the NBK
  base rate (R-K-4), as fms.kz/calc/fine.

Nothing is looked up by IIN: no audit is due.  What cannot be read is a 422 whose code names
the input; a day whose base rate is not recorded is a 422 ``parameter.missing`` with that
``date``, never a guess.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query
from fastapi.openapi.models import Example

from osms.api.auth import optional_caller
from osms.api.deps import Today, language
from osms.api.problems import ApiProblem
from osms.api.v1.common import day_query, problems
from osms.rules.amounts import AmountNotDue, Payer
from osms.rules.parameters import ParameterMissing
from osms.services.amounts import (
    FIRST_PAID_ON,
    FIRST_YEAR,
    LAST_DAY,
    LAST_YEAR,
    amount_for,
    parse_period,
    penalty_for,
)
from osms.views.models import IsoDay, MonthlyAmount, Penalty

__all__ = ["router"]

router = APIRouter(tags=["public"], dependencies=[Depends(optional_caller)])
"""Both calculators: open to everyone, limited per IP address or by the key's own quota."""

_PUBLIC: Final[dict[str, Any]] = {
    "responses": problems(401, 422, 429, 503),
    "openapi_extra": {"security": [{}]},
    "dependencies": [Depends(language)],
}
"""The routes' documented errors, their security requirements with no key also accepted, and
``?lang=`` (checked as on every route; the problems' texts read it from the request)."""

_KINDS: Final[dict[str, Example]] = {
    "employer": Example(summary="Employer's deduction (КНП 121)", value="employer"),
    "self_payer": Example(summary="Self-payer: 5 % of the MW", value="self_payer"),
    "entrepreneur": Example(summary="Individual entrepreneur: 5 % of 1.4 MW", value="entrepreneur"),
    "employee": Example(summary="Employee's contribution withheld (КНП 122)", value="employee"),
    "self_employed": Example(
        summary="Self-employed: 1 % of income, from 2026", value="self_employed"
    ),
}

KindQuery = Annotated[
    Payer,
    Query(
        description=(
            "Who pays: `self_payer` (5 % of the MW), `entrepreneur` (5 % of 1.4 MW), "
            "`employer` (3 % of the employee's income, КНП 121), `employee` (2 % withheld, "
            "КНП 122), `self_employed` (1 % of income, from 2026)."
        ),
        openapi_examples=_KINDS,
    ),
]
YearQuery = Annotated[
    int | None,
    Query(
        ge=FIRST_YEAR,
        le=LAST_YEAR,
        description=(
            "The year; default: this year in Kazakhstan. A year before the kind was due is "
            "`amount.not_due` (with `first_month`); a year whose MW is not published yet is "
            "answered with the last published MW, `provisional: true` (R-P-1)."
        ),
        examples=[2026],
    ),
]
IncomeQuery = Annotated[
    str | None,
    Query(
        max_length=32,
        description=(
            "The monthly income in tenge (`250000`, `250 000`, `250000.50`), needed for "
            "`employer`, `employee` (all jobs together) and `self_employed` "
            "(`amount.income_required` without it, `amount.income` when it is not an amount); "
            "ignored for the others."
        ),
        examples=["5000000"],
    ),
]
ArrearsQuery = Annotated[
    str,
    Query(
        max_length=32,
        description="The amount paid late, in tenge, more than zero (`penalty.arrears`).",
        examples=["21000"],
    ),
]
PeriodQuery = Annotated[
    str,
    Query(
        max_length=16,
        description=(
            "The month of the income, `YYYY-MM`, from 2017-07 (`penalty.period`); due by the "
            "25th of the following month."
        ),
        examples=["2023-06"],
    ),
]
PaidOnQuery = Annotated[
    dt.date | None,
    day_query(
        "The day it was paid, YYYY-MM-DD; default: today in Kazakhstan.",
        "2023-08-04",
        first=FIRST_PAID_ON,
        last=LAST_DAY,
    ),
    IsoDay,
]


@router.get(
    "/amounts",
    response_model=MonthlyAmount,
    summary="How much to pay a month (public)",
    description=(
        "One month's amount by who pays, the year and the income, with the rate, the base "
        "and its cap, the largest amount of the month, the КНП and the Fund's details "
        "(R-K-1; SOURCES.md T1-T3): self-payer 5 % of the MW; entrepreneur 5 % of 1.4 MW; "
        "employer 3 % and employee 2 % of income, each base capped at 10 MW through 2025, "
        "from 2026 at 40 MW (employer) and 20 MW (employee, all jobs together); the "
        "self-employed 1 % of income capped at 20 MW from 2026. Limited per IP address like "
        "the public check."
    ),
    **_PUBLIC,
)
def amounts(
    today: Today,
    kind: KindQuery,
    year: YearQuery = None,
    income: IncomeQuery = None,
) -> MonthlyAmount:
    try:
        answer = amount_for(kind, year if year is not None else today.year, income)
    except AmountNotDue as error:
        raise ApiProblem.refusing(error, "year", first_month=str(error.first)) from None
    return MonthlyAmount.from_amount(answer)


@router.get(
    "/penalty",
    response_model=Penalty,
    summary="An employer's penalty for paying late (public)",
    description=(
        "Arrears × base rate % / 100 × multiplier / 365 for each day from the 26th of the "
        "month after `period` up to and including `paid_on`, at the NBK base rate and the "
        "multiplier (2.5 before 2018, 1.25 from 2018) in force that day (R-K-4), with the "
        "days by rate. A day whose base rate is not recorded answers 422 "
        "`parameter.missing` naming it in `date` (and `parameter`: `base_rate`): never a "
        "guess. Limited per IP address like the public check."
    ),
    **_PUBLIC,
)
def penalty(
    today: Today,
    arrears: ArrearsQuery,
    period: PeriodQuery,
    paid_on: PaidOnQuery = None,
) -> Penalty:
    month = parse_period(period)
    try:
        found = penalty_for(arrears, month, paid_on or today)
    except ParameterMissing as error:
        day = error.day.isoformat()
        raise ApiProblem.refusing(error, "paid_on", parameter=error.parameter, date=day) from None
    return Penalty.from_penalty(found, month)
