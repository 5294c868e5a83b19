"""The check digit shared by the IIN and the BIN (R-IIN-2, R-BIN-1).

s = Σ d[i]·w[i] mod 11 over digits 1–11 with w = 1, 2, …, 11.  If s is 10, the sum is
taken again with w = 3, 4, …, 11, 1, 2.  If that is 10 as well, no check digit exists and
a number starting with these eleven digits is never issued (:func:`calc_check_digit`
returns ``None``).  Otherwise the check digit is s.

>>> calc_check_digit("90051530001")
8
>>> calc_check_digit("88010130011")  # first pass gives 10, second pass gives 1
1
>>> calc_check_digit("88010130010") is None  # both passes give 10
True

Note that the first-pass weight of digit 11 is 11 ≡ 0 (mod 11) and the second-pass weight of
digit 9 is 11 as well, so the check digit cannot see every single-digit change; see
``tests/rules/test_identifiers.py``.

:func:`validate_number` is the part of validation the two identifiers share (format, length,
check digit, in this order); :mod:`osms.rules.iin` and :mod:`osms.rules.bin` add the checks
of their own components.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import mul
from typing import Final, Literal

from osms.rules.errors import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

__all__ = [
    "DIGITS",
    "LENGTH",
    "Kind",
    "accepts",
    "calc_check_digit",
    "check_digit_of_codes",
    "compact",
    "has_valid_check_digit",
    "in_two_blocks",
    "issued_check_digit",
    "validate_number",
]

DIGITS = frozenset("0123456789")
LENGTH: Final = 12
"""Both identifiers have 12 digits (R-IIN-1, R-BIN-1)."""

Kind = Literal["IIN", "BIN"]
"""Which identifier a number is meant to be; its lower case starts the error codes."""

_FIRST_WEIGHTS: Final = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND_WEIGHTS: Final = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# The sums are taken over the digits' ASCII codes (b"0" is 48), then corrected by 48·Σw.
_FIRST_ZERO: Final = ord("0") * sum(_FIRST_WEIGHTS)
_SECOND_ZERO: Final = ord("0") * sum(_SECOND_WEIGHTS)


def check_digit_of_codes(codes: bytes) -> int | None:
    """:func:`calc_check_digit` of the first eleven bytes, ASCII digits (not checked)."""
    total: int = sum(map(mul, codes, _FIRST_WEIGHTS))
    remainder = (total - _FIRST_ZERO) % 11
    if remainder == 10:
        total = sum(map(mul, codes, _SECOND_WEIGHTS))
        remainder = (total - _SECOND_ZERO) % 11
        if remainder == 10:
            return None
    return remainder


def calc_check_digit(digits: str) -> int | None:
    """The check digit for the first eleven ASCII digits of an IIN or BIN (R-IIN-2).

    Returns ``None`` when both passes leave remainder 10: such numbers are never issued.
    """
    if len(digits) != 11 or not DIGITS.issuperset(digits):
        raise ValueError(f"expected 11 ASCII digits, got {digits!r}")
    return check_digit_of_codes(digits.encode("ascii"))


def has_valid_check_digit(number: str) -> bool:
    """Whether ``number`` is 12 ASCII digits whose last is the check digit of the others.

    The fast test behind IIN and BIN validation (no exception, no intermediate strings).

    >>> has_valid_check_digit("900515300018"), has_valid_check_digit("900515300019")
    (True, False)
    >>> has_valid_check_digit("880101300105"), has_valid_check_digit("90051530001")
    (False, False)
    """
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    codes = number.encode("ascii")
    return check_digit_of_codes(codes) == codes[11] - 48


def issued_check_digit(first: str, kind: Kind) -> int:
    """The check digit of the eleven digits ``first`` (R-IIN-2), or ``{kind}.never_issued``.

    >>> issued_check_digit("90051530001", "IIN")
    8
    >>> issued_check_digit("16044000061", "BIN")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    osms.rules.errors.InvalidChecksum: digits 1-11 (16044000061) leave remainder 10 with ...
    """
    digit = calc_check_digit(first)
    if digit is None:
        raise InvalidChecksum(
            f"digits 1-11 ({first}) leave remainder 10 with both weight sets, "
            f"so no {kind} starting with them is ever issued",
            code=f"{kind.lower()}.never_issued",
        )
    return digit


def compact(number: str) -> str:
    """Remove spaces, hyphens and dots, and surrounding whitespace.

    >>> compact(" 900515 300-018. ")
    '900515300018'
    """
    return number.replace(" ", "").replace("-", "").replace(".", "").strip()


def validate_number(number: str, kind: Kind) -> None:
    """The checks an IIN and a BIN share, on a compact number, first failure raised.

    In order: only digits (``{kind}.format``), 12 of them (``{kind}.length``), a check digit
    exists (``{kind}.never_issued``) and is digit 12 (``{kind}.checksum``); ``kind`` is
    ``"IIN"`` or ``"BIN"`` and its lower case starts the code.

    >>> validate_number("160440007162", "BIN")
    Traceback (most recent call last):
        ...
    osms.rules.errors.InvalidChecksum: check digit is 2, expected 1
    """
    code = kind.lower()
    if not DIGITS.issuperset(number):
        bad = "".join(sorted({c for c in number if c not in DIGITS}))
        raise InvalidFormat(
            f"{kind} may only contain the digits 0-9, found {bad!r}", code=f"{code}.format"
        )
    if len(number) != LENGTH:
        raise InvalidLength(
            f"{kind} has {len(number)} digits, expected {LENGTH}", code=f"{code}.length"
        )
    expected = issued_check_digit(number[:11], kind)
    if int(number[11]) != expected:
        raise InvalidChecksum(
            f"check digit is {number[11]}, expected {expected}", code=f"{code}.checksum"
        )


def accepts(validate: Callable[[str], str], number: str) -> bool:
    """Whether ``validate`` returns rather than raising a ``ValidationError`` (``is_valid``)."""
    try:
        validate(number)
    except ValidationError:
        return False
    return True


def in_two_blocks(number: str) -> str:
    """The compacted number as two blocks of six digits, the way both are printed.

    >>> in_two_blocks("900515-300-018")
    '900515 300018'
    """
    number = compact(number)
    return f"{number[:6]} {number[6:]}"
