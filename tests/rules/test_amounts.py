"""R-K-1: the Fund's contributions calculator, one month by payer, year and income, against
SOURCES.md T1 (MW and the fixed amounts), T2 (rates and caps) and T3 (the largest amounts);
and the per-day figures of the penalty calculator (R-K-4, SOURCES.md §7, §8)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osms.rules.amounts import (
    AmountNotDue,
    IncomeRequired,
    InvalidIncome,
    Payer,
    monthly_amount,
    part_amount,
    per_day,
)
from osms.rules.calculator import employer_penalty
from osms.rules.facts import KNP
from osms.rules.month import Month

# SOURCES.md T1: self-payer 5 % MW, IE 5 % × 1.4 MW.
SELF_PAYER = {2020: 2125, 2021: 2125, 2022: 3000, 2023: 3500, 2024: 4250, 2025: 4250, 2026: 4250}
ENTREPRENEUR = {2020: 2975, 2021: 2975, 2022: 4200, 2023: 4900, 2024: 5950, 2025: 5950, 2026: 5950}
# SOURCES.md T3: the largest monthly amounts per employee.
EMPLOYER_MAX = {2022: 18000, 2023: 21000, 2024: 25500, 2025: 25500, 2026: 102000}
EMPLOYEE_MAX = {2022: 12000, 2023: 14000, 2024: 17000, 2025: 17000, 2026: 34000}
HUGE = Decimal("100000000")


@pytest.mark.parametrize(("year", "amount"), SELF_PAYER.items())
def test_self_payer_pays_5_percent_of_the_minimum_wage(year: int, amount: int) -> None:
    answer = monthly_amount(Payer.SELF_PAYER, year)
    assert answer.amount == Decimal(amount)
    assert (answer.rate, answer.knp, answer.month) == (
        Decimal("0.05"),
        KNP.CONTRIBUTION,
        Month(year, 1),
    )
    assert answer.base == answer.minimum_wage
    assert answer.cap is None and answer.maximum is None and not answer.capped


@pytest.mark.parametrize(("year", "amount"), ENTREPRENEUR.items())
def test_entrepreneur_pays_5_percent_of_1_4_minimum_wages(year: int, amount: int) -> None:
    answer = monthly_amount(Payer.ENTREPRENEUR, year)
    assert answer.amount == Decimal(amount)
    assert answer.base == answer.minimum_wage * Decimal("1.4")


def test_a_fixed_amount_ignores_the_income() -> None:
    assert monthly_amount(Payer.SELF_PAYER, 2024, HUGE).amount == Decimal(4250)
    assert monthly_amount(Payer.SELF_PAYER, 2024, HUGE).income is None


@pytest.mark.parametrize(("year", "amount"), EMPLOYER_MAX.items())
def test_employer_deduction_is_capped_as_in_T3(year: int, amount: int) -> None:
    answer = monthly_amount(Payer.EMPLOYER, year, HUGE)
    assert (answer.amount, answer.maximum, answer.capped) == (Decimal(amount),) * 2 + (True,)
    assert answer.knp is KNP.EMPLOYER_DEDUCTION


@pytest.mark.parametrize(("year", "amount"), EMPLOYEE_MAX.items())
def test_employee_contribution_is_capped_as_in_T3(year: int, amount: int) -> None:
    answer = monthly_amount(Payer.EMPLOYEE, year, HUGE)
    assert (answer.amount, answer.maximum) == (Decimal(amount), Decimal(amount))
    assert answer.knp is KNP.CONTRIBUTION


def test_caps_are_10_minimum_wages_through_2025_then_40_and_20() -> None:
    """R-K-1: employer and employee 10 MW each through 2025; from 2026 40 MW and 20 MW."""
    caps = {
        (payer, year): (
            monthly_amount(payer, year, HUGE).cap_mw,
            monthly_amount(payer, year, HUGE).cap,
        )
        for payer in (Payer.EMPLOYER, Payer.EMPLOYEE)
        for year in (2025, 2026)
    }
    assert caps == {
        (Payer.EMPLOYER, 2025): (Decimal(10), Decimal(850000)),
        (Payer.EMPLOYEE, 2025): (Decimal(10), Decimal(850000)),
        (Payer.EMPLOYER, 2026): (Decimal(40), Decimal(3400000)),
        (Payer.EMPLOYEE, 2026): (Decimal(20), Decimal(1700000)),
    }


def test_below_the_cap_the_rates_apply_to_the_whole_income() -> None:
    """300 000 a month in 2024: 3 % = 9 000 by the employer, 2 % = 6 000 withheld."""
    employer = monthly_amount(Payer.EMPLOYER, 2024, Decimal(300000))
    employee = monthly_amount(Payer.EMPLOYEE, 2024, Decimal(300000))
    assert (employer.amount, employer.base, employer.capped) == (
        Decimal(9000),
        Decimal(300000),
        False,
    )
    assert (employee.amount, employee.rate) == (Decimal(6000), Decimal("0.02"))


def test_in_2026_an_income_between_20_and_40_wages_caps_only_the_employee() -> None:
    employer = monthly_amount(Payer.EMPLOYER, 2026, Decimal(2500000))
    employee = monthly_amount(Payer.EMPLOYEE, 2026, Decimal(2500000))
    assert (employer.amount, employer.capped) == (Decimal(75000), False)
    assert (employee.amount, employee.capped) == (Decimal(34000), True)


def test_the_early_employer_years_of_T2() -> None:
    """1 % from July 2017 and 1.5 % in 2018 on a base capped at 15 MW; 10 MW from 2019;
    employees' 1 % in 2020 (T2)."""
    july = monthly_amount(Payer.EMPLOYER, 2017, HUGE)
    assert (july.month, july.rate, july.cap) == (Month(2017, 7), Decimal("0.01"), Decimal(366885))
    assert july.amount == Decimal("3668.85")
    assert monthly_amount(Payer.EMPLOYER, 2018, HUGE).amount == Decimal(
        "6363.90"
    )  # 1.5 % × 424 260
    assert monthly_amount(Payer.EMPLOYER, 2019, HUGE).amount == Decimal(
        "6375.00"
    )  # 1.5 % × 425 000
    assert monthly_amount(Payer.EMPLOYEE, 2020, HUGE).amount == Decimal("4250.00")  # 1 % × 425 000


def test_self_employed_pay_1_percent_of_income_capped_at_20_wages() -> None:
    """SOURCES.md R4.7, T2: 1 % of income, base ≤ 20 MW, from 2026."""
    answer = monthly_amount(Payer.SELF_EMPLOYED, 2026, Decimal(250000))
    assert (answer.amount, answer.rate, answer.knp) == (
        Decimal(2500),
        Decimal("0.01"),
        KNP.CONTRIBUTION,
    )
    capped = monthly_amount(Payer.SELF_EMPLOYED, 2026, Decimal(2000000))
    assert (capped.amount, capped.cap, capped.cap_mw, capped.capped) == (
        Decimal(17000),
        Decimal(1700000),
        Decimal(20),
        True,
    )
    assert monthly_amount(Payer.SELF_EMPLOYED, 2026, Decimal(0)).amount == 0


@pytest.mark.parametrize(
    ("payer", "year", "first"),
    [
        (Payer.SELF_PAYER, 2019, Month(2020, 1)),
        (Payer.ENTREPRENEUR, 2019, Month(2020, 1)),  # exempt in 2018-2019 (T2)
        (Payer.EMPLOYEE, 2019, Month(2020, 1)),
        (Payer.EMPLOYER, 2016, Month(2017, 7)),
        (Payer.SELF_EMPLOYED, 2025, Month(2026, 1)),
    ],
)
def test_a_year_before_the_kind_was_due_is_refused(payer: Payer, year: int, first: Month) -> None:
    with pytest.raises(AmountNotDue) as raised:
        monthly_amount(payer, year, Decimal(100000))
    assert (raised.value.code, raised.value.first, raised.value.field) == (
        "amount.not_due",
        first,
        "year",
    )


@pytest.mark.parametrize("payer", [Payer.EMPLOYER, Payer.EMPLOYEE, Payer.SELF_EMPLOYED])
def test_an_income_kind_needs_a_nonnegative_income(payer: Payer) -> None:
    with pytest.raises(IncomeRequired) as raised:
        monthly_amount(payer, 2026)
    assert raised.value.code == "amount.income_required"
    for bad in ("-1", "NaN", "Infinity"):
        with pytest.raises(InvalidIncome) as invalid:
            monthly_amount(payer, 2026, Decimal(bad))
        assert invalid.value.code == "amount.income"


@pytest.mark.parametrize("payer", list(Payer))
def test_a_year_whose_wage_is_not_published_is_provisional(payer: Payer) -> None:
    """R-P-1: 2027's MW is not recorded: the 2026 one is used and the answer says so."""
    published = monthly_amount(payer, 2026, Decimal(500000))
    ahead = monthly_amount(payer, 2027, Decimal(500000))
    assert (published.provisional, ahead.provisional) == (False, True)
    assert ahead.amount == published.amount


@given(
    payer=st.sampled_from(sorted(Payer)),
    year=st.integers(2026, 2030),
    income=st.decimals(min_value=0, max_value=10**9, places=2),
    more=st.decimals(min_value=0, max_value=10**7, places=2),
)
def test_an_amount_is_the_rate_of_the_capped_income_and_never_falls_as_income_rises(
    payer: Payer, year: int, income: Decimal, more: Decimal
) -> None:
    answer = monthly_amount(payer, year, income)
    higher = monthly_amount(payer, year, income + more)
    assert 0 <= answer.amount <= higher.amount
    if answer.maximum is not None:
        assert higher.amount <= answer.maximum
        assert answer.base == min(income, answer.cap or income)
        assert abs(answer.amount - answer.rate * answer.base) <= Decimal("0.005")


def test_the_penalty_per_day_and_by_part() -> None:
    """Scenario 28 (SOURCES.md §10): 21 000 × 16.75 % × 1.25 / 365 = 12.05 a day, 10 days."""
    penalty = employer_penalty(Decimal("21000"), Month(2023, 6), date(2023, 8, 4))
    (part,) = penalty.parts
    assert (per_day(penalty, part), part_amount(penalty, part)) == (
        Decimal("12.05"),
        Decimal("120.46"),
    )


def test_penalty_parts_add_up_to_the_total_within_a_tiyn_each() -> None:
    penalty = employer_penalty(Decimal("100000"), Month(2021, 12), date(2022, 5, 10))
    parts = [part_amount(penalty, part) for part in penalty.parts]
    assert abs(sum(parts) - penalty.amount) <= Decimal("0.01") * len(parts)
