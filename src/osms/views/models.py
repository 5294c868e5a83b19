"""The JSON shapes of the answers, defined once (docs/json.md): the Pydantic models every door
answers with.  The API declares them as its response models; ``--json`` on the command line
prints ``model_dump_json(by_alias=True)`` of the same model (:func:`osms.cli.answers.dump`).

Each model is built from the rules' answer by its ``from_…`` constructor, so a field means the
same thing wherever a bank or a person meets it.  Money is a string of tenge with two decimals
(exact, never a float); months are ``YYYY-MM``; dates ``YYYY-MM-DD``.  Within one ``schema``
number a field is only ever added, never renamed or removed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self, cast

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema

from osms.i18n import error_message, explain, label
from osms.rules import calculator, parameters
from osms.rules.amounts import MonthlyAmount as AmountAnswer
from osms.rules.amounts import Payer, part_amount, per_day
from osms.rules.calculator import OptionName
from osms.rules.coverage import Cover
from osms.rules.facts import KNP, Channel
from osms.rules.iin import IINInfo
from osms.rules.month import Month
from osms.rules.status import DebtMonth as DebtMonthFact
from osms.rules.status import Decision, Reason, Status
from osms.rules.upkeep import Missing, checked_years
from osms.views import public
from osms.views.upkeep import missing_message

if TYPE_CHECKING:
    from osms.intake.booking import BookingReport, LineOutcome

__all__ = [
    "AMOUNT_EXAMPLE",
    "DEFAULT_IIN_EXAMPLE",
    "MAX_DATE",
    "MIN_DATE",
    "PENALTY_EXAMPLE",
    "SCHEMA_VERSION",
    "Calculation",
    "DebtReport",
    "IinDescription",
    "IinRefusal",
    "MonthText",
    "MonthlyAmount",
    "NotRecorded",
    "ParametersCheck",
    "PaymentHistory",
    "Penalty",
    "PublicStatus",
    "RegisterLine",
    "RegisterLinesPage",
    "RegisterReport",
    "RegisterSummary",
    "StatusDetail",
    "money",
]

SCHEMA_VERSION = 1
DEFAULT_IIN_EXAMPLE = "900515300018"
MIN_DATE = parameters.liability_start().first_day()
"""OSMS status exists from the liability start (R-S-1); earlier dates are refused."""
MAX_DATE = dt.date(2099, 12, 31)


def money(amount: Decimal) -> str:
    """Tenge with two decimals, as a string: ``Decimal('4250') -> '4250.00'``.

    >>> money(Decimal("4250")), money(Decimal("0.5"))
    ('4250.00', '0.50')
    """
    return f"{amount.quantize(Decimal('0.01'))}"


def _money_or_none(amount: Decimal | None) -> str | None:
    return None if amount is None else money(amount)


def _number(value: Decimal) -> str:
    """A decimal as exact text, never a float: ``Decimal('40') -> '40'``."""
    return f"{value.normalize():f}"


MonthText = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", examples=["2025-01"])]
"""A month as JSON text, ``YYYY-MM`` (the rules' value type is :class:`Month`)."""
Money = Annotated[
    str, Field(pattern=r"^-?\d+\.\d{2}$", description="Tenge, two decimals.", examples=["4250.00"])
]
Iin = Annotated[str, Field(examples=[DEFAULT_IIN_EXAMPLE], description="12 digits.")]
Language = Literal["kk", "ru", "en"]
Number = str
"""A decimal number as a string: exact, never a float."""


_CONFIG = ConfigDict(populate_by_name=True, json_schema_serialization_defaults_required=True)
"""Every field is in the answer, so ``/openapi.json`` marks every one required, even those the
command line leaves out (``known``, ``lines_url``: their default is "not set by this door")."""


class _Model(BaseModel):
    model_config = _CONFIG


def _no_default(schema: JsonDict) -> None:
    schema.pop("default", None)


def set_by_the_api(description: str) -> Any:
    """A field the API always sends and the command line leaves out: in ``/openapi.json``
    required and of its type; on the model unset (so left out of ``--json``) until a door
    sets it."""
    return Field(default=None, description=description, json_schema_extra=_no_default)


def with_example(example: JsonDict) -> ConfigDict:
    """A model's configuration with the example ``/openapi.json`` shows for it."""
    return ConfigDict(**_CONFIG, json_schema_extra={"examples": [example]})


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


class DebtMonth(_Model):
    month: MonthText
    amount: Money = Field(description="Still due for that month.")

    @classmethod
    def each(cls, debt_months: Sequence[DebtMonthFact]) -> list[Self]:
        return [cls(month=str(d.month), amount=money(d.amount)) for d in debt_months]


class PublicExplanation(_Model):
    rule: str = Field(examples=["R-S-5"])
    key: str
    text: str = Field(description="The reason in the chosen language (R-S-8).")


class PublicLabels(_Model):
    status: str
    reason: str = Field(description="A state-paid category is only ever named as such.")


class PublicStatus(_Model):
    """The public check (RULES.md §11): status, reason, insured until, the Fund's warning, the
    debt with amounts; no names, no category, no payments, no employer or pending months."""

    model_config = with_example(_PUBLIC_EXAMPLE)

    schema_version: int = Field(alias="schema", description="The shape's version: 1.")
    iin: Iin
    date: dt.date = Field(description="The date asked about.")
    as_of: dt.date = Field(description="The knowledge date: payments credited by then count.")
    month: MonthText = Field(description="The month decided (R-T-1).")
    status: Status
    reason: Reason = Field(
        description="Why (R-S-1…R-S-5); `category`: a state-paid category, never named here."
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
            **_verdict(view),
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


class LedgerItem(_Model):
    amount: Money
    knp: KNP
    payer: str | None = Field(
        description="The payer's IIN or BIN; null when a facts file names none."
    )
    paid_on: dt.date
    credited_on: dt.date
    channel: Channel | None


class PaymentMonth(_Model):
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
                    for item in line.items
                ],
            )
            for line in decision.payments
        ]


class PendingItem(_Model):
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


class PendingMonth(_Model):
    month: MonthText
    due_on: dt.date = Field(description="The employer's or platform's last day to pay it.")
    expected_by: dt.date = Field(description="A payment made on the due date counts from then.")


class Explanation(_Model):
    rule: str = Field(examples=["R-S-5"])
    key: str
    months: list[MonthText]
    values: dict[str, Any]
    text: str = Field(description="The reason in the chosen language (R-S-8).")


class Labels(_Model):
    status: str
    reason: str
    category: str | None


class StatusDetail(PublicStatus):
    """The full decision (R-S-7), as ``osms status --json`` prints it."""

    model_config = with_example(_DETAIL_EXAMPLE)

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
                    values=dict(f.values),
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


class PaymentHistory(_Model):
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


class DebtReport(_Model):
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

    @classmethod
    def from_decision(cls, decision: Decision) -> Self:
        return cls(
            **_head(decision),
            status=decision.status,
            reason=decision.reason,
            debt_months=[str(d.month) for d in decision.debt_months],
            debt=DebtMonth.each(decision.debt_months),
            debt_total=money(decision.debt_total),
        )


class PlanItem(_Model):
    iin: Iin
    period: MonthText
    period_mt102: str = Field(pattern=r"^\d{6}$", examples=["012025"])
    knp: KNP
    amount: Money


class CalculatorOption(_Model):
    name: OptionName
    months: list[MonthText]
    total: Money
    status_from: dt.date | None = Field(description="First day insured once paid and credited.")
    insured_until: dt.date | None
    cost_per_day: Money | None
    plan: list[PlanItem] = Field(description="One separate payment per month, KNP 122 (R-K-3).")

    @classmethod
    def from_option(cls, option: calculator.Option) -> Self:
        per_day = option.cost_per_day()
        return cls(
            name=option.name,
            months=[str(m) for m in option.months],
            total=money(option.total),
            status_from=option.status_from,
            insured_until=option.insured_until,
            cost_per_day=_money_or_none(per_day),
            plan=[
                PlanItem(
                    iin=item.iin,
                    period=str(item.period),
                    period_mt102=item.period.mt102(),
                    knp=item.knp,
                    amount=money(item.amount),
                )
                for item in option.plan
            ],
        )


class Fund(_Model):
    iik: str = Field(examples=["KZ92009MEDS368609103"])
    bin: str = Field(examples=["160440007161"])
    bic: str = Field(examples=["GCVPKZ2A"])
    beneficiary: str

    @classmethod
    def from_details(cls, fund: calculator.FundDetails) -> Self:
        return cls(iik=fund.iik, bin=fund.bin, bic=fund.bic, beneficiary=fund.beneficiary)


class Calculation(_Model):
    """What to pay to become insured (R-K-2, R-K-3), as ``osms calc --json`` prints it."""

    schema_version: int = Field(alias="schema")
    iin: Iin
    date: dt.date
    paid_on: dt.date = Field(description="The options are priced as if paid that day.")
    credited_on: dt.date = Field(description="When payments made that day count (R-T-3).")
    recommended: OptionName | None
    insured: bool = Field(description="Insured on `date`: then no `minimum_now` (R-K-2).")
    insured_until: dt.date | None = Field(description="Last insured day if nothing more is paid.")
    provisional: bool = Field(description="An amount rests on an unpublished minimum wage.")
    options: list[CalculatorOption]
    fund: Fund

    @classmethod
    def from_calculation(cls, calculation: calculator.Calculation) -> Self:
        return cls(
            schema=SCHEMA_VERSION,
            iin=calculation.iin,
            date=calculation.on,
            paid_on=calculation.paid_on,
            credited_on=calculation.credited_on,
            recommended=calculation.recommended,
            insured=calculation.insured,
            insured_until=calculation.insured_until,
            provisional=calculation.provisional,
            options=[CalculatorOption.from_option(o) for o in calculation.options],
            fund=Fund.from_details(calculation.fund),
        )


_FUND_EXAMPLE: JsonDict = {
    "iik": "KZ92009MEDS368609103",
    "bin": "160440007161",
    "bic": "GCVPKZ2A",
    "beneficiary": "НАО «Государственная корпорация «Правительство для граждан»»",
}

AMOUNT_EXAMPLE: JsonDict = {
    "schema": 1,
    "kind": "employer",
    "year": 2026,
    "month": "2026-01",
    "knp": "121",
    "amount": "102000.00",
    "rate": "0.03",
    "base": "3400000.00",
    "income": "5000000.00",
    "cap": "3400000.00",
    "cap_mw": "40",
    "maximum": "102000.00",
    "capped": True,
    "minimum_wage": "85000.00",
    "provisional": False,
    "fund": _FUND_EXAMPLE,
}
"""An employer's deduction on 5 000 000 a month in 2026: capped at 40 MW (SOURCES.md T3)."""

PENALTY_EXAMPLE: JsonDict = {
    "schema": 1,
    "arrears": "21000.00",
    "period": "2023-06",
    "due_on": "2023-07-25",
    "paid_on": "2023-08-04",
    "days": 10,
    "multiplier": "1.25",
    "amount": "120.46",
    "parts": [
        {
            "first": "2023-07-26",
            "last": "2023-08-04",
            "days": 10,
            "base_rate": "16.75",
            "multiplier": "1.25",
            "per_day": "12.05",
            "amount": "120.46",
        }
    ],
    "knp": ["123", "124"],
}
"""SOURCES.md §10 scenario 28: June 2023's 21 000 paid ten days late."""


class MonthlyAmount(_Model):
    """One month's amount by who pays, the year and the income (R-K-1; SOURCES.md T1-T3)."""

    model_config = with_example(AMOUNT_EXAMPLE)

    schema_version: int = Field(alias="schema")
    kind: Payer = Field(description="Who pays.")
    year: int
    month: MonthText = Field(
        description="The month priced: January, or the first month the kind was due that "
        "year (employers: July 2017)."
    )
    knp: Literal["121", "122"] = Field(
        description="121: the employer's deductions; 122: contributions (R-L-2)."
    )
    amount: Money = Field(description="The month's amount: rate × base.")
    rate: Number = Field(description="A fraction: `0.05` is 5 %.", examples=["0.03"])
    base: Money = Field(
        description="What the rate applies to: the MW (self-payer), 1.4 MW (entrepreneur), or "
        "the income up to the cap."
    )
    income: Money | None = Field(description="The monthly income given (income kinds only).")
    cap: Money | None = Field(description="The largest base, in tenge (income kinds only).")
    cap_mw: Number | None = Field(
        description="The same cap in minimum wages: 10 through 2025; from 2026 40 (employer), "
        "20 (employee, summed over all jobs; the self-employed).",
        examples=["40"],
    )
    maximum: Money | None = Field(description="The largest amount of the month (T3).")
    capped: bool = Field(description="The income is above the cap.")
    minimum_wage: Money = Field(description="The year's MW.")
    provisional: bool = Field(
        description="The year's MW is not published yet: the last published one is used and "
        "the amount may change (R-P-1)."
    )
    fund: Fund = Field(description="Where to pay (R-K-3).")

    @classmethod
    def from_amount(cls, answer: AmountAnswer) -> Self:
        cap_mw = answer.cap_mw
        return cls(
            schema=SCHEMA_VERSION,
            kind=answer.payer,
            year=answer.year,
            month=str(answer.month),
            knp=cast(Literal["121", "122"], answer.knp.value),
            amount=money(answer.amount),
            rate=f"{answer.rate}",
            base=money(answer.base),
            income=_money_or_none(answer.income),
            cap=_money_or_none(answer.cap),
            cap_mw=None if cap_mw is None else _number(cap_mw),
            maximum=_money_or_none(answer.maximum),
            capped=answer.capped,
            minimum_wage=money(answer.minimum_wage),
            provisional=answer.provisional,
            fund=Fund.from_details(calculator.FUND),
        )


class PenaltyPart(_Model):
    """Consecutive late days at one base rate and one multiplier (R-K-4)."""

    first: dt.date
    last: dt.date
    days: int = Field(ge=0)
    base_rate: Number = Field(description="The NBK base rate, percent a year.", examples=["16.75"])
    multiplier: Number = Field(description="2.5 before 2018, 1.25 from 2018-01-01 (§12 Q23).")
    per_day: Money = Field(description="arrears × base rate % / 100 × multiplier / 365.")
    amount: Money = Field(
        description="per day × days, rounded once (the parts may differ from the total by a "
        "tiyn each: the total rounds the exact sum)."
    )


class Penalty(_Model):
    """An employer's penalty for deductions or contributions paid late (R-K-4)."""

    model_config = with_example(PENALTY_EXAMPLE)

    schema_version: int = Field(alias="schema")
    arrears: Money = Field(description="The amount paid late.")
    period: MonthText = Field(description="The month of the income.")
    due_on: dt.date = Field(description="The 25th of the following month.")
    paid_on: dt.date
    days: int = Field(ge=0, description="Days late, the day of payment included.")
    multiplier: Number = Field(description="The multiplier in force on the payment day.")
    amount: Money = Field(description="The penalty: the exact sum over the days, rounded once.")
    parts: list[PenaltyPart] = Field(description="The late days by base rate, in order.")
    knp: list[Literal["123", "124"]] = Field(
        description="Pay a penalty on deductions with КНП 123, on contributions with 124."
    )

    @classmethod
    def from_penalty(cls, penalty: calculator.Penalty, period: Month) -> Self:
        """The employer's penalty on the month ``period``, with its parts day by day."""
        return cls(
            schema=SCHEMA_VERSION,
            arrears=money(penalty.arrears),
            period=str(period),
            due_on=penalty.due_on,
            paid_on=penalty.paid_on,
            days=penalty.days,
            multiplier=f"{penalty.multiplier}",
            amount=money(penalty.amount),
            parts=[
                PenaltyPart(
                    first=part.first,
                    last=part.last,
                    days=part.days,
                    base_rate=f"{part.base_rate}",
                    multiplier=f"{part.multiplier}",
                    per_day=money(per_day(penalty, part)),
                    amount=money(part_amount(penalty, part)),
                )
                for part in penalty.parts
            ],
            knp=[KNP.DEDUCTION_PENALTY.value, KNP.CONTRIBUTION_PENALTY.value],
        )


class IinDescription(_Model):
    """What a valid IIN says (R-IIN-1…3), as ``osms iin NUMBER --json`` prints it."""

    schema_version: int = Field(alias="schema")
    iin: Iin
    valid: Literal[True]
    birth_date: dt.date
    sex: Literal["male", "female"]
    century: int

    @classmethod
    def from_info(cls, info: IINInfo) -> Self:
        return cls(
            schema=SCHEMA_VERSION,
            iin=info.iin,
            valid=True,
            birth_date=info.birth_date,
            sex=info.sex,
            century=info.century,
        )


class IinRefusal(_Model):
    """Why a number is not a valid IIN: the rule's stable code (R-IIN-1…3)."""

    iin: str = Field(description="The number as given.")
    valid: Literal[False]
    code: str = Field(examples=["iin.checksum"])
    message: str = Field(description="The code's message in the chosen language.")
    detail: str = Field(description="The same in English, with the numbers that differ.")


class RegisterLine(_Model):
    line: int = Field(description="The line's number in the register.")
    status: Literal["rejected", "duplicate"]
    code: str = Field(examples=["line.invalid_iin"])
    codes: list[str]
    field: str | None
    message: str = Field(description="English text.")
    text: str = Field(description="The code's message in the chosen language.")
    iin: str | None = Field(description="The IIN as read, when it had 12 digits.")
    payment_id: int | None = Field(
        description=(
            "For a duplicate, the payment booked before with the same content; for "
            "`line.key_conflict`, the payment booked before under the same key with other content."
        )
    )

    @classmethod
    def from_outcome(cls, outcome: LineOutcome, lang: str) -> Self:
        return cls(
            line=outcome.line_no,
            status=cast(Literal["rejected", "duplicate"], outcome.status),
            code=outcome.code,
            codes=list(outcome.codes),
            field=outcome.field,
            message=outcome.message,
            text=error_message(outcome.code, lang, **outcome.values()),
            iin=outcome.iin,
            payment_id=outcome.payment_id,
        )


_REGISTER_EXAMPLE: JsonDict = {
    "register": 17,
    "format": "mt102",
    "sender": "halyk bank",
    "reference": "R7",
    "status": "partially_accepted",
    "reason": None,
    "reason_code": None,
    "resent": False,
    "lines_total": 13,
    "accepted": 12,
    "booked": 12,
    "duplicates": 0,
    "rejected": 1,
    "recorded": 1,
    "lines_url": "/api/v1/registers/17/lines?offset=0&limit=1000",
}

_LINE_EXAMPLE: JsonDict = {
    "line": 13,
    "status": "rejected",
    "code": "line.invalid_iin",
    "codes": ["line.invalid_iin"],
    "field": "iin",
    "message": "IIN check digit is 9, expected 8",
    "text": "The line has an invalid IIN.",
    "iin": "900515300019",
    "payment_id": None,
}


class RegisterSummary(_Model):
    """What became of a register (R-F-3), without its lines: ``accepted + rejected ==
    lines_total``.  The answer to a register sent again (``resent``)."""

    model_config = with_example({**_REGISTER_EXAMPLE, "resent": True})

    register_id: int | None = Field(alias="register", description="The register's id.")
    format: Literal["mt102", "csv"]
    sender: str = Field(description="Who sent it: the API client's name, lower-cased (R-L-7).")
    reference: str
    status: Literal["accepted", "partially_accepted", "rejected"]
    reason: str | None = Field(description="Why the whole register was rejected, if it was.")
    reason_code: str | None
    resent: bool = Field(description="Received before: nothing changed (R-L-7).")
    lines_total: int
    accepted: int = Field(description="booked + duplicates.")
    booked: int
    duplicates: int
    rejected: int
    recorded: int = Field(description="The lines not simply booked, kept with the register.")
    lines_url: str | SkipJsonSchema[None] = set_by_the_api(
        "Those lines, page by page (`offset`, `limit`); set by the API."
    )

    @classmethod
    def from_report(cls, report: BookingReport) -> Self:
        return cls(
            register=report.register_id,
            format=cast(Literal["mt102", "csv"], report.format),
            sender=report.sender,
            reference=report.reference,
            status=cast(Literal["accepted", "partially_accepted", "rejected"], report.status),
            reason=report.reason,
            reason_code=report.reason_code,
            resent=report.resent,
            lines_total=report.lines,
            accepted=report.accepted,
            booked=report.booked,
            duplicates=report.duplicates,
            rejected=report.rejected,
            recorded=report.recorded,
        )


class RegisterReport(RegisterSummary):
    """What became of a register (R-F-3), with every line not simply booked."""

    model_config = with_example({**_REGISTER_EXAMPLE, "lines": [_LINE_EXAMPLE]})

    lines: list[RegisterLine] = Field(description="Every line not simply booked.")

    @classmethod
    def from_outcomes(cls, report: BookingReport, lang: str) -> Self:
        summary = RegisterSummary.from_report(report)
        lines = [RegisterLine.from_outcome(outcome, lang) for outcome in report.outcomes]
        return cls(**summary.model_dump(exclude_unset=True), lines=lines)


def _stored(report: BookingReport) -> int:
    """The id of a register read back from the registry (only a register never stored, one
    rejected before it had a sender, has none)."""
    if report.register_id is None:
        raise ValueError("a register read back from the registry has an id")
    return report.register_id


class RegisterLinesPage(_Model):
    """One page of a register's recorded lines, by line number."""

    model_config = with_example(
        {
            "register": 17,
            "offset": 0,
            "limit": 1000,
            "recorded": 1,
            "lines": [_LINE_EXAMPLE],
            "next_url": None,
        }
    )

    register_id: int = Field(alias="register")
    offset: int
    limit: int
    recorded: int = Field(description="How many lines the register keeps in all.")
    lines: list[RegisterLine]
    next_url: str | None = set_by_the_api("The next page, or null after the last; set by the API.")

    @classmethod
    def from_page(
        cls, report: BookingReport, lines: Iterable[LineOutcome], offset: int, limit: int, lang: str
    ) -> Self:
        return cls(
            register=_stored(report),
            offset=offset,
            limit=limit,
            recorded=report.recorded,
            lines=[RegisterLine.from_outcome(outcome, lang) for outcome in lines],
        )


class NotRecorded(_Model):
    """Something the year in force or ahead has not recorded yet (R-P-2)."""

    code: Literal["upkeep.minimum_wage", "upkeep.calendar"]
    year: int
    message: str = Field(description="In the language asked (?lang=, Accept-Language, kk).")
    detail: str = Field(description="The same in English, with what is used meanwhile.")

    @classmethod
    def from_missing(cls, item: Missing, lang: str) -> Self:
        return cls(
            code=item.code, year=item.year, message=missing_message(item, lang), detail=item.detail
        )


class ParametersCheck(_Model):
    """What the years in force and ahead have not recorded (R-P-2), as ``osms parameters check
    --json`` prints it."""

    date: dt.date = Field(description="The day the check is made as on.")
    years: list[int] = Field(
        description="The years checked: this one, and the next from 60 days before it."
    )
    complete: bool = Field(description="Nothing is missing.")
    missing: list[NotRecorded]
    lang: Language

    @classmethod
    def from_found(cls, found: Sequence[Missing], on: dt.date, lang: str) -> Self:
        return cls(
            date=on,
            years=list(checked_years(on)),
            complete=not found,
            missing=[NotRecorded.from_missing(item, lang) for item in found],
            lang=cast(Language, lang),
        )
