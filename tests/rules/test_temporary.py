"""R-TMP-1 as a pure function: which application is accepted, and why not, in order."""

from __future__ import annotations

from datetime import date

import pytest

from osms.rules.errors import RuleError
from osms.rules.facts import PayerKind, PersonFacts
from osms.rules.iin import birth_date
from osms.rules.temporary import (
    ALREADY_INSURED,
    Document,
    check_application,
    check_uninsured,
    grant_end,
)

WOMAN = "850312401235"
MAN = "900515300018"
ON = date(2025, 3, 3)


def _papers(*kinds: str) -> list[Document]:
    return [Document(kind, "1", date(2025, 1, 1)) for kind in kinds]


@pytest.mark.parametrize(
    ("iin", "category", "kinds", "code", "field"),
    [
        (WOMAN, "nobody", ["form_027u"], "category.unknown", "category"),
        (WOMAN, "prisoner", [], "temporary.not_on_documents", "category"),
        (WOMAN, "pregnant", [], "temporary.documents_missing", "documents"),
        (MAN, "pregnant", ["form_027u"], "temporary.not_a_woman", "category"),
        (MAN, "pensioner", ["identity_card"], "temporary.below_pension_age", "category"),
    ],
)
def test_refusals_carry_their_code_and_field(
    iin: str, category: str, kinds: list[str], code: str, field: str
) -> None:
    with pytest.raises(RuleError) as caught:
        check_application(iin, category, _papers(*kinds), ON)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_a_document_issued_after_the_application_is_refused() -> None:
    """A certificate dated after the day it was handed in cannot prove the category."""
    later = [Document("form_027u", "1", date(2025, 3, 4))]
    with pytest.raises(RuleError) as caught:
        check_application(WOMAN, "pregnant", later, ON)
    assert (caught.value.code, caught.value.field) == ("temporary.document_date", "documents")
    same_day = [Document("form_027u", "1", ON)]
    assert check_application(WOMAN, "pregnant", same_day, ON).code == "pregnant"


def test_an_accepted_application_names_its_category() -> None:
    assert check_application(WOMAN, "pregnant", _papers("form_027u"), ON).code == "pregnant"


def test_a_person_without_payments_is_uninsured_and_may_apply() -> None:
    facts = PersonFacts(iin=MAN, birth_date=birth_date(MAN), kind=PayerKind.SELF_PAYER)
    check_uninsured(facts, ON)  # no payments after the transitional window: uninsured
    assert ALREADY_INSURED == "temporary.already_insured"


def test_a_grant_lasts_one_calendar_month() -> None:
    assert grant_end(date(2025, 3, 3)) == date(2025, 4, 3)
    assert grant_end(date(2025, 1, 31)) == date(2025, 2, 28)


def test_documents_round_trip_through_json() -> None:
    document = Document("disability_certificate", "МСЭ-1", date(2024, 5, 2))
    assert Document.from_json(document.to_json()) == document
