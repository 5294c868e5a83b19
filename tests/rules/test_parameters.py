"""Dated parameters: every value carries its reference, coverage of the engine's years, the
derived amounts of SOURCES.md T1/T3, missing values, and the file schema."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from osms.rules import parameters
from osms.rules.errors import RuleError
from osms.rules.month import Month
from osms.rules.parameters import (
    ParameterFileError,
    ParameterMissing,
    UnknownParameter,
    check_coverage,
    entrepreneur_monthly,
    load_parameters,
    load_parameters_from,
    minimum_wage,
    self_payer_monthly,
)

PACKAGED = files("osms.rules") / "data" / "parameters"
PARAMETER_FILES = sorted(e.name for e in PACKAGED.iterdir() if e.name.endswith(".yaml"))

EXPECTED = {
    "advance_period_horizon_months",
    "minimum_wage",
    "monthly_calculation_index",
    "self_payer_rate",
    "entrepreneur_rate",
    "entrepreneur_base_multiplier",
    "employer_rate",
    "employer_cap_mw",
    "employee_rate",
    "employee_cap_mw",
    "grace_months",
    "long_payer_grace_months",
    "long_payer_months",
    "lookback_months",
    "prepayment_months",
    "liability_start",
    "employer_liability_start",
    "transitional_access",
    "credit_delay_working_days",
    "refund_decision_working_days",
    "temporary_status_months",
    "child_category_until_age",
    "employer_due_day",
    "penalty_multiplier",
    "base_rate",
    "single_payment_periods",
    "prepaid_block_start",
    "self_employed_regime_start",
    "self_employed_rate",
    "self_employed_cap_mw",
    "pension_age_months_men",
    "pension_age_months_women",
}

# --- the CI check: no value without a reference ---------------------------------------------


@pytest.mark.parametrize("file_name", PARAMETER_FILES)
def test_every_value_has_reference_and_last_checked(file_name: str) -> None:
    """Read the raw YAML (not through the loader) so the check does not trust the code."""
    document = yaml.safe_load((PACKAGED / file_name).read_text(encoding="utf-8"))
    assert document["values"], f"{file_name}: no values"
    for i, value in enumerate(document["values"]):
        reference = value.get("reference")
        assert isinstance(reference, str) and reference.strip(), f"{file_name}: values[{i}]"
        # cites SOURCES.md by table, source or seed id
        assert re.search(r"\b(W\d+|T\d|SEED-\d{3})\b", reference), f"{file_name}: values[{i}]"
        assert isinstance(value.get("last_checked"), date), f"{file_name}: values[{i}]"


def test_all_parameters_are_present() -> None:
    assert set(load_parameters().names()) == EXPECTED
    assert len(PARAMETER_FILES) == len(EXPECTED)


def test_coverage_of_the_engine_years() -> None:
    assert check_coverage(range(2020, 2027)) == []


def test_coverage_reports_the_first_unknown_year() -> None:
    problems = check_coverage([2027])
    assert any(
        p.startswith("monthly_calculation_index: no value from 2027-01-01") for p in problems
    )
    assert not any(p.startswith("minimum_wage") for p in problems)  # carried forward (R-P-1)
    assert not any(p.startswith("grace_months") for p in problems)  # open-ended statute
    assert not any(p.startswith("self_payer_rate") for p in problems)  # open-ended statute
    assert not any(p.startswith("base_rate") for p in problems)  # marked incomplete


STATUTORY = (
    "self_payer_rate",
    "entrepreneur_rate",
    "entrepreneur_base_multiplier",
    "employer_rate",
    "employee_rate",
    "employer_cap_mw",
    "employee_cap_mw",
    "grace_months",
    "long_payer_grace_months",
    "long_payer_months",
    "lookback_months",
    "prepayment_months",
    "credit_delay_working_days",
    "employer_due_day",
    "penalty_multiplier",
)


def test_yearly_amounts_have_an_until_and_statutes_say_why_not() -> None:
    """R-P-1: only the yearly amounts (and the base-rate table) end; the Law's rates, shares,
    caps and terms hold until the Law changes them."""
    table = load_parameters()
    for name in ("minimum_wage", "monthly_calculation_index", "base_rate"):
        assert table.get(name).until is not None, name
    for name in STATUTORY:
        assert table.get(name).until is None, name
    for name in table.names():
        parameter = table.get(name)
        if parameter.until is None:
            assert parameter.open_ended, name
    assert table.get("minimum_wage").carried_forward


# --- values and derived amounts (SOURCES.md T1, T3) -----------------------------------------

MINIMUM_WAGE = {
    2016: 22859,
    2017: 24459,
    2018: 28284,
    2019: 42500,
    2020: 42500,
    2021: 42500,
    2022: 60000,
    2023: 70000,
    2024: 85000,
    2025: 85000,
    2026: 85000,
}


@pytest.mark.parametrize(("year", "wage"), MINIMUM_WAGE.items())
def test_minimum_wage(year: int, wage: int) -> None:
    assert minimum_wage(year) == Decimal(wage)
    assert isinstance(minimum_wage(year), Decimal)


@pytest.mark.parametrize(
    ("year", "self_payer", "entrepreneur"),
    [
        (2020, "2125", "2975"),
        (2021, "2125", "2975"),
        (2022, "3000", "4200"),
        (2023, "3500", "4900"),
        (2024, "4250", "5950"),
        (2025, "4250", "5950"),
        (2026, "4250", "5950"),
    ],
)
def test_self_payer_and_entrepreneur_amounts(year: int, self_payer: str, entrepreneur: str) -> None:
    assert str(self_payer_monthly(year)) == self_payer
    assert str(entrepreneur_monthly(year)) == entrepreneur


def test_entrepreneurs_exempt_2018_2019() -> None:
    assert entrepreneur_monthly(2018) == entrepreneur_monthly(2019) == 0


@pytest.mark.parametrize(
    ("year", "employer", "employee"),
    [
        (2022, 18000, 12000),
        (2023, 21000, 14000),
        (2024, 25500, 17000),
        (2025, 25500, 17000),
        (2026, 102000, 34000),
    ],
)
def test_employer_and_employee_maxima(year: int, employer: int, employee: int) -> None:
    month = Month(year, 6)
    assert parameters.employer_max_monthly(month) == employer
    assert parameters.employee_max_monthly(month) == employee


def test_rates_are_exact_decimals() -> None:
    table = load_parameters()
    assert table.get("employer_rate").at(date(2018, 5, 1)) == Decimal("0.015")
    assert table.get("employer_rate").at(date(2017, 7, 1)) == Decimal("0.01")
    assert table.get("employee_rate").at(date(2020, 12, 31)) == Decimal("0.01")
    assert table.get("employer_cap_mw").at(date(2018, 12, 31)) == 15
    assert table.get("employer_cap_mw").at(date(2019, 1, 1)) == 10
    assert table.get("self_payer_rate").at(date(2024, 1, 1)) == Decimal("0.05")


def test_monthly_calculation_index_changes_mid_year() -> None:
    mci = load_parameters().get("monthly_calculation_index")
    assert mci.at(date(2020, 3, 31)) == 2651
    assert mci.at(date(2020, 4, 1)) == 2778
    assert mci.at(date(2022, 3, 31)) == 3063
    assert mci.at(date(2022, 4, 1)) == 3180
    assert mci.for_month(Month(2026, 5)) == 4325


def test_status_parameters() -> None:
    assert parameters.grace_months(Month(2020, 1)) == 3
    assert parameters.long_payer_grace_months(Month(2025, 12)) is None
    assert parameters.long_payer_grace_months(Month(2026, 1)) == 6
    assert parameters.long_payer_months(Month(2025, 12)) is None
    assert parameters.long_payer_months(Month(2030, 1)) == 60
    assert parameters.lookback_months(Month(2024, 6)) == 12
    assert parameters.prepayment_months(Month(2022, 10)) == 12
    assert parameters.liability_start() == Month(2020, 1)
    assert parameters.employer_liability_start() == Month(2017, 7)
    assert parameters.transitional_window() == (Month(2020, 1), Month(2020, 6))
    assert parameters.credit_delay_working_days(date(2022, 10, 17)) == 3
    assert parameters.temporary_status_months(date(2025, 3, 3)) == 1
    assert parameters.child_category_until_age() == 18
    table = load_parameters()
    assert table.get("refund_decision_working_days").at(date(2025, 1, 1)) == 15
    assert table.get("employer_due_day").at(date(2023, 8, 4)) == 25


def test_penalty_multiplier_is_2_5_before_2018_and_1_25_from_2018() -> None:
    """RULES.md §12 Q23, R-K-4."""
    multiplier = load_parameters().get("penalty_multiplier")
    assert multiplier.at(date(2017, 7, 1)) == Decimal("2.5")
    assert multiplier.at(date(2017, 12, 31)) == Decimal("2.5")
    assert multiplier.at(date(2018, 1, 1)) == Decimal("1.25")
    assert multiplier.at(date(2020, 6, 1)) == Decimal("1.25")
    assert multiplier.at(date(2040, 1, 1)) == Decimal("1.25")


# RULES.md §13: the NBK base-rate decisions, effective dates.
BASE_RATE_DECISIONS = [
    ("2017-04-01", "11"),
    ("2018-10-15", "9.25"),
    ("2021-01-26", "9.00"),
    ("2022-01-25", "10.25"),
    ("2022-02-24", "13.5"),
    ("2022-04-25", "14"),
    ("2022-07-25", "14.5"),
    ("2022-10-26", "16"),
    ("2022-12-05", "16.75"),
    ("2023-08-28", "16.5"),
    ("2023-10-09", "16"),
    ("2023-11-27", "15.75"),
    ("2024-01-22", "15.25"),
]


@pytest.mark.parametrize(("day", "rate"), BASE_RATE_DECISIONS)
def test_every_listed_base_rate_decision(day: str, rate: str) -> None:
    base_rate = load_parameters().get("base_rate")
    assert base_rate.at(date.fromisoformat(day)) == Decimal(rate)
    assert "R-K-4" in base_rate.reference_at(date.fromisoformat(day))


def test_base_rate_holds_until_the_next_decision() -> None:
    base_rate = load_parameters().get("base_rate")
    assert base_rate.at(date(2022, 2, 23)) == Decimal("10.25")
    assert base_rate.at(date(2023, 8, 27)) == Decimal("16.75")  # W29: 16.75 % kept 10.07.2023
    assert base_rate.at(date(2024, 2, 25)) == Decimal("15.25")  # the next decision: 26.02.2024


@pytest.mark.parametrize(
    "day",
    [
        "2017-03-31",  # before the first recorded rate
        "2017-04-02",  # the 2017-2020 intermediate decisions are missing (RULES.md §13)
        "2018-10-16",
        "2020-06-15",
        "2024-02-26",  # after the last recorded decision's period
        "2026-12-07",
    ],
)
def test_days_without_a_known_base_rate_are_missing(day: str) -> None:
    with pytest.raises(ParameterMissing) as caught:
        load_parameters().get("base_rate").at(date.fromisoformat(day))
    assert caught.value.code == "parameter.missing"
    assert caught.value.day == date.fromisoformat(day)
    assert day in str(caught.value)


def test_reference_at() -> None:
    wage = load_parameters().get("minimum_wage")
    assert "W24" in wage.reference_at(date(2024, 7, 1))
    assert "W22" in wage.reference_at(date(2026, 1, 1))


# --- missing values ------------------------------------------------------------------------


def test_an_unpublished_minimum_wage_is_the_last_published_one_provisionally() -> None:
    """R-P-1, §12 Q22: no query fails because a year is not published."""
    assert minimum_wage(2027) == minimum_wage(2035) == minimum_wage(2026) == Decimal(85000)
    assert [parameters.minimum_wage_is_provisional(y) for y in (2016, 2026, 2027, 2040)] == [
        False,
        False,
        True,
        True,
    ]
    assert not parameters.minimum_wage_is_provisional(2010)  # before any MW: missing instead
    assert "minimum_wage_is_provisional" in parameters.__all__


@pytest.mark.parametrize("year", [2027, 2028, 2031])
def test_derived_amounts_work_for_unpublished_years(year: int) -> None:
    assert str(self_payer_monthly(year)) == "4250"
    assert str(entrepreneur_monthly(year)) == "5950"
    assert parameters.employer_max_monthly(Month(year, 3)) == 102000
    assert parameters.employee_max_monthly(Month(year, 3)) == 34000
    assert parameters.grace_months(Month(year, 3)) == 3


def test_the_minimum_wage_before_the_first_year_is_missing() -> None:
    with pytest.raises(ParameterMissing) as caught:
        minimum_wage(2015)
    error = caught.value
    assert error.code == "parameter.missing"
    assert error.parameter == "minimum_wage"
    assert error.day == date(2015, 1, 1)
    assert isinstance(error, RuleError)
    assert "before its first value" in str(error)


def test_before_the_first_value_is_missing() -> None:
    with pytest.raises(ParameterMissing, match="before its first value"):
        parameters.grace_months(Month(2019, 12))
    with pytest.raises(ParameterMissing):
        self_payer_monthly(2019)
    with pytest.raises(ParameterMissing):
        load_parameters().get("employee_rate").at(date(2019, 12, 31))


def test_unknown_parameter() -> None:
    with pytest.raises(UnknownParameter) as caught:
        load_parameters().get("minimal_wage")
    assert caught.value.code == "parameter.unknown"


def test_load_parameters_is_cached() -> None:
    assert load_parameters() is load_parameters()


# --- the schema ----------------------------------------------------------------------------

GOOD = """\
description: Test amount
unit: KZT
until: 2026-12-31
values:
  - from: 2024-01-01
    value: 85000
    reference: "Test law (SOURCES.md T1)"
    last_checked: 2026-11-22
"""


def _load(tmp_path: Path, text: str, name: str = "test_amount") -> parameters.Parameters:
    folder = tmp_path / f"run{len(list(tmp_path.iterdir()))}" / "parameters"
    folder.mkdir(parents=True)
    (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return load_parameters_from(folder)


def test_load_from_a_directory(tmp_path: Path) -> None:
    table = _load(tmp_path, GOOD)
    assert table.names() == ("test_amount",)
    assert table.get("test_amount").at(date(2025, 5, 5)) == 85000
    assert table.check_coverage([2027]) == [
        "test_amount: no value from 2027-01-01 (year 2027 asked; values known until 2026-12-31)"
    ]


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('    reference: "Test law (SOURCES.md T1)"\n', "", "values[0].reference"),
        ('    reference: "Test law (SOURCES.md T1)"', '    reference: ""', "values[0].reference"),
        ("    last_checked: 2026-11-22\n", "", "values[0].last_checked"),
        ("    last_checked: 2026-11-22", "    last_checked: soon", "values[0].last_checked"),
        ("unit: KZT", "unit: tenge", "unit"),
        ("until: 2026-12-31\n", "", "until"),
        ("until: 2026-12-31", "until: null", "open_ended"),
        ("value: 85000", "value: 85000.5", "values[0].value"),
        ("value: 85000", "value: lots", "values[0].value"),
        ("from: 2024-01-01", "start: 2024-01-01", "values[0].start"),
        ("description: Test amount", "description: Test amount\nowner: me", "owner"),
        ("until: 2026-12-31", "until: 2023-12-31", "until"),
    ],
)
def test_schema_errors_name_file_and_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    assert old in GOOD
    with pytest.raises(ParameterFileError) as caught:
        _load(tmp_path, GOOD.replace(old, new))
    error = caught.value
    assert error.field == field
    assert str(error).startswith(f"parameters/test_amount.yaml: {field}: ")
    assert error.code == "parameter.schema"
    assert isinstance(error, RuleError)


def test_schema_rejects_float_rates(tmp_path: Path) -> None:
    text = GOOD.replace("unit: KZT", "unit: rate").replace("value: 85000", "value: 0.05")
    with pytest.raises(ParameterFileError, match=r"values\[0\]\.value: write 0\.05 as quoted"):
        _load(tmp_path, text)
    assert _load(tmp_path, text.replace("value: 0.05", 'value: "0.05"')).get("test_amount").at(
        date(2024, 1, 1)
    ) == Decimal("0.05")


def test_schema_requires_ordered_unique_dates(tmp_path: Path) -> None:
    second = """\
  - from: 2024-01-01
    value: 90000
    reference: "Another law (SOURCES.md T1)"
    last_checked: 2026-11-22
"""
    with pytest.raises(ParameterFileError, match=r"values\[1\]\.from: 2024-01-01 must be after"):
        _load(tmp_path, GOOD + second)
    with pytest.raises(ParameterFileError, match=r"values\[1\]\.from: 2023-01-01 must be after"):
        _load(tmp_path, GOOD + second.replace("2024-01-01", "2023-01-01"))


def test_schema_open_ended_statute(tmp_path: Path) -> None:
    text = (
        GOOD.replace("unit: KZT", "unit: months")
        .replace("until: 2026-12-31", 'until: null\nopen_ended: "no sunset"')
        .replace("value: 85000", "value: 3")
    )
    table = _load(tmp_path, text)
    assert table.get("test_amount").at(date(2099, 1, 1)) == 3
    assert table.check_coverage(range(2020, 2100)) == []
    with pytest.raises(ParameterFileError, match="a KZT amount"):
        _load(tmp_path, text.replace("unit: months", "unit: KZT"))


def test_schema_month_units(tmp_path: Path) -> None:
    text = GOOD.replace("unit: KZT", "unit: month_range").replace(
        "value: 85000", 'value: {first: "2020-01", last: "2020-06"}'
    )
    assert _load(tmp_path, text).get("test_amount").at(date(2024, 1, 1)) == (
        Month(2020, 1),
        Month(2020, 6),
    )
    with pytest.raises(ParameterFileError, match=r"values\[0\]\.value\.last: "):
        _load(tmp_path, text.replace('last: "2020-06"', 'last: "2019-06"'))
    text = GOOD.replace("unit: KZT", "unit: month").replace("value: 85000", 'value: "2020-13"')
    with pytest.raises(ParameterFileError, match=r"values\[0\]\.value: month must be 1\.\.12"):
        _load(tmp_path, text)


def test_schema_invalid_yaml_and_names(tmp_path: Path) -> None:
    with pytest.raises(ParameterFileError, match=r"test_amount\.yaml: \(yaml\): not valid YAML"):
        _load(tmp_path, "values: [unclosed\n")
    with pytest.raises(ParameterFileError, match=r"Bad-Name\.yaml: \(file name\)"):
        _load(tmp_path, GOOD, name="Bad-Name")


def test_schema_carried_forward(tmp_path: Path) -> None:
    text = GOOD.replace("until: 2026-12-31", 'until: 2026-12-31\ncarried_forward: "budget law"')
    amount = _load(tmp_path, text).get("test_amount")
    assert amount.at(date(2030, 5, 1)) == 85000
    assert amount.is_provisional(date(2027, 1, 1))
    assert not amount.is_provisional(date(2026, 12, 31))
    assert _load(tmp_path, text).check_coverage([2027]) == []
    with pytest.raises(ParameterFileError, match=r"carried_forward: a parameter is either"):
        _load(tmp_path, text.replace("until: 2026-12-31", 'until: 2026-12-31\nincomplete: "x"'))
    open_ended = GOOD.replace("unit: KZT", "unit: months").replace(
        "until: 2026-12-31", 'until: null\nopen_ended: "law"\ncarried_forward: "x"'
    )
    with pytest.raises(ParameterFileError, match=r"carried_forward: only allowed with an until"):
        _load(tmp_path, open_ended)


GAP = """\
  - from: 2024-03-01
    value: null
    reference: "Decisions of March 2024 not recorded (SOURCES.md §8, W29)"
    last_checked: 2026-11-22
  - from: 2024-04-01
    value: 90000
    reference: "Another law (SOURCES.md T1)"
    last_checked: 2026-11-22
"""


def test_schema_gap_values(tmp_path: Path) -> None:
    table = _load(tmp_path, GOOD + GAP)
    amount = table.get("test_amount")
    assert amount.at(date(2024, 2, 29)) == 85000
    assert amount.at(date(2024, 4, 1)) == 90000
    with pytest.raises(ParameterMissing) as caught:
        amount.at(date(2024, 3, 15))
    assert "2024-03-15" in str(caught.value)
    assert "not known from 2024-03-01 to 2024-03-31" in str(caught.value)
    assert "Decisions of March 2024 not recorded" in str(caught.value)
    assert table.check_coverage([2024]) == [
        "test_amount: no value from 2024-03-01 (year 2024 asked; "
        "Decisions of March 2024 not recorded (SOURCES.md §8, W29))"
    ]
    assert table.check_coverage([2025]) == []


def test_schema_gap_only_between_values(tmp_path: Path) -> None:
    last_gap = GOOD + GAP.split("  - from: 2024-04-01")[0]
    with pytest.raises(ParameterFileError, match=r"values\[1\]\.value: a gap \(null\)"):
        _load(tmp_path, last_gap)
    first_gap = GOOD.replace("value: 85000", "value: null")
    with pytest.raises(ParameterFileError, match=r"values\[0\]\.value: a gap \(null\)"):
        _load(tmp_path, first_gap)
