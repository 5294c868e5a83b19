"""The vocabularies of OSMS (status, reason, category, cover, option, KNP, payer kind).

The kind of a vocabulary is the message context (msgctxt) of its words in the catalogs.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from osms.i18n.catalogs import translator

__all__ = ["VOCABULARY", "label"]

VOCABULARY: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "status": MappingProxyType({"insured": "Insured", "uninsured": "Not insured"}),
        "reason": MappingProxyType(
            {
                "transitional": "Transitional period",
                "category": "State-paid category",
                "temporary": "Temporary status",
                "prepaid": "Prepayment",
                "regular": "Regular payments",
                "grace": "Grace period",
                "debt": "Debt",
            }
        ),
        "category": MappingProxyType(
            {
                "child": "Children under 18",
                "unemployed": "Persons registered as unemployed",
                "pregnant": "Non-working pregnant women",
                "parent_child_under_3": "Non-working parent raising a child under 3",
                "parental_leave": (
                    "On leave for pregnancy and childbirth, adoption of a newborn "
                    "or child care until the age of 3"
                ),
                "carer_disabled_child": "Non-working carers of a child with a disability",
                "pensioner": "Pension recipients",
                "prisoner": "Serving a sentence in a penitentiary institution",
                "pretrial_detention": "Held in a pre-trial detention centre",
                "kandas": "Non-working kandases",
                "mother_of_many": "Mothers of many children with state awards",
                "disabled": "Persons with disabilities",
                "student": "Full-time students",
                "carer_group1_disabled": (
                    "Non-working carers of a person with a group I disability"
                ),
                "social_assistance": "Non-working recipients of targeted social assistance",
                "house_arrest": "Non-working persons under house arrest",
                "local_crisis": (
                    "Non-working persons at a crisis or emergency level of social well-being"
                ),
            }
        ),
        "cover": MappingProxyType(
            {
                "category": "Paid by the state",
                "self": "Paid by the person",
                "employer": "Paid by the employer",
                "unpaid": "Not paid",
                "not_liable": "No contribution due",
            }
        ),
        "option": MappingProxyType(
            {
                "clear_debt": "Pay off the whole debt",
                "minimum_now": "Pay the fewest months to be insured now",
                "prepay_now": "Pay 12 months from this month",
                "prepay_next": "Pay 12 months from next month",
            }
        ),
        "knp": MappingProxyType(
            {
                "121": "OSMS employer deductions",
                "122": "OSMS contributions",
                "123": "Penalty on late OSMS deductions",
                "124": "Penalty on late OSMS contributions",
                "183": "Single aggregate payment (OSMS share)",
            }
        ),
        "payer_kind": MappingProxyType(
            {
                "self_payer": "Self-payer",
                "entrepreneur": "Individual entrepreneur",
                "employee": "Employee",
                "self_employed": "Self-employed (special tax regime)",
            }
        ),
    }
)
"""kind → code → English msgid; the kind is the message context (msgctxt) in the catalogs."""


def label(lang: str, kind: str, value: str) -> str:
    """The name of a code of a vocabulary (:data:`VOCABULARY`) in the language.

    An unknown code of a known kind is returned as it is; an unknown kind is an error.

    >>> label("ru", "status", "uninsured"), label("kk", "reason", "debt")
    ('Не застрахован', 'Берешек')
    >>> label("kk", "payer_kind", "self_payer"), label("en", "knp", "122")
    ('Дербес төлеуші', 'OSMS contributions')
    >>> label("ru", "category", "no_such_category")
    'no_such_category'
    """
    try:
        vocabulary = VOCABULARY[kind]
    except KeyError:
        raise ValueError(
            f"unknown vocabulary {kind!r}; expected one of {tuple(VOCABULARY)}"
        ) from None
    code = str(value)
    msgid = vocabulary.get(code)
    if msgid is None:
        return code
    return translator(lang).pgettext(kind, msgid)
