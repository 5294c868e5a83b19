"""The scenario runner: the shared cases, the project's own, and what it does with bad files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from osms.cli.main import app
from osms.scenarios.facts_file import load_yaml

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("OSMS_SHARED_SCENARIOS", ROOT.parent / "shared" / "scenarios"))


def _run(*paths: Path) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["scenarios", "run", *map(str, paths)])
    return result.exit_code, result.output.strip().splitlines()


def test_the_shared_scenarios_all_pass() -> None:
    if not SHARED.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the shared scenarios, but {SHARED} is missing")
        pytest.skip(f"no shared scenarios at {SHARED}")
    code, lines = _run(SHARED)
    failures = [line for line in lines if line.startswith("FAIL")]
    assert failures == []
    assert code == 0
    assert lines[-1].endswith(", 0 failed")


def test_the_projects_own_scenarios_all_pass() -> None:
    code, lines = _run(ROOT / "scenarios")
    failures = [line for line in lines if line.startswith("FAIL")]
    assert failures == []
    assert code == 0
    passed = int(lines[-1].split()[0])
    assert passed >= 60


def test_the_packaged_seed_cases_equal_the_shared_ones() -> None:
    shared = SHARED / "seeds.yaml"
    if not shared.exists():
        pytest.skip("no shared seeds.yaml beside the repository")
    packaged = ROOT / "src" / "osms" / "demo" / "seed_cases.yaml"
    assert load_yaml(packaged.read_text("utf-8")) == load_yaml(shared.read_text("utf-8"))


def test_a_failing_case_prints_what_differed(tmp_path: Path) -> None:
    path = tmp_path / "wrong.yaml"
    path.write_text(
        """
- name: Wrong on purpose
  person: {iin: "900515300018"}
  payments:
    - {periods: 2022-10..2023-09, paid_on: 2022-10-17}
  expect:
    - {date: 2022-10-20, status: uninsured, reason: debt}
""",
        encoding="utf-8",
    )
    code, lines = _run(path)
    assert code == 1
    assert lines[0].startswith("FAIL Wrong on purpose: ")
    assert "status: got insured, expected uninsured" in lines[0]
    assert lines[-1] == "0 passed, 1 failed"


CASE = "- name: x\n  person: {iin: '900515300018'}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- name: x\n  person: {iin: '900515300019'}\n"
            "  expect: [{date: 2022-10-20, status: insured}]\n",
            "person.iin",
        ),
        (CASE + "  expect: [{date: 2022-10-20, status: insured, on: 1}]\n", "unknown key"),
        (CASE + "  expect: [{date: 2022-13-40, status: insured}]\n", "not a date"),
        (CASE + "  wat: 1\n  expect: [{date: 2022-10-20, status: insured}]\n", "unknown key"),
        (CASE, "nothing to check"),
        ("[unclosed", "malformed file"),
        ("{}", "malformed file"),
    ],
)
def test_a_malformed_case_fails_with_a_clear_message(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = _run(path)
    assert code == 1
    assert lines[0].startswith("FAIL")
    assert message in lines[0]


def test_a_missing_path_fails(tmp_path: Path) -> None:
    code, lines = _run(tmp_path / "nope.yaml")
    assert code == 1
    assert "no such file" in lines[0]
