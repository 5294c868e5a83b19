"""Vectorised IIN and BIN check digits (R-IIN-1, R-IIN-2, R-BIN-1) for whole populations.

The batch files keep an IIN or BIN as a 64-bit integer (the 12 digits read as a number, so a
person born in 2000-2009 loses the leading zero: :func:`iin_text` pads it back).  Everything
here works on numpy arrays; :mod:`osms.rules.iin` stays the reference for one number.

>>> import numpy as np
>>> check_digits(np.array([90051530001, 88010130011, 88010130010])).tolist()
[8, 1, -1]
>>> iin_text(np.array([900515300018, 101500011])).tolist()
['900515300018', '000101500011']
>>> is_bin(np.array([990140000385, 900515300018])).tolist()
[True, False]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["BIN_DIGIT_DIVISOR", "check_digits", "digits", "iin_text", "is_bin", "with_check"]

_FIRST = np.arange(1, 12, dtype=np.int64)
_SECOND = np.array([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2], dtype=np.int64)
_POWERS = 10 ** np.arange(10, -1, -1, dtype=np.int64)

BIN_DIGIT_DIVISOR = 10**7
"""``number // BIN_DIGIT_DIVISOR % 10`` is digit 5 of a 12-digit number (R-BIN-1: 4, 5 or 6)."""

Int64Array = npt.NDArray[np.int64]


def digits(prefix: npt.ArrayLike) -> Int64Array:
    """The eleven digits of each 11-digit prefix, as an (n, 11) array."""
    values = np.asarray(prefix, dtype=np.int64)
    return (values[:, None] // _POWERS[None, :]) % 10


def check_digits(prefix: npt.ArrayLike) -> Int64Array:
    """R-IIN-2 for each 11-digit prefix: the check digit, or -1 where none exists."""
    d = digits(prefix)
    first = (d @ _FIRST) % 11
    second = (d @ _SECOND) % 11
    result = np.where(first == 10, second, first)
    return np.where(result == 10, -1, result).astype(np.int64)


def with_check(prefix: npt.ArrayLike) -> Int64Array:
    """The 12-digit numbers: each prefix followed by its check digit (-1 rows: no number)."""
    values = np.asarray(prefix, dtype=np.int64)
    check = check_digits(values)
    return np.where(check < 0, -1, values * 10 + check)


def is_bin(number: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """R-BIN-1: digit 5 is 4, 5 or 6 (the test R-L-6 applies to a КНП 122 payer)."""
    fifth = (np.asarray(number, dtype=np.int64) // BIN_DIGIT_DIVISOR) % 10
    return (fifth >= 4) & (fifth <= 6)


def iin_text(number: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """The 12-character text of each number (leading zeros restored)."""
    values = np.asarray(number, dtype=np.int64)
    return np.char.zfill(values.astype(str), 12)
