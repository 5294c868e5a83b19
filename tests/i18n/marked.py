"""The messages marked in the sources, extracted once per test run as ``pybabel extract`` does."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from osms.i18n import catalog_check

ROOT = Path(__file__).resolve().parents[2]


@cache
def extracted() -> tuple[catalog_check.SourceMessage, ...]:
    """(msgctxt, msgid, msgid_plural) of every marked message (``babel.cfg``, ``KEYWORDS``)."""
    return catalog_check.extracted_messages(ROOT / "src", ROOT / "babel.cfg")


def marked_msgids() -> frozenset[str]:
    """The msgids without context: what a door passes to ``t``."""
    return frozenset(msgid for context, msgid, _ in extracted() if context is None)
