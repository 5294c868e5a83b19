"""Is a person insured on a date, as known on a date, and why (R-S-0…R-S-8).

The decision for a date d and knowledge date k (R-S-0) is taken for the month M of d (R-T-1),
in the order RULES.md §6 gives: transitional access (R-S-1), a state-paid category (R-S-2), a
temporary grant (R-S-3), the regular rule with grace (R-S-5, R-S-6), and only where the
regular rule leaves the person uninsured, a prepaid run (R-S-4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from osms.rules import parameters
from osms.rules.choices import DEFAULT_CHOICES, GraceGaps, RuleChoices
from osms.rules.coverage import CHILD, Ledger, MonthCover
from osms.rules.facts import PayerKind, PaymentItem, PersonFacts, TemporaryGrant
from osms.rules.month import Month
from osms.rules.pending import due_date, pending_until
from osms.rules.pricing import debt_price

__all__ = [
    "DebtMonth",
    "Decision",
    "Finding",
    "FindingValue",
    "PendingMonth",
    "Reason",
    "Status",
    "decide",
    "is_insured",
    "provisional_finding",
    "provisional_years",
]


class Status(StrEnum):
    INSURED = "insured"
    UNINSURED = "uninsured"


class Reason(StrEnum):
    """Why the decision is what it is (R-S-7)."""

    TRANSITIONAL = "transitional"
    CATEGORY = "category"
    TEMPORARY = "temporary"
    PREPAID = "prepaid"
    REGULAR = "regular"
    GRACE = "grace"
    DEBT = "debt"


_DEBT_SHOWN = frozenset({Reason.REGULAR, Reason.GRACE, Reason.DEBT})
_RUN_DECIDED = _DEBT_SHOWN | {Reason.PREPAID}
"""The reasons R-S-5's trailing run was counted for (the grace length applies to them)."""


@dataclass(frozen=True, slots=True)
class DebtMonth:
    """A liable, unpaid month and what is still due for it (R-S-7, R-L-5)."""

    month: Month
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PendingMonth:
    """A month the employer or the platform may still pay on time (R-L-9): not a debt.

    ``due_on`` is the last day to pay it; a payment made then counts from ``expected_by``.
    """

    month: Month
    due_on: date
    expected_by: date


FindingValue = str | int | date | Month
"""A value of a finding: a code, a count, a day or a month (the renderer formats each)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One step of the explanation (R-S-8): the rule that fired and the months that decided.

    ``key`` names the message in the gettext catalogs (``osms.i18n.findings``); ``values`` fill
    it, typed, and carry the parameters the rule used (grace, look-back, prepayment length …)
    so that no text repeats a parameter.
    """

    rule: str
    key: str
    months: tuple[Month, ...] = ()
    values: tuple[tuple[str, FindingValue], ...] = ()

    def text_values(self) -> dict[str, str]:
        """The values as text: ISO dates, ``YYYY-MM`` months, decimal numbers."""
        return {name: str(value) for name, value in self.values}


@dataclass(frozen=True, slots=True)
class _MonthVerdict:
    insured: bool
    reason: Reason
    category: str | None = None
    run: int = 0
    grace_months: int = 0
    prepaid: tuple[int, int] | None = None


@dataclass(frozen=True)
class Decision:
    """The answer for one person on one date, as known on ``as_of`` (R-S-7).

    The payments view, the pending items and the explanation are computed when first read,
    from the same facts and knowledge date, so that a caller asking only for the status does
    not pay for them.
    """

    iin: str
    on: date
    as_of: date
    month: Month
    status: Status
    reason: Reason
    category: str | None
    debt_months: tuple[DebtMonth, ...]
    insured_until: date | None
    grace: bool
    loses_status_next_month: bool
    grace_months: int
    pending_months: tuple[PendingMonth, ...]
    provisional: bool
    """An amount in the answer rests on a minimum wage not yet published (R-P-1)."""
    _ledger: Ledger = field(repr=False, compare=False)
    _verdict: _MonthVerdict = field(repr=False, compare=False)
    _grant: TemporaryGrant | None = field(repr=False, compare=False)

    @property
    def insured(self) -> bool:
        return self.status is Status.INSURED

    @property
    def debt_total(self) -> Decimal:
        return sum((d.amount for d in self.debt_months), Decimal(0))

    @property
    def ends_with_this_month(self) -> bool:
        """The Fund's warning (RULES.md §11): "a person in the last grace month is told that
        status ends next month": insured by grace, and not on the first of the next month.

        Another status that ends (a temporary grant, R-TMP-1, on whatever day it was granted) is
        told by its end date alone: "ends next month, pay to keep it" would be wrong for it.
        """
        return self.loses_status_next_month and self.reason is Reason.GRACE

    @cached_property
    def payments(self) -> tuple[MonthCover, ...]:
        """The last 12 months, month by month, with what counted for each (R-S-7)."""
        last = self.month.index
        first = last - parameters.lookback_months(self.month) + 1
        return tuple(
            self._ledger.month_cover(Month.from_index(i), self.as_of)
            for i in range(first, last + 1)
        )

    @cached_property
    def pending(self) -> tuple[PaymentItem, ...]:
        """Items paid by ``as_of`` but credited only later (R-T-3): they do not count yet."""
        return tuple(
            sorted(
                (i for i in self._ledger.facts.payments if i.paid_on <= self.as_of < i.credited_on),
                key=lambda item: (item.credited_on, item.period),
            )
        )

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        """The explanation (R-S-8)."""
        found = _findings(self._ledger, self.on, self.as_of, self._verdict, self._grant)
        found += tuple(
            Finding(
                "R-L-9",
                "pending_month",
                (p.month,),
                (("due_on", p.due_on), ("payer", _pending_payer(self._ledger))),
            )
            for p in self.pending_months
        )
        provisional = provisional_finding(d.month.year for d in self.debt_months)
        if provisional is not None:
            found += (provisional,)
        return found

    @property
    def rules(self) -> tuple[str, ...]:
        """The rule ids that fired, in order, without repeats."""
        return tuple(dict.fromkeys(f.rule for f in self.findings))


def decide(
    person: PersonFacts | Ledger,
    on: date,
    as_of: date | None = None,
    settings: RuleChoices = DEFAULT_CHOICES,
) -> Decision:
    """Decide the status of a person on ``on`` as known on ``as_of`` (default: ``on``)."""
    ledger = person if isinstance(person, Ledger) else Ledger(person, settings)
    known_on = on if as_of is None else as_of
    month = Month.of(on)
    verdict = _month_verdict(ledger, month.index, known_on, on)
    grant = None
    if verdict.reason not in (Reason.TRANSITIONAL, Reason.CATEGORY):
        grant = _grant_covering(ledger, on, known_on)  # R-S-3 comes before R-S-4 and R-S-5
        if grant is not None:
            verdict = _MonthVerdict(True, Reason.TEMPORARY, category=grant.category)
    insured = verdict.insured
    until = (
        _insured_until(ledger, on, known_on, verdict if grant is None else None)
        if insured
        else None
    )
    next_month = (month + 1).first_day()
    debt_shown = verdict.reason in _DEBT_SHOWN
    debts = _debt_months(ledger, month.index, known_on, on) if debt_shown else ()
    if verdict.reason in _RUN_DECIDED:
        grace_months = _grace_months(ledger, month.index, month, verdict.run, known_on, True)
        # the explanation names the G of R-S-7, not the short one that sufficed for the verdict
        verdict = replace(verdict, grace_months=grace_months)
    else:
        grace_months = parameters.grace_months(month)
    return Decision(
        iin=ledger.facts.iin,
        on=on,
        as_of=known_on,
        month=month,
        status=Status.INSURED if insured else Status.UNINSURED,
        reason=verdict.reason,
        category=verdict.category,
        debt_months=debts,
        insured_until=until,
        grace=verdict.reason is Reason.GRACE,
        loses_status_next_month=insured and until is not None and until < next_month,
        grace_months=grace_months,
        pending_months=_pending_months(ledger, month.index, known_on, on),  # whatever the reason
        provisional=any(parameters.minimum_wage_is_provisional(d.month.year) for d in debts),
        _ledger=ledger,
        _verdict=verdict,
        _grant=grant,
    )


def is_insured(person: PersonFacts | Ledger, on: date, as_of: date | None = None) -> bool:
    """The status alone, without building the full decision."""
    ledger = person if isinstance(person, Ledger) else Ledger(person)
    known_on = on if as_of is None else as_of
    if _month_verdict(ledger, Month.of(on).index, known_on, on).insured:
        return True
    return _grant_covering(ledger, on, known_on) is not None


# -- the month rules --------------------------------------------------------------------------


def _month_verdict(ledger: Ledger, m: int, known_on: date, on: date) -> _MonthVerdict:
    """R-S-1, R-S-2, R-S-5, R-S-4 for month index ``m``, asked on ``on`` (temporary grants
    are date based; pending months, R-L-9, depend on the day too)."""
    month = Month.from_index(m)
    first, last = parameters.transitional_window()
    if first.index <= m <= last.index:
        return _MonthVerdict(True, Reason.TRANSITIONAL)  # R-S-1
    category = ledger.category_of(m)
    if category is not None:
        return _MonthVerdict(True, Reason.CATEGORY, category=category)  # R-S-2
    regular = _regular(ledger, m, month, known_on, on)
    if regular.insured:
        return regular
    prepaid = _prepaid_run(ledger, m, month, known_on)
    if prepaid is not None:
        return _MonthVerdict(
            True,
            Reason.PREPAID,
            run=regular.run,
            grace_months=regular.grace_months,
            prepaid=prepaid,
        )  # R-S-4
    return regular


def _regular(ledger: Ledger, m: int, month: Month, known_on: date, on: date) -> _MonthVerdict:
    """R-S-5: the trailing unpaid run within grace, and no other unpaid month in the year.

    Pending months (R-L-9) count inside the trailing run but are never gaps before it, and a
    run made only of pending months is no grace: the employer is not late yet.
    """
    lookback = parameters.lookback_months(month)
    run = ledger.unpaid_run(m, known_on, lookback)
    grace = _grace_months(ledger, m, month, run, known_on)
    if run > grace:
        return _MonthVerdict(False, Reason.DEBT, run=run, grace_months=grace)
    first_pending = ledger.first_pending(on)
    if ledger.settings.grace_gaps is GraceGaps.BLOCK:
        blocked = ledger.any_unpaid(m - lookback, min(m - run, first_pending - 1), known_on)
    else:
        gaps = _gaps(ledger, m, month, run, known_on, on)
        blocked = _gaps_block(gaps, grace, ledger.settings)
    if blocked:
        return _MonthVerdict(False, Reason.DEBT, run=run, grace_months=grace)
    reason = Reason.GRACE if run and m - run + 1 < first_pending else Reason.REGULAR
    return _MonthVerdict(True, reason, run=run, grace_months=grace)


def _gaps(
    ledger: Ledger, m: int, month: Month, run: int, known_on: date, on: date
) -> tuple[int, ...]:
    """The liable, unpaid months of [M − 12, M − 1] before the trailing run, pending months
    (R-L-9) aside."""
    lookback = parameters.lookback_months(month)
    last = min(m - run, ledger.first_pending(on) - 1)
    return tuple(i for i in range(m - lookback, last + 1) if ledger.uncovered_liable(i, known_on))


def _gaps_block(gaps: tuple[int, ...], grace: int, settings: RuleChoices) -> bool:
    """§12 Q2: whether unpaid months before the trailing run block status."""
    if settings.grace_gaps is GraceGaps.BLOCK:
        return True
    longest = current = 0
    previous = None
    for index in gaps:
        current = current + 1 if previous is not None and index == previous + 1 else 1
        longest = max(longest, current)
        previous = index
    return longest > grace


def _grace_months(
    ledger: Ledger, m: int, month: Month, run: int, known_on: date, exact: bool = False
) -> int:
    """R-S-6: G = 3; from 2026 G = 6 for a long payer (60 contribution months before the run,
    ending with M when the run is empty).

    Unless ``exact``, a run no longer than the short grace answers that grace: the longer one
    cannot change the verdict then (R-S-7 asks for the ``exact`` G).
    """
    grace = parameters.grace_months(month)
    if run <= grace and not exact:
        return grace
    long_grace = parameters.long_payer_grace_months(month)
    required = parameters.long_payer_months(month)
    if long_grace is None or required is None:
        return grace
    start = m - run  # the month just before the trailing run
    long_payer = ledger.long_payer_memo.get(start)
    if long_payer is None:
        long_payer = ledger.contributions_cover(start - required + 1, start, known_on)
        ledger.long_payer_memo[start] = long_payer
    return long_grace if long_payer else grace


def _prepaid_run(ledger: Ledger, m: int, month: Month, known_on: date) -> tuple[int, int] | None:
    """R-S-4: the prepaid run [F, E] that M is in, or that starts at M + 1 when M itself is
    covered (§12 Q4).

    F starts a block of twelve months paid in advance (:meth:`Ledger.starts_block`), and the
    run goes on through every following self-covered month; twelve months paid one by one are
    no block.
    """
    needed = parameters.prepayment_months(month)
    start = None
    if ledger.self_covered(m, known_on):
        first = m
        while ledger.self_covered(first - 1, known_on):
            first -= 1
        start = next(
            (f for f in range(first, m + 1) if ledger.starts_block(f, needed, known_on)), None
        )
    if (
        start is None
        and ledger.settings.paid_current_month_starts_prepaid_run
        and ledger.covered(m, known_on)
        and ledger.starts_block(m + 1, needed, known_on)
    ):
        start = m + 1
    if start is None:
        return None
    end = max(m, start + needed - 1)
    while ledger.self_covered(end + 1, known_on):
        end += 1
    return (start, end)


def _grant_covering(ledger: Ledger, day: date, known_on: date) -> TemporaryGrant | None:
    """R-S-3: an approved temporary grant, known by ``known_on``, whose month covers ``day``."""
    for grant in ledger.facts.temporary:
        if grant.granted_on <= known_on and grant.covers(day):
            return grant
    return None


# -- what the decision carries ----------------------------------------------------------------


_MAX_MONTHS_AHEAD = 1200


def _insured_until(
    ledger: Ledger, on: date, known_on: date, verdict: _MonthVerdict | None = None
) -> date | None:
    """R-S-7: the last day insured if nothing more is paid, as known on ``known_on``.

    None when no end is known (an open category).  Month by month, and inside a month on the
    day a pending month becomes late (R-L-9), except that past the last month any fact speaks
    of, the trailing unpaid run simply grows by one a month: the person stays insured while it
    is within grace (R-S-5, R-S-6), so the engine counts ahead.
    """
    day = on
    last_fact = ledger.last_known_month()
    for _ in range(_MAX_MONTHS_AHEAD):
        m = Month.of(day).index
        if verdict is None:
            verdict = _month_verdict(ledger, m, known_on, day)
        if verdict.insured:
            if verdict.reason is Reason.CATEGORY and ledger.category_is_open(m):
                return None
            late = _pending_turns_late(ledger, m, day, known_on)
            if late is not None:
                day, verdict = late, None
                continue
            m += 1
            if (
                m > last_fact
                and verdict.reason in (Reason.REGULAR, Reason.GRACE, Reason.PREPAID)
                and not _pending_excused(ledger, m - 1, verdict, known_on)
            ):
                m = _first_month_past_grace(ledger, m, known_on)
            day = Month.from_index(m).first_day()
            verdict = None
            continue
        grant = _grant_covering(ledger, day, known_on)
        if grant is not None:
            day = grant.ends_on
            verdict = None
            continue
        return day - timedelta(days=1)
    return None


def _pending_turns_late(ledger: Ledger, m: int, day: date, known_on: date) -> date | None:
    """The next day after ``day`` inside month ``m`` on which an unpaid month stops being
    pending (R-L-9): the verdict may change that day, though the month does not."""
    last_day = Month.from_index(m).last_day()
    for index in range(ledger.first_pending(day), m + 1):
        turn = pending_until(Month.from_index(index))
        if turn > last_day:
            return None  # pending_until grows with the month
        if turn > day and ledger.uncovered_liable(index, known_on):
            return turn
    return None


def _pending_excused(ledger: Ledger, m: int, verdict: _MonthVerdict, known_on: date) -> bool:
    """Whether R-S-5 let month ``m`` pass with an unpaid month before the trailing run only
    because it was pending (R-L-9): it turns into a gap later, so counting ahead is wrong."""
    if verdict.reason not in (Reason.REGULAR, Reason.GRACE) or not ledger.has_pending_months:
        return False
    lookback = parameters.lookback_months(Month.from_index(m))
    return ledger.any_unpaid(m - lookback, m - verdict.run, known_on)


def _first_month_past_grace(ledger: Ledger, m: int, known_on: date) -> int:
    """The first month from ``m`` on whose trailing unpaid run exceeds the grace length.

    Only valid past the last known fact with month ``m − 1`` insured by R-S-4 or R-S-5: the
    unpaid run grows by one a month and the earlier months of the window were already clean.
    """
    run = 0
    while ledger.uncovered_liable(m - 1 - run, known_on) and run <= 13:
        run += 1
    while True:
        run += 1
        if run > _grace_months(ledger, m, Month.from_index(m), run, known_on):
            return m
        m += 1


def _debt_months(ledger: Ledger, m: int, known_on: date, on: date) -> tuple[DebtMonth, ...]:
    """R-S-7: the liable, unpaid months of [M − 12, M] but the pending ones (R-L-9), each with
    what is still due."""
    month = Month.from_index(m)
    debts: list[DebtMonth] = []
    last = min(m, ledger.first_pending(on) - 1)
    for i in range(m - parameters.lookback_months(month), last + 1):
        if ledger.uncovered_liable(i, known_on):
            owed = Month.from_index(i)
            due = debt_price(ledger.kind, owed) - ledger.self_paid(i, known_on)
            debts.append(DebtMonth(owed, max(due, Decimal(0))))
    return tuple(debts)


def _pending_months(ledger: Ledger, m: int, known_on: date, on: date) -> tuple[PendingMonth, ...]:
    """R-L-9, R-S-7: the liable, unpaid months the employer or platform may still pay."""
    first = max(ledger.first_pending(on), m - parameters.lookback_months(Month.from_index(m)))
    months = (Month.from_index(i) for i in range(first, m + 1))
    return tuple(
        PendingMonth(month, due_date(month), pending_until(month))
        for month in months
        if ledger.uncovered_liable(month.index, known_on)
    )


def _pending_payer(ledger: Ledger) -> str:
    """Who is expected to pay a pending month: the employer, or the platform (R-L-9)."""
    return "employer" if ledger.kind is PayerKind.EMPLOYEE else "platform"


def provisional_finding(years: Iterable[int]) -> Finding | None:
    """R-P-1: the amounts of a year without a published minimum wage use the last one; the
    note names the unpublished years of ``years`` (``year``, and ``last_year`` when several:
    every year between is unpublished too), None when every one is published.

    >>> provisional_finding([2025, 2026]) is None
    True
    >>> provisional_finding([2026, 2028, 2027]).values
    (('year', 2027), ('last_year', 2028), ('from_year', 2026))
    """
    unpublished = [y for y in years if parameters.minimum_wage_is_provisional(y)]
    if not unpublished:
        return None
    year, last_year = min(unpublished), max(unpublished)
    published = year - 1
    while parameters.minimum_wage_is_provisional(published):
        published -= 1
    several: tuple[tuple[str, FindingValue], ...] = (
        (("last_year", last_year),) if last_year != year else ()
    )
    return Finding(
        "R-P-1", "provisional", values=(("year", year), *several, ("from_year", published))
    )


def provisional_years(note: Finding) -> tuple[int, ...]:
    """The unpublished years a :func:`provisional_finding` names, first to last.

    >>> provisional_years(provisional_finding([2028, 2027]))
    (2027, 2028)
    """
    values = dict(note.values)
    first, last = values["year"], values.get("last_year", values["year"])
    if not isinstance(first, int) or not isinstance(last, int):
        raise ValueError(f"not a provisional note: {note}")
    return tuple(range(first, last + 1))


def _months(indices: tuple[int, ...] | range) -> tuple[Month, ...]:
    return tuple(Month.from_index(i) for i in indices)


def _findings(
    ledger: Ledger,
    on: date,
    known_on: date,
    verdict: _MonthVerdict,
    grant: TemporaryGrant | None,
) -> tuple[Finding, ...]:
    """R-S-8: the rules that fired and the months that decided."""
    month = Month.of(on)
    m = month.index
    found: list[Finding] = []
    if any(i.credited_on > known_on and i.paid_on <= known_on for i in ledger.facts.payments):
        credit_days = parameters.credit_delay_working_days(known_on)
        found.append(
            Finding(
                "R-T-3",
                "pending_payments",
                values=(("as_of", known_on), ("credit_days", credit_days)),
            )
        )
    reason = verdict.reason
    if reason is Reason.TRANSITIONAL:
        window_first, window_last = parameters.transitional_window()
        window = (("first", window_first), ("last", window_last))
        found.append(Finding("R-S-1", "transitional", (month,), window))
    elif reason is Reason.CATEGORY:
        rule = "R-C-2" if verdict.category == CHILD else "R-S-2"
        found.append(Finding(rule, "category", (month,), (("category", verdict.category or ""),)))
    elif reason is Reason.TEMPORARY and grant is not None:
        found.append(
            Finding(
                "R-S-3",
                "temporary",
                (month,),
                (
                    ("category", grant.category),
                    ("granted_on", grant.granted_on),
                    ("ends_on", grant.ends_on - timedelta(days=1)),
                ),
            )
        )
    elif reason is Reason.REGULAR:
        lookback = parameters.lookback_months(month)
        found.append(Finding("R-S-5", "regular", _months(range(m - lookback, m + 1))))
    elif reason is Reason.GRACE:
        found.append(
            Finding(
                "R-S-5",
                "grace",
                _months(range(m - verdict.run + 1, m + 1)),
                (("grace_months", verdict.grace_months), ("run", verdict.run)),
            )
        )
        if verdict.grace_months > parameters.grace_months(month):
            values: tuple[tuple[str, FindingValue], ...] = (("grace_months", verdict.grace_months),)
            payer_months = parameters.long_payer_months(month)  # set: the long grace applied
            if payer_months is not None:
                values += (("payer_months", payer_months),)
            found.append(Finding("R-S-6", "long_payer", values=values))
    else:
        if verdict.run > verdict.grace_months:
            found.append(
                Finding(
                    "R-S-5",
                    "debt_run",
                    _months(range(m - min(verdict.run, 13) + 1, m + 1)),
                    (("grace_months", verdict.grace_months), ("run", verdict.run)),
                )
            )
        gaps = _gaps(ledger, m, month, verdict.run, known_on, on) if verdict.run <= 13 else ()
        if gaps:
            lookback = parameters.lookback_months(month)
            found.append(
                Finding("R-S-5", "debt_gaps", _months(gaps), (("lookback_months", lookback),))
            )
        if reason is Reason.PREPAID and verdict.prepaid is not None:
            first, last = verdict.prepaid
            found.append(
                Finding(
                    "R-S-4",
                    "prepaid",
                    (Month.from_index(first), Month.from_index(last)),
                    (
                        ("months", last - first + 1),
                        ("prepay_months", parameters.prepayment_months(month)),
                    ),
                )
            )
    if (
        reason in (Reason.DEBT, Reason.PREPAID, Reason.GRACE, Reason.REGULAR)
        and ledger.category_of(m - 1) is not None
    ):
        found.append(Finding("R-C-3", "category_ended", (Month.from_index(m - 1),)))
    return tuple(found)
