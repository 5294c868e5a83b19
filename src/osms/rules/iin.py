"""ИИН / ЖСН (Individual Identification Number), Kazakhstan's 12-digit personal number.

R-IIN-1: digits 1–6 are the birth date YYMMDD; digit 7 gives century and sex (1/2 = 1800s,
3/4 = 1900s, 5/6 = 2000s; odd = male, even = female); digits 8–11 are a serial number and
digit 12 is the check digit.

R-IIN-2: the check digit is a weighted sum modulo 11 with a second pass when the first gives
10; when both passes give 10 the number is never issued (see :mod:`osms.rules.checkdigit`).

R-IIN-3: a number is invalid for a wrong length, non-digits, an impossible birth date, digit 7
outside 1–6 or a wrong check digit; each rejection raises one of the shared
:class:`~osms.rules.errors.ValidationError` classes with a stable ``code``.  A number can fail
several checks; the first failure in this order is reported: non-digits
(:class:`InvalidFormat`, ``iin.format``), length (:class:`InvalidLength`, ``iin.length``),
check digit (:class:`InvalidChecksum`, ``iin.never_issued``, ``iin.checksum``), a month or day
that no year has (:class:`InvalidComponent`, ``iin.date``), digit 7 (``iin.century``), and
finally 29 February in a year that is not a leap year (``iin.date``, the only date check that
needs the century).  Real numbers are in ``tests/rules/iin.doctest``.

>>> validate("900515300018")
'900515300018'
>>> validate(" 900515 3000-18 ")
'900515300018'
>>> describe("900515300018")
IINInfo(iin='900515300018', birth_date=datetime.date(1990, 5, 15), sex='male', century=1900)
>>> describe("850312401235")
IINInfo(iin='850312401235', birth_date=datetime.date(1985, 3, 12), sex='female', century=1900)
>>> birth_date("000101500011")
datetime.date(2000, 1, 1)
>>> is_valid("880101300111")  # the first pass gives 10, the second pass gives 1
True
>>> format("900515300018")
'900515 300018'
>>> validate("880101300105")  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
osms.rules.errors.InvalidChecksum: digits 1-11 (88010130010) leave remainder 10 with ...
>>> validate("900515300019")
Traceback (most recent call last):
    ...
osms.rules.errors.InvalidChecksum: check digit is 9, expected 8
>>> validate("123456789013")
Traceback (most recent call last):
    ...
osms.rules.errors.InvalidComponent: birth date digits 123456 are impossible: month 34 does not exist
>>> validate("123456789012")
Traceback (most recent call last):
    ...
osms.rules.errors.InvalidChecksum: check digit is 2, expected 3
>>> validate("90051530001")
Traceback (most recent call last):
    ...
osms.rules.errors.InvalidLength: IIN has 11 digits, expected 12
>>> is_valid("90051530001")
False
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Final, Literal

from osms.rules.checkdigit import (
    LENGTH,
    accepts,
    check_digit_of_codes,
    compact,
    in_two_blocks,
    issued_check_digit,
    validate_number,
)
from osms.rules.errors import InvalidComponent

__all__ = [
    "SERIALS",
    "SEXES",
    "IINInfo",
    "Sex",
    "birth_date",
    "century",
    "compact",
    "describe",
    "format",
    "is_valid",
    "is_valid_compact",
    "make",
    "sex",
    "validate",
]

Sex = Literal["male", "female"]
SEXES: Final[tuple[Sex, ...]] = ("male", "female")

# R-IIN-1: digit 7 -> century of birth; odd digits are male, even digits female.
_CENTURIES = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}
# R-IIN-1, the other way: the male digit 7 of each century (the female one is one more).
_MALE_DIGITS: Final = {1800: 1, 1900: 3, 2000: 5}
SERIALS: Final = range(10_000)
"""Digits 8-11 (R-IIN-1): a serial number 0000-9999 among people of one birth date and sex."""

# Digits 3-6 (MMDD) that some year has: every day of every month of 2000, a leap year.
_MONTH_DAYS: Final = frozenset(
    f"{month:02d}{day:02d}"
    for month in range(1, 13)
    for day in range(1, calendar.monthrange(2000, month)[1] + 1)
)


def _impossible_date(message: str) -> InvalidComponent:
    return InvalidComponent(message, code="iin.date")


@dataclass(frozen=True, slots=True)
class IINInfo:
    """What a valid IIN says about its holder (R-IIN-1)."""

    iin: str
    birth_date: datetime.date
    sex: Sex
    century: int


def _check_month_day(number: str) -> None:
    """Reject a month or day of digits 3-6 that no year has (R-IIN-3); needs no century."""
    if number[2:6] in _MONTH_DAYS:
        return
    month = int(number[2:4])
    day = int(number[4:6])
    if not 1 <= month <= 12:
        raise _impossible_date(
            f"birth date digits {number[0:6]} are impossible: month {month} does not exist"
        )
    if not 1 <= day <= calendar.monthrange(2000, month)[1]:  # 2000 is a leap year
        raise _impossible_date(
            f"birth date digits {number[0:6]} are impossible: "
            f"day {day} does not exist in month {month}"
        )


def _birth_date(number: str) -> datetime.date:
    """The birth date of a compact IIN whose digit 7 is already known to be 1-6."""
    _check_month_day(number)
    year = _CENTURIES[number[6]] + int(number[0:2])
    month = int(number[2:4])
    day = int(number[4:6])
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise _impossible_date(
            f"birth date digits {number[0:6]} are impossible: "
            f"day {day} does not exist in {year:04d}-{month:02d}"
        ) from None


def is_valid_compact(number: str) -> bool:
    """Whether ``number`` is already compact (12 ASCII digits) and a valid IIN (R-IIN-1..3).

    The same answer as :func:`is_valid` for such a number, without exceptions: the fast test
    for registers of many lines.  ``False`` says nothing about why; :func:`validate` does.

    >>> is_valid_compact("900515300018"), is_valid_compact("900515 300018")
    (True, False)
    >>> is_valid_compact("000229500018"), is_valid_compact("010229500016")  # 2000, 2001
    (True, False)
    """
    if len(number) != LENGTH or not number.isascii() or not number.isdigit():
        return False
    codes = number.encode("ascii")
    if check_digit_of_codes(codes) != codes[11] - 48:  # 48 is the code of "0"
        return False
    month_day = number[2:6]
    century = _CENTURIES.get(number[6])
    if century is None or month_day not in _MONTH_DAYS:
        return False
    return month_day != "0229" or calendar.isleap(century + int(number[:2]))


def validate(number: str) -> str:
    """Check an IIN (R-IIN-1..3) and return it compacted, or raise a ``ValidationError``."""
    number = compact(number)
    if is_valid_compact(number):
        return number
    # Invalid (or valid only once compacted): find the first failure, in the documented order.
    validate_number(number, "IIN")
    _check_month_day(number)
    if number[6] not in _CENTURIES:
        raise InvalidComponent(
            f"digit 7 (century and sex) is {number[6]}, expected one of 1, 2, 3, 4, 5, 6",
            code="iin.century",
        )
    _birth_date(number)
    return number


def is_valid(number: str) -> bool:
    """Whether :func:`validate` accepts the number.

    >>> is_valid("900515300018"), is_valid("900515300019")
    (True, False)
    """
    return accepts(validate, number)


def format(number: str) -> str:
    """The IIN grouped for reading: birth date, a space, then digits 7-12 (``YYMMDD CSSSSK``).

    The number is compacted but not validated; call :func:`validate` first if it matters.

    >>> format("900515-300-018")
    '900515 300018'
    """
    return in_two_blocks(number)


def birth_date(number: str) -> datetime.date:
    """The holder's birth date (R-IIN-1); the number is validated first.

    >>> birth_date("850312401235")
    datetime.date(1985, 3, 12)
    """
    return _birth_date(validate(number))


def century(number: str) -> int:
    """The century of birth as 1800, 1900 or 2000, from digit 7 (R-IIN-1); validates first.

    >>> century("000101500011")
    2000
    """
    return _CENTURIES[validate(number)[6]]


def sex(number: str) -> Sex:
    """``"male"`` for an odd digit 7, ``"female"`` for an even one (R-IIN-1); validates first.

    >>> sex("900515300018"), sex("850312401235")
    ('male', 'female')
    """
    return "male" if int(validate(number)[6]) % 2 == 1 else "female"


def describe(number: str) -> IINInfo:
    """Validate the IIN and read everything it encodes (R-IIN-1)."""
    number = validate(number)
    return IINInfo(
        iin=number,
        birth_date=_birth_date(number),
        sex="male" if int(number[6]) % 2 == 1 else "female",
        century=_CENTURIES[number[6]],
    )


def make(birth_date: datetime.date, sex: Sex, serial: int) -> str:
    """The IIN of a person born on ``birth_date`` with ``sex`` and serial ``serial`` (R-IIN-1).

    The one way to build an IIN: digits 1-6 from the date, digit 7 from century and sex,
    digits 8-11 the serial, digit 12 the check digit (R-IIN-2).  About one serial in eleven
    has no check digit; that raises ``iin.never_issued`` and the caller takes another.

    >>> make(datetime.date(1990, 5, 15), "male", 1)
    '900515300018'
    >>> make(datetime.date(1985, 3, 12), "female", 123)
    '850312401235'
    >>> make(datetime.date(1988, 1, 1), "male", 10)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    osms.rules.errors.InvalidChecksum: digits 1-11 (88010130010) leave remainder 10 with ...
    """
    male_digit = _MALE_DIGITS.get(birth_date.year // 100 * 100)
    if male_digit is None:
        raise InvalidComponent(
            f"no IIN is issued for a birth in {birth_date.year}", code="iin.century"
        )
    if serial not in SERIALS:
        raise ValueError(f"serial {serial} does not fit digits 8-11 (0-9999)")
    first = f"{birth_date:%y%m%d}{male_digit + (sex == 'female')}{serial:04d}"
    return f"{first}{issued_check_digit(first, 'IIN')}"
