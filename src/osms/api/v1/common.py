"""Parameters and documented error answers shared by the routes of API v1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Final

from fastapi import Path, Query
from fastapi.openapi.models import Example

from osms.api.problems import API_MESSAGES, Problem
from osms.api.v1.schemas import MAX_DATE, MIN_DATE

__all__ = ["AsOfQuery", "DateQuery", "IdPath", "IinPath", "problems"]

_IIN_EXAMPLES: Final[dict[str, Example]] = {
    "adult": Example(summary="An adult (born 1990-05-15)", value="900515300018"),
    "child": Example(
        summary="A child (born 2015-01-01): insured by the state", value="150101600018"
    ),
    "malformed": Example(summary="A wrong check digit: 422 iin.checksum", value="900515300019"),
}

IinPath = Annotated[
    str,
    Path(
        description=(
            "The person's IIN: 12 digits (spaces and dashes are ignored). A malformed IIN "
            "answers 422 with the rule's code: `iin.length`, `iin.format`, `iin.date`, "
            "`iin.century`, `iin.checksum` or `iin.never_issued`."
        ),
        max_length=64,
        openapi_examples=_IIN_EXAMPLES,
    ),
]

IdPath = Annotated[int, Path(ge=1, le=2**63 - 1, description="The application's id.")]

DateQuery = Annotated[
    dt.date | None,
    Query(
        alias="date",
        ge=MIN_DATE,
        le=MAX_DATE,
        description="The date asked about, YYYY-MM-DD; default: today in Kazakhstan.",
        examples=["2025-01-10"],
    ),
]

AsOfQuery = Annotated[
    dt.date | None,
    Query(
        ge=MIN_DATE,
        le=MAX_DATE,
        description=(
            "The knowledge date (R-S-0): only payments credited by then count; default: `date`. "
            "A clinic checking a past visit asks `date=<visit>&as_of=<today>`. Needs a key with "
            "the scope `status:read`."
        ),
        examples=["2025-03-01"],
    ),
]

_DESCRIPTIONS: Final[Mapping[int, str]] = {
    400: "The body cannot be read as JSON (`request.invalid`).",
    401: "No key, a wrong key or a revoked key (`auth.key_*`).",
    403: "The key lacks a scope (`auth.scope_missing`, with `scopes`).",
    404: "Not found.",
    409: "Conflict with the current state (e.g. `refund.already_decided`).",
    413: "The register is larger than the server accepts (`request.too_large`).",
    415: "Not a register's content type (`request.unsupported_media_type`).",
    422: "Invalid input: a rule's code (`iin.checksum`...) or `request.invalid` with `errors`.",
    429: f"{API_MESSAGES['rate.limited']} See `Retry-After` (`rate.limited`).",
    503: "Not ready.",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these statuses, each a problem document."""
    return {
        status: {"model": Problem, "description": _DESCRIPTIONS.get(status, "A problem.")}
        for status in statuses
    }
