"""Request models of API v1, and the answers only the API gives (operators' applications,
health).  The answers every door shares (the decision, the calculation, the calculators, the
register reports) are :mod:`osms.views.models`.  Within one ``schema`` number a field is only ever
added, never renamed or removed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, JsonValue

from osms.registry.models import ApplicationStatus, RefundReason
from osms.rules.categories import category
from osms.services.trail_text import REASON_MAX_LENGTH
from osms.views.models import (
    FIRST_ISSUE_DATE,
    MAX_DATE,
    MAX_ID,
    MIN_DATE,
    Iin,
    IsoDay,
    Money,
    MonthText,
    NotRecorded,
    PlainAmount,
    money,
    with_example,
)

__all__ = [
    "Health",
    "Readiness",
    "RefundApplication",
    "RefundApplicationIn",
    "RefundDecisionIn",
    "RefundEffect",
    "RefusalIn",
    "StatusChange",
    "TemporaryApplication",
    "TemporaryApplicationIn",
    "TemporaryGrantIn",
]


def _plain_text(value: str) -> str:
    """Refuse control characters (C0 but tab and newlines, DEL, C1) and lone surrogates."""
    for char in value:
        code = ord(char)
        if (code < 32 and char not in "\t\n\r") or 127 <= code <= 159 or 0xD800 <= code <= 0xDFFF:
            raise ValueError("control characters are not allowed")
    return value


PlainText = Annotated[str, AfterValidator(_plain_text)]
"""Text that can be stored as it is (no NUL, no control characters, no lone surrogates)."""

Day = Annotated[dt.date, Field(ge=MIN_DATE, le=MAX_DATE), IsoDay]
MoneyOut = Annotated[Money, BeforeValidator(lambda v: money(v) if isinstance(v, Decimal) else v)]
"""An amount the registry holds, answered as :data:`Money` (``Decimal('100.1') -> '100.10'``)."""


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


_EXAMPLE_CATEGORY = "pregnant"
_EXAMPLE_KINDS = [group[0] for group in category(_EXAMPLE_CATEGORY).documents]
_EXAMPLE_DOCUMENTS: list[JsonValue] = [
    {"kind": kind, "number": f"027/{n}", "issued_on": "2025-01-05"}
    for n, kind in enumerate(_EXAMPLE_KINDS, start=123)
]
"""The documents of the example application: one of each group the example category needs
(SOURCES.md T6, ``rules/data/categories.yaml``), read from the data so that the example is
always one the API accepts (R-TMP-1)."""


class Document(_Model):
    kind: PlainText = Field(
        min_length=1,
        max_length=64,
        examples=_EXAMPLE_KINDS[:1],
        description="T6 kind.",
    )
    number: PlainText = Field(min_length=1, max_length=64, examples=["№ 123"])
    issued_on: Annotated[dt.date, Field(ge=FIRST_ISSUE_DATE, le=MAX_DATE), IsoDay] = Field(
        description="Not after the application (`temporary.document_date`); may be long before "
        "OSMS, as a pension or disability certificate is."
    )


class TemporaryApplicationIn(_Model):
    """An application for one month of temporary status on documents (R-TMP-1)."""

    model_config = with_example(
        {
            "iin": "850312401235",
            "category": _EXAMPLE_CATEGORY,
            "documents": _EXAMPLE_DOCUMENTS,
            "submitted_on": "2025-01-10",
            "channel": "operator",
        }
    )

    iin: PlainText = Field(
        # Documented, not validated here: the service answers any wrong length iin.length.
        json_schema_extra={"maxLength": 32},
        examples=["850312401235"],
        description="12 digits (spaces and dashes are ignored); a malformed IIN answers its code "
        "(`iin.length`, `iin.checksum` ...).",
    )
    category: PlainText = Field(max_length=64, examples=[_EXAMPLE_CATEGORY])
    documents: list[Document] = Field(max_length=20)
    submitted_on: Day | None = Field(default=None, description="Default: today.")
    channel: PlainText = Field(
        default="api",
        min_length=1,
        max_length=32,
        description=(
            "How the applicant submitted (`operator`, `egov` ...), kept on the application; "
            "the audit trail names the API as the door."
        ),
    )


class TemporaryGrantIn(_Model):
    granted_on: Day | None = Field(default=None, description="Default: today.")


class RefusalIn(_Model):
    # The limits are the service's to check (osms.services.trail_text), so that a reason too
    # long or not printable is answered with its own code and texts, as every door answers it.
    reason: str = Field(
        json_schema_extra={"maxLength": REASON_MAX_LENGTH},
        description=(
            "Told to the applicant: not blank (`<kind>.reason_required`), at most "
            f"{REASON_MAX_LENGTH} printable characters, no line breaks, control characters or "
            "direction marks (`<kind>.reason_invalid`); `<kind>` is `temporary` or `refund`."
        ),
    )


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

    payment_id: int = Field(ge=1, le=MAX_ID, examples=[42])
    reason: RefundReason
    applied_on: Day | None = Field(default=None, description="Default: today.")


class RefundDecisionIn(_Model):
    refunded_on: Day | None = Field(default=None, description="Default: today.")
    amount: Annotated[Decimal | None, PlainAmount] = Field(
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
    refunded_amount: MoneyOut | None = Field(
        default=None, description="What the approved refund returned (tenge)."
    )


class StatusChange(_Model):
    status: str = Field(examples=["insured"])
    reason: str = Field(examples=["regular"])
    insured_until: dt.date | None


class RefundEffect(_Model):
    """What approving a refund on ``refunded_on`` changes, as known on ``status_on`` (R-R-1)."""

    application_id: int
    payment_id: int
    iin: Iin
    reason: RefundReason
    refunded_on: dt.date
    status_on: dt.date = Field(
        description=(
            "The day the effect is shown for: the refund date, or the payment's credit day "
            "when that is later (a payment not yet counted changes nothing before, R-T-3)."
        )
    )
    amount: Money | None = Field(
        description="What the refund returns; null when it cannot be approved (`problem`)."
    )
    problem: str | None = Field(
        description="`refund.no_surplus` or `refund.amount_required`, else null."
    )
    problem_text: str | None = Field(description="The problem in the language asked.")
    unpaid_months: list[MonthText] = Field(description="Months covered before and unpaid after.")
    status_before: StatusChange
    status_after: StatusChange
    loses_status: bool


class Health(_Model):
    status: Literal["ok"]


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
