"""БИН / БСН (Business Identification Number), Kazakhstan's 12-digit number for organisations.

R-BIN-1: a BIN is 12 digits with the same check digit as the IIN (R-IIN-2, see
:mod:`osms.rules.checkdigit`); digit 5 is the legal entity type and must be 4, 5 or 6.
Employers and the State Corporation are identified by BIN.

The checks run in this order and the first failure is reported, each as one of the shared
:class:`~osms.rules.errors.ValidationError` classes: non-digits (:class:`InvalidFormat`,
``bin.format``), length (:class:`InvalidLength`, ``bin.length``), check digit
(:class:`InvalidChecksum`, ``bin.never_issued``, ``bin.checksum``) and digit 5
(:class:`InvalidComponent`, ``bin.entity_type``).  Digits 1-4 (year and month of
registration) and 6 are not checked: R-BIN-1 does not constrain them.  Real numbers are in
``tests/rules/iin.doctest``.

>>> validate("160440007161")  # State Corporation "Government for Citizens"
'160440007161'
>>> validate("1609 4002 5485")  # Social Health Insurance Fund
'160940025485'
>>> format("160940025485")
'160940 025485'
>>> is_valid("160440007162")  # one digit off: the check digit catches it
False

Each failure, with its code, is in ``tests/rules/iin.doctest``.
"""

from __future__ import annotations

from typing import Final

from osms.rules.checkdigit import (
    accepts,
    compact,
    has_valid_check_digit,
    in_two_blocks,
    validate_number,
)
from osms.rules.errors import InvalidComponent

__all__ = ["ENTITY_TYPES", "compact", "format", "is_valid", "validate"]

ENTITY_TYPES: Final = frozenset("456")
"""R-BIN-1: digit 5, the legal entity type."""


def validate(number: str) -> str:
    """Check a BIN (R-BIN-1) and return it compacted, or raise a ``ValidationError``.

    >>> validate("160470007165")
    Traceback (most recent call last):
        ...
    osms.rules.errors.InvalidComponent: digit 5 (legal entity type) is 7, expected 4, 5 or 6
    """
    number = compact(number)
    if number[4:5] in ENTITY_TYPES and has_valid_check_digit(number):
        return number
    # Invalid: find the first failure, in the documented order.
    validate_number(number, "BIN")
    raise InvalidComponent(
        f"digit 5 (legal entity type) is {number[4]}, expected 4, 5 or 6", code="bin.entity_type"
    )


def is_valid(number: str) -> bool:
    """Whether :func:`validate` accepts the number.

    >>> is_valid("160440007161"), is_valid("160440007162")
    (True, False)
    """
    return accepts(validate, number)


def format(number: str) -> str:
    """The BIN grouped for reading as two blocks of six digits (``YYMMTA SSSSSK``).

    The first block is the registration year and month, entity type and attribute; the
    second the serial number and check digit.  The number is compacted but not validated.

    >>> format("160440-007161")
    '160440 007161'
    """
    return in_two_blocks(number)
