"""The findings of a decision (``osms.rules.status.Finding``) as sentences (R-S-8).

Finding keys and their values: ``pending_payments`` (``as_of``, ``credit_days``),
``transitional`` (``first``, ``last``: the window), ``category`` (``category``), ``temporary``
(``category``, ``granted_on``, ``ends_on``), ``regular`` (months: the window), ``grace``
(``grace_months``, ``run``), ``long_payer`` (``grace_months``, ``payer_months``), ``debt_run``
(``grace_months``, ``run``), ``debt_gaps`` (``lookback_months``), ``prepaid`` (months: first and
last; ``months``, ``prepay_months``), ``category_ended``, ``pending_month`` (``due_on``,
``payer``), ``provisional`` (``year``, ``last_year`` when several, ``from_year``).  The
parameters a rule used come with its finding, so no text repeats one.  An unknown key, or a
finding whose values cannot be read, falls back to ``Rule {rule} applied ({key}).``

Findings are read by their shape (:class:`FindingLike`): this package never imports the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import Final, Protocol

from osms.i18n.catalogs import N_, format_month_count, t, tn
from osms.i18n.formatting import (
    MonthLike,
    format_month_list,
    format_month_range,
    format_ordinal,
    is_month,
)
from osms.i18n.languages import resolve
from osms.i18n.vocabulary import label

__all__ = ["FINDING_KEYS", "FindingLike", "explain", "explain_all"]


class FindingLike(Protocol):
    """The shape of ``osms.rules.status.Finding``: values are typed (codes, counts, days,
    months), never numbers or dates written as text."""

    @property
    def rule(self) -> str: ...

    @property
    def key(self) -> str: ...

    @property
    def months(self) -> Sequence[MonthLike]: ...

    @property
    def values(self) -> Sequence[tuple[str, object]]: ...


_PENDING: Final = N_(
    "Payments made but not yet credited as of {date} are not counted: "
    "a payment is credited on the {credit_day} working day after the day it is paid."
)
_TRANSITIONAL: Final = N_(
    "Insured: {month} is in the transitional period ({window}), when care under "
    "OSMS was available to everyone regardless of payments."
)
_CATEGORY: Final = N_(
    "Insured: the state pays the contributions for {month} as the person is in the state-paid "
    "category “{category}”."
)
_TEMPORARY: Final = N_(
    "Insured temporarily: a one-month status was granted on the documents of the state-paid "
    "category “{category}” ({granted_on} – {ends_on})."
)
_REGULAR: Final = N_("Insured: no debt for the period {first} – {last}.")
_PENDING_MONTH: Final = {
    "employer": N_("{month}: expected from the employer by {due_on}; it is not a debt until then."),
    "platform": N_(
        "{month}: expected from the platform (or from the self-employed person) by {due_on}; "
        "it is not a debt until then."
    ),
}
_PROVISIONAL: Final = N_(
    "The minimum wage for {year} is not yet published: amounts for {year} use the {from_year} "
    "minimum wage and may change."
)
_PROVISIONAL_YEARS: Final = N_(
    "The minimum wage for {year}–{last_year} is not yet published: amounts for {year}–"
    "{last_year} use the {from_year} minimum wage and may change."
)
_CATEGORY_ENDED: Final = N_(
    "The state-paid category covered the months up to {month}; contributions are due from "
    "the next month."
)
_UNKNOWN_FINDING: Final = N_("Rule {rule} applied ({key}).")

_FindingValues = Mapping[str, object]
_Explainer = Callable[[str, Sequence[MonthLike], _FindingValues], str]


def _count(values: _FindingValues, name: str) -> int:
    value = values[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} is not a count: {value!r}")
    return value


def _day(values: _FindingValues, name: str) -> date:
    value = values[name]
    if not isinstance(value, date):
        raise ValueError(f"{name} is not a date: {value!r}")
    return value


def _month(values: _FindingValues, name: str) -> MonthLike:
    value = values[name]
    if not is_month(value):
        raise ValueError(f"{name} is not a month: {value!r}")
    return value


def _explain_pending(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    credit_day = format_ordinal(_count(values, "credit_days"), lang)
    return t(lang, _PENDING, date=_day(values, "as_of"), credit_day=credit_day)


def _explain_transitional(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    window = format_month_range(_month(values, "first"), _month(values, "last"), lang)
    return t(lang, _TRANSITIONAL, month=months[0], window=window)


def _explain_category(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    category = label(lang, "category", str(values["category"]))
    return t(lang, _CATEGORY, month=months[0], category=category)


def _explain_temporary(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    return t(
        lang,
        _TEMPORARY,
        category=label(lang, "category", str(values["category"])),
        granted_on=_day(values, "granted_on"),
        ends_on=_day(values, "ends_on"),
    )


def _explain_regular(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    return t(lang, _REGULAR, first=months[0], last=months[-1])


def _explain_grace(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    run = _count(values, "run")
    return tn(
        lang,
        "Insured in the grace period: {run} of {grace_months} months unpaid ({months}); "
        "this month is still owed.",
        "Insured in the grace period: {run} of {grace_months} months unpaid ({months}); "
        "these months are still owed.",
        run,
        run=run,
        grace_months=_count(values, "grace_months"),
        months=format_month_list(months, lang),
    )


def _explain_long_payer(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    grace = _count(values, "grace_months")
    payer_months = _count(values, "payer_months")
    return tn(
        lang,
        "The grace period is extended to {grace_months} month: contributions or deductions were "
        "paid for each of the {payer_months} months before the unpaid months.",
        "The grace period is extended to {grace_months} months: contributions or deductions were "
        "paid for each of the {payer_months} months before the unpaid months.",
        grace,
        grace_months=grace,
        payer_months=payer_months,
    )


def _explain_debt_run(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    run = _count(values, "run")
    grace = format_month_count(_count(values, "grace_months"), lang)
    return tn(
        lang,
        "{run} month in a row is unpaid ({months}), longer than the grace period ({grace}).",
        "{run} months in a row are unpaid ({months}), longer than the grace period ({grace}).",
        run,
        run=run,
        grace=grace,
        months=format_month_list(months, lang),
    )


def _explain_debt_gaps(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    if not months:
        raise ValueError("debt_gaps without months")
    lookback = format_month_count(_count(values, "lookback_months"), lang)
    return tn(
        lang,
        "Unpaid month within the last {lookback}: {months}; under the regular rule it blocks "
        "the status until it is paid.",
        "Unpaid months within the last {lookback}: {months}; under the regular rule they block "
        "the status until they are paid.",
        len(months),
        months=format_month_list(months, lang),
        lookback=lookback,
    )


def _explain_prepaid(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    count = _count(values, "months")
    return tn(
        lang,
        "Insured: {count} month in a row is paid ({first} – {last}), the first {prepay_months} "
        "paid in advance all at once; such a prepayment gives status despite older debt.",
        "Insured: {count} months in a row are paid ({first} – {last}), the first {prepay_months} "
        "paid in advance all at once; such a prepayment gives status despite older debt.",
        count,
        count=count,
        first=months[0],
        last=months[-1],
        prepay_months=_count(values, "prepay_months"),
    )


def _explain_category_ended(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    return t(lang, _CATEGORY_ENDED, month=months[0])


def _explain_pending_month(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    message = _PENDING_MONTH[str(values["payer"])]
    return t(lang, message, month=months[0], due_on=_day(values, "due_on"))


def _explain_provisional(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    year, from_year = _count(values, "year"), _count(values, "from_year")
    if "last_year" in values:  # several unpublished years: every one is named (R-P-1)
        last_year = _count(values, "last_year")
        return t(lang, _PROVISIONAL_YEARS, year=year, last_year=last_year, from_year=from_year)
    return t(lang, _PROVISIONAL, year=year, from_year=from_year)


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
    ...                 values=(("grace_months", 3), ("run", 2)))
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
