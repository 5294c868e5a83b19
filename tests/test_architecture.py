"""The "may import" table of the architecture (``ARCHITECTURE.md``), as a test.

Each package of ``osms`` may import the packages its row names and nothing else above it:
arrows point down the table.  The doors (``api``, ``bot``, ``cli``) call the services; they
reach into the registry only for the database plumbing (:data:`DOOR_PLUMBING`: the engine,
the session factory and its read-only option, the migrations) and for the few value types
listed in :data:`DOOR_VALUE_TYPES`, and never into ``intake``.  The rules core imports the
standard library, ``holidays`` and ``pyyaml`` only.

The checker reads the source (an AST walk, nothing is imported) and is itself tested on a
copy of the tree with a planted break.
"""

from __future__ import annotations

import ast
import shutil
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import osms

SOURCE = Path(osms.__file__).parent

ALL = "*"
MAY_IMPORT: dict[str, frozenset[str]] = {
    # the rules core: the law, with no database, web or I/O beyond its packaged data
    "rules": frozenset(),
    "i18n": frozenset(),
    "clock": frozenset(),
    "__init__": frozenset(),
    "__main__": frozenset({"cli"}),
    # the registry keeps the facts; intake reads registers; the services are the use cases
    "registry": frozenset({"rules", "clock"}),
    "intake": frozenset({"rules", "registry", "clock"}),
    "services": frozenset({"rules", "registry", "intake", "i18n", "clock"}),
    # the answers' shapes and texts, shared by the doors: they render what services return
    # (some of it registry rows) and the batch's statistics
    "views": frozenset({"rules", "services", "registry", "batch", "i18n", "clock"}),
    # the doors: services only (rules' value types allowed), plus DOOR_PLUMBING
    "api": frozenset({"services", "views", "rules", "i18n", "clock"}),
    "bot": frozenset({"services", "views", "rules", "i18n", "clock"}),
    "cli": frozenset(
        {
            "services",
            "views",
            "rules",
            "i18n",
            "clock",
            "batch",
            "synthetic",
            "demo",
            "scenarios",
            "bot",
        }
    ),
    # the vectorised twin; the synthetic populations, written in the batch's folder format;
    # the demo; the scenario runner
    "batch": frozenset({"rules", "registry", "i18n"}),
    "synthetic": frozenset({"rules", "batch"}),
    "demo": frozenset(
        {"rules", "registry", "intake", "services", "synthetic", "scenarios", "i18n", "clock"}
    ),
    "scenarios": frozenset({"rules", "clock"}),
}
"""Package (first name under ``osms``) → the ``osms`` packages it may import."""

DOORS = frozenset({"api", "bot", "cli"})

DOOR_PLUMBING: dict[str, str] = {
    "osms.registry.db": "the engine and session factory a door opens and hands to the services",
    "osms.registry.migrate": "the database made ready when a door starts (osms db upgrade)",
}
"""Registry modules every door may import, with why: the database, not its tables."""

DOOR_VALUE_TYPES: dict[tuple[str, str], str] = {
    ("osms.registry.models", "ApplicationStatus"): "the applications' states, an enum",
    ("osms.registry.models", "RefundReason"): "the refund reasons of R-R-1, an enum",
}
"""Names a door may import from the registry: value types, not table access."""

MODULE_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("cli/serve.py", "osms.api"): "osms serve runs the API: its settings and connection limits",
}
"""(module under ``osms``, imported module or its package) → why that one module may."""

RULES_THIRD_PARTY = frozenset({"holidays", "yaml"})
"""What the rules core may import outside the standard library."""


def imports(path: Path, package: str) -> Iterator[tuple[str, tuple[str, ...], int]]:
    """(module, names, line) of every import in a file, relative ones made absolute."""
    for node in _nodes(path.read_text(encoding="utf-8")):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, (), node.lineno
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            yield module, tuple(alias.name for alias in node.names), node.lineno


@cache
def _nodes(text: str) -> list[ast.Import | ast.ImportFrom]:
    """The import statements of a module's text (parsed once per text)."""
    return [
        node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Import | ast.ImportFrom)
    ]


def breaks(root: Path) -> list[str]:
    """Every import in the ``osms`` tree at ``root`` that the table does not allow."""
    modules = {_dotted(path.relative_to(root)) for path in root.rglob("*.py")}
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        layer = relative.with_suffix("").parts[0]
        where = relative.as_posix()
        if layer not in MAY_IMPORT:
            found.append(f"{where}: the package {layer!r} is not in the table")
            continue
        package = _dotted(relative)
        if relative.name != "__init__.py":
            package = package.rpartition(".")[0]
        for module, names, line in imports(path, package):
            for target, imported in _targets(module, names, modules):
                problem = _problem(layer, where, target, imported)
                if problem is not None:
                    found.append(f"{where}:{line}: {problem}")
    return found


def _dotted(relative: Path) -> str:
    parts = relative.with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(("osms", *parts))


def _targets(
    module: str, names: tuple[str, ...], modules: set[str]
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """What an import reaches: ``from osms.registry import db`` reaches the module
    ``osms.registry.db``; ``from osms.registry.models import Payment`` the name ``Payment``."""
    values = tuple(name for name in names if f"{module}.{name}" not in modules)
    for name in names:
        if f"{module}.{name}" in modules:
            yield f"{module}.{name}", ()
    if values or not names:
        yield module, values


def _problem(layer: str, where: str, target: str, imported: tuple[str, ...]) -> str | None:
    top = target.split(".")[0]
    if top != "osms":
        allowed = top in RULES_THIRD_PARTY or top in sys.stdlib_module_names
        return f"the rules core imports {target}" if layer == "rules" and not allowed else None
    parts = target.split(".")
    other = parts[1] if len(parts) > 1 else "__init__"
    if other in (layer, "__init__", "__version__") or other in MAY_IMPORT[layer]:
        return None
    if any(
        where == module_path and (target == allowed or target.startswith(allowed + "."))
        for module_path, allowed in MODULE_EXCEPTIONS
    ):
        return None
    if layer in DOORS and other == "registry":
        if target in DOOR_PLUMBING:
            return None
        if imported and all((target, name) in DOOR_VALUE_TYPES for name in imported):
            return None
    return f"{layer} may not import {target}" + (f" ({', '.join(imported)})" if imported else "")


def test_the_code_keeps_the_table() -> None:
    assert breaks(SOURCE) == []


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the ``osms`` source tree, to plant breaks in."""
    copy = tmp_path / "osms"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return copy


@pytest.mark.parametrize(
    ("planted", "code", "expected"),
    [
        (
            "api/v1/planted.py",
            "from osms.intake.register import parse_register\n",
            "api may not import osms.intake.register (parse_register)",
        ),
        (
            "cli/planted.py",
            "from osms.registry import ledger\n",
            "cli may not import osms.registry.ledger",
        ),
        (
            "bot/planted.py",
            "from osms.registry.models import Payment, RefundReason\n",
            "bot may not import osms.registry.models (Payment, RefundReason)",
        ),
        (
            "cli/planted.py",
            "from osms.api.v1 import schemas\n",
            "cli may not import osms.api.v1.schemas",
        ),
        ("rules/planted.py", "import sqlalchemy\n", "the rules core imports sqlalchemy"),
        (
            "rules/planted.py",
            "from osms.services import status\n",
            "rules may not import osms.services.status",
        ),
        (
            "registry/planted.py",
            "def f():\n    from ..services.status import status_of\n",
            "registry may not import osms.services.status (status_of)",
        ),
    ],
)
def test_a_planted_break_fails(tree: Path, planted: str, code: str, expected: str) -> None:
    assert breaks(tree) == []
    (tree / planted).write_text(code, encoding="utf-8")
    assert breaks(tree) == [f"{planted}:{code.count(chr(10))}: {expected}"]


def test_a_new_package_must_join_the_table(tree: Path) -> None:
    (tree / "reports").mkdir()
    (tree / "reports" / "__init__.py").write_text("", encoding="utf-8")
    assert breaks(tree) == ["reports/__init__.py: the package 'reports' is not in the table"]


def test_door_exceptions_name_real_modules() -> None:
    """Each allowed exception still exists: an exception for a removed import is dropped."""
    used = {
        (path.relative_to(SOURCE).as_posix(), module)
        for path in SOURCE.rglob("*.py")
        for module, _, _ in imports(path, "osms")
    }
    for where, allowed in MODULE_EXCEPTIONS:
        assert any(w == where and m.startswith(allowed) for w, m in used), (where, allowed)
