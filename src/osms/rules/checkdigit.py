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
"""

from __future__ import annotations

from operator import mul
from typing import Final

__all__ = ["DIGITS", "calc_check_digit", "check_digit_of_codes", "has_valid_check_digit"]

DIGITS = frozenset("0123456789")

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
