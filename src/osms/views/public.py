"""What anyone may see about an IIN without a key (RULES.md §11): the one definition the
citizen page, the bot and the anonymous API share.

The public check shows the status; the reason, a state-paid category named only as
"state-paid" (which category it is — disability, pregnancy, social assistance — is personal
data); insured until; the Fund's warning in the last grace month; the debt months with their
amounts; and, through the calculator, what to pay.  Nothing else: no name, no category name,
no payment, no employer month, no pending month (R-L-9), no payer.  The authenticated detail
(:class:`osms.views.models.StatusDetail`) is for API clients with a key; the public JSON is
:class:`osms.views.models.PublicStatus`.

An IIN the registry does not know (:attr:`PublicStatus.known` false) is answered as such —
"no records yet; payments appear within 3 working days" — never as a debtor: its public view
lists no debt, whatever the rules decide on the IIN alone.  Uninsured, it is "no records
yet" with no reasons; insured (a child, R-C-2, or the grace months after the child category
ends), it shows the status, which the birth date in the IIN decides, but no debt month, no
debt total and only the prepayments as what to pay: months the registry has no record of are
not known to be unpaid.

The explanation (R-S-8) is kept only where it restates what the public view already shows;
the findings that speak of a category, of payments or of the employer are left out or told in
words that do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from osms.i18n import N_, explain, label, t, tn
from osms.rules import parameters
from osms.rules.calculator import Calculation, OptionName
from osms.rules.month import Month
from osms.rules.status import DebtMonth, Decision, Finding, Reason, Status

__all__ = [
    "CALL_CENTRE",
    "FUND_NAMES",
    "FUND_SITE",
    "NO_RECORDS",
    "PublicStatus",
    "beneficiary",
    "explain_all_public",
    "explain_public",
    "no_records",
    "public_calculation",
    "public_status",
    "reason_code",
    "reason_label",
]

CALL_CENTRE: Final = "1414"
"""The Fund's call centre since 2023 (SOURCES.md R5.1)."""

FUND_SITE: Final = "fms.kz"
"""The Fund's site (SOURCES.md R5.1)."""

FUND_NAMES: Final = {
    "kk": "Әлеуметтік медициналық сақтандыру қоры (ӘМСҚ)",
    "ru": "Фонд социального медицинского страхования (ФСМС)",
    "en": "Social Health Insurance Fund",
}
"""The Fund's name in each language (RULES.md §1): proper names, not catalog messages."""


_STATE_PAID: Final = N_("The state pays the contributions for {month}.")
_TEMPORARY: Final = N_(
    "A temporary status was granted for one month on the documents of a state-paid category: "
    "{granted_on} – {ends_on}."
)
_PREPAID: Final = N_(
    "Twelve months were paid in advance all at once: such a prepayment gives status even when "
    "earlier months are unpaid."
)
"""Not "despite older debt": the months before a prepaid run are not shown as debt (R-S-7,
§12 Q6), and the same answer says "no debt"."""
_WITHOUT_RECORDS: Final = (OptionName.PREPAY_NOW, OptionName.PREPAY_NEXT)
"""The options offered on an IIN alone: none of them bills a month as a debt."""
NO_RECORDS: Final = "no_records"
"""The public reason of an IIN the registry does not know and the rules do not insure."""
_NO_RECORDS: Final = N_("No records yet")
_BENEFICIARY: Final = N_("NJSC State Corporation “Government for Citizens”")
"""The payee of contributions in the page's language; the API's ``fund.beneficiary`` keeps
the Russian official name banks' forms expect (:data:`osms.rules.calculator.FUND`)."""

_SHOWN_AS_IS: Final = frozenset({"transitional", "regular", "debt_gaps", "provisional"})
"""Findings that say nothing the public view does not already show."""

_AS_DECIDED: Final = (
    "iin",
    "on",
    "as_of",
    "month",
    "status",
    "reason",
    "insured_until",
    "grace",
    "loses_status_next_month",
    "ends_with_this_month",
)
"""The decision's fields the public view shows unchanged; the debt, the provisional flag and
the explanation are filtered, and the category, payments and pending months never copied."""


@dataclass(frozen=True, slots=True)
class PublicStatus:
    """The public check's answer for one IIN on one date (RULES.md §11)."""

    iin: str
    on: date
    as_of: date
    month: Month
    known: bool
    """False when the registry holds nothing for the IIN: no payment, no category."""
    status: Status
    reason: Reason
    insured_until: date | None
    grace: bool
    loses_status_next_month: bool
    ends_with_this_month: bool
    """The Fund's warning, "status ends next month" (:attr:`Decision.ends_with_this_month`)."""
    debt_months: tuple[DebtMonth, ...]
    unrecorded_debt: bool
    """An IIN the registry does not know whose months the rules alone find unpaid (the grace
    months after the child category): no debt is listed, the answer says "no records yet"."""
    provisional: bool
    why: tuple[Finding, ...]
    """The findings the public may read (:func:`explain_public` renders them)."""

    @property
    def insured(self) -> bool:
        return self.status is Status.INSURED

    @property
    def state_paid(self) -> bool:
        return self.reason is Reason.CATEGORY

    @property
    def no_records(self) -> bool:
        """An unknown IIN the rules do not insure: "no records yet", never a debtor."""
        return not self.known and not self.insured

    @property
    def debt_total(self) -> Decimal:
        return sum((d.amount for d in self.debt_months), Decimal(0))


def public_status(decision: Decision, *, known: bool) -> PublicStatus:
    """The public view of a decision; ``known``: whether the registry holds the IIN (an IIN it
    does not know lists no debt, insured or not: RULES.md §11)."""
    no_records = not known and not decision.insured
    debts = decision.debt_months if known else ()
    return PublicStatus(
        **{name: getattr(decision, name) for name in _AS_DECIDED},
        known=known,
        debt_months=debts,
        unrecorded_debt=not known and bool(decision.debt_months),
        provisional=decision.provisional and bool(debts),
        why=() if no_records else _public_findings(decision, debts),
    )


def public_calculation(calculation: Calculation, *, known: bool) -> Calculation:
    """What the public is offered to pay (RULES.md §11): an IIN the registry does not know is
    never billed as a debtor, even while the rules find it insured (the grace months after the
    child category), so only the prepayments are offered (R-K-2: with no payments at all,
    prepay); anyone else gets every option."""
    if known:
        return calculation
    return calculation.restricted_to(_WITHOUT_RECORDS)


def _public_findings(decision: Decision, debts: Sequence[DebtMonth]) -> tuple[Finding, ...]:
    """The explanation without categories, payments, employers or pending months, its runs
    told by the ``debts`` shown only."""
    owed = {d.month for d in debts}
    found: list[Finding] = []
    for finding in decision.findings:
        key = finding.key
        if key in _SHOWN_AS_IS:
            if key == "debt_gaps" and decision.reason is not Reason.DEBT:
                continue  # a prepaid person's older gaps are no debt of the public view
            found.append(finding)
        elif key == "category":
            found.append(Finding(finding.rule, "state_paid", finding.months))
        elif key == "temporary":
            values = tuple((k, v) for k, v in finding.values if k != "category")
            found.append(Finding(finding.rule, "temporary_granted", finding.months, values))
        elif key == "prepaid":
            found.append(Finding(finding.rule, "prepaid_block"))
        elif key in ("grace", "debt_run"):
            public = _owed_run(finding, owed, decision)
            if public is not None:
                found.append(public)
        # pending_payments, pending_month, long_payer, category_ended: never shown publicly
    return tuple(found)


def _owed_run(finding: Finding, owed: set[Month], decision: Decision) -> Finding | None:
    """A grace or debt run told by its owed months only: the pending months an employer may
    still pay (R-L-9) are not the public's to see."""
    months = tuple(m for m in finding.months if m in owed)
    if months == finding.months:
        return finding
    if not months or decision.reason is Reason.PREPAID:
        return None
    values = dict(finding.values)
    grace_months = values.get("grace_months", 0)
    if finding.key == "grace" or (isinstance(grace_months, int) and grace_months < len(months)):
        values["run"] = len(months)
        return Finding(finding.rule, finding.key, months, tuple(values.items()))
    # Without its pending months the run is no longer than grace: say what is owed.
    lookback = parameters.lookback_months(decision.month)
    return Finding(finding.rule, "debt_gaps", months, (("lookback_months", lookback),))


def explain_public(finding: Finding, lang: str) -> str:
    """One public finding as a sentence in the language."""
    if finding.key == "state_paid":
        return t(lang, _STATE_PAID, month=finding.months[0])
    if finding.key == "temporary_granted":
        values = dict(finding.values)
        return t(
            lang,
            _TEMPORARY,
            granted_on=values["granted_on"],
            ends_on=values["ends_on"],
        )
    if finding.key == "prepaid_block":
        return t(lang, _PREPAID)
    return explain(finding, lang)


def no_records(on: date, lang: str) -> str:
    """The answer to an IIN the registry does not know (RULES.md §11), on the page and in the
    bot: a payment made ``on`` shows after the credit delay (R-T-3)."""
    n = parameters.credit_delay_working_days(on)
    return tn(
        lang,
        "The registry has no payment and no state-paid category for this IIN yet. If you paid "
        "recently, the payment appears within {n} working day; with questions, call 1414.",
        "The registry has no payment and no state-paid category for this IIN yet. If you paid "
        "recently, the payment appears within {n} working days; with questions, call 1414.",
        n,
    )


def explain_all_public(findings: Sequence[Finding], lang: str) -> list[str]:
    return [explain_public(f, lang) for f in findings]


def reason_code(view: PublicStatus) -> str:
    """The reason as the public answer codes it: the decision's, or :data:`NO_RECORDS` for an
    IIN the registry does not know and the rules do not insure (never ``debt``, RULES.md §11).
    """
    return NO_RECORDS if view.no_records else view.reason.value


def reason_label(view: PublicStatus, lang: str) -> str:
    """The reason in words; a state-paid category is only ever "state-paid", an IIN the
    registry does not know "no records yet"."""
    if view.no_records:
        return t(lang, _NO_RECORDS)
    return label(lang, "reason", view.reason.value)


def beneficiary(lang: str) -> str:
    """The payee of contributions in the language (R-K-3)."""
    return t(lang, _BENEFICIARY)
