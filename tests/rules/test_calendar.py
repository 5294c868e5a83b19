"""Working-day calendar (R-T-2) and credit dates (R-T-3): SOURCES.md T7 and §10 vectors,
the 2026 corrections, properties, and the corrections file's schema."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from osms.rules import calendar
from osms.rules.calendar import (
    CalendarDataError,
    add_working_days,
    credit_date,
    day_off_reason,
    is_working_day,
    parse_corrections,
    working_days_between,
)
from osms.rules.errors import RuleError

# --- R-T-3 vectors (SOURCES.md §10 scenarios 1, 6, 8, 12, 30-33; RULES.md R-T-3) -----------

CREDIT_VECTORS = [
    ("2022-10-17", "2022-10-20"),  # scenario 1: Mon -> Thu
    ("2022-10-21", "2022-10-27"),  # scenario 6: Sat 22 Oct worked, 24-25 Oct off
    ("2022-10-26", "2022-10-31"),  # scenario 8: 27, 28, 31 Oct
    ("2024-12-31", "2025-01-08"),  # scenario 30: Sun 5 Jan worked, 7 Jan off
    ("2025-06-05", "2025-06-11"),  # scenario 31: Kurban Ait 6 Jun
    ("2024-06-14", "2024-06-19"),  # scenario 32: Kurban Ait on Sun 16 Jun, not transferred
    ("2026-03-20", "2026-03-30"),  # scenario 33: 23 Mar Nauryz, 24-25 Mar transferred
    ("2024-06-10", "2024-06-13"),  # an ordinary week
    ("2025-04-10", "2025-04-15"),  # scenario 12: Thu -> Tue
    # R-T-2: 30 Aug is no longer a holiday from 2026 and Mon 31 Aug 2026 is a working day
    ("2026-08-26", "2026-08-31"),  # Wed -> Thu 27, Fri 28, Mon 31
    ("2026-08-27", "2026-09-01"),  # Thu -> Fri 28, Mon 31, Tue 1 Sep
]


@pytest.mark.parametrize(("paid", "credited"), CREDIT_VECTORS)
def test_credit_date_vectors(paid: str, credited: str) -> None:
    assert credit_date(date.fromisoformat(paid)) == date.fromisoformat(credited)


# --- SOURCES.md T7 rows, 2022-2026 --------------------------------------------------------

T7_WORKING = [
    "2022-03-05",  # Sat, decree 713 of 06.10.2021
    "2022-08-27",  # Sat, same decree
    "2022-10-22",  # Sat, decree Oct 2022 (W27)
    "2024-05-04",  # Sat, MoL order
    "2024-06-17",  # Mon after Kurban Ait on a Sunday: no transfer
    "2025-01-05",  # Sun, MoL Order No. 436 of 21.11.2024
    "2026-08-31",  # Mon: Constitution Day moved to 15 March (RULES.md R-T-2, МТСЗН 2026-03-18)
]
T7_OFF = [
    "2022-03-07",
    "2022-08-29",
    "2022-10-24",
    "2022-10-25",
    "2024-05-08",
    "2024-06-16",
    "2025-01-03",
    "2025-06-06",
    "2025-10-27",
    "2025-12-16",
    # RULES.md R-T-2: the 2026 days off
    "2026-03-09",
    "2026-03-24",
    "2026-03-25",
    "2026-05-11",
    "2026-05-27",
    "2026-10-26",
]


@pytest.mark.parametrize("day", T7_WORKING)
def test_t7_working_days(day: str) -> None:
    assert is_working_day(date.fromisoformat(day))
    assert day_off_reason(date.fromisoformat(day)) is None


@pytest.mark.parametrize("day", T7_OFF)
def test_t7_days_off(day: str) -> None:
    assert not is_working_day(date.fromisoformat(day))
    assert day_off_reason(date.fromisoformat(day))


def test_every_2026_day_off_of_rule_r_t_2_is_sourced_data() -> None:
    corrections = calendar.calendar_data().corrections
    for day in ("2026-03-09", "2026-03-24", "2026-03-25", "2026-05-11", "2026-05-27"):
        assert date.fromisoformat(day) in corrections
    assert corrections[date(2026, 10, 26)].kind in ("day_off", "holiday")


def test_decreed_working_weekend_days_are_explicit_data() -> None:
    corrections = calendar.calendar_data().corrections
    for day in ("2022-03-05", "2022-08-27", "2022-10-22", "2024-05-04", "2025-01-05"):
        entry = corrections[date.fromisoformat(day)]
        assert entry.kind == "working_day"
        assert entry.day.weekday() >= 5


def test_corrections_override_the_package_in_2026() -> None:
    # holidays 0.109 only estimates Kurban Ait.
    reason = day_off_reason(date(2026, 5, 27))
    assert reason is not None
    assert "estimated" not in reason


def test_constitution_day_moves_to_15_march() -> None:
    """R-T-2: the Constitution of the referendum of 15 March 2026 moved Constitution Day to
    15 March, celebrated from 2027 (МТСЗН, 2026-03-18); the package knows it, so no local
    correction remains for 30/31 August 2026."""
    corrections = calendar.calendar_data().corrections
    assert date(2026, 8, 30) not in corrections
    assert date(2026, 8, 31) not in corrections
    assert day_off_reason(date(2026, 8, 30)) == "Sunday"
    assert is_working_day(date(2026, 8, 31))
    assert is_working_day(date(2027, 8, 30))  # a Monday
    assert day_off_reason(date(2027, 3, 15)) == "Constitution Day"
    assert day_off_reason(date(2028, 3, 15)) == "Constitution Day"
    assert is_working_day(date(2026, 3, 16))  # no 15 March holiday in 2026 (a Sunday)
    assert not is_working_day(date(2025, 9, 1))  # 2025: 30 Aug still a holiday (on a Saturday)


def test_every_correction_keeps_its_source() -> None:
    for correction in calendar.calendar_data().corrections.values():
        assert correction.source.strip()
        assert correction.day <= calendar.checked_through()


def test_package_transfers_outside_t7_are_kept() -> None:
    # Working weekend days the package knows only as the origin of a substituted day off.
    assert is_working_day(date(2023, 7, 1))  # Sat; 7 Jul 2023 off instead
    assert not is_working_day(date(2023, 7, 7))
    assert is_working_day(date(2020, 1, 5))  # Sun; 3 Jan 2020 off instead
    assert is_working_day(date(2021, 7, 3))  # Sat; 5 Jul 2021 off instead


def test_untransferred_religious_days() -> None:
    # 7 January and the first day of Kurban Ait are never moved (SOURCES.md T7).
    assert day_off_reason(date(2023, 1, 7)) == "Orthodox Christmas"  # a Saturday
    assert is_working_day(date(2023, 1, 9))
    assert is_working_day(date(2022, 7, 11))  # Kurban Ait 2022-07-09 was a Saturday


def test_weekend_holidays_move_to_the_next_working_day() -> None:
    assert not is_working_day(date(2025, 9, 1))  # Constitution Day on Sat 2025-08-30
    assert not is_working_day(date(2023, 12, 18))  # Independence Day on Sat 2023-12-16


def test_plain_days() -> None:
    assert day_off_reason(date(2024, 6, 15)) == "Saturday"
    assert (
        day_off_reason(date(2024, 6, 16))
        == "Kurban Ait, first day (on a Sunday; never transferred)"
    )
    assert day_off_reason(date(2024, 6, 18)) is None


def test_checked_through() -> None:
    assert calendar.checked_through() == date(2026, 12, 31)


def test_a_year_after_checked_through_is_provisional() -> None:
    """R-T-2, R-P-2: 2027's decree of transfers is not recorded; its statutory holidays and
    the weekend rule apply."""
    assert not calendar.is_provisional(2026)
    assert not calendar.is_provisional(2020)
    assert calendar.is_provisional(2027)
    assert calendar.is_provisional(2030)
    assert not is_working_day(date(2027, 1, 1))  # New Year
    assert not is_working_day(date(2027, 3, 22))  # Nauryz
    assert is_working_day(date(2027, 3, 26))  # an ordinary Friday
    assert credit_date(date(2027, 3, 19)) == date(2027, 3, 29)  # 22-24 Mar off: 25, 26, 29


# --- add_working_days and working_days_between ---------------------------------------------


def test_add_working_days_zero_and_year_boundaries() -> None:
    assert add_working_days(date(2025, 1, 1), 0) == date(2025, 1, 1)
    assert add_working_days(date(2024, 12, 27), 1) == date(2024, 12, 30)
    assert add_working_days(date(2025, 1, 6), -1) == date(2025, 1, 5)  # the worked Sunday
    assert add_working_days(date(2025, 1, 5), -1) == date(2024, 12, 31)
    assert add_working_days(date(2026, 3, 20), 3) == date(2026, 3, 30)
    assert add_working_days(date(2026, 3, 30), -3) == date(2026, 3, 20)


def test_working_days_between_half_open() -> None:
    assert working_days_between(date(2022, 10, 17), date(2022, 10, 17)) == 0
    assert working_days_between(date(2022, 10, 17), date(2022, 10, 18)) == 1
    assert working_days_between(date(2022, 10, 22), date(2022, 10, 27)) == 2  # Sat 22, Wed 26
    assert working_days_between(date(2024, 12, 31), date(2025, 1, 9)) == 4


def test_working_days_in_2026() -> None:
    # 365 days - 104 weekend days - 14 weekday days off: the MoL calendar's 15 without
    # 31 August (R-T-2).
    weekday_days_off = [
        d
        for d in (date(2026, 1, 1) + timedelta(days=i) for i in range(365))
        if d.weekday() < 5 and not is_working_day(d)
    ]
    assert len(weekday_days_off) == 14
    assert date(2026, 8, 31) not in weekday_days_off
    assert working_days_between(date(2026, 1, 1), date(2027, 1, 1)) == 365 - 104 - 14


dates = st.dates(min_value=date(2017, 7, 1), max_value=date(2030, 12, 31))


@given(dates)
def test_credit_date_property(day: date) -> None:
    credited = credit_date(day)
    assert credited > day
    assert is_working_day(credited)
    # exactly 3 working days lie in (day, credited]
    one = timedelta(days=1)
    assert working_days_between(day + one, credited + one) == 3
    assert working_days_between(day + one, credited) == 2


@given(dates, st.integers(min_value=-400, max_value=400))
def test_add_working_days_property(day: date, n: int) -> None:
    result = add_working_days(day, n)
    one = timedelta(days=1)
    if n > 0:
        assert is_working_day(result)
        assert working_days_between(day + one, result + one) == n
    elif n < 0:
        assert is_working_day(result)
        assert working_days_between(result, day) == -n
    else:
        assert result == day


@given(dates, dates, dates)
def test_working_days_between_is_additive(a: date, b: date, c: date) -> None:
    assert working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)
    assert working_days_between(a, b) == -working_days_between(b, a)


@given(dates)
def test_reason_exactly_for_days_off(day: date) -> None:
    assert (day_off_reason(day) is None) == is_working_day(day)


def test_credit_date_is_fast() -> None:
    days = [date(2020, 1, 1) + timedelta(days=i) for i in range(2500)]
    for day in days:
        credit_date(day)  # warm the per-year tables and the cache
    started = time.perf_counter()
    for _ in range(20):
        for day in days:
            credit_date(day)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"50 000 cached credit dates took {elapsed:.3f} s"


# --- the corrections file ------------------------------------------------------------------


def test_packaged_corrections_cite_sources() -> None:
    for correction in calendar.calendar_data().corrections.values():
        assert "SOURCES.md" in correction.source
        assert correction.name.strip()


def _document(**entry: object) -> dict[str, object]:
    base: dict[str, object] = {
        "date": date(2026, 8, 31),
        "kind": "day_off",
        "name": "Constitution Day moved",
        "source": "MoL production calendar 2026; SOURCES.md T7",
    }
    base.update(entry)
    return {"country": "KZ", "checked_through": date(2026, 12, 31), "entries": [base]}


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"kind": "off"}, "entries[0].kind"),
        ({"source": ""}, "entries[0].source"),
        ({"name": None}, "entries[0].name"),
        ({"date": "31.08.2026"}, "entries[0].date"),
        ({"date": date(2027, 1, 4)}, "entries[0].date"),
        ({"comment": "x"}, "entries[0].comment"),
    ],
)
def test_malformed_corrections(entry: dict[str, object], field: str) -> None:
    with pytest.raises(CalendarDataError) as caught:
        parse_corrections(_document(**entry), "kz_corrections.yaml")
    assert caught.value.field == field
    assert str(caught.value).startswith(f"kz_corrections.yaml: {field}: ")
    assert isinstance(caught.value, RuleError)
    assert caught.value.code == "calendar.data"


def test_duplicate_correction_dates() -> None:
    document = yaml.safe_load(
        """
        checked_through: 2026-12-31
        entries:
          - {date: 2026-08-31, kind: day_off, name: a, source: b}
          - {date: 2026-08-31, kind: holiday, name: c, source: d}
        """
    )
    with pytest.raises(CalendarDataError, match=r"entries\[1\]\.date: 2026-08-31 is listed twice"):
        parse_corrections(document, "x.yaml")
