"""R-P-3: a published change is data: the folder of OSMS_PARAMETERS_DIR extends the packaged
parameters and calendar, validated the same way, without a new release.

The values written here are test data, not the real 2027 figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from osms.rules import calendar, parameters
from osms.rules.calendar import CalendarDataError
from osms.rules.parameters import (
    PARAMETERS_DIR_ENV,
    ParameterFileError,
    load_parameters,
    minimum_wage,
    minimum_wage_is_provisional,
)
from tests.conftest import WAGE_2027

CALENDAR_2027 = """\
country: KZ
checked_through: 2027-12-31
entries:
  - date: 2027-01-09
    kind: working_day
    name: Working Saturday (test decree)
    source: "Test decree of transfers for 2027; SOURCES.md T7"
  - date: 2027-01-08
    kind: day_off
    name: Day off transferred from Saturday 2027-01-09 (test decree)
    source: "Test decree of transfers for 2027; SOURCES.md T7"
"""


@pytest.fixture
def folder(parameters_folder: Path) -> Path:
    """An empty override folder named by OSMS_PARAMETERS_DIR; the packaged data afterwards."""
    return parameters_folder


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    parameters.reload()
    return path


def test_an_empty_folder_changes_nothing(folder: Path) -> None:
    assert minimum_wage(2026) == 85000
    assert minimum_wage_is_provisional(2027)
    assert calendar.is_provisional(2027)


def test_the_next_years_minimum_wage_is_added_as_data(folder: Path) -> None:
    _write(folder, "minimum_wage.yaml", WAGE_2027)
    assert minimum_wage(2027) == Decimal(90000)
    assert not minimum_wage_is_provisional(2027)
    assert minimum_wage(2028) == Decimal(90000)  # carried forward from the override
    assert minimum_wage_is_provisional(2028)
    assert minimum_wage(2024) == 85000  # the packaged values stay
    assert parameters.self_payer_monthly(2027) == 4500
    wage = load_parameters().get("minimum_wage")
    assert wage.reference_at(date(2027, 6, 1)).startswith("Test budget law for 2027")
    assert "W24" in wage.reference_at(date(2024, 6, 1))
    assert wage.until == date(2027, 12, 31)


def test_a_value_with_the_same_from_replaces_the_packaged_one(folder: Path) -> None:
    _write(
        folder,
        "minimum_wage.yaml",
        WAGE_2027.replace("until: 2027-12-31", "until: 2026-12-31")
        .replace("2027-01-01", "2026-01-01")
        .replace("90000", "86000"),
    )
    assert minimum_wage(2026) == 86000
    assert minimum_wage(2025) == 85000
    assert minimum_wage_is_provisional(2027)  # until: the later of the two, still 2026-12-31


def test_a_base_rate_decision_is_added_as_data(folder: Path) -> None:
    _write(
        folder,
        "base_rate.yaml",
        """\
description: NBK base rate (test override)
unit: percent
until: 2024-04-14
values:
  - from: 2024-02-26
    value: "14.75"
    reference: "Test MPC resolution (SOURCES.md §8, W29)"
    last_checked: 2026-12-07
""",
    )
    base_rate = load_parameters().get("base_rate")
    assert base_rate.at(date(2024, 2, 25)) == Decimal("15.25")
    assert base_rate.at(date(2024, 3, 1)) == Decimal("14.75")
    assert base_rate.at(date(2024, 4, 14)) == Decimal("14.75")
    with pytest.raises(parameters.ParameterMissing, match="2024-04-15"):
        base_rate.at(date(2024, 4, 15))


def test_a_new_parameter_name_is_allowed(folder: Path) -> None:
    _write(
        folder,
        "state_contribution_rate.yaml",
        """\
description: A parameter the package does not have (test)
unit: rate
until: null
open_ended: "test statute"
values:
  - from: 2027-01-01
    value: "0.022"
    reference: "Test law (SOURCES.md T2)"
    last_checked: 2026-12-07
""",
    )
    table = load_parameters()
    assert "state_contribution_rate" in table
    assert table.get("state_contribution_rate").at(date(2027, 1, 1)) == Decimal("0.022")
    assert "minimum_wage" in table


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('    reference: "Test budget law for 2027 (SOURCES.md T1)"\n', "", "values[0].reference"),
        ("    last_checked: 2026-12-07\n", "", "values[0].last_checked"),
        ("value: 90000", "value: 90000.5", "values[0].value"),
        ("until: 2027-12-31\n", "", "until"),
    ],
)
def test_an_override_is_validated_like_a_packaged_file(
    folder: Path, old: str, new: str, field: str
) -> None:
    path = _write(folder, "minimum_wage.yaml", WAGE_2027.replace(old, new))
    with pytest.raises(ParameterFileError) as caught:
        load_parameters()
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{path}: {field}: ")
    assert caught.value.code == "parameter.schema"


def test_an_override_keeps_the_unit(folder: Path) -> None:
    _write(folder, "minimum_wage.yaml", WAGE_2027.replace("unit: KZT", "unit: count"))
    with pytest.raises(ParameterFileError, match=r"minimum_wage\.yaml: unit: count differs"):
        load_parameters()


def test_broken_yaml_names_the_file(folder: Path) -> None:
    _write(folder, "minimum_wage.yaml", "values: [unclosed\n")
    with pytest.raises(ParameterFileError, match=r"minimum_wage\.yaml: \(yaml\): not valid YAML"):
        load_parameters()


def test_a_setting_that_names_no_folder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PARAMETERS_DIR_ENV, str(tmp_path / "missing"))
    parameters.reload()
    try:
        with pytest.raises(ParameterFileError, match="OSMS_PARAMETERS_DIR: not a folder"):
            load_parameters()
    finally:
        monkeypatch.delenv(PARAMETERS_DIR_ENV)
        parameters.reload()
    assert minimum_wage(2026) == 85000


def test_a_decree_of_transfers_is_added_as_data(folder: Path) -> None:
    assert calendar.is_working_day(date(2027, 1, 8))  # a Friday, by the statutory rules
    _write(folder, "calendar/2027.yaml", CALENDAR_2027)
    assert not calendar.is_provisional(2027)
    assert calendar.is_provisional(2028)
    assert calendar.checked_through() == date(2027, 12, 31)
    assert calendar.is_working_day(date(2027, 1, 9))
    assert not calendar.is_working_day(date(2027, 1, 8))
    # 7 and 8 Jan off; Sat 9 Jan worked = 1, Mon 11 = 2, Tue 12 = 3 (R-T-3)
    assert calendar.credit_date(date(2027, 1, 6)) == date(2027, 1, 12)
    # the packaged corrections stay
    assert calendar.is_working_day(date(2025, 1, 5))
    assert not calendar.is_working_day(date(2026, 5, 27))


def test_a_broken_calendar_file_names_itself(folder: Path) -> None:
    path = _write(folder, "calendar/2027.yaml", CALENDAR_2027.replace("kind: day_off", "kind: x"))
    with pytest.raises(CalendarDataError) as caught:
        calendar.is_working_day(date(2027, 1, 8))
    assert str(caught.value).startswith(f"{path}: entries[1].kind: ")
    assert caught.value.code == "calendar.data"


def test_a_file_that_is_not_utf8_names_itself(folder: Path) -> None:
    """A Windows-1251 comment in an override was a UnicodeDecodeError traceback in every
    command; it is the file's own error, as broken YAML is."""
    (folder / "minimum_wage.yaml").write_bytes("# МЗП\nvalues: []\n".encode("cp1251"))
    with pytest.raises(ParameterFileError, match=r"minimum_wage\.yaml: \(yaml\): not UTF-8: byte"):
        load_parameters()
    (folder / "minimum_wage.yaml").unlink()
    parameters.reload()
    (folder / "calendar").mkdir(exist_ok=True)
    (folder / "calendar" / "2027.yaml").write_bytes(b"# \xff\n")
    with pytest.raises(CalendarDataError, match=r"2027\.yaml: \(yaml\): not UTF-8: byte 0xff"):
        calendar.is_working_day(date(2027, 1, 8))


def test_reload_forgets_the_override(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(folder, "minimum_wage.yaml", WAGE_2027)
    _write(folder, "calendar/2027.yaml", CALENDAR_2027)
    assert minimum_wage(2027) == 90000
    assert not calendar.is_working_day(date(2027, 1, 8))
    monkeypatch.delenv(PARAMETERS_DIR_ENV)
    parameters.reload()
    assert minimum_wage(2027) == 85000
    assert calendar.is_working_day(date(2027, 1, 8))
    monkeypatch.setenv(PARAMETERS_DIR_ENV, str(folder))  # for the fixture's teardown
