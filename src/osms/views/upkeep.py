"""The parameters check (R-P-2) in words: the command line's lines and the missing items' messages
(its JSON is :class:`osms.views.models.ParametersCheck`).

The texts are gettext messages of the ``osms`` catalogs (:data:`UPKEEP_MESSAGES`); nothing
here decides what is missing (:mod:`osms.rules.upkeep` does).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from osms.i18n import format_date, format_money, t
from osms.rules.upkeep import Missing, checked_years

__all__ = ["UPKEEP_MESSAGES", "missing_message", "upkeep_lines"]

_MINIMUM_WAGE: Final = (
    "The minimum wage (MW) for {year} is not recorded: amounts for {year} use the {published} "
    "MW, {amount}, and are marked provisional."
)
_CALENDAR: Final = (
    "The working-day calendar of {year} is not confirmed: its decree of transfers of days off "
    "is not recorded, so only the statutory holidays and the weekend rule apply."
)
_BASE_RATE: Final = (
    "The National Bank's base rate is recorded up to and including {date}: an employer penalty "
    "for any later day cannot be computed (parameter.missing) until the Bank's later decisions "
    "are added."
)
_ALL_RECORDED: Final = "Parameters and calendar are recorded for {years} (checked on {date})."
_SOMETHING_MISSING: Final = "Not yet recorded (checked on {date}):"
_HOW_TO_ADD: Final = (
    "Add the published values as data in the folder named by OSMS_PARAMETERS_DIR (see the README)."
)

UPKEEP_MESSAGES: Final[tuple[str, ...]] = (
    _MINIMUM_WAGE,
    _CALENDAR,
    _BASE_RATE,
    _ALL_RECORDED,
    _SOMETHING_MISSING,
    _HOW_TO_ADD,
)
"""Every msgid of this module (for the catalogs and their check)."""


def missing_message(item: Missing, lang: str) -> str:
    """One missing item in the language.

    >>> from osms.rules.upkeep import missing
    >>> print(missing_message(missing(date(2026, 12, 7))[1], "en"))  # doctest: +ELLIPSIS
    The working-day calendar of 2027 is not confirmed: ...
    """
    if item.code == "upkeep.minimum_wage":
        return t(
            lang,
            _MINIMUM_WAGE,
            year=item.year,
            published=item.published_year,
            amount=format_money(item.minimum_wage or 0, lang),
        )
    if item.code == "upkeep.base_rate" and item.known_until is not None:
        return t(lang, _BASE_RATE, date=format_date(item.known_until, lang))
    return t(lang, _CALENDAR, year=item.year)


def upkeep_lines(found: Sequence[Missing], on: date, lang: str) -> list[str]:
    """The check's report: one line per missing item with its code, or that all is recorded."""
    if not found:
        years = ", ".join(str(year) for year in checked_years(on))
        return [t(lang, _ALL_RECORDED, years=years, date=format_date(on, lang))]
    lines = [t(lang, _SOMETHING_MISSING, date=format_date(on, lang))]
    lines.extend(f"- {item.code} {item.year}: {missing_message(item, lang)}" for item in found)
    lines.append(t(lang, _HOW_TO_ADD))
    return lines
