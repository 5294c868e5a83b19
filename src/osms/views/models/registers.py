"""What became of a register (R-F-3) as JSON: its summary, its line report, its lines page
by page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final, Literal, Self, cast

from pydantic import Field
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema

from osms.i18n import N_, error_message, t
from osms.registry.registers import DUPLICATE
from osms.views.models.base import (
    AnswerModel,
    set_by_the_api,
    with_example,
)

if TYPE_CHECKING:
    from osms.services.registers import BookingReport, LineOutcome


_DUPLICATE_OF: Final = N_(
    "This payment has already been received (duplicate: payment {payment}, register {register})."
)


def outcome_text(outcome: LineOutcome, lang: str) -> str:
    """The line's code's message in ``lang``; a duplicate names the payment booked before, as
    a key conflict does (an earlier line of the same register was booked as none)."""
    if outcome.code == DUPLICATE and outcome.payment_id is not None:
        return t(lang, _DUPLICATE_OF, **outcome.values())
    return error_message(outcome.code, lang, **outcome.values())


class RegisterLine(AnswerModel):
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
            text=outcome_text(outcome, lang),
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


class RegisterSummary(AnswerModel):
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


class RegisterLinesPage(AnswerModel):
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
