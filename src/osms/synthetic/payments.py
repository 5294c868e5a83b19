"""Payment histories as real ones look, drawn by :class:`~osms.synthetic.draws.Draws`.

- self-payers pay each month between the 10th and the 20th, at the R-L-4 price of the day
  (:func:`~osms.rules.pricing.month_price`), through a bank app, a branch, a terminal or
  Kazpost; the current month is paid early enough to be credited by ``today`` (R-T-3);
- employers (valid BINs, R-BIN-1) pay КНП 121 and 122 for a month by the 25th of the next month
  (the last working day on or before it, or for some the due date itself, R-L-9), at the R-K-1
  rates of the month (:func:`~osms.rules.calculator.employer_monthly`): the months not due
  yet are pending, not debt;
- every item is credited on :func:`~osms.rules.calendar.credit_date` of its payment day, none
  is paid after ``today``, and none names a month before the first one its КНП may be for
  (R-L-3: :func:`~osms.rules.facts.earliest_period`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from osms.rules.calculator import employer_monthly
from osms.rules.calendar import credit_date, is_working_day
from osms.rules.facts import KNP, Channel, PayerKind, PaymentItem, earliest_period
from osms.rules.month import Month
from osms.rules.parameters import liability_start
from osms.rules.pending import due_date
from osms.rules.pricing import month_price
from osms.synthetic.draws import EMPLOYER_HISTORY_START, Draws, Job

__all__ = [
    "SELF_CHANNELS",
    "contributions",
    "employer_payments",
    "item",
    "self_item",
    "self_payments",
]

SELF_CHANNELS = (Channel.BANK_APP, Channel.BANK_BRANCH, Channel.TERMINAL, Channel.KAZPOST)
_SELF_CHANNEL_WEIGHTS = (60, 15, 15, 10)


def self_payments(
    d: Draws,
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
    rng = d.rng
    first = max(first, liability_start())
    habit = rng.randint(10, 18)
    channel = rng.choices(SELF_CHANNELS, weights=_SELF_CHANNEL_WEIGHTS)[0]
    skipped = set(skip)
    items: list[PaymentItem] = []
    step = 3 if quarterly else 1
    for start in range(first.index, last.index + 1, step):
        block_start = Month.from_index(start)
        if block_start > d.month:
            break
        day = min(habit + rng.randint(0, 2), 20)
        paid_on = min(date(block_start.year, block_start.month, day), d.last_payday)
        for index in range(start, start + step):
            period = Month.from_index(index)
            if period in skipped or (not quarterly and period > last):
                continue
            items.append(self_item(iin, kind, period, paid_on, channel))
    return items


def employer_payments(
    d: Draws,
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
            if paid_on > d.today:
                break
            years = period.year - job.first.year
            salary = (job.salary * Decimal("1.07") ** years).quantize(Decimal(1000))
            due = employer_monthly(salary, period)
            for knp, amount in (
                (KNP.EMPLOYER_DEDUCTION, due.deduction),
                (KNP.CONTRIBUTION, due.contribution),
            ):
                if amount > 0 and period >= earliest_period(knp):
                    items.append(item(period, amount, paid_on, knp, job.employer))
    return items


def contributions(
    d: Draws, iin: str, first: Month, last: Month, *, employed: float
) -> tuple[PayerKind, list[PaymentItem], str]:
    """A history covering ``first`` … ``last`` by the person or an employer."""
    if d.rng.random() < employed:
        first = max(first, EMPLOYER_HISTORY_START)
        jobs = d.jobs(first, last)
        how = f"employer BIN {jobs[-1].employer} paid KNP 121/122"
        return PayerKind.EMPLOYEE, employer_payments(d, jobs, last), how
    items = self_payments(d, iin, PayerKind.SELF_PAYER, first, last)
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


@cache
def _employer_payday(period: Month) -> date:
    """The day an employer pays ``period``: the 25th of the next month, or the last working day
    before it when the 25th is a day off."""
    due = date((period + 1).year, (period + 1).month, 25)
    while not is_working_day(due):
        due -= timedelta(days=1)
    return due
