"""The messages marked in the sources, extracted once per test run as ``pybabel extract`` does."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from osms.i18n import catalog_check, placeholders, t

ROOT = Path(__file__).resolve().parents[2]


@cache
def extracted() -> tuple[catalog_check.SourceMessage, ...]:
    """(msgctxt, msgid, msgid_plural) of every marked message (``babel.cfg``, ``KEYWORDS``)."""
    return catalog_check.extracted_messages(ROOT / "src", ROOT / "babel.cfg")


def marked_msgids() -> frozenset[str]:
    """The msgids without context: what a door passes to ``t``."""
    return frozenset(msgid for context, msgid, _ in extracted() if context is None)


def record_msgids(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> set[str]:
    """The msgids ``module`` passes to ``t`` from now on, each checked to get its placeholders."""
    seen: set[str] = set()

    def recording_t(lang: str, msgid: str, **values: object) -> str:
        seen.add(msgid)
        assert placeholders(msgid) <= set(values), msgid
        return t(lang, msgid, **values)

    monkeypatch.setattr(module, "t", recording_t)
    return seen
