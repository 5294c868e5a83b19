"""Packaging: the rules core installs and imports with its two dependencies alone.

``pip install osms`` brings ``holidays`` and ``pyyaml``; the registry, API, bot, batch engine
and chart are extras.  The import test runs every ``osms.rules`` module in a fresh interpreter
that refuses any module outside the standard library, ``osms`` and the two dependencies (with
what they require themselves), so a new import of SQLAlchemy, DuckDB … in the core fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
CORE = frozenset({"holidays", "pyyaml"})

IMPORT_THE_CORE = """
import importlib, json, pkgutil, sys
allowed = set(json.loads(sys.argv[1]))

class Refuse:
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in allowed or top in sys.stdlib_module_names:
            return None
        raise ImportError(f"the rules core imports {name}, which is not one of its dependencies")

sys.meta_path.insert(0, Refuse())
import osms.rules
for module in pkgutil.walk_packages(osms.rules.__path__, "osms.rules."):
    importlib.import_module(module.name)
import osms.rules.iin, osms.rules.status
print("imported", len([m for m in sys.modules if m.startswith("osms.rules")]))
"""


def _name(distribution: str) -> str:
    return distribution.lower().replace("_", "-")


def _with_requirements(names: frozenset[str]) -> set[str]:
    """The distributions ``names`` need when installed without extras, themselves included."""
    found: set[str] = set()
    todo = list(names)
    while todo:
        name = _name(todo.pop())
        if name in found:
            continue
        found.add(name)
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return found


def test_the_core_depends_on_holidays_and_pyyaml_only() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert {Requirement(text).name for text in project["dependencies"]} == CORE
    extras = project["optional-dependencies"]
    assert {"registry", "api", "bot", "batch", "chart", "cli", "all"} <= set(extras)
    assert "polars" not in json.dumps(extras)


def test_the_rules_core_imports_nothing_beyond_its_dependencies() -> None:
    distributions = _with_requirements(CORE)
    modules = {"osms"} | {
        module
        for module, owners in metadata.packages_distributions().items()
        if any(_name(owner) in distributions for owner in owners)
    }
    found = subprocess.run(
        [sys.executable, "-c", IMPORT_THE_CORE, json.dumps(sorted(modules))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.startswith("imported ")


def test_the_refusal_catches_a_module_outside_the_core() -> None:
    """The check itself works: with SQLAlchemy not allowed, importing it fails."""
    script = IMPORT_THE_CORE.replace("import osms.rules\n", "import osms.rules, sqlalchemy\n")
    found = subprocess.run(
        [sys.executable, "-c", script, json.dumps(["osms", "yaml", "holidays", "dateutil"])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode != 0
    assert "the rules core imports sqlalchemy" in found.stderr
