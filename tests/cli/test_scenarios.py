"""The scenario runner: the shared cases, the project's own, and what it does with bad files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from osms.cli.main import app
from osms.scenarios.facts_file import load_yaml
from osms.scenarios.pytest_plugin import shared_scenarios

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
SHARED = shared_scenarios(ROOT)


def _run(*paths: Path) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["scenarios", "run", *map(str, paths)])
    return result.exit_code, result.output.strip().splitlines()


def test_osms_scenarios_run_runs_the_projects_cases() -> None:
    """The command line runner (each case is also its own pytest item: see below)."""
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


# -- each case a pytest item (osms.scenarios.pytest_plugin) -------------------------------------


def _pytest(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run pytest with the project's configuration (a file outside it names no rootdir)."""
    config = ["-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT)]
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *config, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _collected(output: str) -> list[str]:
    return [line for line in output.splitlines() if "::" in line]


def _names(output: str) -> list[str]:
    return [line.rsplit("::", 1)[1] for line in _collected(output)]


def _cases_citing(rule: str) -> list[str]:
    """The cases of the project's and the shared folders whose name or source cites ``rule``."""
    whole = re.compile(rf"\b{re.escape(rule)}\b")
    folders = [ROOT / "scenarios", *([SHARED] if SHARED.is_dir() else [])]
    return [
        str(case["name"])
        for folder in folders
        for file in sorted(folder.glob("*.yaml"))
        for case in load_yaml(file.read_text("utf-8"))
        if whole.search(f"{case.get('name', '')} {case.get('source', '')}")
    ]


@pytest.mark.slow
def test_k_with_a_rule_id_selects_exactly_the_cases_citing_it() -> None:
    found = _pytest("--collect-only", "-q", "-k", "R-S-4")
    assert found.returncode == 0, found.stdout + found.stderr
    collected = _collected(found.stdout)
    assert all(".yaml::" in line for line in collected), collected
    wanted = _cases_citing("R-S-4")
    assert len(wanted) >= 10
    assert sorted(line.split(".yaml::", 1)[1] for line in collected) == sorted(wanted)


def test_a_rule_id_is_matched_whole_not_as_a_prefix(tmp_path: Path) -> None:
    path = tmp_path / "ids.yaml"
    path.write_text(
        "- name: R-S-40 a later rule\n"
        "  iin: {'900515300018': valid}\n"
        "- name: cites it in its source\n"
        "  source: RULES.md R-S-4\n"
        "  iin: {'900515300018': valid}\n",
        encoding="utf-8",
    )
    found = _pytest("--collect-only", "-q", "-k", "R-S-4", str(path))
    assert _names(found.stdout) == ["cites it in its source"]
    later = _pytest("--collect-only", "-q", "-k", "R-S-40", str(path))
    assert _names(later.stdout) == ["R-S-40 a later rule"]


def test_a_failing_case_item_shows_that_cases_diff(tmp_path: Path) -> None:
    path = tmp_path / "wrong.yaml"
    path.write_text(
        """
- name: Wrong on purpose
  source: RULES.md R-S-5
  person: {iin: "900515300018"}
  payments:
    - {periods: 2022-10..2023-09, paid_on: 2022-10-17}
  expect:
    - {date: 2022-10-20, status: uninsured, reason: debt}
- name: Right
  iin: {"900515300018": valid}
""",
        encoding="utf-8",
    )
    found = _pytest("-q", str(path))
    assert found.returncode == 1
    assert "scenario 'Wrong on purpose' (cites R-S-5)" in found.stdout
    assert "status: got insured, expected uninsured" in found.stdout
    assert "1 failed, 1 passed" in found.stdout


def test_ci_fails_without_the_shared_folder(tmp_path: Path) -> None:
    found = _pytest("--collect-only", "-q", CI="true", OSMS_SHARED_SCENARIOS=str(tmp_path / "no"))
    assert found.returncode != 0
    assert "CI must run the shared scenarios" in found.stderr
