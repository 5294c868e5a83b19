"""БИН / БСН (Business Identification Number), Kazakhstan's 12-digit number for organisations.

R-BIN-1: a BIN is 12 digits with the same check digit as the IIN (R-IIN-2, see
:mod:`osms.rules.checkdigit`); digit 5 is the legal entity type and must be 4, 5 or 6.
Employers and the State Corporation are identified by BIN.

The checks run in this order and the first failure is reported: non-digits (``bin.format``),
length (``bin.length``), check digit (``bin.never_issued``, ``bin.checksum``) and digit 5
(``bin.entity_type``).  Digits 1-4 (year and month of registration) and 6 are not checked:
R-BIN-1 does not constrain them.

>>> validate("160440007161")  # State Corporation "Government for Citizens"
'160440007161'
>>> validate("1609 4002 5485")  # Social Health Insurance Fund
'160940025485'
>>> format("160940025485")
'160940 025485'
>>> validate("160440007162")
Traceback (most recent call last):
    ...
osms.rules.bin.BINChecksumError: check digit is 2, expected 1
>>> validate("16044000061")
Traceback (most recent call last):
    ...
osms.rules.bin.BINLengthError: BIN has 11 digits, expected 12
>>> validate("160440000610")  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
osms.rules.bin.BINNeverIssuedError: digits 1-11 (16044000061) leave remainder 10 with ...
"""

from __future__ import annotations

from osms.rules.checkdigit import DIGITS, calc_check_digit, has_valid_check_digit
from osms.rules.errors import RuleError

__all__ = [
    "BINChecksumError",
    "BINEntityTypeError",
    "BINFormatError",
    "BINLengthError",
    "BINNeverIssuedError",
    "InvalidBIN",
    "compact",
    "format",
    "is_valid",
    "validate",
]

LENGTH = 12

# R-BIN-1: digit 5, the legal entity type.
ENTITY_TYPES = frozenset("456")


class InvalidBIN(RuleError):
    """The text is not a valid BIN (R-BIN-1).  Catch this to catch every cause."""

    code = "bin.invalid"


class BINLengthError(InvalidBIN):
    """R-BIN-1: the BIN does not have 12 digits."""

    code = "bin.length"


class BINFormatError(InvalidBIN):
    """R-BIN-1: the BIN contains characters other than the digits 0-9."""

    code = "bin.format"


class BINEntityTypeError(InvalidBIN):
    """R-BIN-1: digit 5 (legal entity type) is not 4, 5 or 6."""

    code = "bin.entity_type"


class BINChecksumError(InvalidBIN):
    """R-BIN-1 (R-IIN-2): digit 12 is not the check digit of digits 1-11."""

    code = "bin.checksum"


class BINNeverIssuedError(InvalidBIN):
    """R-BIN-1 (R-IIN-2): both weight sets leave remainder 10, so no BIN starts with these."""

    code = "bin.never_issued"


def compact(number: str) -> str:
    """Remove spaces, hyphens and dots, and surrounding whitespace.

    >>> compact(" 1604.4000-7161 ")
    '160440007161'
    """
    return number.replace(" ", "").replace("-", "").replace(".", "").strip()


def validate(number: str) -> str:
    """Check a BIN (R-BIN-1) and return it compacted, or raise an :class:`InvalidBIN`.

    >>> validate("160470007165")
    Traceback (most recent call last):
        ...
    osms.rules.bin.BINEntityTypeError: digit 5 (legal entity type) is 7, expected 4, 5 or 6
    """
    number = compact(number)
    if number[4:5] in ENTITY_TYPES and has_valid_check_digit(number):
        return number
    # Invalid: find the first failure, in the documented order.
    if not DIGITS.issuperset(number):
        bad = "".join(sorted({c for c in number if c not in DIGITS}))
        raise BINFormatError(f"BIN may only contain the digits 0-9, found {bad!r}")
    if len(number) != LENGTH:
        raise BINLengthError(f"BIN has {len(number)} digits, expected {LENGTH}")
    expected = calc_check_digit(number[:11])
    if expected is None:
        raise BINNeverIssuedError(
            f"digits 1-11 ({number[:11]}) leave remainder 10 with both weight sets, "
            "so no BIN starting with them is ever issued"
        )
    if int(number[11]) != expected:
        raise BINChecksumError(f"check digit is {number[11]}, expected {expected}")
    if number[4] not in ENTITY_TYPES:
        raise BINEntityTypeError(f"digit 5 (legal entity type) is {number[4]}, expected 4, 5 or 6")
    return number


def is_valid(number: str) -> bool:
    """Whether :func:`validate` accepts the number.

    >>> is_valid("160440007161"), is_valid("160440007162")
    (True, False)
    """
    try:
        validate(number)
    except InvalidBIN:
        return False
    return True


def format(number: str) -> str:
    """The BIN grouped for reading as two blocks of six digits (``YYMMTA SSSSSK``).

    The first block is the registration year and month, entity type and attribute; the
    second the serial number and check digit.  The number is compacted but not validated.

    >>> format("160440-007161")
    '160440 007161'
    """
    number = compact(number)
    return f"{number[:6]} {number[6:]}"
