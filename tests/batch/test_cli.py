"""``osms batch`` through Typer's runner: generate, run, chart, check."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from osms import clock
from osms.batch.engine import SNAPSHOT_SCHEMA
from osms.cli import batch as cli_batch
from osms.cli.batch import batch_app

runner = CliRunner()
REFERENCE_DAY = ("--today", "2026-11-22")
"""The last day of the generated data these tests are written for (the default is today)."""


def test_generate_run_chart_check(tmp_path: Path) -> None:
    data = tmp_path / "population"
    result = runner.invoke(
        batch_app,
        ["generate", "--people", "3000", "--seed", "7", *REFERENCE_DAY, "--out", str(data)],
    )
    assert result.exit_code == 0, result.output
    assert "people 3,000" in result.output

    out = tmp_path / "snapshot"
    result = runner.invoke(
        batch_app,
        [
            "run",
            "--date",
            "2026-11-22",
            "--data",
            str(data),
            "--out",
            str(out),
            "--format",
            "parquet,csv",
            "--lang",
            "ru",
        ],
    )
    assert result.exit_code == 0, result.output
    # the statistics in words, the people counted in groups of three digits
    assert "Застрахованы предоплатой" in result.output and "Итого" in result.output
    assert "Статус ОСМС на 22 ноября 2026" in result.output
    assert "3\u202f000 чел. за" in result.output
    snapshot = pq.read_table(out / "snapshot.parquet")
    assert snapshot.num_rows == 3000 and snapshot.schema.equals(SNAPSHOT_SCHEMA)
    csv = pacsv.read_csv(out / "snapshot.csv")
    assert csv.num_rows == 3000
    stats = json.loads((out / "statistics.json").read_text())
    assert stats["people"] == 3000 == stats["insured"] + stats["uninsured"]
    assert sum(stats["by_reason"].values()) == 3000
    assert stats["insured_by_prepayment"] == stats["by_reason"].get("prepaid", 0)

    chart = tmp_path / "coverage.png"
    result = runner.invoke(
        batch_app,
        ["chart", "--data", str(data), "--from", "2026-08", "--to", "2026-10", "--out", str(chart)],
    )
    assert result.exit_code == 0, result.output
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(chart.with_suffix(".csv").read_text().splitlines()) == 4

    result = runner.invoke(
        batch_app,
        [
            "check",
            "--data",
            str(data),
            "--date",
            "2026-10-05",
            "--as-of",
            "2026-11-22",
            "--scenarios",
            str(tmp_path / "disagreements"),
            "--limit",
            "800",
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "800 people checked, 0 disagreements" in result.output


def test_bad_options_are_refused(tmp_path: Path) -> None:
    result = runner.invoke(
        batch_app, ["run", "--date", "2026-13-01", "--data", str(tmp_path), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2 and "not a date" in result.output
    result = runner.invoke(
        batch_app,
        [
            "run",
            "--date",
            "2026-11-01",
            "--data",
            str(tmp_path),
            "--out",
            str(tmp_path),
            "--format",
            "xlsx",
        ],
    )
    assert result.exit_code == 2 and "unknown xlsx" in result.output
    result = runner.invoke(
        batch_app, ["run", "--date", "2026-11-01", "--data", str(tmp_path), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2 and "missing files" in result.output


def test_the_registry_exported_gives_the_same_statistics(tmp_path: Path) -> None:
    """generate --load → export → run: the nightly path from the registry, end to end."""
    data, exported = tmp_path / "population", tmp_path / "exported"
    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    result = runner.invoke(
        batch_app,
        [
            *("generate", "--people", "500", "--seed", "3", *REFERENCE_DAY),
            *("--out", str(data), "--load", "--url", url),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "loaded: people 500" in result.output
    result = runner.invoke(
        batch_app, ["export", "--out", str(exported), "--parts", "3", "--url", url]
    )
    assert result.exit_code == 0, result.output
    assert "people 500" in result.output

    statistics = []
    for folder in (data, exported):
        out = tmp_path / f"out-{folder.name}"
        result = runner.invoke(
            batch_app,
            ["run", "--date", "2026-11-22", "--data", str(folder), "--out", str(out)],
        )
        assert result.exit_code == 0, result.output
        statistics.append(json.loads((out / "statistics.json").read_text()))
    assert statistics[0] == statistics[1]
    assert statistics[0]["people"] == 500


def test_an_empty_registry_exports_empty_files(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    result = runner.invoke(batch_app, ["export", "--out", str(tmp_path / "x"), "--url", url])
    assert result.exit_code == 0, result.output
    assert "people 0" in result.output and "payments 0" in result.output
    assert pq.read_table(tmp_path / "x" / "payments.parquet").num_rows == 0


def test_the_chart_marks_months_whose_look_back_precedes_the_generated_ledger(
    tmp_path: Path,
) -> None:
    data = tmp_path / "population"
    result = runner.invoke(
        batch_app,
        [
            *("generate", "--people", "500", "--seed", "5", "--months", "13", *REFERENCE_DAY),
            *("--out", str(data)),
        ],
    )
    assert result.exit_code == 0, result.output
    chart = tmp_path / "coverage.png"
    result = runner.invoke(
        batch_app,
        ["chart", "--data", str(data), "--from", "2026-10", "--to", "2026-11", "--out", str(chart)],
    )
    assert result.exit_code == 0, result.output
    # 13 months ending 2026-11 start in 2025-11: 2026-11 is the first with a full look-back
    assert "before 2026-11 the 12-month look-back (R-S-5)" in result.output
    rows = chart.with_suffix(".csv").read_text().splitlines()
    assert [row.split(",")[3] for row in rows] == ["complete_history", "false", "true"]


def _population(tmp_path: Path) -> Path:
    data = tmp_path / "pop"
    made = runner.invoke(
        batch_app, ["generate", "--people", "20", *REFERENCE_DAY, "--out", str(data)]
    )
    assert made.exit_code == 0, made.output
    return data


def test_paths_of_the_wrong_kind_are_refused_before_anything_runs(tmp_path: Path) -> None:
    """A file where a folder goes (and the other way round) was a FileExistsError or
    FileNotFoundError traceback; each is refused with its option's name (exit 2)."""
    data = _population(tmp_path)
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    day = ["--date", "2025-01-10"]
    for arguments, option in (
        (["generate", "--people", "5", "--out", str(a_file)], "--out"),
        (["run", "--data", str(data), "--out", str(a_file), *day], "--out"),
        (["run", "--data", str(a_file), "--out", str(tmp_path / "o"), *day], "--data"),
        (["check", "--data", str(a_file), *day], "--data"),
        (["check", "--data", str(data), "--scenarios", str(a_file), *day], "--scenarios"),
        (["chart", "--data", str(data), "--from", "2024-01", *("--to", "2024-02"),
          "--out", str(tmp_path)], "--out"),
        (["export", "--out", str(a_file)], "--out"),
    ):  # fmt: skip
        found = runner.invoke(batch_app, arguments)
        assert found.exit_code == 2, (arguments, found.output)
        assert f"Invalid value for '{option}'" in found.output, (arguments, found.output)
    assert a_file.read_text() == "not a folder"


def test_a_folder_that_is_no_population_is_said_so(tmp_path: Path) -> None:
    found = runner.invoke(batch_app, ["check", "--data", str(tmp_path), "--date", "2025-01-10"])
    assert found.exit_code == 2, found.output
    assert "--data: not a population folder" in found.output


def test_a_chart_without_a_suffix_is_a_png_and_says_so(tmp_path: Path) -> None:
    data = _population(tmp_path)
    out = tmp_path / "coverage"
    arguments = ["chart", "--data", str(data), "--from", "2024-11", "--to", "2024-12"]
    found = runner.invoke(batch_app, [*arguments, "--out", str(out)])
    assert found.exit_code == 0, found.output
    assert f"wrote {out}.png and {out}.csv" in found.output
    assert (tmp_path / "coverage.png").read_bytes().startswith(b"\x89PNG")


def test_options_and_folder_names_never_reach_duckdb_as_sql(tmp_path: Path) -> None:
    """``--memory-limit`` was pasted into ``SET memory_limit = '…'`` and a folder's path into
    ``read_parquet('…')``: a quote in either ran SQL of the caller's choosing (a COPY writing a
    file) or broke the run; DuckDB's own errors were tracebacks."""
    data = _population(tmp_path / "o'brien")
    out, planted = tmp_path / "out", tmp_path / "planted.csv"
    run = ["run", "--data", str(data), "--date", "2025-01-10", "--out", str(out)]
    fine = runner.invoke(batch_app, [*run, "--format", "csv"])
    assert fine.exit_code == 0, fine.output
    assert (out / "snapshot.csv").exists()
    injected = f"1GB'; COPY (SELECT 42 AS x) TO '{planted}'; --"
    for option, value in (
        ("--memory-limit", injected),
        ("--memory-limit", "abc"),
        ("--threads", "-1"),
    ):
        refused = runner.invoke(batch_app, [*run, option, value])
        assert refused.exit_code == 2, (option, value, refused.output)
        assert f"Invalid value for '{option}'" in refused.output, refused.output
    assert not planted.exists()
    starved = runner.invoke(batch_app, [*run, "--memory-limit", "1KB"])
    assert starved.exit_code == 2, starved.output  # an uncaught error would be 1
    assert "the population could not be read or decided" in starved.output
    negative = runner.invoke(
        batch_app, ["check", "--data", str(data), "--date", "2025-01-10", "--limit", "-3"]
    )
    assert negative.exit_code == 2 and "Invalid value for '--limit'" in negative.output


def test_a_population_file_that_is_no_parquet_is_said_so(tmp_path: Path) -> None:
    data = _population(tmp_path)
    (data / "people.parquet").write_bytes(b"junk")
    found = runner.invoke(
        batch_app,
        ["run", "--data", str(data), "--date", "2025-01-10", "--out", str(tmp_path / "o")],
    )
    assert found.exit_code == 2, found.output
    assert "the population could not be read or decided" in found.output
    chart = runner.invoke(
        batch_app, ["chart", "--data", str(data), "--from", "2024-11", "--to", "2024-12"]
    )
    assert chart.exit_code == 2 and "could not be read" in chart.output, chart.output


def test_check_refuses_a_knowledge_date_before_the_date_as_run_does(tmp_path: Path) -> None:
    """R-S-0: a question is asked as known on its day or later; ``batch check`` refused it
    with a traceback, ``batch run`` with its message: both now say the same, exit 2."""
    data = tmp_path / "population"
    made = runner.invoke(
        batch_app,
        ["generate", "--people", "50", "--seed", "7", "--today", "2026-11-22", "--out", str(data)],
    )
    assert made.exit_code == 0, made.output
    days = ["--date", "2026-10-05", "--as-of", "2026-10-04", "--data", str(data)]
    run = runner.invoke(batch_app, ["run", *days, "--out", str(tmp_path / "snapshot")])
    check = runner.invoke(batch_app, ["check", *days, "--scenarios", str(tmp_path / "found")])
    for result in (run, check):
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "as_of 2026-10-04 is before the date 2026-10-05" in result.output
    assert not (tmp_path / "found").exists()


def test_generate_ends_the_data_today_in_kazakhstan_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The help says the ledger ends with today's month: today in Kazakhstan (R-T-4), not a
    fixed day, unless --today names one."""
    asked: list[date] = []

    def generated(*args: object, today: date, **kwargs: object) -> SimpleNamespace:
        asked.append(today)
        return SimpleNamespace(rows={}, parts=1)

    monkeypatch.setattr(cli_batch, "generate", generated)
    monkeypatch.setattr(clock, "_utc_now", lambda: datetime(2027, 2, 9, 19, 30, tzinfo=UTC))
    for extra in ([], list(REFERENCE_DAY)):
        made = runner.invoke(batch_app, ["generate", "--people", "5", *extra, "--out", "x"])
        assert made.exit_code == 0, made.output
    assert asked == [date(2027, 2, 10), date(2026, 11, 22)]  # 00:30 on 10 February in Almaty
