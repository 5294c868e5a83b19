"""What an IIN says (R-IIN-1…3), or why it is not one, as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Self

from pydantic import Field

from osms.rules.iin import IINInfo
from osms.views.models.base import (
    SCHEMA_VERSION,
    AnswerModel,
    Iin,
)


class IinDescription(AnswerModel):
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


class IinRefusal(AnswerModel):
    """Why a number is not a valid IIN: the rule's stable code (R-IIN-1…3)."""

    iin: str = Field(description="The number as given.")
    valid: Literal[False]
    code: str = Field(examples=["iin.checksum"])
    message: str = Field(description="The code's message in the chosen language.")
    detail: str = Field(description="The same in English, with the numbers that differ.")
