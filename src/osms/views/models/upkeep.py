"""The parameters check (R-P-2) as JSON: what the year in force or ahead has not recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Self, cast

from pydantic import Field

from osms.rules.upkeep import Missing, MissingCode, checked_years
from osms.views.models.base import (
    AnswerModel,
    Language,
)
from osms.views.upkeep import missing_message


class NotRecorded(AnswerModel):
    """Something the year in force or ahead has not recorded yet (R-P-2)."""

    code: MissingCode
    year: int
    known_until: dt.date | None = Field(
        default=None,
        description="For `upkeep.base_rate`: the last day the NBK base-rate table answers; "
        "a penalty over a later day is `parameter.missing` (R-K-4).",
    )
    message: str = Field(description="In the language asked (?lang=, Accept-Language, kk).")
    detail: str = Field(description="The same in English, with what is used meanwhile.")

    @classmethod
    def from_missing(cls, item: Missing, lang: str) -> Self:
        return cls(
            code=item.code,
            year=item.year,
            known_until=item.known_until,
            message=missing_message(item, lang),
            detail=item.detail,
        )


class ParametersCheck(AnswerModel):
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
