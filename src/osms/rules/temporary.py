"""Temporary status on documents (R-TMP-1; SOURCES.md T6): who may apply, and for how long.

A person shown as uninsured may apply for a category whose documents T6 lists
(``temporary_status_on_documents``), bringing a document for every requirement, when the
category is plausible for the person by the IIN (:mod:`osms.rules.plausibility`).  An approved
application grants status on [granted_on, :func:`grant_end`): ``temporary_status_months``
(one) calendar months.  The registry keeps the applications and the services decide; the
rule itself is here, a pure function of the facts.

>>> form = [Document("form_027u", "027-1", date(2025, 3, 1))]
>>> check_application("850312401235", "pregnant", form, date(2025, 3, 3)).code
'pregnant'
>>> check_application("900515300018", "pregnant", form, date(2025, 3, 3))
Traceback (most recent call last):
    ...
osms.rules.temporary.Ineligible: category 'pregnant' is not plausible for 900515300018 on 2025-03-03
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from osms.rules.categories import Category, category, missing_documents
from osms.rules.errors import RuleError
from osms.rules.facts import PersonFacts
from osms.rules.month import add_months
from osms.rules.parameters import temporary_status_months
from osms.rules.plausibility import implausibility
from osms.rules.status import decide

__all__ = [
    "ALREADY_INSURED",
    "Document",
    "Ineligible",
    "check_application",
    "check_uninsured",
    "grant_end",
]

ALREADY_INSURED = "temporary.already_insured"


class Ineligible(RuleError):
    """An application R-TMP-1 does not accept; the instance's ``code`` says why."""

    def __init__(self, message: str, *, code: str, field: str) -> None:
        super().__init__(message, field=field)
        self.code = code


@dataclass(frozen=True, slots=True)
class Document:
    """A document proving a category (SOURCES.md T6): its kind, number and date of issue.

    >>> Document("disability_certificate", "МСЭ-123", date(2024, 5, 2)).to_json()
    {'kind': 'disability_certificate', 'number': 'МСЭ-123', 'issued_on': '2024-05-02'}
    """

    kind: str
    number: str
    issued_on: date

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "number": self.number, "issued_on": self.issued_on.isoformat()}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Document:
        return cls(
            kind=str(value["kind"]),
            number=str(value["number"]),
            issued_on=date.fromisoformat(str(value["issued_on"])),
        )


def grant_end(granted_on: date) -> date:
    """R-TMP-1, §12 Q19: the first day a grant made on ``granted_on`` no longer covers.

    >>> grant_end(date(2025, 1, 31))
    datetime.date(2025, 2, 28)
    """
    return add_months(granted_on, temporary_status_months(granted_on))


def check_application(
    iin: str, category_code: str, documents: Sequence[Document], on: date
) -> Category:
    """The category applied for, if R-TMP-1 accepts the application on ``on``; else raises.

    In order: a known category (``category.unknown``), one given on documents
    (``temporary.not_on_documents``), no document issued after ``on``
    (``temporary.document_date``), a document for every requirement
    (``temporary.documents_missing``), plausible for the IIN (``temporary.not_a_woman`` …).
    Whether the person is uninsured is :func:`check_uninsured`.
    """
    wanted = category(category_code)
    if not wanted.temporary_status_on_documents:
        raise Ineligible(
            f"category {category_code!r} cannot get temporary status on documents (T6)",
            code="temporary.not_on_documents",
            field="category",
        )
    later = [d for d in documents if d.issued_on > on]
    if later:
        raise Ineligible(
            f"document {later[0].kind} {later[0].number!r} is issued on {later[0].issued_on}, "
            f"after the application of {on}",
            code="temporary.document_date",
            field="documents",
        )
    kinds = [document.kind for document in documents]
    missing = missing_documents(wanted.code, kinds)
    if missing:
        needed = "; ".join(" or ".join(group) for group in missing)
        raise Ineligible(
            f"missing documents: {needed}", code="temporary.documents_missing", field="documents"
        )
    implausible = implausibility(iin, wanted.code, on, kinds)
    if implausible is not None:
        raise Ineligible(
            f"category {wanted.code!r} is not plausible for {iin} on {on}",
            code=implausible,
            field="category",
        )
    return wanted


def check_uninsured(facts: PersonFacts, on: date) -> None:
    """R-TMP-1: temporary status is for people shown as uninsured on ``on``; else raises."""
    if decide(facts, on).insured:
        raise Ineligible(
            "the person is insured; temporary status is for people shown as uninsured",
            code=ALREADY_INSURED,
            field="iin",
        )
