"""The findings of a decision (``osms.rules.status.Finding``) as sentences (R-S-8).

Finding keys: ``pending_payments`` (values ``as_of``), ``transitional``, ``category``
(``category``), ``temporary`` (``category``, ``granted_on``, ``ends_on``), ``regular`` (months:
the window), ``grace`` (``grace_months``, ``run``), ``long_payer`` (``grace_months``, optional
``payer_months``), ``debt_run`` (``grace_months``, ``run``), ``debt_gaps``, ``prepaid`` (months:
first and last; ``months``, optional ``prepay_months``), ``category_ended``.  An unknown key, or
a finding whose values cannot be read, falls back to ``Rule {rule} applied ({key}).``

Findings are read by their shape (:class:`FindingLike`): this package never imports the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import Final, Protocol

from osms.i18n.catalogs import format_month_count, t, tn
from osms.i18n.formatting import MonthLike, format_month_list
from osms.i18n.languages import resolve
from osms.i18n.vocabulary import label

__all__ = ["FINDING_KEYS", "FindingLike", "explain", "explain_all"]


class FindingLike(Protocol):
    """The shape of ``osms.rules.status.Finding``."""

    @property
    def rule(self) -> str: ...

    @property
    def key(self) -> str: ...

    @property
    def months(self) -> Sequence[MonthLike]: ...

    @property
    def values(self) -> Sequence[tuple[str, str]]: ...


_PENDING: Final = (
    "Payments made but not yet credited as of {date} are not counted: "
    "a payment is credited on the 3rd working day after the day it is paid."
)
_TRANSITIONAL: Final = (
    "Insured: {month} is in the transitional period (January – June 2020), when care under "
    "OSMS was available to everyone regardless of payments."
)
_CATEGORY: Final = (
    "Insured: the state pays the contributions for {month} as the person is in the state-paid "
    "category “{category}”."
)
_TEMPORARY: Final = (
    "Insured temporarily: a one-month status was granted on the documents of the state-paid "
    "category “{category}” ({granted_on} – {ends_on})."
)
_REGULAR: Final = "Insured: no debt for the period {first} – {last}."
_GRACE: Final = (
    "Insured in the grace period: {run} of {grace_months} months unpaid ({months}); "
    "this month is still owed.",
    "Insured in the grace period: {run} of {grace_months} months unpaid ({months}); "
    "these months are still owed.",
)
_LONG_PAYER: Final = (
    "The grace period is extended to {grace_months} month: contributions or deductions were "
    "paid for each of the {payer_months} months before the unpaid months.",
    "The grace period is extended to {grace_months} months: contributions or deductions were "
    "paid for each of the {payer_months} months before the unpaid months.",
)
_DEBT_RUN: Final = (
    "{run} month in a row is unpaid ({months}), longer than the grace period ({grace}).",
    "{run} months in a row are unpaid ({months}), longer than the grace period ({grace}).",
)
_DEBT_GAPS: Final = (
    "Unpaid month within the last 12 months: {months}; under the regular rule it blocks "
    "the status until it is paid.",
    "Unpaid months within the last 12 months: {months}; under the regular rule they block "
    "the status until they are paid.",
)
_PREPAID: Final = (
    "Insured: {count} month in a row is paid ({first} – {last}), the first {prepay_months} "
    "paid in advance all at once; such a prepayment gives status despite older debt.",
    "Insured: {count} months in a row are paid ({first} – {last}), the first {prepay_months} "
    "paid in advance all at once; such a prepayment gives status despite older debt.",
)
_PENDING_MONTH: Final = {
    "employer": "{month}: expected from the employer by {due_on}; it is not a debt until then.",
    "platform": (
        "{month}: expected from the platform (or from the self-employed person) by {due_on}; "
        "it is not a debt until then."
    ),
}
_PROVISIONAL: Final = (
    "The minimum wage for {year} is not yet published: amounts for {year} use the {from_year} "
    "minimum wage and may change."
)
_CATEGORY_ENDED: Final = (
    "The state-paid category covered the months up to {month}; contributions are due from "
    "the next month."
)
_UNKNOWN_FINDING: Final = "Rule {rule} applied ({key})."

_LONG_PAYER_MONTHS: Final = "60"
"""R-S-6: the contribution months of a long payer, shown when a finding does not say."""

_PREPAY_MONTHS: Final = "12"
"""R-S-4: the length of a prepaid run, shown when a finding does not say."""

_FindingValues = Mapping[str, str]
_Explainer = Callable[[str, Sequence[MonthLike], _FindingValues], str]


def _explain_pending(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    return t(lang, _PENDING, date=date.fromisoformat(values["as_of"]))


def _explain_transitional(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    return t(lang, _TRANSITIONAL, month=months[0])


def _explain_category(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    category = label(lang, "category", values["category"])
    return t(lang, _CATEGORY, month=months[0], category=category)


def _explain_temporary(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    return t(
        lang,
        _TEMPORARY,
        category=label(lang, "category", values["category"]),
        granted_on=date.fromisoformat(values["granted_on"]),
        ends_on=date.fromisoformat(values["ends_on"]),
    )


def _explain_regular(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    return t(lang, _REGULAR, first=months[0], last=months[-1])


def _explain_grace(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    run = int(values["run"])
    return tn(
        lang,
        *_GRACE,
        run,
        run=run,
        grace_months=int(values["grace_months"]),
        months=format_month_list(months, lang),
    )


def _explain_long_payer(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    grace = int(values["grace_months"])
    payer_months = int(values.get("payer_months", _LONG_PAYER_MONTHS))
    return tn(lang, *_LONG_PAYER, grace, grace_months=grace, payer_months=payer_months)


def _explain_debt_run(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    run = int(values["run"])
    grace = format_month_count(int(values["grace_months"]), lang)
    return tn(lang, *_DEBT_RUN, run, run=run, grace=grace, months=format_month_list(months, lang))


def _explain_debt_gaps(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    if not months:
        raise ValueError("debt_gaps without months")
    return tn(lang, *_DEBT_GAPS, len(months), months=format_month_list(months, lang))


def _explain_prepaid(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    count = int(values["months"])
    prepay_months = int(values.get("prepay_months", _PREPAY_MONTHS))
    return tn(
        lang,
        *_PREPAID,
        count,
        count=count,
        first=months[0],
        last=months[-1],
        prepay_months=prepay_months,
    )


def _explain_category_ended(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    return t(lang, _CATEGORY_ENDED, month=months[0])


def _explain_pending_month(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    due_on = date.fromisoformat(values["due_on"])
    return t(lang, _PENDING_MONTH[values["payer"]], month=months[0], due_on=due_on)


def _explain_provisional(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    return t(lang, _PROVISIONAL, year=values["year"], from_year=values["from_year"])


_EXPLAINERS: Final[Mapping[str, _Explainer]] = MappingProxyType(
    {
        "pending_payments": _explain_pending,
        "transitional": _explain_transitional,
        "category": _explain_category,
        "temporary": _explain_temporary,
        "regular": _explain_regular,
        "grace": _explain_grace,
        "long_payer": _explain_long_payer,
        "debt_run": _explain_debt_run,
        "debt_gaps": _explain_debt_gaps,
        "prepaid": _explain_prepaid,
        "category_ended": _explain_category_ended,
        "pending_month": _explain_pending_month,
        "provisional": _explain_provisional,
    }
)

FINDING_KEYS: Final[tuple[str, ...]] = tuple(_EXPLAINERS)
"""The finding keys :func:`explain` renders (``osms.rules.status._findings``)."""


def explain(finding: FindingLike, lang: str) -> str:
    """One finding of a decision (R-S-8) as a sentence in the language.

    >>> from types import SimpleNamespace as Finding
    >>> grace = Finding(rule="R-S-5", key="grace", months=(date(2023, 10, 1), date(2023, 11, 1)),
    ...                 values=(("grace_months", "3"), ("run", "2")))
    >>> explain(grace, "en")
    'Insured in the grace period: 2 of 3 months unpaid (October 2023, November 2023); these months are still owed.'
    >>> explain(grace, "ru")
    'Статус действует в льготный период: не оплачены 2 месяца из 3 (октябрь 2023, ноябрь 2023); за эти месяцы сохраняется задолженность.'
    >>> explain(Finding(rule="R-X-1", key="new_key", months=(), values=()), "en")
    'Rule R-X-1 applied (new_key).'
    """  # noqa: E501
    lang = resolve(lang)
    explainer = _EXPLAINERS.get(finding.key)
    if explainer is not None:
        try:
            return explainer(lang, finding.months, dict(finding.values))
        except (KeyError, IndexError, ValueError):
            pass
    return t(lang, _UNKNOWN_FINDING, rule=finding.rule, key=finding.key)


def explain_all(findings: Iterable[FindingLike], lang: str) -> list[str]:
    """Every finding of a decision, in order."""
    return [explain(finding, lang) for finding in findings]
