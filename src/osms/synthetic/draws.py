"""The random building blocks of :mod:`osms.synthetic.people`: dates, people, IINs, BINs and
jobs, all drawn from one :class:`random.Random`; payment histories are
:mod:`osms.synthetic.payments`.  The rule values come from :mod:`osms.rules.parameters`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from osms.rules import iin as iin_rules
from osms.rules.calendar import credit_date
from osms.rules.checkdigit import calc_check_digit
from osms.rules.errors import InvalidChecksum
from osms.rules.facts import (
    CategoryPeriod,
    PayerKind,
    PaymentItem,
    PersonFacts,
    TemporaryGrant,
)
from osms.rules.iin import Sex
from osms.rules.month import Month
from osms.rules.parameters import (
    child_category_until_age,
    grace_months,
    liability_start,
    long_payer_grace_months,
    long_payer_months,
)
from osms.synthetic.names import FEMALE, MALE, Names, draw_names
from osms.synthetic.person import DemoApplication, DemoPerson
from osms.synthetic.profiles import Profile

__all__ = [
    "EMPLOYER_HISTORY_START",
    "Draws",
    "Job",
    "Who",
    "adult_month",
    "latest_payday",
    "make_bin",
    "months",
    "newest_adult_birth",
    "years_before",
]

EMPLOYER_HISTORY_START = Month(2019, 1)
"""The earliest month an employer's history is drawn from (a choice of the generator)."""


class Who(NamedTuple):
    """Birth date, sex and IIN (empty until drawn) of a person being made."""

    birth: date
    sex: Sex
    iin: str = ""


class Job(NamedTuple):
    first: Month
    employer: str
    salary: Decimal


class Draws:
    """Random dates, people, jobs and payment histories as of ``today``, from ``rng``."""

    def __init__(self, rng: random.Random, today: date, employers: int) -> None:
        self.rng = rng
        self.today = today
        self.month = Month.of(today)
        self.last_payday = latest_payday(today)
        # R-S-6 in the month of today: the grace, the long payer's grace and its months
        self.grace = grace_months(self.month)
        self.long_grace = long_payer_grace_months(self.month) or self.grace
        self.long_months = long_payer_months(self.month) or 0
        self.iins: set[str] = set()
        self.employers = self._employer_bins(employers)

    def _employer_bins(self, count: int) -> tuple[str, ...]:
        """Valid BINs (R-BIN-1): registration YYMM, digit 5 = 4 (legal entity), check digit."""
        found: list[str] = []
        while len(found) < count:
            year = self.rng.randint(1995, 2019) % 100
            month = self.rng.randint(1, 12)
            serial = self.rng.randint(0, 99999)
            number = make_bin(f"{year:02d}{month:02d}40{serial:05d}")
            if number is not None and number not in found:
                found.append(number)
        return tuple(found)

    # -- dates ----------------------------------------------------------------------------------

    def month_between(self, first: Month, last: Month) -> Month:
        if last < first:
            raise ValueError(f"empty month range {first} … {last}")
        return Month.from_index(self.rng.randint(first.index, last.index))

    def day_between(self, first: date, last: date) -> date:
        if last < first:
            raise ValueError(f"empty date range {first} … {last}")
        return date.fromordinal(self.rng.randint(first.toordinal(), last.toordinal()))

    def day_in(self, month: Month) -> date:
        return self.day_between(month.first_day(), month.last_day())

    def clean_start(self, *, latest: int = 14) -> Month:
        """A first paid month leaving at least ``latest`` months of history before ``today``."""
        return self.month_between(liability_start(), self.month - latest)

    # -- who ------------------------------------------------------------------------------------

    def sex(self, female: float = 0.5) -> Sex:
        return FEMALE if self.rng.random() < female else MALE

    def adult(self, *, female: float = 0.5, oldest: int = 60) -> Who:
        """Birth date, sex and IIN of an adult who was already liable in the first month of
        liability (R-C-3)."""
        sex = self.sex(female)
        birth = self.day_between(years_before(self.today, oldest), newest_adult_birth())
        return Who(birth, sex, self.iin(birth, sex))

    def iin(self, birth: date, sex: Sex) -> str:
        """A valid IIN (R-IIN-1, R-IIN-2) for the birth date and sex, never given twice."""
        while True:
            try:
                number = iin_rules.make(birth, sex, self.rng.randint(1, 9999))
            except InvalidChecksum:  # a serial that is never issued: draw another
                continue
            if number not in self.iins:
                self.iins.add(number)
                return number

    def names(self, sex: Sex, birth: date) -> Names:
        return draw_names(self.rng, sex, birth)

    def person(
        self,
        profile: Profile,
        story: str,
        who: Who,
        *,
        kind: PayerKind = PayerKind.SELF_PAYER,
        categories: tuple[CategoryPeriod, ...] = (),
        temporary: tuple[TemporaryGrant, ...] = (),
        payments: Sequence[PaymentItem] = (),
        applications: tuple[DemoApplication, ...] = (),
    ) -> DemoPerson:
        """A person of ``profile`` drawn by ``d``: their IIN (unless ``who`` has one) and names
        are drawn now, after their history, so that each profile draws in its own order."""
        number = who.iin or self.iin(who.birth, who.sex)
        ordered = tuple(sorted(payments, key=lambda item: (item.period, item.paid_on)))
        facts = PersonFacts(number, who.birth, kind, categories, temporary, ordered)
        names = self.names(who.sex, who.birth)
        return DemoPerson(facts, names, profile, story, who.sex, applications=applications)

    # -- work -----------------------------------------------------------------------------------

    def _salary(self) -> Decimal:
        return Decimal(self.rng.randrange(90_000, 900_000, 5_000))

    def jobs(self, first: Month, last: Month, *, switch: float = 0.3) -> list[Job]:
        """One job from ``first``, sometimes a second one (no gap between them) before
        ``last``."""
        jobs = [Job(first, self.rng.choice(self.employers), self._salary())]
        if self.rng.random() < switch and last.months_since(first) > 24:
            moved = self.month_between(first + 12, last - 6)
            jobs.append(Job(moved, self.rng.choice(self.employers), self._salary()))
        return jobs


def make_bin(first_eleven_without_check: str) -> str | None:
    """A BIN from its first 11 digits (R-BIN-1), or None when no check digit exists.

    >>> make_bin("94014000038")  # Halyk Bank
    '940140000385'
    """
    digit = calc_check_digit(first_eleven_without_check)
    return None if digit is None else f"{first_eleven_without_check}{digit}"


def latest_payday(today: date) -> date:
    """The last day a payment can be made and still be credited by ``today`` (R-T-3).

    >>> latest_payday(date(2026, 11, 22))  # paid on Tue 17 Nov, credited on Fri 20 Nov
    datetime.date(2026, 11, 17)
    """
    day = today
    while credit_date(day) > today:
        day -= timedelta(days=1)
    return day


def adult_month(birth: date) -> Month:
    """The month of the birthday that ends the child category (R-C-2)."""
    return Month.of(birth) + 12 * child_category_until_age()


def newest_adult_birth() -> date:
    """The last birth date of someone who turned adult before liability started (R-C-3):
    the paying profiles' adults were liable from its first month."""
    return years_before(liability_start().first_day(), child_category_until_age()) - timedelta(
        days=1
    )


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def months(count: int) -> str:
    """``count`` months in English words: "1 month", "5 months"."""
    return f"{count} month" if count == 1 else f"{count} months"
