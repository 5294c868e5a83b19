"""The status decision (R-S-0…R-S-8) as JSON: the full decision, its payments and debts, and
what the public check may show (RULES.md §11)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal, Self, cast

from pydantic import Field
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema

from osms.i18n import explain, label
from osms.rules.coverage import Cover
from osms.rules.facts import KNP, Channel
from osms.rules.refunds import as_paid
from osms.rules.status import DebtMonth as DebtMonthFact
from osms.rules.status import Decision, Reason, Status
from osms.views import public
from osms.views.models.base import (
    DEFAULT_IIN_EXAMPLE,
    SCHEMA_VERSION,
    AnswerModel,
    Iin,
    Language,
    Money,
    MonthText,
    money,
    set_by_the_api,
    with_example,
)

_HEAD_EXAMPLE: JsonDict = {
    "schema": 1,
    "iin": DEFAULT_IIN_EXAMPLE,
    "date": "2025-01-10",
    "as_of": "2025-01-10",
    "month": "2025-01",
}

_GRACE_REASON: JsonDict = {
    "rule": "R-S-5",
    "key": "grace",
    "text": (
        "Insured in the grace period: 2 of 3 months unpaid (December 2024, January 2025); "
        "these months are still owed."
    ),
}
_GRACE_LABELS: JsonDict = {"status": "Insured", "reason": "Grace period"}

_PUBLIC_EXAMPLE: JsonDict = {
    **_HEAD_EXAMPLE,
    "status": "insured",
    "reason": "grace",
    "insured_until": "2025-02-28",
    "grace": True,
    "loses_status_next_month": False,
    "debt_months": ["2024-12", "2025-01"],
    "provisional": False,
    "known": True,
    "debt": [
        {"month": "2024-12", "amount": "4250.00"},
        {"month": "2025-01", "amount": "4325.00"},
    ],
    "debt_total": "8575.00",
    "explanation": [_GRACE_REASON],
    "labels": _GRACE_LABELS,
    "lang": "en",
}

_DETAIL_EXAMPLE: JsonDict = {
    **_PUBLIC_EXAMPLE,
    "category": None,
    "grace_months": 3,
    "payments": [
        {
            "month": "2024-11",
            "cover": "self",
            "category": None,
            "paid": "4250.00",
            "items": [
                {
                    "amount": "4250.00",
                    "knp": "122",
                    "payer": DEFAULT_IIN_EXAMPLE,
                    "paid_on": "2024-11-05",
                    "credited_on": "2024-11-08",
                    "channel": "bank_app",
                }
            ],
        },
        {"month": "2024-12", "cover": "unpaid", "category": None, "paid": "0.00", "items": []},
    ],
    "pending_months": [],
    "pending": [],
    "rules": ["R-S-5"],
    "explanation": [
        {
            **_GRACE_REASON,
            "months": ["2024-12", "2025-01"],
            "values": {},
        }
    ],
    "labels": {**_GRACE_LABELS, "category": None},
}
"""The public check's person, in full: the detail adds the category, the payments, the rules
and each reason's months and values."""

_DEBT_EXAMPLE: JsonDict = {
    **_HEAD_EXAMPLE,
    "status": "uninsured",
    "reason": "debt",
    "debt_months": ["2024-10", "2024-11", "2024-12", "2025-01"],
    "debt": [
        {"month": "2024-10", "amount": "4250.00"},
        {"month": "2024-11", "amount": "4250.00"},
        {"month": "2024-12", "amount": "4250.00"},
        {"month": "2025-01", "amount": "4325.00"},
    ],
    "debt_total": "17075.00",
    "known": True,
}


_Answer = Decision | public.PublicStatus
"""The full decision, or what the public may see of it."""


def _head(answer: _Answer) -> dict[str, Any]:
    """The fields every answer about one person's decision opens with."""
    return {
        "schema": SCHEMA_VERSION,
        "iin": answer.iin,
        "date": answer.on,
        "as_of": answer.as_of,
        "month": str(answer.month),
    }


def _verdict(answer: _Answer) -> dict[str, Any]:
    """What the decision and the public check answer alike: the status, its reason and its
    end, the Fund's warning and the debt with amounts (R-S-1…R-S-7, R-L-9)."""
    return {
        "status": answer.status,
        "reason": answer.reason,
        "insured_until": answer.insured_until,
        "grace": answer.grace,
        "loses_status_next_month": answer.loses_status_next_month,
        "debt_months": [str(d.month) for d in answer.debt_months],
        "provisional": answer.provisional,
        "debt": DebtMonth.each(answer.debt_months),
        "debt_total": money(answer.debt_total),
    }


class DebtMonth(AnswerModel):
    month: MonthText
    amount: Money = Field(description="Still due for that month.")

    @classmethod
    def each(cls, debt_months: Sequence[DebtMonthFact]) -> list[Self]:
        return [cls(month=str(d.month), amount=money(d.amount)) for d in debt_months]


class PublicExplanation(AnswerModel):
    rule: str = Field(examples=["R-S-5"])
    key: str
    text: str = Field(description="The reason in the chosen language (R-S-8).")


class PublicLabels(AnswerModel):
    status: str
    reason: str = Field(description="A state-paid category is only ever named as such.")


class PublicStatus(AnswerModel):
    """The public check (RULES.md §11): status, reason, insured until, the Fund's warning, the
    debt with amounts; no names, no category, no payments, no employer or pending months."""

    model_config = with_example(_PUBLIC_EXAMPLE)

    schema_version: int = Field(alias="schema", description="The shape's version: 1.")
    iin: Iin
    date: dt.date = Field(description="The date asked about.")
    as_of: dt.date = Field(description="The knowledge date: payments credited by then count.")
    month: MonthText = Field(description="The month decided (R-T-1).")
    status: Status
    reason: Reason | Literal["no_records"] = Field(
        description=(
            "Why (R-S-1…R-S-5); `category`: a state-paid category, never named here; "
            "`no_records`: the registry holds nothing for this IIN (`known` false) and the "
            "rules alone do not insure it, never a debt (RULES.md §11)."
        )
    )
    insured_until: dt.date | None = Field(
        description="Last day insured if nothing more is paid; null when uninsured or open."
    )
    grace: bool = Field(description="Insured only by the grace period.")
    loses_status_next_month: bool = Field(
        description="Insured now but not on the 1st of next month (the Fund's warning)."
    )
    debt_months: list[MonthText] = Field(
        description="Liable, unpaid months of [M − 12, M], pending months (R-L-9) aside."
    )
    provisional: bool = Field(
        description=(
            "An amount in the answer rests on a minimum wage not yet published: the last "
            "published one is used (R-P-1)."
        )
    )
    known: bool = Field(
        description=(
            "False: the registry holds no record of this IIN yet (no payment, no category). "
            "The status is the rules' on the IIN alone and no debt is listed: tell the person "
            "that payments appear within 3 working days (RULES.md §11)."
        )
    )
    debt: list[DebtMonth] = Field(description="Each debt month with what is still due.")
    debt_total: Money
    explanation: list[PublicExplanation] = Field(
        description="The reasons in the chosen language, without categories or payments."
    )
    labels: PublicLabels
    lang: Language

    @classmethod
    def from_view(cls, view: public.PublicStatus, lang: str) -> Self:
        """The public check's answer (RULES.md §11; :mod:`osms.views.public`)."""
        return cls(
            **_head(view),
            **{**_verdict(view), "reason": public.reason_code(view)},
            known=view.known,
            explanation=[
                PublicExplanation(rule=f.rule, key=f.key, text=public.explain_public(f, lang))
                for f in view.why
            ],
            labels=PublicLabels(
                status=label(lang, "status", view.status.value),
                reason=public.reason_label(view, lang),
            ),
            lang=cast(Language, lang),
        )


class LedgerItem(AnswerModel):
    amount: Money
    knp: KNP
    payer: str | None = Field(
        description="The payer's IIN or BIN; null when a facts file names none."
    )
    paid_on: dt.date
    credited_on: dt.date
    channel: Channel | None


class PaymentMonth(AnswerModel):
    month: MonthText
    cover: Cover
    category: str | None
    paid: Money = Field(description="Self-payments counted for the month.")
    items: list[LedgerItem]

    @classmethod
    def each(cls, decision: Decision) -> list[Self]:
        """The decision's months of payments, with the ledger items that count."""
        return [
            cls(
                month=str(line.month),
                cover=line.cover,
                category=line.category,
                paid=money(line.self_paid),
                items=[
                    LedgerItem(
                        amount=money(item.amount),
                        knp=item.knp,
                        payer=item.payer,
                        paid_on=item.paid_on,
                        credited_on=item.credited_on,
                        channel=item.channel,
                    )
                    for item in as_paid(line.items)
                ],
            )
            for line in decision.payments
        ]


class PendingItem(AnswerModel):
    month: MonthText
    amount: Money
    paid_on: dt.date
    credited_on: dt.date = Field(description="Counts from this day on (R-T-3).")

    @classmethod
    def each(cls, decision: Decision) -> list[Self]:
        """The payments made by ``as_of`` but credited later (R-T-3)."""
        return [
            cls(
                month=str(item.period),
                amount=money(item.amount),
                paid_on=item.paid_on,
                credited_on=item.credited_on,
            )
            for item in decision.pending
        ]


class PendingMonth(AnswerModel):
    month: MonthText
    due_on: dt.date = Field(description="The employer's or platform's last day to pay it.")
    expected_by: dt.date = Field(description="A payment made on the due date counts from then.")


class Explanation(AnswerModel):
    rule: str = Field(examples=["R-S-5"])
    key: str
    months: list[MonthText]
    values: dict[str, str] = Field(
        description="The figures the reason names, as text (dates, months, numbers)."
    )
    text: str = Field(description="The reason in the chosen language (R-S-8).")


class Labels(AnswerModel):
    status: str
    reason: str
    category: str | None


class StatusDetail(PublicStatus):
    """The full decision (R-S-7), as ``osms status --json`` prints it."""

    model_config = with_example(_DETAIL_EXAMPLE)

    reason: Reason = Field(  # the decision's own: the public view alone says `no_records`
        description="Why (R-S-1…R-S-5)."
    )
    known: bool | SkipJsonSchema[None] = set_by_the_api(  # type: ignore[assignment]
        "False: the registry holds no record of this IIN yet (no payment, no category). Set by "
        "the API; left out by `osms status --json`."
    )
    category: str | None = Field(description="The state-paid category, if any.")
    grace_months: int = Field(description="The grace length G that applied (3, or 6; R-S-6).")
    pending_months: list[PendingMonth] = Field(
        description="Months the employer or platform may still pay on time: not debt (R-L-9)."
    )
    payments: list[PaymentMonth] = Field(description="The last 12 months, month by month.")
    pending: list[PendingItem] = Field(description="Paid but not credited by `as_of`.")
    rules: list[str] = Field(description="The rule ids that fired, in order.")
    explanation: list[Explanation]  # type: ignore[assignment]
    labels: Labels  # type: ignore[assignment]

    @classmethod
    def from_decision(cls, decision: Decision, lang: str, *, known: bool | None = None) -> Self:
        """The full decision (R-S-7) in ``lang``; ``known`` (whether the registry holds the
        IIN) is set only when the caller knows it, else left out of the JSON."""
        values: dict[str, Any] = {} if known is None else {"known": known}
        return cls(
            **_head(decision),
            **_verdict(decision),
            **values,
            category=decision.category,
            grace_months=decision.grace_months,
            payments=PaymentMonth.each(decision),
            pending_months=[
                PendingMonth(month=str(p.month), due_on=p.due_on, expected_by=p.expected_by)
                for p in decision.pending_months
            ],
            pending=PendingItem.each(decision),
            rules=list(decision.rules),
            explanation=[
                Explanation(
                    rule=f.rule,
                    key=f.key,
                    months=[str(m) for m in f.months],
                    values=f.text_values(),
                    text=explain(f, lang),
                )
                for f in decision.findings
            ],
            labels=Labels(
                status=label(lang, "status", decision.status.value),
                reason=label(lang, "reason", decision.reason.value),
                category=None
                if decision.category is None
                else label(lang, "category", decision.category),
            ),
            lang=cast(Language, lang),
        )


class PaymentHistory(AnswerModel):
    """Payments of the last 12 months, month by month, and those not yet credited."""

    schema_version: int = Field(alias="schema")
    iin: Iin
    date: dt.date
    as_of: dt.date
    month: MonthText
    payments: list[PaymentMonth]
    pending: list[PendingItem]

    @classmethod
    def from_decision(cls, decision: Decision) -> Self:
        return cls(
            **_head(decision),
            payments=PaymentMonth.each(decision),
            pending=PendingItem.each(decision),
        )


class DebtReport(AnswerModel):
    """The debt months with what is still due for each."""

    model_config = with_example(_DEBT_EXAMPLE)

    schema_version: int = Field(alias="schema")
    iin: Iin
    date: dt.date
    as_of: dt.date
    month: MonthText
    status: Status
    reason: Reason
    debt_months: list[MonthText]
    debt: list[DebtMonth]
    debt_total: Money
    known: bool = Field(
        description=(
            "False: the registry holds no record of this IIN yet (no payment, no category): "
            "the debt is the rules' answer on the IIN alone, not a record of unpaid months "
            "(RULES.md §11)."
        )
    )

    @classmethod
    def from_decision(cls, decision: Decision, *, known: bool) -> Self:
        return cls(
            **_head(decision),
            status=decision.status,
            reason=decision.reason,
            debt_months=[str(d.month) for d in decision.debt_months],
            debt=DebtMonth.each(decision.debt_months),
            debt_total=money(decision.debt_total),
            known=known,
        )
