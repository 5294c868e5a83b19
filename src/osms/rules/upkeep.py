"""Keeping the rules current (R-P-2): what is not yet recorded for the year in force or ahead.

From :data:`WARNING_DAYS` (60) days before a year begins, and all through it, the check names
each of these that is missing for that year:

- ``upkeep.minimum_wage``: its minimum wage (the budget law) is not recorded, so amounts use
  the last published MW and are provisional (R-P-1);
- ``upkeep.calendar``: its decree of transfers of days off is not recorded, so its calendar
  is provisional: only the statutory holidays and the weekend rule apply (R-T-2).

And, whatever the year, once the day checked is past the last day the National Bank's
base-rate table answers (its ``until``):

- ``upkeep.base_rate``: the NBK's later decisions are not recorded, so an employer penalty
  over a later day is a ``parameter.missing`` error, never a guess (R-K-4).  Its ``year`` is
  the year checked and ``known_until`` the table's last day.

All are added as data, without a release (R-P-3: ``OSMS_PARAMETERS_DIR``, see
:mod:`osms.rules.parameters`).  The command ``osms parameters check`` and ``/readyz`` report it.

>>> [(item.code, item.year) for item in missing(date(2026, 12, 7))]
[('upkeep.minimum_wage', 2027), ('upkeep.calendar', 2027), ('upkeep.base_rate', 2026)]
>>> [item.code for item in missing(date(2026, 11, 1))]
['upkeep.base_rate']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final, Literal

from osms.rules import calendar, parameters

__all__ = ["WARNING_DAYS", "Missing", "MissingCode", "checked_years", "missing"]

WARNING_DAYS: Final = 60
"""R-P-2: the check looks at a year from this many days before it begins."""

MissingCode = Literal["upkeep.minimum_wage", "upkeep.calendar", "upkeep.base_rate"]


@dataclass(frozen=True, slots=True)
class Missing:
    """Something a year needs that is not recorded yet."""

    code: MissingCode
    year: int
    detail: str
    """What is missing and what is used meanwhile, in English (logs, ``--json``)."""
    minimum_wage: Decimal | None = None
    """For ``upkeep.minimum_wage``: the last published MW, used meanwhile."""
    published_year: int | None = None
    """For ``upkeep.minimum_wage``: the year of that MW."""
    known_until: date | None = None
    """For ``upkeep.base_rate``: the last day the base-rate table answers."""


def checked_years(on: date) -> tuple[int, ...]:
    """The years the check looks at on ``on``: its own, and the next from 60 days before.

    >>> checked_years(date(2026, 11, 1)), checked_years(date(2026, 11, 2))
    ((2026,), (2026, 2027))
    """
    following = on.year + 1
    if date(following, 1, 1) - on <= timedelta(days=WARNING_DAYS):
        return (on.year, following)
    return (on.year,)


def missing(on: date) -> tuple[Missing, ...]:
    """What the years of :func:`checked_years` lack on ``on`` (empty when nothing)."""
    found: list[Missing] = []
    for year in checked_years(on):
        if parameters.minimum_wage_is_provisional(year):
            published = year - 1
            while parameters.minimum_wage_is_provisional(published):
                published -= 1
            wage = parameters.minimum_wage(year)
            found.append(
                Missing(
                    "upkeep.minimum_wage",
                    year,
                    f"the minimum wage of {year} is not recorded: amounts use the MW of "
                    f"{published} ({wage}) and are provisional (R-P-1)",
                    minimum_wage=wage,
                    published_year=published,
                )
            )
        if calendar.is_provisional(year):
            found.append(
                Missing(
                    "upkeep.calendar",
                    year,
                    f"the calendar of {year} is not confirmed (checked through "
                    f"{calendar.checked_through()}): its decree of transfers is not recorded, "
                    "only the statutory holidays and the weekend rule apply (R-T-2)",
                )
            )
    gap = _base_rate_gap(on)
    if gap is not None:
        found.append(gap)
    return tuple(found)


def _base_rate_gap(on: date) -> Missing | None:
    """The base-rate table ending before ``on`` (R-K-4, R-P-2), or ``None`` while it answers."""
    known_until = parameters.load_parameters().get("base_rate").until
    if known_until is None or known_until >= on:
        return None
    return Missing(
        "upkeep.base_rate",
        on.year,
        f"the NBK base rate is recorded through {known_until}: its later decisions are not, "
        "so a penalty over a later day is refused with parameter.missing (R-K-4)",
        known_until=known_until,
    )
