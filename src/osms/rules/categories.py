"""State-paid categories and the documents that prove them (R-CAT-1, R-CAT-2, R-TMP-1).

The list is data (``data/categories.yaml``, SOURCES.md T4 and T6); this module reads it and
answers two questions: is a code a category, and do these documents prove it?

>>> category("student").documents
(('student_certificate', 'student_card'),)
>>> missing_documents("carer_disabled_child", ["disability_certificate"])
(('child_birth_certificate',), ('unemployed_registration',))
>>> missing_documents("student", ["student_card"])
()
>>> payer("unemployed", Month(2025, 5)), payer("unemployed", Month(2026, 5))
('republican_budget', 'local_budget')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from osms.rules.errors import RuleError
from osms.rules.month import Month

__all__ = [
    "Category",
    "UnknownCategory",
    "categories",
    "category",
    "document_kinds",
    "missing_documents",
    "payer",
]


class UnknownCategory(RuleError):
    code = "category.unknown"


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    since: Month
    payers: tuple[tuple[Month, str], ...]
    source: str
    documents: tuple[tuple[str, ...], ...]
    """Requirements for temporary status: each is a tuple of alternatives (any one)."""

    @property
    def temporary_status_on_documents(self) -> bool:
        """Whether SOURCES.md T6 lists documents for this category (R-TMP-1)."""
        return bool(self.documents)


@lru_cache(maxsize=1)
def categories() -> dict[str, Category]:
    text = resources.files("osms.rules").joinpath("data/categories.yaml").read_text("utf-8")
    result: dict[str, Category] = {}
    for entry in yaml.safe_load(text):
        raw_payer = entry["payer"]
        if isinstance(raw_payer, dict):
            payers = tuple(sorted((Month.parse(str(k)), str(v)) for k, v in raw_payer.items()))
        else:
            payers = ((Month.parse(str(entry["since"])), str(raw_payer)),)
        result[entry["code"]] = Category(
            code=entry["code"],
            since=Month.parse(str(entry["since"])),
            payers=payers,
            source=entry["source"],
            documents=tuple(tuple(str(d) for d in group) for group in entry["documents"]),
        )
    return result


def category(code: str) -> Category:
    try:
        return categories()[code]
    except KeyError:
        raise UnknownCategory(f"unknown category {code!r}", field="category") from None


def document_kinds() -> frozenset[str]:
    """Every document kind any category accepts."""
    return frozenset(d for c in categories().values() for group in c.documents for d in group)


def missing_documents(code: str, provided: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """The requirements of the category that the provided document kinds do not meet."""
    have = set(provided)
    return tuple(group for group in category(code).documents if not have.intersection(group))


def payer(code: str, month: Month) -> str:
    """Who pays the category's contribution for the month (R-CAT-2)."""
    current = None
    for since, name in category(code).payers:
        if since <= month:
            current = name
    if current is None:
        raise UnknownCategory(f"category {code!r} did not exist in {month}", field="category")
    return current
