"""Is a state-paid category plausible for the person, by the IIN (R-TMP-1, R-IIN-1)?

An application for temporary status must be plausible for the person: the pregnancy category
for a woman (the IIN's 7th digit is even), the child category for a child (through the month
of the 18th birthday, as R-C-2 counts it), the pension category for a person of pension age
(``pension_age_months_men`` / ``pension_age_months_women``, dated parameters) or one who brings
the document of a pensioner below that age (the WWII veteran's certificate, SOURCES.md T6).

>>> implausibility("900515300018", "pregnant", date(2025, 3, 3))
'temporary.not_a_woman'
>>> implausibility("850312401235", "pregnant", date(2025, 3, 3)) is None
True
>>> implausibility("900515300018", "child", date(2025, 3, 3))
'temporary.not_a_child'
>>> implausibility("900515300018", "pensioner", date(2025, 3, 3))
'temporary.below_pension_age'
>>> implausibility("900515300018", "pensioner", date(2025, 3, 3), ["veteran_certificate"]) is None
True
>>> implausibility("590101300016", "pensioner", date(2025, 3, 3)) is None  # born 1959: 66
True
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Final

from osms.rules import iin as iin_rules
from osms.rules import parameters
from osms.rules.month import Month

__all__ = [
    "BELOW_PENSION_AGE",
    "NOT_A_CHILD",
    "NOT_A_WOMAN",
    "PENSIONER_DOCUMENTS",
    "age_in_months",
    "implausibility",
    "pension_age_months",
]

NOT_A_WOMAN: Final = "temporary.not_a_woman"
NOT_A_CHILD: Final = "temporary.not_a_child"
BELOW_PENSION_AGE: Final = "temporary.below_pension_age"

PENSIONER_DOCUMENTS: Final[frozenset[str]] = frozenset({"veteran_certificate"})
"""A document that proves a pension below pension age (SOURCES.md T6: WWII participants)."""

_WOMEN_ONLY: Final = frozenset({"pregnant"})


def age_in_months(birth: date, on: date) -> int:
    """Whole months of age on ``on``.

    >>> born = date(1990, 5, 15)
    >>> age_in_months(born, date(2025, 5, 14)), age_in_months(born, date(2025, 5, 15))
    (419, 420)
    """
    months = (on.year - birth.year) * 12 + on.month - birth.month
    return months - 1 if on.day < birth.day else months


def pension_age_months(sex: str, on: date) -> int:
    """The pension age in force on ``on`` for ``sex`` (``male`` / ``female``), in months."""
    name = "pension_age_months_women" if sex == "female" else "pension_age_months_men"
    return parameters.load_parameters().get(name).int_at(on)


def implausibility(iin: str, category: str, on: date, documents: Iterable[str] = ()) -> str | None:
    """Why ``category`` is not plausible for the person with this IIN on ``on``, as a stable
    code, or None when it is (R-TMP-1).  ``documents`` are the kinds of documents brought."""
    sex = iin_rules.sex(iin)
    birth = iin_rules.birth_date(iin)
    if category in _WOMEN_ONLY and sex != "female":
        return NOT_A_WOMAN
    if category == "child":
        last_child_month = Month.of(birth) + 12 * parameters.child_category_until_age()
        if Month.of(on) > last_child_month:
            return NOT_A_CHILD
    if (
        category == "pensioner"
        and not PENSIONER_DOCUMENTS.intersection(documents)
        and age_in_months(birth, on) < pension_age_months(sex, on)
    ):
        return BELOW_PENSION_AGE
    return None
