"""R-K-4: the employer's penalty, day by day at the NBK base rate and the multiplier in force
each day (2.5 before 2018, 1.25 from 2018-01-01, §12 Q23); an unknown day is an error naming
it, never a guess."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from osms.rules import parameters
from osms.rules.calculator import PenaltyPart, employer_penalty
from osms.rules.month import Month
from osms.rules.parameters import PARAMETERS_DIR_ENV, ParameterMissing


def _expected(arrears: str, *days_at: tuple[int, str, str]) -> Decimal:
    """П = Σ Н × Р/100 × k × Д / 365 (SOURCES.md §8), rounded to the tiyn."""
    total = sum(
        (
            Decimal(arrears) * Decimal(rate) / 100 * Decimal(k) * days / 365
            for days, rate, k in days_at
        ),
        Decimal(0),
    )
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_scenario_28_june_2023_paid_10_days_late() -> None:
    """SOURCES.md §10 scenario 28: 21 000 × 16.75/100 × 1.25 × 10 / 365 = 120.46."""
    penalty = employer_penalty(Decimal("21000"), Month(2023, 6), date(2023, 8, 4))
    assert penalty.due_on == date(2023, 7, 25)
    assert (penalty.days, penalty.multiplier, penalty.amount) == (
        10,
        Decimal("1.25"),
        Decimal("120.46"),
    )
    assert penalty.parts == (
        PenaltyPart(date(2023, 7, 26), date(2023, 8, 4), Decimal("16.75"), Decimal("1.25")),
    )


def test_a_span_crossing_several_decisions() -> None:
    """December 2021 due 2022-01-25, paid 2022-05-10: 10.25 % to 23 Feb, 13.5 % from 24 Feb,
    14 % from 25 Apr (RULES.md §13)."""
    penalty = employer_penalty(Decimal("100000"), Month(2021, 12), date(2022, 5, 10))
    assert [(p.first, p.last, p.base_rate, p.days) for p in penalty.parts] == [
        (date(2022, 1, 26), date(2022, 2, 23), Decimal("10.25"), 29),
        (date(2022, 2, 24), date(2022, 4, 24), Decimal("13.5"), 60),
        (date(2022, 4, 25), date(2022, 5, 10), Decimal("14"), 16),
    ]
    assert penalty.days == 105
    assert penalty.amount == _expected(
        "100000", (29, "10.25", "1.25"), (60, "13.5", "1.25"), (16, "14", "1.25")
    )
    assert penalty.amount == Decimal("4559.08")


def test_a_2020_penalty_uses_1_25() -> None:
    """§12 Q23: 1.25 from 2018-01-01, so 2020 is charged at 1.25 × the rate, not 2.5."""
    penalty = employer_penalty(
        Decimal("8500"), Month(2020, 3), date(2020, 5, 15), base_rate=Decimal("9.5")
    )
    assert penalty.days == 20  # 26 April … 15 May
    assert {part.multiplier for part in penalty.parts} == {Decimal("1.25")}
    assert penalty.amount == _expected("8500", (20, "9.5", "1.25"))


def test_2017_is_charged_at_2_5_and_the_change_is_day_by_day() -> None:
    penalty = employer_penalty(
        Decimal("10000"), Month(2017, 11), date(2018, 1, 10), base_rate=Decimal("10")
    )
    assert [(p.first, p.last, p.multiplier) for p in penalty.parts] == [
        (date(2017, 12, 26), date(2017, 12, 31), Decimal("2.5")),
        (date(2018, 1, 1), date(2018, 1, 10), Decimal("1.25")),
    ]
    assert penalty.multiplier == Decimal("1.25")  # on the payment day
    assert penalty.amount == _expected("10000", (6, "10", "2.5"), (10, "10", "1.25"))


def test_paid_on_time_costs_nothing() -> None:
    penalty = employer_penalty(Decimal("21000"), Month(2023, 6), date(2023, 7, 25))
    assert (penalty.days, penalty.amount, penalty.parts) == (0, Decimal("0.00"), ())


@pytest.mark.parametrize(
    ("period", "paid_on", "missing"),
    [
        (Month(2024, 1), date(2024, 3, 1), date(2024, 2, 26)),  # after the last decision's period
        (Month(2020, 11), date(2021, 1, 27), date(2020, 12, 26)),  # 2018-2021 decisions missing
        (Month(2020, 5), date(2020, 6, 30), date(2020, 6, 26)),  # 2017-2020 decisions missing
        (Month(2018, 9), date(2018, 10, 30), date(2018, 10, 26)),
    ],
)
def test_a_span_touching_an_unknown_day_names_it(
    period: Month, paid_on: date, missing: date
) -> None:
    with pytest.raises(ParameterMissing) as caught:
        employer_penalty(Decimal("21000"), period, paid_on)
    assert caught.value.code == "parameter.missing"
    assert caught.value.parameter == "base_rate"
    assert caught.value.day == missing
    assert str(missing) in str(caught.value)


@pytest.fixture
def decisions_of_2020(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The 2020 decisions added as data through the parameters folder (test values)."""
    (tmp_path / "base_rate.yaml").write_text(
        """\
description: NBK base rate (test override)
unit: percent
until: 2024-02-25
values:
  - from: 2020-04-06
    value: "9.5"
    reference: "Test MPC decision (SOURCES.md §8, W29)"
    last_checked: 2026-12-07
  - from: 2020-07-20
    value: "9"
    reference: "Test MPC decision (SOURCES.md §8, W29)"
    last_checked: 2026-12-07
""",
        encoding="utf-8",
    )
    monkeypatch.setenv(PARAMETERS_DIR_ENV, str(tmp_path))
    parameters.reload()
    yield
    monkeypatch.delenv(PARAMETERS_DIR_ENV)
    parameters.reload()


@pytest.mark.usefixtures("decisions_of_2020")
def test_decisions_added_as_data_are_charged_without_a_code_change() -> None:
    """R-P-3: once the 2020 decisions are recorded, a 2020 penalty is answered, at 1.25."""
    penalty = employer_penalty(Decimal("8500"), Month(2020, 6), date(2020, 8, 4))
    assert [(p.first, p.last, p.base_rate, p.multiplier) for p in penalty.parts] == [
        (date(2020, 7, 26), date(2020, 8, 4), Decimal("9"), Decimal("1.25")),
    ]
    crossing = employer_penalty(Decimal("8500"), Month(2020, 5), date(2020, 7, 31))
    assert crossing.amount == _expected("8500", (24, "9.5", "1.25"), (12, "9", "1.25"))
    with pytest.raises(ParameterMissing, match="2020-04-05"):
        employer_penalty(Decimal("8500"), Month(2020, 2), date(2020, 4, 6))


def test_2021_follows_the_normative_table() -> None:
    """RULES.md §13: 9.00 % from 2021-01-26 to the 10.25 % of 2022-01-25."""
    penalty = employer_penalty(Decimal("100000"), Month(2021, 6), date(2021, 7, 30))
    assert penalty.days == 5
    assert penalty.amount == _expected("100000", (5, "9.00", "1.25"))
