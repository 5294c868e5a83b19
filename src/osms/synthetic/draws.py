"""The random building blocks of :mod:`osms.synthetic.people`: dates, IINs, BINs, jobs and
payment histories as real ones look, all drawn from one :class:`random.Random`.

- self-payers pay each month between the 10th and the 20th, at the R-L-4 price of the day
  (:func:`~osms.rules.pricing.month_price`), through a bank app, a branch, a terminal or
  Kazpost; the current month is paid early enough to be credited by ``today`` (R-T-3);
- employers (valid BINs, R-BIN-1) pay КНП 121 and 122 for a month by the 25th of the next month
  (the last working day on or before it, or for some the due date itself, R-L-9), at the R-K-1
  rates of the month (:func:`~osms.rules.calculator.employer_monthly`): the months not due
  yet are pending, not debt;
- every item is credited on :func:`~osms.rules.calendar.credit_date` of its payment day, none
  is paid after ``today``, and none names a month before the first one its КНП may be for
  (R-L-3: :func:`~osms.rules.parameters.liability_start`,
  :func:`~osms.rules.parameters.employer_liability_start`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from osms.rules import iin as iin_rules
from osms.rules.calculator import employer_monthly
from osms.rules.calendar import credit_date, is_working_day
from osms.rules.checkdigit import calc_check_digit
from osms.rules.errors import InvalidChecksum
from osms.rules.facts import KNP, Channel, PayerKind, PaymentItem
from osms.rules.iin import Sex
from osms.rules.month import Month
from osms.rules.parameters import (
    child_category_until_age,
    employer_liability_start,
    liability_start,
)
from osms.rules.pending import due_date
from osms.rules.pricing import month_price
from osms.synthetic.names import FEMALE, MALE, Names, draw_names

__all__ = [
    "EMPLOYER_HISTORY_START",
    "SELF_CHANNELS",
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

SELF_CHANNELS = (Channel.BANK_APP, Channel.BANK_BRANCH, Channel.TERMINAL, Channel.KAZPOST)
_SELF_CHANNEL_WEIGHTS = (60, 15, 15, 10)
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

    # -- payments -------------------------------------------------------------------------------

    def self_payments(
        self,
        iin: str,
        kind: PayerKind,
        first: Month,
        last: Month,
        *,
        skip: Iterable[Month] = (),
        quarterly: bool = False,
    ) -> list[PaymentItem]:
        """Monthly (or quarterly, in advance) contributions for ``first`` … ``last``, paid
        between the 10th and the 20th and never so late that ``today`` does not see them."""
        rng = self.rng
        first = max(first, liability_start())
        habit = rng.randint(10, 18)
        channel = rng.choices(SELF_CHANNELS, weights=_SELF_CHANNEL_WEIGHTS)[0]
        skipped = set(skip)
        items: list[PaymentItem] = []
        step = 3 if quarterly else 1
        for start in range(first.index, last.index + 1, step):
            block_start = Month.from_index(start)
            if block_start > self.month:
                break
            day = min(habit + rng.randint(0, 2), 20)
            paid_on = min(date(block_start.year, block_start.month, day), self.last_payday)
            for index in range(start, start + step):
                period = Month.from_index(index)
                if period in skipped or (not quarterly and period > last):
                    continue
                items.append(self_item(iin, kind, period, paid_on, channel))
        return items

    def employer_payments(
        self,
        jobs: Sequence[Job],
        last: Month,
        *,
        skip: Iterable[Month] = (),
        on_due_date: bool = False,
    ) -> list[PaymentItem]:
        """КНП 121 and (from 2020) 122 per month, paid by the employer's BIN by the 25th of
        the next month (``on_due_date``: on the due date itself, R-L-9); months whose payday
        is after ``today`` are not paid yet."""
        skipped = set(skip)
        items: list[PaymentItem] = []
        for index, job in enumerate(jobs):
            end = min(jobs[index + 1].first - 1, last) if index + 1 < len(jobs) else last
            for period in Month.range(job.first, end + 1):
                if period in skipped:
                    continue
                paid_on = due_date(period) if on_due_date else _employer_payday(period)
                if paid_on > self.today:
                    break
                years = period.year - job.first.year
                salary = (job.salary * Decimal("1.07") ** years).quantize(Decimal(1000))
                due = employer_monthly(salary, period)
                for knp, amount in (
                    (KNP.EMPLOYER_DEDUCTION, due.deduction),
                    (KNP.CONTRIBUTION, due.contribution),
                ):
                    if amount > 0 and period >= _earliest(knp):
                        items.append(item(period, amount, paid_on, knp, job.employer))
        return items

    def payments(
        self, iin: str, first: Month, last: Month, *, employed: float
    ) -> tuple[PayerKind, list[PaymentItem], str]:
        """A history covering ``first`` … ``last`` by the person or an employer."""
        if self.rng.random() < employed:
            first = max(first, EMPLOYER_HISTORY_START)
            jobs = self.jobs(first, last)
            how = f"employer BIN {jobs[-1].employer} paid KNP 121/122"
            return PayerKind.EMPLOYEE, self.employer_payments(jobs, last), how
        items = self.self_payments(iin, PayerKind.SELF_PAYER, first, last)
        return PayerKind.SELF_PAYER, items, "paid as a self-payer"


def item(
    period: Month,
    amount: Decimal,
    paid_on: date,
    knp: KNP,
    payer: str,
    channel: Channel | None = Channel.EMPLOYER,
    refunded_on: date | None = None,
) -> PaymentItem:
    """A ledger item as a bank sends it: credited on the R-T-3 day of its payment."""
    return PaymentItem(
        period, amount, paid_on, credit_date(paid_on), knp, payer, channel, refunded_on
    )


def self_item(
    iin: str, kind: PayerKind, period: Month, paid_on: date, channel: Channel
) -> PaymentItem:
    """A person's own КНП 122 contribution for ``period`` at the R-L-4 price of the day."""
    amount = month_price(kind, period, paid_on)
    return item(period, amount, paid_on, KNP.CONTRIBUTION, iin, channel)


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


def _earliest(knp: KNP) -> Month:
    """R-L-3: the first month an item of ``knp`` may be for."""
    return employer_liability_start() if knp is KNP.EMPLOYER_DEDUCTION else liability_start()


@cache
def _employer_payday(period: Month) -> date:
    """The day an employer pays ``period``: the 25th of the next month, or the last working day
    before it when the 25th is a day off."""
    due = date((period + 1).year, (period + 1).month, 25)
    while not is_working_day(due):
        due -= timedelta(days=1)
    return due
