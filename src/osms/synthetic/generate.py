"""A deterministic synthetic population, from a thousand to tens of millions of people.

``generate(folder, people=N, seed=S)`` writes the four Parquet files of
:mod:`osms.batch.schema`.  Everything is vectorised with numpy: people are made in chunks of
:data:`CHUNK` (each chunk is one ``part`` of the files and has its own random stream, derived
from ``(seed, chunk)``), so the output depends only on ``people``, ``seed``, ``months`` and
``today``, never on the machine, and memory stays flat whatever ``people`` is.

The mix follows the Fund's figures (SOURCES.md §9: ≈ 60 % state-paid, ≈ 22 % paying,
≈ 18 % outside) and covers every rule the status engine knows:

- state-paid: children (the IIN's birth date, R-C-2), pensioners, disabled people, mothers of
  many children, students, the registered unemployed, parents on leave, pregnant women (some
  with a temporary grant before their category arrives, R-S-3), people on social assistance;
- employees whose employer pays КНП 121 and 122 by the 25th of the next month (some on the
  due date itself, so that their last months are pending on the run date, R-L-9; some late,
  with КНП 123 penalties that cover nothing), with job changes and gaps;
- the self-employed (R-L-6): from 2026-01 a platform, or the person, pays 1 % of the month's
  income with КНП 122 by the 25th of the next month, some small and irregular amounts, some
  months missing; before it, half of them pay as self-payers;
- ЕСП payers (КНП 183, periods 2019-01 … 2023-12, R-L-2), a few of them a month past it
  (R-L-3 rejects it), some going on as self-payers afterwards;
- self-payers paying month by month (a few paying months of 2020 in 2019, at the first rates,
  R-L-4), entrepreneurs at the IE price, prepayers (12 months at once at the price of the
  day, with or without the current month: a prepaid block, R-S-4; a few of them one month
  too far, which R-L-3 rejects), people paying twelve months one by one after months
  unpaid (no block), people in grace, long payers who stopped in 2026 (R-S-6), debtors,
  people who left grace months unpaid, partial payers who paid last year's price in January
  (some pay the difference later: R-L-5's running sum), wrong-year payments refunded
  (R-R-1), duplicates refunded as overpayments, payments by relatives;
- children turning 18 in the window, who become students, employees, self-payers or debtors.

Payments are credited on the 3rd working day (:func:`osms.rules.calendar.credit_date`); none is
paid after ``today`` or before 2019-07-01; the ledger covers ``months`` months ending with the
month of ``today`` (prepayments may name later months).  IINs are valid (R-IIN-2) and unique;
employers have valid BINs (R-BIN-1).

>>> tables = generate_tables(2000, seed=1, months=24)
>>> tables["people"].num_rows, len(set(tables["people"]["iin"].to_pylist()))
(2000, 2000)
>>> generate_tables(2000, seed=1, months=24)["payments"].equals(tables["payments"])
True
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from osms.batch.days import day_number, day_tables, first_day_of_month, month_of_day
from osms.batch.schema import CATEGORIES, GRANTS, METADATA, PAYMENTS, PEOPLE, SCHEMAS, paths
from osms.rules import parameters
from osms.rules.month import Month
from osms.rules.pending import due_date
from osms.rules.plan import price_table
from osms.synthetic.ids import with_check
from osms.synthetic.profiles import Profile

__all__ = [
    "CHUNK",
    "DEFAULT_MONTHS",
    "DEFAULT_TODAY",
    "PROFILES",
    "GenerateSummary",
    "generate",
    "generate_tables",
]

CHUNK = 1 << 18
"""People per chunk (= per ``part``).  Part of the output's definition: do not change lightly."""

DEFAULT_TODAY = date(2026, 11, 22)
"""The fixed last day of the data of the functions here, so that tests and benchmarks are
reproducible; ``osms batch generate`` gives today in Kazakhstan unless ``--today`` says
otherwise (R-T-4; this package reads no clock)."""
DEFAULT_MONTHS = 24
"""What a generated folder was made from (its ledger starts `months` before `today`)."""

# The profiles this generator draws and their weights (percent of the population), SOURCES.md §9.
PROFILES: dict[Profile, float] = {
    # state-paid ≈ 60 %
    Profile.CHILD: 28.0,
    Profile.PENSIONER: 12.0,
    Profile.DISABLED: 4.0,
    Profile.STUDENT: 4.0,
    Profile.PARENTAL_LEAVE: 3.0,
    Profile.MOTHER_OF_MANY: 2.5,
    Profile.UNEMPLOYED: 2.5,
    Profile.SOCIAL_ASSISTANCE: 1.0,
    Profile.PREGNANT: 0.7,
    Profile.CARER_DISABLED_CHILD: 0.5,
    Profile.PRISONER: 0.3,
    # paying ≈ 22 %
    Profile.EMPLOYEE: 14.5,
    Profile.SELF_EMPLOYED: 1.2,
    Profile.ESP_PAYER: 0.8,
    Profile.REGULAR_PAYER: 2.8,
    Profile.ENTREPRENEUR: 2.0,
    Profile.IN_GRACE: 1.0,
    Profile.TURNED_18: 1.0,
    Profile.LONG_PAYER: 0.5,
    Profile.PREPAYER: 0.4,
    Profile.ONE_BY_ONE: 0.3,
    Profile.REFUNDED: 0.4,
    # outside ≈ 18 %
    Profile.NEVER_PAID: 7.0,
    Profile.DEBTOR: 6.5,
    Profile.GAP_PAYER: 1.0,
    Profile.PARTIAL_PAYER: 0.7,
}

_NAMES = tuple(profile.value for profile in PROFILES)
_WEIGHTS = np.array(list(PROFILES.values())) / sum(PROFILES.values())
_P = {name: i for i, name in enumerate(_NAMES)}

KINDS = ("self_payer", "entrepreneur", "employee", "self_employed")
_SELF_PAYER, _ENTREPRENEUR, _EMPLOYEE, _SELF_EMPLOYED = range(4)
CHANNELS = ("bank_app", "bank_branch", "terminal", "kazpost", "employer")
_BANK_APP, _BANK_BRANCH, _TERMINAL, _KAZPOST, _EMPLOYER = range(5)
_SELF_CHANNEL_WEIGHTS = np.array([0.65, 0.15, 0.1, 0.1])

CATEGORY_NAMES = (
    "pensioner",
    "disabled",
    "student",
    "parental_leave",
    "mother_of_many",
    "unemployed",
    "social_assistance",
    "pregnant",
    "carer_disabled_child",
    "prisoner",
)
_C = {name: i for i, name in enumerate(CATEGORY_NAMES)}
_OPEN = -1
_NO_DAY = -(1 << 40)

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class _Window:
    start: int
    """First month index of the ledger."""
    end: int
    """The month of ``today``."""
    today: int
    """Day number of ``today``."""
    first_pay_day: int
    """No payment before 2019-07-01: the first rates are in force from 2020-01-01, and a
    month of 2020 paid in 2019 is priced at them (R-L-4)."""


@dataclass
class GenerateSummary:
    folder: Path | None
    people: int
    seed: int
    months: int
    today: date
    parts: int
    rows: dict[str, int] = field(default_factory=dict)


@dataclass
class _Rows:
    """Column arrays collected for one chunk."""

    people: dict[str, IntArray] = field(default_factory=dict)
    categories: list[tuple[IntArray, ...]] = field(default_factory=list)
    payments: list[tuple[IntArray, ...]] = field(default_factory=list)
    grants: list[tuple[IntArray, ...]] = field(default_factory=list)


# -- prices and employer amounts (tiyn) ---------------------------------------------------------


def _year_table(values: dict[int, int]) -> tuple[int, IntArray]:
    first = min(values)
    table = np.full(max(values) - first + 1, -1, dtype=np.int64)
    for year, value in values.items():
        table[year - first] = value
    return first, table


@dataclass(frozen=True)
class _Prices:
    first_year: int
    own: IntArray
    ie: IntArray
    employer_pct: IntArray
    """Employer rate (КНП 121) in percent, by year."""
    employee_pct: IntArray
    employer_cap: IntArray
    """Cap of the employer base in tenge, by year."""
    employee_cap: IntArray

    def self_price(self, kind_is_ie: BoolArray, period: IntArray, paid_day: IntArray) -> IntArray:
        """R-L-4: the price of ``period`` paid on ``paid_day`` (the earlier of the two years,
        but not before the first rate in force)."""
        year = np.maximum(
            np.minimum(period // 12, month_of_day(paid_day) // 12) - self.first_year, 0
        )
        price = np.where(kind_is_ie, self.ie[year], self.own[year])
        if (price < 0).any():
            raise ValueError("a payment falls in a year without a known price")
        return np.asarray(price, dtype=np.int64)


def _prices() -> _Prices:
    table = price_table()
    first, own = _year_table(table["self_payer"])
    _, ie = _year_table(table["entrepreneur"])
    rates: dict[str, list[int]] = {"er": [], "ee": [], "er_cap": [], "ee_cap": []}
    params = parameters.load_parameters()
    for year in range(first, first + len(own)):
        day = date(year, 1, 1)
        wage = parameters.minimum_wage(year)
        er = params.get("employer_rate").decimal_at(day) * 100
        ee = params.get("employee_rate").decimal_at(day) * 100
        if er != er.to_integral_value() or ee != ee.to_integral_value():
            raise ValueError(f"{year}: employer or employee rate is not a whole percent")
        rates["er"].append(int(er))
        rates["ee"].append(int(ee))
        rates["er_cap"].append(int(params.get("employer_cap_mw").decimal_at(day) * wage))
        rates["ee_cap"].append(int(params.get("employee_cap_mw").decimal_at(day) * wage))
    arrays = {key: np.array(values, dtype=np.int64) for key, values in rates.items()}
    return _Prices(first, own, ie, arrays["er"], arrays["ee"], arrays["er_cap"], arrays["ee_cap"])


# -- small vectorised helpers -------------------------------------------------------------------


def _due_days(months: IntArray) -> IntArray:
    """R-L-9: the day each month is due (the 25th of the next month, or the next working
    day), as a day number."""
    unique, inverse = np.unique(months, return_inverse=True)
    days = np.array([day_number(due_date(Month.from_index(int(m)))) for m in unique])
    return np.asarray(days[inverse], dtype=np.int64)


def _expand(person: IntArray, first: IntArray, last: IntArray) -> tuple[IntArray, IntArray]:
    """Every (person, month) with first ≤ month ≤ last (inclusive; empty where last < first)."""
    length = np.maximum(last - first + 1, 0)
    total = int(length.sum())
    rows = np.repeat(person, length)
    starts = np.repeat(first, length)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(length) - length, length)
    return rows, starts + offsets


def _days_in_month(index: IntArray) -> IntArray:
    return first_day_of_month(index + 1) - first_day_of_month(index)


def _add_one_month(day: IntArray) -> IntArray:
    """The same day one calendar month later, clamped to the month's end (R-TMP-1)."""
    month = month_of_day(day)
    day_of_month = day - first_day_of_month(month)
    ends = first_day_of_month(month + 1) + np.minimum(day_of_month, _days_in_month(month + 1) - 1)
    return np.asarray(ends, dtype=np.int64)


def _uniform_int(rng: np.random.Generator, low: IntArray | int, high: IntArray | int) -> IntArray:
    """Integers uniform in [low, high] (inclusive), elementwise."""
    low_a = np.asarray(low, dtype=np.int64)
    high_a = np.asarray(high, dtype=np.int64)
    size = np.broadcast(low_a, high_a).shape
    span = np.maximum(high_a - low_a + 1, 1)
    return np.asarray(low_a + (rng.random(size) * span).astype(np.int64), dtype=np.int64)


# -- identifiers --------------------------------------------------------------------------------


def _iins(birth_day: IntArray, male: BoolArray, chunk: int, chunks: int) -> IntArray:
    """Unique valid IINs (R-IIN-1, R-IIN-2): serial = 2 × (rank × chunks + chunk) (+1 when that
    prefix has no check digit: digit 11 changes only the second pass, so one of the two works).
    """
    days = birth_day.astype("datetime64[D]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    century = np.where(year >= 2000, 5, 3) + np.where(year >= 1900, 0, -2)
    sex_digit = century + np.where(male, 0, 1)
    key = birth_day * 2 + male.astype(np.int64)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_key)) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(key)]))
    rank = np.empty_like(key)
    rank[order] = np.arange(len(key)) - group_start
    serial_key = rank * chunks + chunk
    if len(serial_key) and serial_key.max() > 4999:
        raise ValueError("too many people born on one day for unique IIN serials")
    date_part = (year % 100) * 10000 + month * 100 + dom
    prefix = date_part * 100000 + sex_digit * 10000 + serial_key * 2
    numbers = with_check(prefix)
    numbers = np.where(numbers < 0, with_check(prefix + 1), numbers)
    if (numbers < 0).any():  # pragma: no cover - impossible by R-IIN-2
        raise AssertionError("no check digit for either serial")
    return numbers


def _relatives(rng: np.random.Generator, count: int) -> IntArray:
    """Valid IINs of adults born 1950-1979 who pay for a relative (payer ≠ person)."""
    year = rng.integers(50, 80, count)
    month = rng.integers(1, 13, count)
    dom = rng.integers(1, 29, count)
    prefix = ((year * 100 + month) * 100 + dom) * 100000 + 30000 + 2 * np.arange(count)
    numbers = with_check(prefix)
    return np.where(numbers < 0, with_check(prefix + 1), numbers)


def _bins(rng: np.random.Generator, count: int) -> IntArray:
    """Valid employer BINs (R-BIN-1: digit 5 is 4, 5 or 6)."""
    year = _uniform_int(rng, 95, 124) % 100
    month = _uniform_int(rng, 1, 12)
    kind = _uniform_int(rng, 4, 6)
    serial = np.arange(count, dtype=np.int64) * 2
    prefix = (((year * 100 + month) * 10 + kind) * 10) * 100000 + serial
    numbers = with_check(prefix)
    return np.where(numbers < 0, with_check(prefix + 1), numbers)


# -- the chunk builder --------------------------------------------------------------------------


class _Chunk:
    """Builds one part: people, then their categories, grants and payments."""

    def __init__(
        self,
        seed: int,
        chunk: int,
        chunks: int,
        count: int,
        window: _Window,
        prices: _Prices,
        weights: npt.NDArray[np.float64] = _WEIGHTS,
    ) -> None:
        self.rng = np.random.default_rng([seed, chunk])
        self.chunk = chunk
        self.count = count
        self.w = window
        self.prices = prices
        self.days = day_tables()
        self.rows = _Rows()
        rng = self.rng
        self.profile = rng.choice(len(_NAMES), size=count, p=weights)
        self.birth = self._birth_days()
        male = rng.random(count) < 0.5
        self.iin = _iins(self.birth, male, chunk, chunks)
        self.kind = np.zeros(count, dtype=np.int64)
        self.employers = _bins(rng, max(64, count // 150))
        self.salary = np.clip(rng.lognormal(np.log(280000), 0.6, count), 85000, 5_000_000).astype(
            np.int64
        )
        self.relatives = _relatives(rng, 64)

    # people ------------------------------------------------------------------------------

    def _birth_days(self) -> IntArray:
        rng, w, n = self.rng, self.w, self.count
        low = np.full(n, 19.0)
        high = np.full(n, 60.0)
        for name, (a, b) in {
            "child": (0.0, 17.9),
            "student": (18.0, 23.0),
            "pensioner": (63.0, 95.0),
            "parental_leave": (20.0, 42.0),
            "pregnant": (19.0, 42.0),
        }.items():
            low[self.profile == _P[name]] = a
            high[self.profile == _P[name]] = b
        age = low + rng.random(n) * (high - low)
        birth = w.today - (age * 365.25).astype(np.int64)
        turned = self.profile == _P[Profile.TURNED_18]
        if turned.any():  # the month of the 18th birthday falls inside the window
            k = int(turned.sum())
            adult = 12 * parameters.child_category_until_age()
            month = rng.integers(w.start, w.end + 1, k) - adult
            birth[turned] = first_day_of_month(month) + rng.integers(0, 28, k)
        return np.asarray(np.minimum(birth, w.today), dtype=np.int64)

    # rows --------------------------------------------------------------------------------

    def category(self, person: IntArray, name: str, first: IntArray, last: IntArray) -> None:
        """Category periods (month indices; ``last`` = -1 for an open period)."""
        if len(person):
            code = np.full(len(person), _C[name], dtype=np.int64)
            self.rows.categories.append((person, code, first, last))

    def grant(self, person: IntArray, name: str, granted: IntArray) -> None:
        keep = granted <= self.w.today
        person, granted = person[keep], granted[keep]
        if len(person):
            code = np.full(len(person), _C[name], dtype=np.int64)
            self.rows.grants.append((person, code, granted, _add_one_month(granted)))

    def _items(
        self,
        person: IntArray,
        period: IntArray,
        amount: IntArray,
        knp: int | IntArray,
        payer: IntArray,
        channel: int | IntArray,
        paid: IntArray,
        refunded: IntArray | None = None,
    ) -> None:
        keep = (paid <= self.w.today) & (paid >= self.w.first_pay_day) & (amount > 0)
        if not keep.any():
            return
        n = len(person)
        columns = (
            person,
            period,
            amount,
            np.broadcast_to(np.asarray(knp, dtype=np.int64), (n,)),
            payer,
            np.broadcast_to(np.asarray(channel, dtype=np.int64), (n,)),
            paid,
            np.full(n, _NO_DAY, dtype=np.int64) if refunded is None else refunded,
        )
        self.rows.payments.append(tuple(np.ascontiguousarray(c[keep]) for c in columns))

    def own_payments(
        self,
        person: IntArray,
        period: IntArray,
        paid: IntArray,
        amount: IntArray | None = None,
        refunded: IntArray | None = None,
    ) -> None:
        """КНП 122 items paid by the person (or, for some, a relative), through a bank app,
        branch, terminal or Kazpost, at the R-L-4 price of the day unless ``amount`` is given."""
        happened = (paid <= self.w.today) & (paid >= self.w.first_pay_day)
        if not happened.all():
            person, period, paid = person[happened], period[happened], paid[happened]
            amount = None if amount is None else amount[happened]
            refunded = None if refunded is None else refunded[happened]
        if not len(person):
            return
        rng = self.rng
        if amount is None:
            amount = self.prices.self_price(self.kind[person] == 1, period, paid)
        payer = self.iin[person]
        by_relative = rng.random(len(person)) < 0.03
        payer = np.where(by_relative, self.relatives[person % len(self.relatives)], payer)
        channel = rng.choice(4, size=len(person), p=_SELF_CHANNEL_WEIGHTS)
        self._items(person, period, amount, 122, payer, channel, paid, refunded)

    def monthly(
        self, person: IntArray, first: IntArray, last: IntArray, early: float = 0.1
    ) -> None:
        """Self-payments month by month: each month paid during the month (some a few days
        before it starts)."""
        w = self.w
        rows, month = _expand(person, np.maximum(first, w.start), np.minimum(last, w.end))
        if not len(rows):
            return
        rng = self.rng
        paid = first_day_of_month(month) + _uniform_int(rng, 0, 27)
        ahead = rng.random(len(rows)) < early
        paid = np.where(ahead, first_day_of_month(month) - _uniform_int(rng, 1, 10), paid)
        self.own_payments(rows, month, paid)

    def employed(
        self,
        person: IntArray,
        first: IntArray,
        last: IntArray,
        late: BoolArray | None = None,
        on_due: BoolArray | None = None,
    ) -> None:
        """An employer's КНП 121 deduction and withheld КНП 122 contribution (paid by the
        employer's BIN) for each month, by the 25th of the next month (R-K-4); late employers
        pay weeks later with a КНП 123 penalty; some employers pay on the due date itself, so
        that the last months are pending on the run date (R-L-9)."""
        w = self.w
        if not len(person):
            return
        rng = self.rng
        employer = self.employers[rng.integers(0, len(self.employers), len(person))]
        late_flag = np.zeros(len(person), bool) if late is None else late
        index = np.arange(len(person))
        rows, month = _expand(index, np.maximum(first, w.start), np.minimum(last, w.end))
        if not len(rows):
            return
        who = person[rows]
        target = first_day_of_month(month + 1) + _uniform_int(rng, 9, 24)
        paid = self.days.working_on_or_before(target)
        if on_due is not None:
            paid = np.where(on_due[rows], _due_days(month), paid)
        delay = np.where(late_flag[rows], _uniform_int(rng, 15, 70), 0)
        paid = paid + delay
        year = month // 12 - self.prices.first_year
        base = self.salary[who]
        er = np.minimum(base, self.prices.employer_cap[year]) * self.prices.employer_pct[year]
        ee = np.minimum(base, self.prices.employee_cap[year]) * self.prices.employee_pct[year]
        payer = employer[rows]
        self._items(who, month, er, 121, payer, _EMPLOYER, paid)
        self._items(who, month, ee, 122, payer, _EMPLOYER, paid)
        penalty = late_flag[rows] & (delay > 0) & (rng.random(len(rows)) < 0.5)
        if penalty.any():
            amount = np.maximum(er[penalty] * delay[penalty] // 3650, 100)
            self._items(
                who[penalty], month[penalty], amount, 123, payer[penalty], _EMPLOYER, paid[penalty]
            )


# -- profiles -----------------------------------------------------------------------------------


def _of(chunk: _Chunk, name: Profile) -> IntArray:
    return np.flatnonzero(chunk.profile == _P[name]).astype(np.int64)


def _coin(chunk: _Chunk, people: IntArray, p: float) -> tuple[IntArray, IntArray]:
    mask = chunk.rng.random(len(people)) < p
    return people[mask], people[~mask]


def _build(chunk: _Chunk) -> None:
    w, rng = chunk.w, chunk.rng
    before = w.start - 36  # "since long ago"
    after = w.end + 1  # "still going"

    def months(people: IntArray, low: int | IntArray, high: int | IntArray) -> IntArray:
        return _uniform_int(
            rng, np.broadcast_to(low, people.shape), np.broadcast_to(high, people.shape)
        )

    # employees: most for the whole window; some hired inside it, some leave (and become
    # debtors), some change jobs with a gap, a few have a late employer.
    kind_employee = np.isin(chunk.profile, [_P[Profile.EMPLOYEE], _P[Profile.DEBTOR]])
    chunk.kind[kind_employee] = _EMPLOYEE
    chunk.kind[chunk.profile == _P[Profile.ENTREPRENEUR]] = _ENTREPRENEUR

    people = _of(chunk, Profile.EMPLOYEE)
    first = np.where(rng.random(len(people)) < 0.15, months(people, w.start, w.end), before)
    last = np.full(len(people), after)
    changes = rng.random(len(people)) < 0.12
    gap_start = months(people, w.start, w.end)
    gap_len = rng.integers(1, 5, len(people)).astype(np.int64)
    late = rng.random(len(people)) < 0.04
    on_due = ~late & (rng.random(len(people)) < 0.3)
    simple = ~changes
    chunk.employed(people[simple], first[simple], last[simple], late[simple], on_due[simple])
    chunk.employed(people[changes], first[changes], gap_start[changes] - 1, late[changes])
    chunk.employed(people[changes], gap_start[changes] + gap_len[changes], last[changes])

    # self-payers and entrepreneurs pay month by month
    for name in (Profile.REGULAR_PAYER, Profile.ENTREPRENEUR):
        people = _of(chunk, name)
        first = np.where(rng.random(len(people)) < 0.2, months(people, w.start, w.end), before)
        chunk.monthly(people, first, np.full(len(people), after))
        # a few pay one month twice and get the duplicate refunded (overpayment)
        dup, _ = _coin(chunk, people, 0.05)
        if len(dup):
            period = months(dup, w.start, w.end - 1)
            paid = first_day_of_month(period) + rng.integers(0, 20, len(dup))
            refunded = paid + rng.integers(10, 40, len(dup))
            refunded = np.where(refunded <= w.today, refunded, _NO_DAY)
            chunk.own_payments(dup, period, paid, refunded=refunded)

    # in grace: paid every month, then stopped 1-3 months ago (some employees with a late
    # employer instead)
    people = _of(chunk, Profile.IN_GRACE)
    stop = w.end - rng.integers(1, 4, len(people))
    chunk.monthly(people, np.full(len(people), before), stop)

    # long payers: every month since 2020-01, stopped some months before today (R-S-6 from 2026)
    people = _of(chunk, Profile.LONG_PAYER)
    stop = w.end - rng.integers(2, 9, len(people))
    liable = parameters.liability_start().index
    chunk.monthly(people, np.full(len(people), liable), stop, early=0.0)

    # debtors: paid (or were paid for) for a while, stopped 4-30 months ago
    people = _of(chunk, Profile.DEBTOR)
    stop = w.end - rng.integers(4, 31, len(people))
    was_employee, was_self = _coin(chunk, people, 0.6)
    chunk.employed(was_employee, np.full(len(was_employee), before), stop[: len(was_employee)])
    chunk.kind[was_self] = 0
    chunk.monthly(was_self, np.full(len(was_self), before), stop[len(was_employee) :])

    # gap payers: pay monthly but left 1-3 months unpaid in the last year (R-S-5 blocks them)
    people = _of(chunk, Profile.GAP_PAYER)
    gap_start = w.end - rng.integers(3, 12, len(people))
    gap_len = rng.integers(1, 4, len(people))
    chunk.monthly(people, np.full(len(people), before), gap_start - 1)
    chunk.monthly(people, gap_start + gap_len, np.full(len(people), after))

    # partial payers: in January-March of a year whose price rose, they pay last year's
    # price; half of them pay the difference a few weeks later (R-L-5: running sum)
    people = _of(chunk, Profile.PARTIAL_PAYER)
    rows, month = _expand(people, np.full(len(people), w.start), np.full(len(people), w.end))
    paid = first_day_of_month(month) + rng.integers(0, 28, len(rows))
    kind_ie = chunk.kind[rows] == 1
    price = chunk.prices.self_price(kind_ie, month, paid)
    previous = chunk.prices.self_price(kind_ie, month - 12, paid - 366)
    liable = parameters.liability_start().index
    short = (month % 12 < 3) & (previous < price) & (month - 12 >= liable)
    amount = np.where(short, previous, price)
    # and some months simply paid short (50-95 % of the price), whatever the year
    under = ~short & (rng.random(len(rows)) < 0.1)
    amount = np.where(under, price * rng.integers(50, 96, len(rows)) // 100, amount)
    short = short | under
    chunk.own_payments(rows, month, paid, amount=amount)
    topped = short & (rng.random(len(rows)) < 0.5)
    chunk.own_payments(
        rows[topped],
        month[topped],
        paid[topped] + rng.integers(20, 60, int(topped.sum())),
        amount=(price - amount)[topped],
    )

    # wrong year: paid month m - 12 instead of m, refunded weeks later, then paid m again
    people = _of(chunk, Profile.REFUNDED)
    chunk.monthly(people, np.full(len(people), before), np.full(len(people), after))
    period = months(people, max(w.start, parameters.liability_start().index + 12), w.end)
    paid = first_day_of_month(period) + rng.integers(0, 20, len(people))
    refunded = paid + rng.integers(15, 45, len(people))
    refunded = np.where(refunded <= w.today, refunded, _NO_DAY)
    chunk.own_payments(people, period - 12, paid, refunded=refunded)

    # prepayers: 12 months in one go at the price of the day (R-L-4), repeated yearly; and
    # people who, after months unpaid, pay month by month: twelve months paid one by one are
    # no prepaid block (R-S-4), the unpaid months block them for a year (R-S-5)
    _prepayers(chunk, _of(chunk, Profile.PREPAYER))
    people = _of(chunk, Profile.ONE_BY_ONE)
    start = w.end - rng.integers(8, 17, len(people))
    chunk.monthly(people, start, np.full(len(people), after), early=0.0)

    # the self-employed (R-L-6, R-L-9) and the single aggregate payment's payers (R-L-2)
    _self_employed(chunk, _of(chunk, Profile.SELF_EMPLOYED))
    _esp_payers(chunk, _of(chunk, Profile.ESP_PAYER))

    # children turning 18 in the window: student, employee, self-payer or nothing (debtor)
    people = _of(chunk, Profile.TURNED_18)
    child_last = month_of_day(chunk.birth[people]) + 12 * parameters.child_category_until_age()
    choice = rng.random(len(people))
    student = choice < 0.35
    sept = (child_last // 12) * 12 + 8
    sept = np.where(sept <= child_last, sept + 12, sept)
    chunk.category(people[student], "student", sept[student], sept[student] + 45)
    job = (choice >= 0.35) & (choice < 0.6)
    start = child_last + rng.integers(1, 9, len(people))
    chunk.kind[people[job]] = 2
    chunk.employed(people[job], start[job], np.full(int(job.sum()), after))
    own = (choice >= 0.6) & (choice < 0.75)
    chunk.monthly(people[own], child_last[own] + 1, np.full(int(own.sum()), after))

    # state-paid categories
    _categories(chunk)


def _self_employed(chunk: _Chunk, people: IntArray) -> None:
    """The special tax regime from 2026-01: a platform (or the person) pays 1 % of the
    month's income with КНП 122 by the 25th of the next month, whatever the amount (some
    small and irregular), some months not at all; before it, half paid as self-payers."""
    w, rng = chunk.w, chunk.rng
    if not len(people):
        return
    chunk.kind[people] = _SELF_EMPLOYED
    regime = parameters.self_employed_regime_start().index
    before, _ = _coin(chunk, people, 0.5)
    chunk.monthly(before, np.full(len(before), w.start - 36), np.full(len(before), regime - 1))
    index = np.arange(len(people))
    rows, month = _expand(
        index, np.full(len(people), max(regime, w.start)), np.full(len(people), w.end)
    )
    keep = rng.random(len(rows)) >= 0.08  # months without income or not paid
    rows, month = rows[keep], month[keep]
    if not len(rows):
        return
    who = people[rows]
    due = _due_days(month)
    n = len(rows)
    paid = np.minimum(first_day_of_month(month + 1) + rng.integers(0, 25, n), due)
    paid = np.where(rng.random(len(rows)) < 0.3, due, paid)
    income = (chunk.salary[who] * rng.uniform(0.3, 1.7, len(rows))).astype(np.int64)
    small = rng.random(len(rows)) < 0.2
    amount = np.where(small, rng.integers(5_000, 50_001, n), income)  # tiyn: 1 % of tenge
    by_platform = rng.random(len(people)) < 0.7
    platform = chunk.employers[rng.integers(0, len(chunk.employers), len(people))]
    payer = np.where(by_platform, platform, chunk.iin[people])[rows]
    channel = np.where(by_platform[rows], _EMPLOYER, _BANK_APP)
    chunk._items(who, month, amount, 122, payer, channel, paid)


def _esp_payers(chunk: _Chunk, people: IntArray) -> None:
    """ЕСП payers (КНП 183, periods 2019-01 … 2023-12): a small amount a month, most months,
    paid during the month or the next; a few pay a month past the ЕСП (R-L-3 rejects it);
    after it, some pay as self-payers, the others stop."""
    w, rng = chunk.w, chunk.rng
    if not len(people):
        return
    esp_first, esp_last = (m.index for m in parameters.single_payment_periods())
    first, last = max(w.start, esp_first), min(w.end, esp_last)
    start = _uniform_int(rng, np.full(len(people), first - 24), np.full(len(people), last))
    stop = np.where(rng.random(len(people)) < 0.7, last, _uniform_int(rng, start, last))
    rows, month = _expand(people, np.maximum(start, first), stop)
    keep = rng.random(len(rows)) >= 0.1
    rows, month = rows[keep], month[keep]
    paid = first_day_of_month(month) + rng.integers(0, 51, len(rows))
    amount = rng.integers(100_000, 400_001, len(rows))
    channel = np.where(rng.random(len(rows)) < 0.8, _BANK_APP, _KAZPOST)
    chunk._items(rows, month, amount, 183, chunk.iin[rows], channel, paid)
    past, _ = _coin(chunk, people, 0.03)
    chunk._items(
        past,
        np.full(len(past), esp_last + 1),
        np.full(len(past), 200_000),
        183,
        chunk.iin[past],
        _BANK_APP,
        first_day_of_month(np.full(len(past), esp_last + 1)) + 10,
    )
    goes_on, _ = _coin(chunk, people, 0.4)
    chunk.monthly(goes_on, np.full(len(goes_on), esp_last + 1), np.full(len(goes_on), w.end + 1))


def _prepayers(chunk: _Chunk, people: IntArray) -> None:
    w, rng = chunk.w, chunk.rng
    if not len(people):
        return
    first_pay = w.today - rng.integers(0, max((w.end - w.start + 1) * 30, 1), len(people))
    first_pay = np.maximum(first_pay, w.first_pay_day)
    variant = rng.random(len(people))
    for block in range(8):
        paid = first_pay + block * 365 + rng.integers(-15, 15, len(people))
        if not (paid <= w.today).any():
            break
        month = month_of_day(paid)
        with_current = variant < 0.5  # M … M + 11
        paid_current = (variant >= 0.5) & (variant < 0.8)  # M paid before, then M + 1 … M + 12
        start = np.where(with_current, month, month + 1)
        rows, period = _expand(people, start, start + 11)
        index = np.repeat(np.arange(len(people)), 12)
        chunk.own_payments(rows, period, paid[index])
        current = people[paid_current]
        chunk.own_payments(
            current, month[paid_current], paid[paid_current] - rng.integers(1, 12, len(current))
        )
        # a few pay the 13th month one month too early: R-L-3 rejects it (covers nothing)
        too_far = with_current & (variant < 0.04)
        chunk.own_payments(people[too_far], month[too_far] + 13, paid[too_far])


def _categories(chunk: _Chunk) -> None:
    w, rng = chunk.w, chunk.rng
    after = w.end + 1

    people = _of(chunk, Profile.PENSIONER)
    retired = month_of_day(chunk.birth[people]) + 12 * 63
    chunk.category(people, "pensioner", retired, np.full(len(people), _OPEN))
    working, _ = _coin(chunk, people, 0.08)  # working pensioners: their employer pays too
    chunk.employed(working, np.full(len(working), w.start - 36), np.full(len(working), after))

    for name in (Profile.MOTHER_OF_MANY, Profile.CARER_DISABLED_CHILD):
        people = _of(chunk, name)
        since = _uniform_int(rng, np.full(len(people), 2015 * 12), np.full(len(people), w.end))
        chunk.category(people, name, since, np.full(len(people), _OPEN))

    people = _of(chunk, Profile.DISABLED)
    since = _uniform_int(rng, np.full(len(people), 2015 * 12), np.full(len(people), w.end))
    closed = rng.random(len(people)) < 0.3
    review = since + rng.integers(6, 37, len(people))
    chunk.category(people, "disabled", since, np.where(closed, review, _OPEN))
    pays_after = closed & (rng.random(len(people)) < 0.5)
    chunk.monthly(people[pays_after], review[pays_after] + 1, np.full(int(pays_after.sum()), after))
    works, _ = _coin(chunk, people[~closed], 0.15)
    chunk.employed(works, np.full(len(works), w.start - 36), np.full(len(works), after))

    people = _of(chunk, Profile.STUDENT)
    child_last = month_of_day(chunk.birth[people]) + 12 * parameters.child_category_until_age()
    enrolled = (child_last // 12) * 12 + 8
    enrolled = np.where(enrolled <= child_last, enrolled + 12, enrolled)
    graduates = enrolled + 45  # June, four years later
    chunk.category(people, "student", enrolled, graduates)
    hired = rng.random(len(people)) < 0.5
    chunk.kind[people[hired]] = 2
    start = graduates + rng.integers(1, 6, len(people))
    chunk.employed(people[hired], start[hired], np.full(int(hired.sum()), after))
    gap = child_last + 1 < enrolled  # a few months between the birthday and September
    chunk.monthly(
        people[gap & ~hired][::3],
        child_last[gap & ~hired][::3] + 1,
        enrolled[gap & ~hired][::3] - 1,
    )

    for name, low, high, before_job, after_job in (
        (Profile.UNEMPLOYED, 6, 12, 0.8, 0.5),
        (Profile.PARENTAL_LEAVE, 12, 36, 0.6, 0.5),
        (Profile.SOCIAL_ASSISTANCE, 12, 12, 0.3, 0.2),
        (Profile.PRISONER, 6, 60, 0.2, 0.1),
        (Profile.PREGNANT, 7, 9, 0.5, 0.3),
    ):
        people = _of(chunk, name)
        first = _uniform_int(rng, np.full(len(people), w.start - low), np.full(len(people), w.end))
        last = first + rng.integers(low, high + 1, len(people)) - 1
        chunk.category(people, name, first, last)
        job_before = rng.random(len(people)) < before_job
        chunk.kind[people[job_before]] = 2
        chunk.employed(
            people[job_before], np.full(int(job_before.sum()), w.start - 36), first[job_before] - 1
        )
        job_after = rng.random(len(people)) < after_job
        resume = last + rng.integers(1, 5, len(people))
        chunk.employed(people[job_after], resume[job_after], np.full(int(job_after.sum()), after))
        if name in ("pregnant", "unemployed"):
            # shown uninsured before the category data arrives: a one-month temporary grant
            asks = rng.random(len(people)) < (0.4 if name == "pregnant" else 0.1)
            granted = first_day_of_month(first) - rng.integers(3, 40, len(people))
            chunk.grant(people[asks], name, granted[asks])


# -- output -------------------------------------------------------------------------------------


def _money(tiyn: IntArray) -> pa.Array:
    """decimal(14, 2) from integer tiyn, exactly (the unscaled value is the tiyn count)."""
    values = np.ascontiguousarray(tiyn, dtype=np.int64)
    pairs = np.empty((len(values), 2), dtype=np.int64)
    pairs[:, 0] = values
    pairs[:, 1] = np.where(values < 0, -1, 0)
    return pa.Array.from_buffers(
        pa.decimal128(14, 2), len(values), [None, pa.py_buffer(pairs.tobytes())]
    )


def _dates(days: IntArray) -> pa.Array:
    values = np.asarray(days, dtype=np.int64)
    missing = values == _NO_DAY
    return pa.array(values.astype(np.int32), type=pa.int32(), mask=missing).cast(pa.date32())


def _periods(index: IntArray, open_value: int | None = None) -> pa.Array:
    values = np.asarray(index, dtype=np.int64)
    yyyymm = (values // 12) * 100 + values % 12 + 1
    mask = None if open_value is None else values == open_value
    return pa.array(yyyymm.astype(np.int32), type=pa.int32(), mask=mask)


def _text(codes: IntArray, names: tuple[str, ...]) -> pa.Array:
    dictionary = pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(codes, dtype=np.int32)), pa.array(names)
    )
    return dictionary.cast(pa.string())


def _tables(chunk: _Chunk) -> dict[str, pa.Table]:
    part = chunk.chunk
    n = chunk.count
    people = pa.table(
        [
            pa.array(np.full(n, part, dtype=np.int32)),
            pa.array(chunk.iin),
            _dates(chunk.birth),
            _text(chunk.kind, KINDS),
            _text(chunk.profile, _NAMES),
        ],
        schema=SCHEMAS[PEOPLE],
    )

    def stack(parts: list[tuple[IntArray, ...]], width: int) -> list[IntArray]:
        if not parts:
            return [np.zeros(0, dtype=np.int64) for _ in range(width)]
        return [np.concatenate([p[i] for p in parts]) for i in range(width)]

    person, code, first, last = stack(chunk.rows.categories, 4)
    order = np.lexsort((code, first, person))
    person, code, first, last = person[order], code[order], first[order], last[order]
    categories = pa.table(
        [
            pa.array(np.full(len(person), part, dtype=np.int32)),
            pa.array(chunk.iin[person]),
            _text(code, CATEGORY_NAMES),
            _periods(first),
            _periods(last, _OPEN),
        ],
        schema=SCHEMAS[CATEGORIES],
    )

    person, code, granted, ends = stack(chunk.rows.grants, 4)
    order = np.lexsort((granted, person))
    grants = pa.table(
        [
            pa.array(np.full(len(person), part, dtype=np.int32)),
            pa.array(chunk.iin[person[order]]),
            _text(code[order], CATEGORY_NAMES),
            _dates(granted[order]),
            _dates(ends[order]),
        ],
        schema=SCHEMAS[GRANTS],
    )

    person, period, amount, knp, payer, channel, paid, refunded = stack(chunk.rows.payments, 8)
    # one int64 key (person, period, day paid): much cheaper than a three-key lexsort
    key = (person << 40) | ((period - period.min(initial=0)) << 22) | (paid - paid.min(initial=0))
    order = np.argsort(key, kind="stable")
    person, period, amount = person[order], period[order], amount[order]
    knp, payer, channel, paid, refunded = (
        knp[order],
        payer[order],
        channel[order],
        paid[order],
        refunded[order],
    )
    credited = chunk.days.credit(paid)
    payments = pa.table(
        [
            pa.array(np.full(len(person), part, dtype=np.int32)),
            pa.array(chunk.iin[person]),
            _periods(period),
            _money(amount),
            pa.array(knp.astype(np.int16)),
            pa.array(payer),
            _text(channel, CHANNELS),
            _dates(paid),
            _dates(credited),
            _dates(refunded),
        ],
        schema=SCHEMAS[PAYMENTS],
    )
    return {PEOPLE: people, CATEGORIES: categories, PAYMENTS: payments, GRANTS: grants}


def _window(months: int, today: date) -> _Window:
    if months < 1:
        raise ValueError("months must be at least 1")
    end = Month.of(today).index
    start = end - months + 1
    liable = parameters.liability_start()
    if start < liable.index:
        raise ValueError(
            f"the ledger would start before {liable} ({months} months to {Month.of(today)})"
        )
    # half a year before liability started: months of its first year paid early (R-L-4)
    return _Window(start, end, day_number(today), day_number((liable - 6).first_day()))


def _chunks(people: int) -> int:
    return max(1, -(-people // CHUNK))


def _weights(profiles: Mapping[str, float] | None) -> npt.NDArray[np.float64]:
    if profiles is None:
        return _WEIGHTS
    unknown = sorted(set(profiles) - set(_NAMES))
    if unknown:
        raise ValueError(f"unknown profiles: {', '.join(unknown)}")
    weights = np.array([float(profiles.get(name, 0.0)) for name in _NAMES])
    if weights.sum() <= 0 or (weights < 0).any():
        raise ValueError("profile weights must be ≥ 0 with a positive sum")
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def generate_chunk(
    people: int,
    seed: int,
    chunk: int,
    *,
    months: int = DEFAULT_MONTHS,
    today: date = DEFAULT_TODAY,
    profiles: Mapping[str, float] | None = None,
) -> dict[str, pa.Table]:
    """The four tables of one part (``chunk``) of the population ``(people, seed)``.

    ``profiles`` replaces the default mix (:data:`PROFILES`), e.g. to over-sample rare cases.
    """
    chunks = _chunks(people)
    if not 0 <= chunk < chunks:
        raise ValueError(f"chunk {chunk} outside 0..{chunks - 1}")
    count = min(CHUNK, people - chunk * CHUNK)
    built = _Chunk(
        seed, chunk, chunks, count, _window(months, today), _prices(), _weights(profiles)
    )
    _build(built)
    return _tables(built)


def generate_tables(
    people: int,
    seed: int,
    *,
    months: int = DEFAULT_MONTHS,
    today: date = DEFAULT_TODAY,
    profiles: Mapping[str, float] | None = None,
) -> dict[str, pa.Table]:
    """The whole population in memory (for tests and small runs)."""
    parts = [
        generate_chunk(people, seed, c, months=months, today=today, profiles=profiles)
        for c in range(_chunks(people))
    ]
    return {name: pa.concat_tables([p[name] for p in parts]) for name in SCHEMAS}


def generate(
    folder: Path,
    people: int,
    seed: int,
    *,
    months: int = DEFAULT_MONTHS,
    today: date = DEFAULT_TODAY,
    profiles: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> GenerateSummary:
    """Write the population ``(people, seed)`` into ``folder`` (created when missing)."""
    if people < 1:
        raise ValueError("people must be at least 1")
    folder.mkdir(parents=True, exist_ok=True)
    chunks = _chunks(people)
    summary = GenerateSummary(folder, people, seed, months, today, chunks)
    targets = paths(folder)
    writers = {
        name: pq.ParquetWriter(targets[name], SCHEMAS[name], compression="zstd") for name in SCHEMAS
    }
    try:
        for c in range(chunks):
            tables = generate_chunk(people, seed, c, months=months, today=today, profiles=profiles)
            for name, table in tables.items():
                writers[name].write_table(table, row_group_size=1 << 20)
                summary.rows[name] = summary.rows.get(name, 0) + table.num_rows
            if progress is not None:
                progress(c + 1, chunks)
    finally:
        for writer in writers.values():
            writer.close()
    (folder / METADATA).write_text(
        json.dumps(
            {
                "people": people,
                "seed": seed,
                "months": months,
                "today": today.isoformat(),
                "ledger_from": str(Month.of(today) - (months - 1)),
            }
        )
        + "\n"
    )
    return summary
