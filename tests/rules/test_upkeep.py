"""R-P-2: the check of what the year in force or ahead has not recorded."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from osms.rules import parameters
from osms.rules.upkeep import WARNING_DAYS, checked_years, missing
from tests.conftest import BASE_RATE_THROUGH_2027


def _table_ends() -> date:
    until = parameters.load_parameters().get("base_rate").until
    assert until is not None
    return until


def test_the_window_opens_60_days_before_the_year() -> None:
    assert WARNING_DAYS == 60
    assert checked_years(date(2026, 11, 1)) == (2026,)
    assert checked_years(date(2026, 11, 2)) == (2026, 2027)
    assert checked_years(date(2026, 12, 31)) == (2026, 2027)
    assert checked_years(date(2027, 1, 1)) == (2027,)


def test_today_names_the_2027_minimum_wage_calendar_and_the_base_rate_gap() -> None:
    found = missing(date(2026, 12, 7))
    assert [(m.code, m.year) for m in found] == [
        ("upkeep.minimum_wage", 2027),
        ("upkeep.calendar", 2027),
        ("upkeep.base_rate", 2026),
    ]
    wage = found[0]
    assert (wage.minimum_wage, wage.published_year) == (Decimal(85000), 2026)
    assert "2027" in wage.detail and "R-P-1" in wage.detail
    assert "checked through 2026-12-31" in found[1].detail


def test_the_base_rate_gap_names_the_last_day_the_table_answers() -> None:
    # R-K-4, R-P-2: every penalty over a later day is parameter.missing; the check says so
    last = _table_ends()
    for day in (last + timedelta(days=1), date(2026, 1, 15), date(2026, 11, 1)):
        found = missing(day)
        assert [(m.code, m.year) for m in found] == [("upkeep.base_rate", day.year)]
        assert found[0].known_until == last
        assert str(last) in found[0].detail and "parameter.missing" in found[0].detail
    assert all(m.code != "upkeep.base_rate" for m in missing(last))


def test_an_unrecorded_year_stays_reported_while_it_runs() -> None:
    found = missing(date(2027, 6, 1))
    assert [(m.code, m.year) for m in found] == [
        ("upkeep.minimum_wage", 2027),
        ("upkeep.calendar", 2027),
        ("upkeep.base_rate", 2027),
    ]
    later = missing(date(2028, 12, 1))
    assert [(m.code, m.year) for m in later][:2] == [
        ("upkeep.minimum_wage", 2028),
        ("upkeep.calendar", 2028),
    ]
    assert later[0].published_year == 2026  # the last published MW


@pytest.fixture
def folder(parameters_folder: Path) -> Path:
    return parameters_folder


def test_the_folder_provides_what_is_missing(folder: Path) -> None:
    (folder / "calendar").mkdir()
    (folder / "calendar" / "2027.yaml").write_text(
        "checked_through: 2027-12-31\nentries: []\n", encoding="utf-8"
    )
    parameters.reload()
    assert [m.code for m in missing(date(2026, 12, 7))] == [
        "upkeep.minimum_wage",
        "upkeep.base_rate",
    ]
    (folder / "base_rate.yaml").write_text(BASE_RATE_THROUGH_2027, encoding="utf-8")
    parameters.reload()
    assert [m.code for m in missing(date(2026, 12, 7))] == ["upkeep.minimum_wage"]


def test_a_recorded_year_with_a_base_rate_table_that_answers_needs_nothing(folder: Path) -> None:
    (folder / "base_rate.yaml").write_text(BASE_RATE_THROUGH_2027, encoding="utf-8")
    parameters.reload()
    assert missing(date(2026, 1, 15)) == ()
    assert missing(date(2026, 11, 1)) == ()
