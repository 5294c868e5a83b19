"""The vocabularies of OSMS (status, reason, category, cover, option, KNP, payer kind).

The kind of a vocabulary is the message context (msgctxt) of its words in the catalogs.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from osms.i18n.catalogs import NC_, translator

__all__ = [
    "INSURED_AGAIN",
    "STAY_INSURED",
    "UNPAID_MONTHS",
    "VOCABULARY",
    "label",
    "option_label",
]

VOCABULARY: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "status": MappingProxyType(
            {"insured": NC_("status", "Insured"), "uninsured": NC_("status", "Not insured")}
        ),
        "reason": MappingProxyType(
            {
                "transitional": NC_("reason", "Transitional period"),
                "category": NC_("reason", "State-paid category"),
                "temporary": NC_("reason", "Temporary status"),
                "prepaid": NC_("reason", "Prepayment"),
                "regular": NC_("reason", "Regular payments"),
                "grace": NC_("reason", "Grace period"),
                "debt": NC_("reason", "Debt"),
            }
        ),
        "category": MappingProxyType(
            {
                "child": NC_("category", "Children under 18"),
                "unemployed": NC_("category", "Persons registered as unemployed"),
                "pregnant": NC_("category", "Non-working pregnant women"),
                "parent_child_under_3": NC_(
                    "category", "Non-working parent raising a child under 3"
                ),
                "parental_leave": NC_(
                    "category",
                    "On leave for pregnancy and childbirth, adoption of a newborn "
                    "or child care until the age of 3",
                ),
                "carer_disabled_child": NC_(
                    "category", "Non-working carers of a child with a disability"
                ),
                "pensioner": NC_("category", "Pension recipients"),
                "prisoner": NC_("category", "Serving a sentence in a penitentiary institution"),
                "pretrial_detention": NC_("category", "Held in a pre-trial detention centre"),
                "kandas": NC_("category", "Non-working kandases"),
                "mother_of_many": NC_("category", "Mothers of many children with state awards"),
                "disabled": NC_("category", "Persons with disabilities"),
                "student": NC_("category", "Full-time students"),
                "carer_group1_disabled": NC_(
                    "category", "Non-working carers of a person with a group I disability"
                ),
                "social_assistance": NC_(
                    "category", "Non-working recipients of targeted social assistance"
                ),
                "house_arrest": NC_("category", "Non-working persons under house arrest"),
                "local_crisis": NC_(
                    "category",
                    "Non-working persons at a crisis or emergency level of social well-being",
                ),
            }
        ),
        "cover": MappingProxyType(
            {
                "category": NC_("cover", "Paid by the state"),
                "self": NC_("cover", "Paid by the person"),
                "employer": NC_("cover", "Paid by the employer"),
                "unpaid": NC_("cover", "Not paid"),
                "not_liable": NC_("cover", "No contribution due"),
            }
        ),
        "option": MappingProxyType(
            {
                "clear_debt": NC_("option", "Pay off the whole debt"),
                "minimum_now": NC_("option", "Pay the fewest months to be insured now"),
                "prepay_now": NC_("option", "Pay 12 months from this month"),
                "prepay_next": NC_("option", "Pay 12 months from next month"),
            }
        ),
        "knp": MappingProxyType(
            {
                "121": NC_("knp", "OSMS employer deductions"),
                "122": NC_("knp", "OSMS contributions"),
                "123": NC_("knp", "Penalty on late OSMS deductions"),
                "124": NC_("knp", "Penalty on late OSMS contributions"),
                "183": NC_("knp", "Single aggregate payment (OSMS share)"),
            }
        ),
        "payer_kind": MappingProxyType(
            {
                "self_payer": NC_("payer_kind", "Self-payer"),
                "entrepreneur": NC_("payer_kind", "Individual entrepreneur"),
                "employee": NC_("payer_kind", "Employee"),
                "self_employed": NC_("payer_kind", "Self-employed (special tax regime)"),
            }
        ),
    }
)
"""kind → code → English msgid; the kind is the message context (msgctxt) in the catalogs."""


STAY_INSURED: Final = NC_("option", "Pay the fewest months to stay insured")
"""``minimum_now`` for a person insured on the day without a break until it insures (R-K-2)."""

INSURED_AGAIN: Final = NC_("option", "Pay the fewest months to be insured again")
"""``minimum_now`` for a person insured on the day whose status ends before it insures: not
"stay insured" across the gap, and never "to be insured now" (R-K-2)."""

UNPAID_MONTHS: Final = NC_("option", "Pay all the unpaid months")
"""``clear_debt`` when the decision lists no debt (a temporary status, a prepaid run: R-S-7,
RULES.md §12 Q6): the months are unpaid, but they are not called a debt."""


def option_label(lang: str, option: str, *, insured: bool, lapses: bool, debt: bool) -> str:
    """The name of a calculator option (R-K-2), as true as the answer around it.

    ``insured``: insured on the day, so never told "to be insured now": the fewest months are
    theirs to stay insured, or, when the status ends before the option insures (``lapses``:
    days uninsured between the two), to be insured again.  ``debt``: the decision lists debt
    months (R-S-7); without them ``clear_debt`` pays the unpaid months, not "the whole debt".

    >>> option_label("ru", "minimum_now", insured=True, lapses=False, debt=True)
    'Оплатить минимально необходимые месяцы, чтобы остаться застрахованным'
    >>> option_label("en", "minimum_now", insured=True, lapses=True, debt=True)
    'Pay the fewest months to be insured again'
    >>> option_label("en", "minimum_now", insured=False, lapses=False, debt=True)
    'Pay the fewest months to be insured now'
    >>> option_label("en", "clear_debt", insured=True, lapses=False, debt=False)
    'Pay all the unpaid months'
    """
    if insured and option == "minimum_now":
        return translator(lang).pgettext("option", INSURED_AGAIN if lapses else STAY_INSURED)
    if not debt and option == "clear_debt":
        return translator(lang).pgettext("option", UNPAID_MONTHS)
    return label(lang, "option", option)


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
