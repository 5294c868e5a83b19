"""Collect the ``*.doctest`` files of this folder: tables of numbers read like documentation."""

from __future__ import annotations

from pathlib import Path

import pytest
from _pytest.doctest import DoctestTextfile


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> DoctestTextfile | None:
    if file_path.suffix == ".doctest":
        return DoctestTextfile.from_parent(parent, path=file_path)
    return None
