"""``osms parameters check`` (R-P-2) and the command line's one handler of known errors.

The 2027 values written to the parameters folder here are test data."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from osms import clock
from osms.cli.main import app
from osms.i18n import format_date
from osms.rules import parameters
from tests.conftest import BASE_RATE_THROUGH_2027, WAGE_2027

runner = CliRunner()

CALENDAR_2027 = """\
country: KZ
checked_through: 2027-12-31
entries:
  - date: 2027-01-08
    kind: day_off
    name: Day off (test decree)
    source: "Test decree of transfers for 2027; SOURCES.md T7"
"""


@pytest.fixture
def folder(parameters_folder: Path) -> Path:
    return parameters_folder


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    parameters.reload()


def _check(*args: str) -> tuple[int, dict[str, object]]:
    result = runner.invoke(app, ["parameters", "check", "--json", *args])
    return result.exit_code, json.loads(result.stdout)


def test_today_names_the_2027_minimum_wage_and_calendar() -> None:
    result = runner.invoke(app, ["parameters", "check", "--date", "2026-12-07"])
    assert result.exit_code == 1
    assert "upkeep.minimum_wage 2027" in result.stdout
    assert "upkeep.calendar 2027" in result.stdout
    assert "upkeep.base_rate 2026" in result.stdout
    assert "ЕТЖ" in result.stdout  # Kazakh by default
    assert "OSMS_PARAMETERS_DIR" in result.stdout


def test_the_default_date_is_today_in_kazakhstan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "_utc_now", lambda: datetime(2026, 12, 6, 19, 30, tzinfo=UTC))
    code, body = _check()
    assert (code, body["date"], body["years"]) == (1, "2026-12-07", [2026, 2027])
    assert body["complete"] is False
    missing = body["missing"]
    assert isinstance(missing, list)
    assert [(m["code"], m["year"]) for m in missing] == [
        ("upkeep.minimum_wage", 2027),
        ("upkeep.calendar", 2027),
        ("upkeep.base_rate", 2026),
    ]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("kk", "базалық мөлшерлемесі {date} күнін қоса алғанда енгізілген"),
        ("ru", "Базовая ставка Национального банка внесена по {date} включительно"),
        ("en", "base rate is recorded up to and including {date}: an employer penalty"),
    ],
)
def test_the_last_day_of_the_base_rate_table_is_named(lang: str, words: str) -> None:
    # every employer penalty after that day answers parameter.missing (R-K-4): say it beforehand
    last = parameters.load_parameters().get("base_rate").until
    assert last is not None
    code, body = _check("--date", "2026-12-07", "--lang", lang)
    missing = body["missing"]
    assert isinstance(missing, list)
    gap = [m for m in missing if m["code"] == "upkeep.base_rate"]
    assert code == 1 and len(gap) == 1
    assert gap[0]["known_until"] == last.isoformat()
    assert words.format(date=format_date(last, lang)) in gap[0]["message"]
    assert "parameter.missing" in gap[0]["message"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [("kk", "тіркелмеген"), ("ru", "не внесена"), ("en", "is not recorded")],
)
def test_messages_speak_the_language(lang: str, words: str) -> None:
    code, body = _check("--date", "2026-12-07", "--lang", lang)
    assert code == 1
    missing = body["missing"]
    assert isinstance(missing, list)
    assert words in missing[0]["message"]
    assert body["lang"] == lang


def test_the_warning_starts_60_days_before_the_year(folder: Path) -> None:
    _write(folder / "base_rate.yaml", BASE_RATE_THROUGH_2027)
    assert _check("--date", "2026-11-01")[0] == 0  # 61 days before 2027
    code, body = _check("--date", "2026-11-02")  # 60 days before
    assert code == 1
    assert body["years"] == [2026, 2027]


def test_a_year_under_way_is_still_reported() -> None:
    code, body = _check("--date", "2027-03-01")
    assert code == 1
    assert body["years"] == [2027]


def test_nothing_missing_once_the_folder_provides_it(folder: Path) -> None:
    assert _check("--date", "2026-12-07")[0] == 1
    _write(folder / "minimum_wage.yaml", WAGE_2027)
    code, body = _check("--date", "2026-12-07")
    assert code == 1
    missing = body["missing"]
    assert isinstance(missing, list)
    assert [m["code"] for m in missing] == ["upkeep.calendar", "upkeep.base_rate"]
    _write(folder / "calendar" / "2027.yaml", CALENDAR_2027)
    assert _check("--date", "2026-12-07")[0] == 1
    _write(folder / "base_rate.yaml", BASE_RATE_THROUGH_2027)
    result = runner.invoke(app, ["parameters", "check", "--date", "2026-12-07", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "recorded for 2026, 2027" in result.stdout


def test_a_bad_date_or_language_is_refused() -> None:
    result = runner.invoke(app, ["parameters", "check", "--date", "07.12.2026"])
    assert result.exit_code == 2
    assert "--date" in result.stderr
    assert runner.invoke(app, ["parameters", "check", "--lang", "de"]).exit_code == 2


# --- the central handler of known errors ----------------------------------------------------

FACTS = """\
person: {iin: "900515300018"}
payments:
  - {periods: 2022-10..2023-09, paid_on: 2022-10-17}
"""


@pytest.fixture
def facts(tmp_path: Path) -> Path:
    path = tmp_path / "person.yaml"
    path.write_text(FACTS, encoding="utf-8")
    return path


def test_a_known_error_is_a_message_with_its_code_not_a_traceback() -> None:
    # a day the NBK base rate table does not hold (R-K-4): parameter.missing, named
    penalty = ["penalty", "--arrears", "1000", "--period", "2020-05", "--paid-on", "2020-06-30"]
    result = runner.invoke(app, penalty)
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error parameter.missing: ")
    assert "2020-06-26" in result.stderr


def test_the_known_error_speaks_the_language_of_lang() -> None:
    penalty = ["penalty", "--arrears", "1000", "--period", "2020-05", "--paid-on", "2020-06-30"]
    english = runner.invoke(app, [*penalty, "--lang", "en"])
    russian = runner.invoke(app, [*penalty, "--lang", "ru"])
    assert english.exit_code == russian.exit_code == 2
    assert "error parameter.missing: The National Bank's base rate for 26 June 2020" in (
        english.stderr
    )
    assert "26 июня 2020 г." in russian.stderr


def test_a_broken_override_file_is_named(folder: Path) -> None:
    _write(folder / "minimum_wage.yaml", WAGE_2027.replace("    reference:", "    source:"))
    result = runner.invoke(app, ["parameters", "check", "--date", "2026-12-07"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error parameter.schema: ")
    assert str(folder / "minimum_wage.yaml") in result.stderr
    assert "values[0].source" in result.stderr


def test_a_broken_calendar_override_stops_the_check(folder: Path) -> None:
    _write(folder / "calendar" / "2027.yaml", CALENDAR_2027.replace("kind: day_off", "kind: x"))
    result = runner.invoke(app, ["parameters", "check", "--date", "2026-12-07", "--lang", "ru"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error calendar.data: Файл календаря")
    assert "entries[0].kind" in result.stderr
