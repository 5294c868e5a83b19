"""docs/json.md against the models that define the JSON shapes (``osms.views.models``): every
documented field exists, and every field is documented, at every depth."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from osms.views import models

DOC = Path(__file__).resolve().parents[2] / "docs" / "json.md"

_MARKER = re.compile(r"<!-- model: (\w+) -->")
_FIELD = re.compile(r"`([^`]+)`")


def documented(text: str) -> dict[str, set[str]]:
    """The field paths of each table, by the model its ``<!-- model: Name -->`` marker names:
    the backticked paths in the first cell of each row."""
    tables: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in text.splitlines():
        marker = _MARKER.search(line)
        if marker:
            current = tables.setdefault(marker.group(1), set())
        elif line.startswith("#"):
            current = None
        elif current is not None and line.startswith("| `"):
            current.update(_FIELD.findall(line.split("|")[1]))
    return tables


def schema_paths(model: type[BaseModel]) -> set[str]:
    """Every field of the model's JSON (by alias), nested ones as ``list[].field`` and
    ``object.field``."""
    schema = model.model_json_schema(by_alias=True, mode="serialization")
    definitions: dict[str, Any] = schema.get("$defs", {})
    found: set[str] = set()

    def walk(node: dict[str, Any], prefix: str) -> None:
        if "$ref" in node:
            walk(definitions[node["$ref"].rsplit("/", 1)[1]], prefix)
        for option in (*node.get("anyOf", ()), *node.get("allOf", ())):
            walk(option, prefix)
        if node.get("type") == "array" and "items" in node:
            walk(node["items"], f"{prefix}[]")
        for name, field in node.get("properties", {}).items():
            path = f"{prefix}.{name}" if prefix else name
            found.add(path)
            walk(field, path)

    walk(schema, "")
    return found


def differences(model: type[BaseModel], paths: set[str]) -> list[str]:
    """What the table and the model disagree on, as sentences (empty when they agree)."""
    fields = schema_paths(model)
    return [f"documented, not in {model.__name__}: {p}" for p in sorted(paths - fields)] + [
        f"in {model.__name__}, not documented: {p}" for p in sorted(fields - paths)
    ]


TABLES = documented(DOC.read_text(encoding="utf-8"))


def test_every_shape_the_doors_print_is_documented() -> None:
    shapes = {
        "StatusDetail",
        "PublicStatus",
        "PaymentHistory",
        "DebtReport",
        "Calculation",
        "IinDescription",
        "IinRefusal",
        "MonthlyAmount",
        "Penalty",
        "ParametersCheck",
        "RegisterReport",
        "RegisterSummary",
        "RegisterLinesPage",
    }
    assert set(TABLES) == shapes
    assert shapes <= set(models.__all__)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_the_doc_and_the_model_name_the_same_fields(name: str) -> None:
    model = getattr(models, name)
    assert differences(model, TABLES[name]) == []


class _Inner(BaseModel):
    a: int


class _Shape(BaseModel):
    one: str
    inner: list[_Inner]
    maybe: _Inner | None


def test_the_check_sees_a_field_too_many_or_missing_at_any_depth() -> None:
    table = """
<!-- model: _Shape -->
| field | type | meaning |
|---|---|---|
| `one`, `inner` | | |
| `inner[].a`, `maybe`, `maybe.a` | | |
"""
    paths = documented(table)["_Shape"]
    assert differences(_Shape, paths) == []
    assert differences(_Shape, paths | {"inner[].b"}) == ["documented, not in _Shape: inner[].b"]
    assert differences(_Shape, paths - {"maybe.a"}) == ["in _Shape, not documented: maybe.a"]
