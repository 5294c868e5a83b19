"""Request and response models of API v1: the documented, stable shapes (docs/json.md).

The answers are built by :mod:`osms.views` (the shapes the command line prints with ``--json``)
and checked against these models, so that ``/openapi.json`` says exactly what is sent.  Within
one ``schema`` number a field is only ever added, never renamed or removed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from osms.registry.models import ApplicationStatus, RefundReason
from osms.rules.calculator import OptionName
from osms.rules.coverage import Cover
from osms.rules.facts import KNP, Channel
from osms.rules.status import Reason, Status

__all__ = [
    "DEFAULT_IIN_EXAMPLE",
    "MAX_DATE",
    "MIN_DATE",
    "Calculation",
    "DebtReport",
    "Health",
    "NotRecorded",
    "PaymentHistory",
    "PublicStatus",
    "Readiness",
    "RefundApplication",
    "RefundApplicationIn",
    "RefundDecisionIn",
    "RefundEffect",
    "RefusalIn",
    "RegisterLinesPage",
    "RegisterReport",
    "RegisterSummary",
    "StatusChange",
    "StatusDetail",
    "TemporaryApplication",
    "TemporaryApplicationIn",
    "TemporaryGrantIn",
]

DEFAULT_IIN_EXAMPLE = "900515300018"
MIN_DATE = dt.date(2020, 1, 1)
"""OSMS status exists from January 2020 (R-S-1); earlier dates are refused."""
MAX_DATE = dt.date(2099, 12, 31)


def _plain_text(value: str) -> str:
    """Refuse control characters (but tab and newlines) and lone surrogates."""
    for char in value:
        code = ord(char)
        if (code < 32 and char not in "\t\n\r") or code == 127 or 0xD800 <= code <= 0xDFFF:
            raise ValueError("control characters are not allowed")
    return value


PlainText = Annotated[str, AfterValidator(_plain_text)]
"""Text that can be stored as it is (no NUL, no control characters, no lone surrogates)."""

Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", examples=["2025-01"])]
Money = Annotated[
    str, Field(pattern=r"^-?\d+\.\d{2}$", description="Tenge, two decimals.", examples=["4250.00"])
]
Iin = Annotated[str, Field(examples=[DEFAULT_IIN_EXAMPLE], description="12 digits.")]
Day = Annotated[dt.date, Field(ge=MIN_DATE, le=MAX_DATE)]


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class DebtMonth(_Model):
    month: Month
    amount: Money = Field(description="Still due for that month.")


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

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "schema": 1,
                    "iin": "900515300018",
                    "date": "2025-01-10",
                    "as_of": "2025-01-10",
                    "month": "2025-01",
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
                    "explanation": [
                        {
                            "rule": "R-S-5",
                            "key": "grace",
                            "text": (
                                "Insured in the grace period: 2 of 3 months unpaid (December "
                                "2024, January 2025); these months are still owed."
                            ),
                        }
                    ],
                    "labels": {"status": "Insured", "reason": "Grace period"},
                    "lang": "en",
                }
            ]
        },
    )

    schema_version: int = Field(alias="schema", description="The shape's version: 1.")
    iin: Iin
    date: dt.date = Field(description="The date asked about.")
    as_of: dt.date = Field(description="The knowledge date: payments credited by then count.")
    month: Month = Field(description="The month decided (R-T-1).")
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
    debt_months: list[Month] = Field(
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
    lang: Literal["kk", "ru", "en"]


class LedgerItem(_Model):
    amount: Money
    knp: KNP
    payer: str = Field(description="The payer's IIN or BIN.")
    paid_on: dt.date
    credited_on: dt.date
    channel: Channel | None


class PaymentMonth(_Model):
    month: Month
    cover: Cover
    category: str | None
    paid: Money = Field(description="Self-payments counted for the month.")
    items: list[LedgerItem]


class PendingItem(_Model):
    month: Month
    amount: Money
    paid_on: dt.date
    credited_on: dt.date = Field(description="Counts from this day on (R-T-3).")


class PendingMonth(_Model):
    month: Month
    due_on: dt.date = Field(description="The employer's or platform's last day to pay it.")
    expected_by: dt.date = Field(description="A payment made on the due date counts from then.")


class Explanation(_Model):
    rule: str = Field(examples=["R-S-5"])
    key: str
    months: list[Month]
    values: dict[str, Any]
    text: str = Field(description="The reason in the chosen language (R-S-8).")


class Labels(_Model):
    status: str
    reason: str
    category: str | None


class StatusDetail(PublicStatus):
    """The full decision (R-S-7), as ``osms status --json`` prints it."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "schema": 1,
                    "iin": "900515300018",
                    "date": "2025-01-10",
                    "as_of": "2025-01-10",
                    "month": "2025-01",
                    "status": "uninsured",
                    "reason": "debt",
                    "insured_until": None,
                    "grace": False,
                    "loses_status_next_month": False,
                    "debt_months": ["2024-01", "2024-12", "2025-01"],
                    "provisional": False,
                    "known": True,
                    "category": None,
                    "grace_months": 3,
                    "debt": [
                        {"month": "2024-01", "amount": "4250.00"},
                        {"month": "2024-12", "amount": "4250.00"},
                        {"month": "2025-01", "amount": "4250.00"},
                    ],
                    "debt_total": "12750.00",
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
                                    "payer": "900515300018",
                                    "paid_on": "2024-02-05",
                                    "credited_on": "2024-02-08",
                                    "channel": "bank_app",
                                }
                            ],
                        },
                        {
                            "month": "2024-12",
                            "cover": "unpaid",
                            "category": None,
                            "paid": "0.00",
                            "items": [],
                        },
                    ],
                    "pending_months": [],
                    "pending": [],
                    "rules": ["R-S-5"],
                    "explanation": [
                        {
                            "rule": "R-S-5",
                            "key": "debt_gaps",
                            "months": ["2024-01"],
                            "values": {},
                            "text": (
                                "Unpaid month within the last 12 months: January 2024; under "
                                "the regular rule it blocks the status until it is paid."
                            ),
                        }
                    ],
                    "labels": {"status": "Not insured", "reason": "Debt", "category": None},
                    "lang": "en",
                }
            ]
        },
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


class PaymentHistory(_Model):
    """Payments of the last 12 months, month by month, and those not yet credited."""

    schema_version: int = Field(alias="schema")
    iin: Iin
    date: dt.date
    as_of: dt.date
    month: Month
    payments: list[PaymentMonth]
    pending: list[PendingItem]


class DebtReport(_Model):
    """The debt months with what is still due for each."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "schema": 1,
                    "iin": "900515300018",
                    "date": "2025-01-10",
                    "as_of": "2025-01-10",
                    "month": "2025-01",
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
            ]
        },
    )

    schema_version: int = Field(alias="schema")
    iin: Iin
    date: dt.date
    as_of: dt.date
    month: Month
    status: Status
    reason: Reason
    debt_months: list[Month]
    debt: list[DebtMonth]
    debt_total: Money


class PlanItem(_Model):
    iin: Iin
    period: Month
    period_mt102: str = Field(pattern=r"^\d{6}$", examples=["012025"])
    knp: KNP
    amount: Money


class CalculatorOption(_Model):
    name: OptionName
    months: list[Month]
    total: Money
    status_from: dt.date | None = Field(description="First day insured once paid and credited.")
    insured_until: dt.date | None
    cost_per_day: Money | None
    plan: list[PlanItem] = Field(description="One separate payment per month, KNP 122 (R-K-3).")


class Fund(_Model):
    iik: str = Field(examples=["KZ92009MEDS368609103"])
    bin: str = Field(examples=["160440007161"])
    bic: str = Field(examples=["GCVPKZ2A"])
    beneficiary: str


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


_REGISTER_EXAMPLE: dict[str, Any] = {
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

_LINE_EXAMPLE: dict[str, Any] = {
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

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={"examples": [{**_REGISTER_EXAMPLE, "resent": True}]},
    )

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
    lines_url: str = Field(description="Those lines, page by page (`offset`, `limit`).")


class RegisterReport(RegisterSummary):
    """What became of a register (R-F-3), with every line not simply booked."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={"examples": [{**_REGISTER_EXAMPLE, "lines": [_LINE_EXAMPLE]}]},
    )

    lines: list[RegisterLine] = Field(description="Every line not simply booked.")


class RegisterLinesPage(_Model):
    """One page of a register's recorded lines, by line number."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "register": 17,
                    "offset": 0,
                    "limit": 1000,
                    "recorded": 1,
                    "lines": [_LINE_EXAMPLE],
                    "next_url": None,
                }
            ]
        },
    )

    register_id: int = Field(alias="register")
    offset: int
    limit: int
    recorded: int = Field(description="How many lines the register keeps in all.")
    lines: list[RegisterLine]
    next_url: str | None = Field(description="The next page, or null after the last.")


class Document(_Model):
    kind: PlainText = Field(
        min_length=1, max_length=64, examples=["pregnancy_certificate"], description="T6 kind."
    )
    number: PlainText = Field(min_length=1, max_length=64, examples=["№ 123"])
    issued_on: Day


class TemporaryApplicationIn(_Model):
    """An application for one month of temporary status on documents (R-TMP-1)."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "iin": "850312401235",
                    "category": "pregnant",
                    "documents": [
                        {
                            "kind": "pregnancy_certificate",
                            "number": "123",
                            "issued_on": "2025-01-05",
                        }
                    ],
                    "submitted_on": "2025-01-10",
                    "channel": "operator",
                }
            ]
        },
    )

    iin: PlainText = Field(max_length=32, examples=["850312401235"])
    category: PlainText = Field(max_length=64, examples=["pregnant"])
    documents: list[Document] = Field(max_length=20)
    submitted_on: Day | None = Field(default=None, description="Default: today.")
    channel: PlainText = Field(default="api", min_length=1, max_length=32)


class TemporaryGrantIn(_Model):
    granted_on: Day | None = Field(default=None, description="Default: today.")


class RefusalIn(_Model):
    reason: PlainText = Field(max_length=2000, description="Told to the applicant.")


class DocumentOut(_Model):
    kind: str
    number: str
    issued_on: dt.date


class TemporaryApplication(_Model):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: int
    iin: Iin
    category: str
    documents: list[DocumentOut]
    submitted_on: dt.date
    channel: str
    status: ApplicationStatus
    decided_by: str | None
    decided_at: dt.datetime | None
    refusal_reason: str | None
    granted_on: dt.date | None
    ends_on: dt.date | None = Field(description="The first day no longer covered.")


class RefundApplicationIn(_Model):
    """An application to refund one wrong payment (R-R-1)."""

    payment_id: int = Field(ge=1, le=2**63 - 1, examples=[42])
    reason: RefundReason
    applied_on: Day | None = Field(default=None, description="Default: today.")


class RefundDecisionIn(_Model):
    refunded_on: Day | None = Field(default=None, description="Default: today.")
    amount: Decimal | None = Field(
        default=None,
        gt=0,
        max_digits=14,
        decimal_places=2,
        description=(
            "Only for an overpayment the Fund cannot price (an employer's payment): the amount "
            "refunded. Otherwise an overpayment returns its surplus above the amount due and a "
            "wrong payment all of it (R-R-1)."
        ),
    )


class RefundApplication(_Model):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: int
    payment_id: int
    iin: Iin
    reason: RefundReason
    applied_on: dt.date
    due_by: dt.date = Field(description="Applied on + 15 working days (R-R-1).")
    status: ApplicationStatus
    decided_by: str | None
    decided_at: dt.datetime | None
    refusal_reason: str | None
    refunded_on: dt.date | None
    refunded_amount: Decimal | None = Field(
        default=None, description="What the approved refund returned (tenge)."
    )


class StatusChange(_Model):
    status: str = Field(examples=["insured"])
    reason: str = Field(examples=["regular"])
    insured_until: dt.date | None


class RefundEffect(_Model):
    """What approving a refund on ``refunded_on`` changes, as known on that day (R-R-1)."""

    application_id: int
    payment_id: int
    iin: Iin
    reason: RefundReason
    refunded_on: dt.date
    amount: Decimal | None = Field(
        description="What the refund returns; null when it cannot be approved (`problem`)."
    )
    problem: str | None = Field(
        description="`refund.no_surplus` or `refund.amount_required`, else null."
    )
    problem_text: str | None = Field(description="The problem in the language asked.")
    unpaid_months: list[Month] = Field(description="Months covered before and unpaid after.")
    status_before: StatusChange
    status_after: StatusChange
    loses_status: bool


class Health(_Model):
    status: Literal["ok"]


class NotRecorded(_Model):
    """Something the year in force or ahead has not recorded yet (R-P-2)."""

    code: Literal["upkeep.minimum_wage", "upkeep.calendar"]
    year: int
    message: str = Field(description="In the language asked (?lang=, Accept-Language, kk).")
    detail: str = Field(description="The same in English, with what is used meanwhile.")


class Readiness(_Model):
    status: Literal["ready", "degraded"] = Field(
        description="`degraded`: serving, but the parameters check names what is missing "
        "(a provisional MW or calendar, R-P-2)."
    )
    database: str = Field(examples=["postgresql"])
    revision: str = Field(description="The database's migration, the newest the code knows.")
    missing: list[NotRecorded] = Field(
        default_factory=list, description="What `osms parameters check` names (R-P-2)."
    )
