"""Parameters and documented error answers shared by the routes of API v1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import Depends, Path, Query
from fastapi.openapi.models import Example
from sqlalchemy.orm import Session

from osms.api.auth import Caller
from osms.api.deps import Today
from osms.api.problems import API_MESSAGES, ApiProblem, Problem
from osms.rules.calculator import Calculation
from osms.rules.checkdigit import LENGTH
from osms.services.status import StatusAnswer, calculator_for, status_of
from osms.views.models import MAX_DATE, MAX_ID, MIN_DATE, IsoDay

__all__ = [
    "IIN_MAX_CHARACTERS",
    "AsOfQuery",
    "DateQuery",
    "IdPath",
    "IinPath",
    "Lookup",
    "LookupOn",
    "PersonLookup",
    "calculation_asked",
    "day_query",
    "problems",
    "status_asked",
]

_IIN_EXAMPLES: Final[dict[str, Example]] = {
    "adult": Example(summary="An adult (born 1990-05-15)", value="900515300018"),
    "child": Example(
        summary="A child (born 2015-01-01): insured by the state", value="150101600018"
    ),
    "malformed": Example(summary="A wrong check digit: 422 iin.checksum", value="900515300019"),
}

IIN_MAX_CHARACTERS: Final = 64
"""The longest IIN a path is read for; a longer one has the wrong length (``iin.length``)."""

IinPath = Annotated[
    str,
    Path(
        description=(
            "The person's IIN: 12 digits (spaces and dashes are ignored). A malformed IIN "
            "answers 422 with the rule's code: `iin.length`, `iin.format`, `iin.date`, "
            "`iin.century`, `iin.checksum` or `iin.never_issued`; one longer than "
            f"{IIN_MAX_CHARACTERS} characters is not read further: `iin.length`."
        ),
        # Documented, not validated here: FastAPI would answer request.invalid, not iin.length.
        json_schema_extra={"maxLength": IIN_MAX_CHARACTERS},
        openapi_examples=_IIN_EXAMPLES,
    ),
]


def _read_iin(iin: str) -> str:
    """The IIN of the path, when short enough to be read as one (R-IIN-3: a wrong length is
    ``iin.length``, however wrong)."""
    if len(iin) > IIN_MAX_CHARACTERS:
        raise ApiProblem(
            422,
            "iin.length",
            f"IIN has more than {IIN_MAX_CHARACTERS} characters, expected {LENGTH} digits",
            field="iin",
        )
    return iin


IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="The application's id.")]


def day_query(
    description: str,
    example: str | None = None,
    *,
    alias: str | None = None,
    first: dt.date = MIN_DATE,
    last: dt.date = MAX_DATE,
) -> Any:
    """An optional ``YYYY-MM-DD`` query parameter, refused (422) outside [first, last]."""
    bounds: dict[str, Any] = {"ge": first, "le": last}  # typed as numbers; dates compare alike
    examples = None if example is None else [example]
    return Query(alias=alias, description=description, examples=examples, **bounds)


DateQuery = Annotated[
    dt.date | None,
    day_query(
        "The date asked about, YYYY-MM-DD; default: today in Kazakhstan.",
        "2025-01-10",
        alias="date",
    ),
    IsoDay,
]

AsOfQuery = Annotated[
    dt.date | None,
    day_query(
        "The knowledge date (R-S-0): only payments credited by then count; default: `date`. "
        "A clinic checking a past visit asks `date=<visit>&as_of=<today>`. Needs a key with "
        "the scope `status:read`.",
        "2025-03-01",
    ),
    IsoDay,
]


@dataclass(frozen=True)
class PersonLookup:
    """What a look-up of one person asks: the IIN, the date asked about (default today in
    Kazakhstan) and the knowledge date (default: that date, R-S-0)."""

    iin: str
    on: dt.date
    as_of: dt.date | None = None


def _lookup(
    iin: IinPath, today: Today, on: DateQuery = None, as_of: AsOfQuery = None
) -> PersonLookup:
    return PersonLookup(_read_iin(iin), on or today, as_of)


def _lookup_on(iin: IinPath, today: Today, on: DateQuery = None) -> PersonLookup:
    return PersonLookup(_read_iin(iin), on or today)


Lookup = Annotated[PersonLookup, Depends(_lookup)]
"""The IIN, ``?date=`` and ``?as_of=`` of a status look-up."""
LookupOn = Annotated[PersonLookup, Depends(_lookup_on)]
"""The IIN and ``?date=`` of a calculator look-up (the calculator has no knowledge date)."""


def status_asked(session: Session, who: Caller, asked: PersonLookup, channel: str) -> StatusAnswer:
    """The decision asked about, audited as asked through ``channel`` (RULES.md §11)."""
    return status_of(
        session, asked.iin, asked.on, asked.as_of, actor=who.actor, channel=channel, address=who.ip
    )


def calculation_asked(
    session: Session, who: Caller, asked: PersonLookup, channel: str
) -> tuple[Calculation, bool]:
    """What to pay, priced on the date asked about, and whether the registry holds the IIN;
    audited like the decision (RULES.md §11)."""
    return calculator_for(
        session, asked.iin, asked.on, actor=who.actor, channel=channel, address=who.ip
    )


_DESCRIPTIONS: Final[Mapping[int, str]] = {
    400: "The body cannot be read as JSON (`request.invalid`).",
    401: "No key, a wrong key or a revoked key (`auth.key_*`).",
    403: "The key lacks a scope (`auth.scope_missing`, with `scopes`).",
    404: "Not found.",
    409: "Conflict with the current state (e.g. `refund.already_decided`).",
    413: (
        "The body is larger than the server accepts: a register over `OSMS_MAX_REGISTER_MB`, "
        "any other body over 1 MiB (`request.too_large`)."
    ),
    415: "Not a register's content type (`request.unsupported_media_type`).",
    422: "Invalid input: a rule's code (`iin.checksum`...) or `request.invalid` with `errors`.",
    429: f"{API_MESSAGES['rate.limited']} See `Retry-After` (`rate.limited`).",
    503: (
        "The database is out of reach (`service.unavailable`): nothing was done; try again "
        "after `Retry-After` seconds."
    ),
}

_AUDITED_UNAVAILABLE: Final = (
    "The database is out of reach (`service.unavailable`), or the look-up's audit event "
    "cannot be written (`audit.unavailable`): a look-up is never answered unaudited "
    "(RULES.md §11). Try again after `Retry-After` seconds."
)


def problems(
    *statuses: int, audited: bool = False, described: Mapping[int, str] | None = None
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these statuses, each a problem document; ``audited``: an
    audited look-up, whose 503 may also be ``audit.unavailable``; ``described``: a route's own
    description of a status."""
    texts = {**_DESCRIPTIONS, **({503: _AUDITED_UNAVAILABLE} if audited else {})}
    texts.update(described or {})
    return {
        status: {"model": Problem, "description": texts.get(status, "A problem.")}
        for status in statuses
    }
