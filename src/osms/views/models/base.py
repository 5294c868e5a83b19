"""What every JSON answer shares: the schema number, the date bounds, money and months as
text, and the models' common configuration."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.config import JsonDict

from osms.rules import parameters

SCHEMA_VERSION = 1
DEFAULT_IIN_EXAMPLE = "900515300018"
MIN_DATE = parameters.liability_start().first_day()
"""OSMS status exists from the liability start (R-S-1); earlier dates are refused."""
MAX_DATE = dt.date(2099, 12, 31)
FIRST_ISSUE_DATE = dt.date(1900, 1, 1)
"""The earliest issue date of a document: a category's proof may be decades older than OSMS
(a pension or a disability certificate)."""
MAX_ID = 2**63 - 1
"""The largest id a row can have (a 64-bit integer): larger ids are refused, not looked for."""


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_day(value: object) -> object:
    """A day as the API takes it: ``YYYY-MM-DD`` (or a date), never a number read as a Unix
    timestamp (``20261207`` is not the 7th of December 2026, nor a time in 1970).

    >>> iso_day("2026-12-07")
    '2026-12-07'
    >>> iso_day("20261207")
    Traceback (most recent call last):
    ...
    ValueError: a date is YYYY-MM-DD, not '20261207'
    """
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and not _ISO_DAY.fullmatch(value)
    ):
        raise ValueError(f"a date is YYYY-MM-DD, not {str(value)[:32]!r}")
    return value


IsoDay = BeforeValidator(iso_day)
"""Put in a date's ``Annotated``: the day is written ``YYYY-MM-DD``."""

_PLAIN_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?")


def plain_amount(value: object) -> object:
    """An amount as the API takes it: digits 0–9 with an optional decimal point, or a JSON
    number; never other scripts' digits (``١٢٣``), exponents or ``NaN``, which ``Decimal``
    itself would read.

    >>> plain_amount("100.50")
    '100.50'
    >>> plain_amount("\u0661\u0662\u0663")
    Traceback (most recent call last):
    ...
    ValueError: an amount is written with the digits 0-9 and a point, not '١٢٣'
    """
    if isinstance(value, str) and not _PLAIN_AMOUNT.fullmatch(value):
        raise ValueError(
            f"an amount is written with the digits 0-9 and a point, not {value[:32]!r}"
        )
    return value


PlainAmount = BeforeValidator(plain_amount)
"""Put in an amount's ``Annotated``: written with ASCII digits (:func:`plain_amount`)."""


def money(amount: Decimal) -> str:
    """Tenge with two decimals, as a string: ``Decimal('4250') -> '4250.00'``.

    >>> money(Decimal("4250")), money(Decimal("0.5"))
    ('4250.00', '0.50')
    """
    return f"{amount.quantize(Decimal('0.01'))}"


def money_or_none(amount: Decimal | None) -> str | None:
    return None if amount is None else money(amount)


def decimal_text(value: Decimal) -> str:
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


class AnswerModel(BaseModel):
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
