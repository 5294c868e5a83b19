"""What the batch tests share: one DuckDB connection per test module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from osms.batch.engine import connect


@pytest.fixture(scope="module")
def con() -> Iterator[Any]:
    """A DuckDB connection for the module's tests (the engine's own settings)."""
    connection = connect()
    yield connection
    connection.close()
