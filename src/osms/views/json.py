"""The stable JSON shapes of decisions, calculations and identifiers (docs/json.md).

Every door (command line, API, bot) answers with these shapes, so a field means the same
thing wherever a bank or a person meets it.  Money is a string of tenge with two decimals
(exact, never a float); months are ``YYYY-MM``; dates ``YYYY-MM-DD``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from osms.i18n import explain, label
from osms.rules.calculator import Calculation, Option
from osms.rules.iin import IINInfo
from osms.rules.status import Decision
from osms.views.public import PublicStatus, explain_public, public_status, reason_label

__all__ = [
    "SCHEMA_VERSION",
    "calculation_json",
    "decision_json",
    "iin_json",
    "money",
    "public_json",
]

SCHEMA_VERSION = 1


def money(amount: Decimal) -> str:
    """Tenge with two decimals, as a string: ``Decimal('4250') -> '4250.00'``."""
    return f"{amount.quantize(Decimal('0.01'))}"


def _date(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def public_json(view: PublicStatus, lang: str = "kk") -> dict[str, Any]:
    """The public check (RULES.md §11; :mod:`osms.views.public`): status, reason, insured
    until, the warning, the debt with amounts, whether the registry knows the IIN.  No
    category, no payment, no pending month, no payer."""
    return {
        "schema": SCHEMA_VERSION,
        "iin": view.iin,
        "date": view.on.isoformat(),
        "as_of": view.as_of.isoformat(),
        "month": str(view.month),
        "status": view.status.value,
        "reason": view.reason.value,
        "insured_until": _date(view.insured_until),
        "grace": view.grace,
        "loses_status_next_month": view.loses_status_next_month,
        "debt_months": [str(d.month) for d in view.debt_months],
        "provisional": view.provisional,
        "known": view.known,
        "debt": [{"month": str(d.month), "amount": money(d.amount)} for d in view.debt_months],
        "debt_total": money(view.debt_total),
        "explanation": [
            {"rule": f.rule, "key": f.key, "text": explain_public(f, lang)} for f in view.why
        ],
        "labels": {
            "status": label(lang, "status", view.status.value),
            "reason": reason_label(view, lang),
        },
        "lang": lang,
    }


def decision_json(
    decision: Decision, lang: str = "kk", *, detail: bool = True, known: bool | None = None
) -> dict[str, Any]:
    """The status answer.  ``detail=False`` is the public check (:func:`public_json`);
    ``known`` (whether the registry holds the IIN) is added when the caller knows it."""
    if not detail:
        return public_json(public_status(decision, known=known is not False), lang)
    body: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "iin": decision.iin,
        "date": decision.on.isoformat(),
        "as_of": decision.as_of.isoformat(),
        "month": str(decision.month),
        "status": decision.status.value,
        "reason": decision.reason.value,
        "insured_until": _date(decision.insured_until),
        "grace": decision.grace,
        "loses_status_next_month": decision.loses_status_next_month,
        "debt_months": [str(d.month) for d in decision.debt_months],
        "provisional": decision.provisional,
    }
    if known is not None:
        body["known"] = known
    body.update(
        {
            "category": decision.category,
            "grace_months": decision.grace_months,
            "debt": [
                {"month": str(d.month), "amount": money(d.amount)} for d in decision.debt_months
            ],
            "debt_total": money(decision.debt_total),
            "payments": [
                {
                    "month": str(line.month),
                    "cover": line.cover.value,
                    "category": line.category,
                    "paid": money(line.self_paid),
                    "items": [
                        {
                            "amount": money(item.amount),
                            "knp": item.knp.value,
                            "payer": item.payer,
                            "paid_on": item.paid_on.isoformat(),
                            "credited_on": item.credited_on.isoformat(),
                            "channel": None if item.channel is None else item.channel.value,
                        }
                        for item in line.items
                    ],
                }
                for line in decision.payments
            ],
            "pending_months": [
                {
                    "month": str(p.month),
                    "due_on": p.due_on.isoformat(),
                    "expected_by": p.expected_by.isoformat(),
                }
                for p in decision.pending_months
            ],
            "pending": [
                {
                    "month": str(item.period),
                    "amount": money(item.amount),
                    "paid_on": item.paid_on.isoformat(),
                    "credited_on": item.credited_on.isoformat(),
                }
                for item in decision.pending
            ],
            "rules": list(decision.rules),
            "explanation": [
                {
                    "rule": f.rule,
                    "key": f.key,
                    "months": [str(m) for m in f.months],
                    "values": f.text_values(),
                    "text": explain(f, lang),
                }
                for f in decision.findings
            ],
            "labels": {
                "status": label(lang, "status", decision.status.value),
                "reason": label(lang, "reason", decision.reason.value),
                "category": None
                if decision.category is None
                else label(lang, "category", decision.category),
            },
            "lang": lang,
        }
    )
    return body


def _option_json(option: Option) -> dict[str, Any]:
    per_day = option.cost_per_day()
    return {
        "name": option.name.value,
        "months": [str(m) for m in option.months],
        "total": money(option.total),
        "status_from": _date(option.status_from),
        "insured_until": _date(option.insured_until),
        "cost_per_day": None if per_day is None else money(per_day),
        "plan": [
            {
                "iin": item.iin,
                "period": str(item.period),
                "period_mt102": item.period.mt102(),
                "knp": item.knp.value,
                "amount": money(item.amount),
            }
            for item in option.plan
        ],
    }


def calculation_json(calc: Calculation) -> dict[str, Any]:
    return {
        "schema": SCHEMA_VERSION,
        "iin": calc.iin,
        "date": calc.on.isoformat(),
        "paid_on": calc.paid_on.isoformat(),
        "credited_on": calc.credited_on.isoformat(),
        "recommended": None if calc.recommended is None else calc.recommended.value,
        "insured": calc.insured,
        "insured_until": _date(calc.insured_until),
        "provisional": calc.provisional,
        "options": [_option_json(o) for o in calc.options],
        "fund": {
            "iik": calc.fund.iik,
            "bin": calc.fund.bin,
            "bic": calc.fund.bic,
            "beneficiary": calc.fund.beneficiary,
        },
    }


def iin_json(info: IINInfo) -> dict[str, Any]:
    return {
        "schema": SCHEMA_VERSION,
        "iin": info.iin,
        "valid": True,
        "birth_date": info.birth_date.isoformat(),
        "sex": info.sex,
        "century": info.century,
    }
