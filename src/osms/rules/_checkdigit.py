"""The check digit shared by the IIN and the BIN (R-IIN-2, R-BIN-1).

s = Σ d[i]·w[i] mod 11 over digits 1–11 with w = 1, 2, …, 11.  If s is 10, the sum is
taken again with w = 3, 4, …, 11, 1, 2.  If that is 10 as well, no check digit exists and
a number starting with these eleven digits is never issued (:func:`check_digit` returns
``None``).  Otherwise the check digit is s.

>>> check_digit("90051530001")
8
>>> check_digit("88010130011")  # first pass gives 10, second pass gives 1
1
>>> check_digit("88010130010") is None  # both passes give 10
True

Note that the first-pass weight of digit 11 is 11 ≡ 0 (mod 11) and the second-pass weight of
digit 9 is 11 as well, so the check digit cannot see every single-digit change; see
``tests/rules/test_identifiers.py``.
"""

from __future__ import annotations

__all__ = ["DIGITS", "check_digit"]

DIGITS = frozenset("0123456789")

_FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def _weighted_remainder(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11


def check_digit(digits: str) -> int | None:
    """The check digit for the first eleven ASCII digits of an IIN or BIN (R-IIN-2).

    Returns ``None`` when both passes leave remainder 10: such numbers are never issued.
    """
    if len(digits) != 11 or not DIGITS.issuperset(digits):
        raise ValueError(f"expected 11 ASCII digits, got {digits!r}")
    remainder = _weighted_remainder(digits, _FIRST_WEIGHTS)
    if remainder == 10:
        remainder = _weighted_remainder(digits, _SECOND_WEIGHTS)
        if remainder == 10:
            return None
    return remainder
