"""The scenario cases as pytest items: one item per case, named by the case.

The project's test run loads this plugin (``-p osms.scenarios.pytest_plugin`` in
``pyproject.toml``).  It collects the ``*.yaml`` files of the project's ``scenarios/`` folder,
of the shared folder (:func:`shared_scenarios`) and any YAML file named on the command line.
Each case becomes one item whose keywords are the rule ids it cites (:func:`cited_rules`), so
``pytest -k R-S-4`` runs the cases that cite R-S-4, and a failure shows that case's diff.

pytest matches ``-k`` words as substrings of any test's name; a rule id is matched here as a
whole id cited by a case, so ``-k R-S-4`` selects exactly the scenario cases that cite R-S-4:
neither a case citing only R-S-40 nor another test whose parameters mention R-S-4.

A bare ``pytest`` (the ``testpaths``) adds the shared folder when it exists; with ``CI=true`` a
missing shared folder is an error, since CI must run the shared cases.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _pytest.mark import KeywordMatcher  # pytest's own -k semantics, kept for other words
from _pytest.mark.expression import Expression

from osms.scenarios.runner import (
    RULE_ID,
    CaseResult,
    ScenarioFileError,
    case_name,
    cited_rules,
    read_cases,
    run_case,
)

SHARED_ENV = "OSMS_SHARED_SCENARIOS"
_FOLDERS = pytest.StashKey[tuple[Path, ...]]()


def shared_scenarios(root: Path) -> Path:
    """The shared scenario folder: ``$OSMS_SHARED_SCENARIOS``, else ``../shared/scenarios``."""
    return Path(os.environ.get(SHARED_ENV) or root.parent / "shared" / "scenarios")


def pytest_configure(config: pytest.Config) -> None:
    shared = shared_scenarios(config.rootpath)
    config.stash[_FOLDERS] = ((config.rootpath / "scenarios").resolve(), shared.resolve())
    if config.args_source is not pytest.Config.ArgsSource.TESTPATHS:
        return
    if shared.is_dir():
        config.args.append(str(shared))
    elif os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(
            f"CI must run the shared scenarios, but {shared} is missing (set {SHARED_ENV})"
        )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
    if file_path.suffix != ".yaml":
        return None
    folders = parent.config.stash.get(_FOLDERS, ())
    resolved = file_path.resolve()
    if parent.session.isinitpath(file_path) or any(resolved.is_relative_to(f) for f in folders):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    """One scenario file: an item per case; an unreadable file is a collection error."""

    def collect(self) -> Iterator[ScenarioCase]:
        try:
            cases = read_cases(self.path)
        except ScenarioFileError as error:
            raise self.CollectError(f"{self.path}: {error}") from None
        for number, case in enumerate(cases, start=1):
            fallback = f"{self.path.name}#{number}"
            item = ScenarioCase.from_parent(
                self, name=case_name(case, fallback), case=case, fallback=fallback
            )
            item.extra_keyword_matches.update(item.rules)
            yield item


class ScenarioFailure(Exception):
    """A case whose results differ from what it expects."""

    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.line())
        self.result = result


class ScenarioCase(pytest.Item):
    """One case of a scenario file, run by :func:`osms.scenarios.runner.run_case`."""

    def __init__(self, *, case: Any, fallback: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.fallback = fallback
        self.rules = cited_rules(case)

    def runtest(self) -> None:
        result = run_case(self.case, self.fallback)
        if not result.passed:
            raise ScenarioFailure(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailure):
            result = excinfo.value.result
            cites = f" (cites {', '.join(self.rules)})" if self.rules else ""
            lines = [f"scenario {result.name!r}{cites} in {self.path}:"]
            return "\n".join([*lines, *(f"  {problem}" for problem in result.problems)])
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"scenario: {self.name}"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Match the rule ids of ``-k`` to the ids cases cite (pytest matched them as substrings)."""
    keyword = config.getoption("keyword", "")
    if not keyword or not RULE_ID.search(keyword.upper()):
        return
    expression = Expression.compile(keyword)
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        (kept if expression.evaluate(_WholeRuleIds(item)) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


class _WholeRuleIds:
    """pytest's keyword matcher, except that a rule id matches the scenario cases citing it."""

    def __init__(self, item: pytest.Item) -> None:
        self._substrings = KeywordMatcher.from_item(item)
        self._rules = frozenset(item.rules if isinstance(item, ScenarioCase) else ())

    def __call__(self, name: str, /, **kwargs: str | int | bool | None) -> bool:
        if RULE_ID.fullmatch(name.upper()):
            return name.upper() in self._rules
        return self._substrings(name, **kwargs)
