"""Dates, months and amounts as people write them in Kazakh, Russian and English."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final, Protocol, TypeGuard

from osms.i18n.languages import resolve

__all__ = [
    "NARROW_NO_BREAK_SPACE",
    "NO_BREAK_SPACE",
    "TENGE",
    "MonthLike",
    "format_date",
    "format_money",
    "format_month_list",
    "format_month_range",
    "format_ordinal",
    "is_month",
    "month_name",
    "month_name_of",
]

NARROW_NO_BREAK_SPACE: Final[str] = "\u202f"
"""Groups the thousands of an amount: ``4 250``."""

NO_BREAK_SPACE: Final[str] = "\u00a0"
"""Between an amount and the tenge sign."""

TENGE: Final[str] = "₸"


class MonthLike(Protocol):
    """Anything with a ``year`` and a ``month`` (1-12): ``osms.rules.month.Month``, a date."""

    @property
    def year(self) -> int: ...

    @property
    def month(self) -> int: ...


def is_month(value: object) -> TypeGuard[MonthLike]:
    """A month value (a :class:`MonthLike` that is not a date)."""
    return (
        not isinstance(value, date)
        and isinstance(getattr(value, "year", None), int)
        and isinstance(getattr(value, "month", None), int)
    )


_MONTHS_EN: Final[tuple[str, ...]] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS_RU: Final[tuple[str, ...]] = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
_MONTHS_RU_GENITIVE: Final[tuple[str, ...]] = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
_MONTHS_KK: Final[tuple[str, ...]] = (
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
)
_MONTH_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "en": _MONTHS_EN,
    "ru": _MONTHS_RU,
    "kk": _MONTHS_KK,
}

_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$", re.ASCII)


def month_name_of(year: int, month: int, lang: str) -> str:
    """The month ``month`` (1-12) of ``year`` as :func:`month_name` writes it."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    if lang == "ru":
        return f"{_MONTHS_RU[month - 1]} {year}"
    if lang == "en":
        return f"{_MONTHS_EN[month - 1]} {year}"
    return f"{year} жылғы {_MONTHS_KK[month - 1]}"


def month_name(month: MonthLike | str, lang: str) -> str:
    """A month as people write it: ``October 2023``, ``октябрь 2023``, ``2023 жылғы қазан``.

    ``month`` is an ``osms.rules.month.Month``, a date (its month) or ``"YYYY-MM"``.

    >>> month_name("2023-10", "en"), month_name("2023-10", "ru"), month_name("2023-10", "kk")
    ('October 2023', 'октябрь 2023', '2023 жылғы қазан')
    >>> month_name(date(2024, 2, 29), "kz")
    '2024 жылғы ақпан'
    """
    lang = resolve(lang)
    if isinstance(month, str):
        found = _ISO_MONTH.match(month.strip())
        if found is None:
            raise ValueError(f"not a month: {month!r} (expected YYYY-MM)")
        return month_name_of(int(found.group(1)), int(found.group(2)), lang)
    return month_name_of(month.year, month.month, lang)


def format_date(day: date | str, lang: str) -> str:
    """A date as people write it: ``20 October 2022``, ``20 октября 2022 г.``,
    ``2022 жылғы 20 қазан``.  ``day`` is a date or ISO ``"YYYY-MM-DD"``.

    >>> format_date(date(2022, 10, 20), "en")
    '20 October 2022'
    >>> format_date(date(2022, 10, 20), "ru")
    '20 октября 2022 г.'
    >>> format_date("2022-10-20", "kk")
    '2022 жылғы 20 қазан'
    >>> format_date(date(2025, 3, 1), "ru")
    '1 марта 2025 г.'
    """
    lang = resolve(lang)
    if isinstance(day, str):
        day = date.fromisoformat(day.strip())
    if lang == "ru":
        return f"{day.day} {_MONTHS_RU_GENITIVE[day.month - 1]} {day.year} г."
    if lang == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year} жылғы {day.day} {_MONTHS_KK[day.month - 1]}"


_CENT: Final = Decimal("0.01")


def format_money(amount: Decimal | int | str, lang: str) -> str:
    r"""An amount in tenge: thousands grouped by a narrow no-break space (U+202F), a no-break
    space (U+00A0) before ``₸``, tiyn only when not zero (rounded half up to the tiyn), a
    decimal comma in Kazakh and Russian and a decimal point in English.

    >>> format_money(Decimal("4250"), "ru")
    '4\u202f250\xa0₸'
    >>> format_money(Decimal("120.46"), "kk"), format_money(Decimal("120.46"), "en")
    ('120,46\xa0₸', '120.46\xa0₸')
    >>> format_money(Decimal("1234567.5"), "en")
    '1\u202f234\u202f567.50\xa0₸'
    >>> format_money(Decimal("3000.00"), "kk"), format_money(0, "ru")
    ('3\u202f000\xa0₸', '0\xa0₸')
    >>> format_money(Decimal("-850"), "ru")
    '-850\xa0₸'
    """
    lang = resolve(lang)
    try:
        value = Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as error:
        raise ValueError(f"not an amount: {amount!r}") from error
    sign = "-" if value < 0 else ""
    whole, _, tiyn = f"{abs(value):.2f}".partition(".")
    text = f"{int(whole):,}".replace(",", NARROW_NO_BREAK_SPACE)
    if tiyn != "00":
        text += ("." if lang == "en" else ",") + tiyn
    return f"{sign}{text}{NO_BREAK_SPACE}{TENGE}"


def format_month_range(first: MonthLike, last: MonthLike, lang: str) -> str:
    """A period of months, the year written once when both months share it.

    >>> from datetime import date
    >>> january, june = date(2020, 1, 1), date(2020, 6, 1)
    >>> [format_month_range(january, june, lang) for lang in ("en", "ru", "kk")]
    ['January – June 2020', 'январь – июнь 2020 г.', '2020 жылғы қаңтар – маусым']
    >>> format_month_range(date(2019, 12, 1), june, "en")
    'December 2019 – June 2020'
    """
    lang = resolve(lang)
    if first.year != last.year:
        return f"{month_name(first, lang)} – {month_name(last, lang)}"
    year, names = first.year, _MONTH_NAMES[lang]
    between = f"{names[first.month - 1]} – {names[last.month - 1]}"
    if lang == "ru":
        return f"{between} {year} г."
    if lang == "en":
        return f"{between} {year}"
    return f"{year} жылғы {between}"


_KK_ORDINALS: Final[tuple[str, ...]] = (
    "бірінші",
    "екінші",
    "үшінші",
    "төртінші",
    "бесінші",
    "алтыншы",
    "жетінші",
    "сегізінші",
    "тоғызыншы",
    "оныншы",
)


def format_ordinal(n: int, lang: str) -> str:
    """``n`` as an ordinal in running text: ``3rd``, ``3-й``, ``үшінші`` (a word up to ten in
    Kazakh, as the Fund's texts write it; ``11-ші`` or ``6-шы`` style beyond).

    >>> [format_ordinal(n, "en") for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd']
    >>> format_ordinal(3, "ru"), format_ordinal(3, "kk"), format_ordinal(16, "kk")
    ('3-й', 'үшінші', '16-шы')
    """
    lang = resolve(lang)
    if lang == "ru":
        return f"{n}-й"
    if lang == "en":
        suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    if 1 <= n <= len(_KK_ORDINALS):
        return _KK_ORDINALS[n - 1]
    # The suffix follows the vowel of the last number word: алты, тоғыз, он, отыз … take -шы.
    last_word = n % 10 or n % 100 or 100
    back = last_word in (6, 9, 10, 20, 30, 40, 60, 90)
    return f"{n}-{'шы' if back else 'ші'}"


def format_month_list(months: Iterable[MonthLike], lang: str) -> str:
    """Months in the order given, a run of three or more consecutive months as a range.

    >>> format_month_list([date(2023, 10, 1), date(2023, 11, 1)], "en")
    'October 2023, November 2023'
    >>> format_month_list([date(2023, m, 1) for m in (1, 2, 3, 4, 9)], "ru")
    'январь 2023 – апрель 2023, сентябрь 2023'
    """
    lang = resolve(lang)
    runs: list[list[tuple[int, int]]] = []
    for month in months:
        index = month.year * 12 + month.month - 1
        if runs and index == runs[-1][-1][0] + 1:
            runs[-1].append((index, month.year))
        else:
            runs.append([(index, month.year)])
    parts: list[str] = []
    for run in runs:
        names = [month_name_of(index // 12, index % 12 + 1, lang) for index, _ in run]
        parts.append(f"{names[0]} – {names[-1]}" if len(names) >= 3 else ", ".join(names))
    return ", ".join(parts)
