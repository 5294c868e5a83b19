"""Line validation (R-L-3), shared by the MT102 and the CSV parser.

:meth:`RawLine.validate` takes a line's fields as the text the parser read (``None`` for a
field that is absent: a missing MT102 tag or CSV cell) and returns an :class:`IntakeLine` or a
:class:`LineError`.  Every check runs; the problems are reported in the order of
:data:`osms.intake.lines.LINE_CODES`:

1. ``line.malformed``: a required field is absent; the amount is not a number; ``paid_on`` or
   the birth date is not a date; the channel is unknown; the reference is empty, too long or
   holds control characters;
2. ``line.invalid_text``: a name holds control characters (NUL ...) or is too long;
3. ``line.paid_on_out_of_range`` (:func:`paid_on_window`);
4. ``line.invalid_iin`` (R-IIN-3); 5. ``line.invalid_period``; 6. ``line.period_too_early``;
7. ``line.period_outside_esp``; 8. ``line.period_too_late``; 9. ``line.amount_not_positive``;
10. ``line.amount_too_large``; 11. ``line.unknown_knp``; 12. ``line.invalid_payer`` (neither a
valid BIN nor a valid IIN, R-BIN-1, R-IIN-3); 13. ``line.duplicate``, found by the register,
which alone sees the other lines.

The first problem is the error's ``code``; ``codes`` lists them all.  A check that needs a
field that could not be read is skipped (an unreadable amount is ``line.malformed``, not also
``line.amount_not_positive``; a payment date out of range is not also compared with the
period).

Bounds: nothing a line carries can break the ledger.  Amounts are below
:data:`~osms.intake.lines.AMOUNT_LIMIT` (10^12, the ``NUMERIC(14, 2)`` column) with at most two
decimals; names at most :data:`~osms.intake.lines.NAME_MAX` characters without control
characters; a sender's reference (a CSV ``reference``) at most :data:`REFERENCE_MAX` printable
characters (:func:`reference_problem`) and the idempotency key built from it at most
:data:`KEY_MAX`; payment dates within :func:`paid_on_window`.

Period bounds (R-L-3): a period is too early before :func:`~osms.rules.parameters.liability_start`
for КНП 122 and 124 and before :func:`~osms.rules.parameters.employer_liability_start` for
КНП 121 and 123 (a penalty follows its principal: 123 is the penalty on deductions, 124 on
contributions; R-L-3 names only 121 and 122).  КНП 183, the single aggregate payment (ЕСП), has
its own window instead, :func:`~osms.rules.parameters.single_payment_periods` (2019-01 …
2023-12): a month outside it is ``line.period_outside_esp`` (R-L-2, R-L-3), never "too early".
Every КНП is too late after month(paid_on) + :func:`~osms.rules.parameters.prepayment_months`
(12, the parameter ``advance_period_horizon_months``); a payment made before that parameter's
first value (2017-07-01) is ``line.paid_on_out_of_range`` (:func:`first_paid_on`).

Text forms accepted:

- amount: digits with an optional ``.`` or ``,`` and at most two decimals; spaces (also
  no-break spaces) between digit groups are ignored; an optional sign (``-5`` is read, then
  rejected as not positive); at most 18 integer digits are read (a longer number is
  ``line.malformed``; one of 10^12 or more is read, then rejected as too large);
- dates: ``YYYY-MM-DD``, ``DD.MM.YYYY`` and ``YYYYMMDD`` (MT102 ``/DT/``);
- period: anything :meth:`Month.parse` reads (``2025-05``, ``05.2025``, ``052025``);
- КНП: ``121`` ... ``124`` and ``183``; channel: a :class:`~osms.rules.facts.Channel` value,
  any case.

Speed: the readers validate through a :class:`LineValidator`, one per register.  It accepts the
usual good line with a few dictionary look-ups (periods, amounts and the КНП, payer, payment
date and channel repeat from line to line, so each distinct text is read once per register)
and a fast IIN check (:func:`osms.rules.iin.is_valid_compact`), and hands every other line to
:meth:`RawLine.validate`; the answers are the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Final, TypeVar

from osms.clock import today as kazakhstan_today
from osms.intake.lines import (
    AMOUNT_LIMIT,
    AMOUNT_NOT_POSITIVE,
    AMOUNT_TOO_LARGE,
    INVALID_IIN,
    INVALID_PAYER,
    INVALID_PERIOD,
    INVALID_TEXT,
    MALFORMED,
    NAME_MAX,
    PAID_ON_OUT_OF_RANGE,
    PERIOD_OUTSIDE_ESP,
    PERIOD_TOO_EARLY,
    PERIOD_TOO_LATE,
    UNKNOWN_KNP,
    IntakeLine,
    LineError,
    LineProblem,
    LineResult,
    has_control,
)
from osms.registry.people import UNNAMED, WrittenName
from osms.rules import bin as kzbin
from osms.rules import iin as kziin
from osms.rules.calendar import add_working_days
from osms.rules.errors import ValidationError
from osms.rules.facts import KNP, Channel, earliest_period, latest_period
from osms.rules.month import InvalidMonth, Month
from osms.rules.parameters import load_parameters, single_payment_periods

__all__ = [
    "KEY_MAX",
    "REFERENCE_MAX",
    "REQUIRED_FIELDS",
    "LineContext",
    "LineValidator",
    "RawLine",
    "first_paid_on",
    "paid_on_window",
    "parse_amount",
    "parse_date",
    "reference_problem",
]

REQUIRED_FIELDS: Final = (
    "iin",
    "period",
    "amount",
    "knp",
    "payer",
    "paid_on",
    "channel",
    "reference",
)

_AMOUNT = re.compile(r"^([+-]?)(\d{1,18})(?:[.,](\d{0,2}))?$", re.ASCII)
_GROUP_SPACES = str.maketrans("", "", " \u00a0\u202f")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)
_DOTTED_DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$", re.ASCII)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII)


def parse_amount(text: str) -> Decimal:
    """Read an amount (``6000,00``, ``6 000.5``, ``-5``); raise :class:`ValueError` otherwise.

    >>> parse_amount("6000,00"), parse_amount("17 000.5"), parse_amount("6000,")
    (Decimal('6000.00'), Decimal('17000.5'), Decimal('6000'))
    >>> parse_amount("1,234")
    Traceback (most recent call last):
    ...
    ValueError: amount '1,234' is not a number (digits, then . or , and at most 2 decimals)
    """
    match = _AMOUNT.match(text.strip().translate(_GROUP_SPACES))
    if match is None:
        raise ValueError(
            f"amount {text!r} is not a number (digits, then . or , and at most 2 decimals)"
        )
    sign, whole, fraction = match.groups()
    try:
        return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        raise ValueError(f"amount {text!r} is not a number") from None


def parse_date(text: str) -> date:
    """Read ``YYYY-MM-DD``, ``DD.MM.YYYY`` or ``YYYYMMDD``; raise :class:`ValueError` otherwise.

    >>> parse_date("2025-06-25") == parse_date("25.06.2025") == parse_date("20250625")
    True
    """
    value = text.strip()
    if m := _ISO_DATE.match(value):
        year, month, day = m.groups()
    elif m := _DOTTED_DATE.match(value):
        day, month, year = m.groups()
    elif m := _COMPACT_DATE.match(value):
        year, month, day = m.groups()
    else:
        raise ValueError(f"{value!r} is not a date (expected YYYY-MM-DD, DD.MM.YYYY or YYYYMMDD)")
    try:
        return date(int(year), int(month), int(day))
    except ValueError as error:
        raise ValueError(f"{value!r} is not a date: {error}") from None


_V = TypeVar("_V")
_C = TypeVar("_C", KNP, Channel)
_TIYN: Final = Decimal("0.01")

HORIZON_PARAMETER: Final = "advance_period_horizon_months"
"""The parameter of R-L-3's "month(paid_on) + 12" (:func:`osms.rules.facts.latest_period`)."""

REFERENCE_MAX: Final = 160
"""The longest reference a sender may give a line (a CSV ``reference``, R-L-7), whoever the
sender: its key ``csv:<sender>:<reference>`` (a sender has at most 32 characters,
:data:`osms.registry.registers.SENDER_MAX`) stays within :data:`KEY_MAX`."""
KEY_MAX: Final = 200
"""The longest idempotency key the ledger keeps (``payments.idempotency_key``, R-L-7)."""


@lru_cache(maxsize=1)
def first_paid_on() -> date:
    """The earliest payment date accepted: 2017-07-01, the first OSMS payments (employer
    deductions, SOURCES.md T2) and the first day R-L-3's limit on the period
    (``advance_period_horizon_months``) is defined.  An earlier date is no OSMS payment and
    cannot be checked against R-L-3: it is a wrong date (0001-01-01, 2000-06-25 ...).

    >>> first_paid_on()
    datetime.date(2017, 7, 1)
    """
    return load_parameters().get(HORIZON_PARAMETER).since


def paid_on_window(today: date) -> tuple[date, date]:
    """The payment dates accepted on ``today`` (inclusive, R-L-3): :func:`first_paid_on` to
    the next working day after ``today``, the date in Kazakhstan (R-T-4, R-T-2).

    A payment is made before its register reaches the Fund, give or take a bank's value date
    set for its next business day (an MT102 ``:32A:`` may be); a later date is a wrong one: a
    year typed 2027 for 2026 in December, which R-L-3's window for the period would otherwise
    stretch to 24 months ahead; a date such as 9999-12-31, whose credit date (R-T-3) is past
    the end of the calendar.

    >>> paid_on_window(date(2024, 2, 29))  # a Thursday
    (datetime.date(2017, 7, 1), datetime.date(2024, 3, 1))
    >>> paid_on_window(date(2026, 12, 31))[1]  # New Year's days off, then Saturday and Sunday
    datetime.date(2027, 1, 5)
    """
    return first_paid_on(), add_working_days(today, 1)


def _paid_on_problem(paid_on: date, earliest: date, latest: date) -> LineProblem:
    """``line.paid_on_out_of_range``, saying which way (R-L-3)."""
    if paid_on > latest:
        why = f"is in the future: after {latest.isoformat()}, the next working day in Kazakhstan"
    else:
        why = f"is before {earliest.isoformat()}, the first OSMS payments"
    return LineProblem(PAID_ON_OUT_OF_RANGE, "paid_on", f"paid_on {paid_on.isoformat()} {why}")


def reference_problem(reference: str) -> LineProblem | None:
    """Why a sender's reference (stripped, not empty) cannot name a line: longer than
    :data:`REFERENCE_MAX` or with a control character (NUL included); None when it can.

    >>> reference_problem("KP-2025-000017") is None
    True
    >>> reference_problem("R" * 161).message
    'the reference must be at most 160 printable characters'
    """
    if len(reference) <= REFERENCE_MAX and reference.isprintable():
        return None
    return LineProblem(
        MALFORMED,
        "reference",
        f"the reference must be at most {REFERENCE_MAX} printable characters",
    )


def _key_fits(key: str) -> bool:
    """A key the ledger can keep: short enough, and no control characters (NUL included)."""
    return len(key) <= KEY_MAX and key.isprintable()


def _text(value: str | None) -> str | None:
    """Stripped text, ``None`` when absent or empty."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def _iin_as_written(text: str | None) -> str | None:
    """The line's IIN when it is written as 12 digits, valid or not (the sender's report says
    whose line was rejected).

    >>> _iin_as_written(" 900515300019 "), _iin_as_written("90051530001"), _iin_as_written(None)
    ('900515300019', None, None)
    """
    written = _text(text)
    if written is not None and len(written) == 12 and written.isascii() and written.isdigit():
        return written
    return None


@dataclass(frozen=True, slots=True)
class RawLine:
    """A line's fields as a parser read them: text, or a value already typed (a КНП, a date
    ...); ``None`` for an absent field (a missing MT102 tag or CSV cell).  ``problems`` are the
    problems the parser itself found (a duplicated tag, extra cells: ``line.malformed``); when
    it reports a problem for a field it passes that field as ``None``."""

    line_no: int
    raw: str = ""
    iin: str | None = None
    period: str | Month | None = None
    amount: str | Decimal | None = None
    knp: str | KNP | None = None
    payer: str | None = None
    paid_on: str | date | None = None
    channel: str | Channel | None = None
    reference: str | None = None
    surname: str | None = None
    given_name: str | None = None
    patronymic: str | None = None
    birth_date: str | date | None = None
    problems: tuple[LineProblem, ...] = ()

    def validate(self, today: date | None = None) -> LineResult:
        """Validate the line's fields (R-L-3): the :class:`IntakeLine`, or the
        :class:`LineError` with every problem found, the parser's ones included.

        ``today`` sets the latest payment date accepted (:func:`paid_on_window`); default:
        today in Kazakhstan (R-T-4).

        >>> line = RawLine(1, iin="900515300018", period="052025", amount="6000,00", knp="122",
        ...     payer="990140000007", paid_on="2025-06-25", channel="bank_branch",
        ...     reference="csv:1").validate()
        >>> line.period, line.amount, line.knp
        (Month(2025, 5), Decimal('6000.00'), <KNP.CONTRIBUTION: '122'>)
        >>> bad = RawLine(2, iin="900515300019", period="2019-12", amount="0", knp="122",
        ...     payer="990140000007", paid_on="2025-06-25", channel="bank_branch",
        ...     reference="csv:2").validate()
        >>> bad.codes  # the first is bad.code
        ('line.invalid_iin', 'line.period_too_early', 'line.amount_not_positive')
        """
        found: list[LineProblem] = list(self.problems)
        reported = {problem.field for problem in found} if found else set()
        missing = [
            name for name in REQUIRED_FIELDS if getattr(self, name) is None and name not in reported
        ]
        if missing:
            found.append(
                LineProblem(MALFORMED, missing[0], f"missing field(s): {', '.join(missing)}")
            )

        # 1. reading (line.malformed)
        amount_value: Decimal | None = None
        if isinstance(self.amount, Decimal):
            # (an amount too large is reported as such, and is too large to quantize)
            if self.amount.is_finite() and (
                abs(self.amount) >= AMOUNT_LIMIT or self.amount == self.amount.quantize(_TIYN)
            ):
                amount_value = self.amount
            else:
                found.append(
                    LineProblem(
                        MALFORMED, "amount", f"amount {self.amount} is not a sum in tenge and tiyn"
                    )
                )
        elif self.amount is not None:
            read_amount = _read_amount(self.amount)
            if isinstance(read_amount, Decimal):
                amount_value = read_amount
            else:
                found.append(LineProblem(MALFORMED, "amount", read_amount))

        paid_on_value = _value_of(
            self.paid_on,
            _read_date,
            found,
            lambda reason: LineProblem(MALFORMED, "paid_on", f"paid_on {reason}"),
        )

        channel_value = _one_of(
            self.channel,
            Channel,
            _read_channel,
            found,
            lambda text: LineProblem(
                MALFORMED,
                "channel",
                f"channel {text!r} is unknown"
                f" (expected one of {', '.join(c.value for c in Channel)})",
            ),
        )

        reference_value = _text(self.reference)
        if self.reference is not None and reference_value is None:
            found.append(
                LineProblem(MALFORMED, "reference", "the reference (idempotency key) is empty")
            )
        elif reference_value is not None and not _key_fits(reference_value):
            found.append(
                LineProblem(
                    MALFORMED,
                    "reference",
                    f"the idempotency key must be at most {KEY_MAX} printable characters",
                )
            )

        birth_date_value = _value_of(
            self.birth_date if isinstance(self.birth_date, date) else _text(self.birth_date),
            _read_date,
            found,
            lambda reason: LineProblem(MALFORMED, "birth_date", f"birth date {reason}"),
        )

        names = {
            "surname": self.surname,
            "given_name": self.given_name,
            "patronymic": self.patronymic,
        }
        for name, value in names.items():
            if value is not None and (problem := _name_problem(name, value)) is not None:
                found.append(problem)

        if paid_on_value is not None:
            earliest, latest = paid_on_window(kazakhstan_today() if today is None else today)
            if not earliest <= paid_on_value <= latest:
                found.append(_paid_on_problem(paid_on_value, earliest, latest))
                paid_on_value = None  # not compared with the period

        # 2. the rules (R-L-3)
        iin_value: str | None = None
        if self.iin is not None:
            try:
                iin_value = kziin.validate(self.iin)
            except ValidationError as error:
                found.append(
                    LineProblem(
                        INVALID_IIN, "iin", f"IIN {self.iin!r} is invalid: {error}", error.code
                    )
                )

        period_value = _value_of(
            self.period,
            _read_period,
            found,
            lambda reason: LineProblem(
                INVALID_PERIOD,
                "period",
                f"period {self.period!r} is invalid: {reason}",
                InvalidMonth.code,
            ),
        )

        knp_value = _one_of(
            self.knp,
            KNP,
            _read_knp,
            found,
            lambda text: LineProblem(
                UNKNOWN_KNP,
                "knp",
                f"KNP {text!r} is unknown (expected {', '.join(k.value for k in KNP)})",
            ),
        )

        if period_value is not None and knp_value is not None:
            if knp_value is KNP.SINGLE_PAYMENT:
                esp_first, esp_last = single_payment_periods()
                if not esp_first <= period_value <= esp_last:
                    found.append(
                        LineProblem(
                            PERIOD_OUTSIDE_ESP,
                            "period",
                            f"period {period_value} is outside {esp_first} … {esp_last}, "
                            "the months of the single aggregate payment (KNP 183)",
                        )
                    )
            else:
                first = earliest_period(knp_value)
                if period_value < first:
                    found.append(
                        LineProblem(
                            PERIOD_TOO_EARLY,
                            "period",
                            f"period {period_value} is before {first}, the first month for "
                            f"KNP {knp_value.value}",
                        )
                    )
        if period_value is not None and paid_on_value is not None:
            last = _latest_period(paid_on_value)
            if last is not None and period_value > last:
                found.append(
                    LineProblem(
                        PERIOD_TOO_LATE,
                        "period",
                        f"period {period_value} is after {last}, the last month that may be paid "
                        f"on {paid_on_value.isoformat()}",
                    )
                )

        if amount_value is not None and amount_value <= 0:
            found.append(
                LineProblem(
                    AMOUNT_NOT_POSITIVE, "amount", f"amount {self.amount!s} is not greater than 0"
                )
            )
        elif amount_value is not None and amount_value >= AMOUNT_LIMIT:
            found.append(
                LineProblem(
                    AMOUNT_TOO_LARGE,
                    "amount",
                    f"amount {amount_value} is not below {AMOUNT_LIMIT}, the most a payment can be",
                )
            )

        payer_value: str | None = None
        if self.payer is not None:
            payer_value, problem = _check_payer(self.payer)
            if problem is not None:
                found.append(problem)

        if found:
            return LineError.of(
                found,
                line_no=self.line_no,
                raw=self.raw,
                reference=reference_value,
                amount=amount_value,
                iin=iin_value or _iin_as_written(self.iin),
            )
        assert iin_value is not None and period_value is not None and amount_value is not None
        assert knp_value is not None and payer_value is not None and paid_on_value is not None
        assert channel_value is not None and reference_value is not None
        return IntakeLine(
            line_no=self.line_no,
            iin=iin_value,
            period=period_value,
            amount=amount_value,
            knp=knp_value,
            payer=payer_value,
            paid_on=paid_on_value,
            channel=channel_value,
            reference=reference_value,
            name=WrittenName(_text(self.surname), _text(self.given_name), _text(self.patronymic)),
            birth_date=birth_date_value,
            raw=self.raw,
        )


def _name_problem(field: str, value: str) -> LineProblem | None:
    """``line.invalid_text`` for a name the registry cannot keep, else ``None``."""
    text = value.strip()
    if has_control(text):
        return LineProblem(
            INVALID_TEXT, field, f"{field} {text[:40]!r} contains control characters"
        )
    if len(text) > NAME_MAX:
        return LineProblem(
            INVALID_TEXT,
            field,
            f"{field} {text[:20]!r}… has {len(text)} characters, more than {NAME_MAX}",
        )
    return None


# Small caches: registers repeat the same periods, amounts, dates, КНП and channels.  Every
# cached value is immutable.


def _or_reason(
    parse: Callable[[str], _V], rejection: type[ValueError] = ValueError
) -> Callable[[str], _V | str]:
    """``parse`` answering the reason a text is not a value instead of raising ``rejection``."""

    def read(text: str) -> _V | str:
        try:
            return parse(text)
        except rejection as error:
            return str(error)

    return read


_read_amount = lru_cache(maxsize=4096)(_or_reason(parse_amount))
"""The amount, or the reason it is not one."""
_read_date = lru_cache(maxsize=1024)(_or_reason(parse_date))
"""The date, or the reason it is not one."""
_read_period = lru_cache(maxsize=1024)(_or_reason(Month.parse, InvalidMonth))
"""The month, or the reason it is not one."""


def _value_of(
    value: _V | str | None,
    read: Callable[[str], _V | str],
    found: list[LineProblem],
    problem: Callable[[str], LineProblem],
) -> _V | None:
    """A field given as its value or as its text (``None``: absent).  ``read`` answers the value
    a text stands for, or the reason it stands for none, which adds ``problem(reason)`` to
    ``found``."""
    if not isinstance(value, str):
        return value
    known = read(value)
    if not isinstance(known, str):
        return known
    found.append(problem(known))
    return None


def _one_of(
    value: _C | str | None,
    choices: type[_C],
    read: Callable[[str], _C | None],
    found: list[LineProblem],
    unknown: Callable[[str], LineProblem],
) -> _C | None:
    """A value of a closed list (КНП, channel), given as itself or as its text; a text that
    names none adds ``unknown(text)`` to ``found``."""
    if value is None or isinstance(value, choices):
        return value
    known = read(value)
    if known is None:
        found.append(unknown(value))
    return known


@lru_cache(maxsize=64)
def _read_knp(text: str) -> KNP | None:
    try:
        return KNP(text.strip())
    except ValueError:
        return None


@lru_cache(maxsize=64)
def _read_channel(text: str) -> Channel | None:
    try:
        return Channel(text.strip().lower())
    except ValueError:
        return None


@lru_cache(maxsize=1024)
def _check_payer(payer: str) -> tuple[str | None, LineProblem | None]:
    """The compacted payer if it is a valid BIN or IIN, else the problem.

    Digit 5 tells them apart: 4, 5 or 6 in a BIN (R-BIN-1), 0-3 in an IIN (tens of the day).
    Cached: an MT102 register has one payer for all its lines.
    """
    compact = kzbin.compact(payer)
    is_bin = len(compact) >= 5 and compact[4] in kzbin.ENTITY_TYPES
    try:
        return (kzbin.validate(payer) if is_bin else kziin.validate(payer)), None
    except ValidationError as error:
        kind = "BIN" if is_bin else "IIN"
        return None, LineProblem(
            INVALID_PAYER,
            "payer",
            f"payer {payer!r} is neither a valid BIN nor a valid IIN ({kind}: {error})",
            error.code,
        )


@lru_cache(maxsize=1024)
def _latest_period(paid_on: date) -> Month | None:
    return latest_period(paid_on)


_NO_LAST_PERIOD: Final = 10**9
"""A month index past any :class:`Month`: no upper bound on the period."""
_CACHE_LIMIT: Final = 1024
"""Distinct texts a :class:`LineValidator` remembers per field (it forgets none; when full it
just stops adding): memory stays bounded whatever the register."""


@dataclass(frozen=True, slots=True)
class LineContext:
    """КНП, payer, payment date and channel that :meth:`RawLine.validate` accepts, with the period
    bounds they set (R-L-3) as month indexes.  Made by :meth:`LineValidator.context`."""

    knp: KNP
    payer: str
    paid_on: date
    channel: Channel
    first: int
    """``earliest_period(knp).index`` (КНП 183: the first month of the ЕСП window)"""
    last: int
    """``latest_period(paid_on).index``, or a number past every month when there is none
    (КНП 183: no later than the last month of the ЕСП window)."""


class LineValidator:
    """:meth:`RawLine.validate` for the lines of one register, fast for the usual good line.

    :meth:`line` returns the :class:`IntakeLine` that :meth:`RawLine.validate` would return for
    the same fields, or ``None`` when it cannot tell quickly (a field in an unusual form, or a
    line with a problem): the caller then calls :meth:`RawLine.validate`.  It remembers up to
    :data:`_CACHE_LIMIT` periods, amounts and contexts each.  ``today`` is
    :meth:`RawLine.validate`'s, fixed when the validator is made, so that one register is
    judged on one day.

    >>> validator = LineValidator()
    >>> context = validator.context("122", "990140000007", "2025-06-25", "terminal")
    >>> line = validator.line(context, 1, "900515300018", "2025-05", "6000.00", "csv:T-1",
    ...                       " Иванов ", None, "", None, "raw text")
    >>> line == RawLine(1, iin="900515300018", period="2025-05", amount="6000.00",
    ...     knp="122", payer="990140000007", paid_on="2025-06-25", channel="terminal",
    ...     reference="csv:T-1", surname=" Иванов ", patronymic="").validate()
    True
    >>> validator.line(context, 2, "900515300019", "2025-05", "6000.00", "csv:T-2",
    ...                None, None, None, None, "") is None  # a wrong check digit
    True
    >>> validator.context("122", "990140000001", "2025-06-25", "terminal") is None
    True
    """

    __slots__ = ("_amounts", "_contexts", "_paid_on_window", "_periods", "today")

    def __init__(self, today: date | None = None) -> None:
        self.today = kazakhstan_today() if today is None else today
        self._paid_on_window = paid_on_window(self.today)
        self._amounts: dict[str, Decimal] = {}
        self._periods: dict[str, Month] = {}
        self._contexts: dict[tuple[object, ...], LineContext | None] = {}

    def context(
        self,
        knp: str | KNP | None,
        payer: str | None,
        paid_on: str | date | None,
        channel: str | Channel | None,
    ) -> LineContext | None:
        """The validated shared fields, or ``None`` when one is absent or has a problem."""
        key = (knp, payer, paid_on, channel)
        try:
            return self._contexts[key]
        except KeyError:
            pass
        context = _context(knp, payer, paid_on, channel, self._paid_on_window)
        if len(self._contexts) < _CACHE_LIMIT:
            self._contexts[key] = context
        return context

    def line(
        self,
        context: LineContext,
        line_no: int,
        iin: str,
        period: str,
        amount: str,
        reference: str,
        surname: str | None,
        given_name: str | None,
        patronymic: str | None,
        birth_date: str | None,
        raw: str,
    ) -> IntakeLine | None:
        """The good line, or ``None``: then ask :meth:`RawLine.validate` (see the class text)."""
        if not kziin.is_valid_compact(iin):
            return None
        period_value = self._periods.get(period)
        if period_value is None:
            read_period = _read_period(period)
            if not isinstance(read_period, Month):
                return None
            period_value = read_period
            if len(self._periods) < _CACHE_LIMIT:
                self._periods[period] = period_value
        if not context.first <= period_value.index <= context.last:
            return None
        amount_value = self._amounts.get(amount)
        if amount_value is None:
            read_amount = _read_amount(amount)
            if not isinstance(read_amount, Decimal) or not 0 < read_amount < AMOUNT_LIMIT:
                return None
            amount_value = read_amount
            if len(self._amounts) < _CACHE_LIMIT:
                self._amounts[amount] = amount_value
        reference = reference.strip()
        if not reference or not _key_fits(reference):
            return None
        birth_date_value: date | None = None
        if birth_date is not None and (birth_date := birth_date.strip()):
            birth_date_value = _read_birth_date(birth_date)
            if birth_date_value is None:
                return None
        # names: a quick sufficient test that _name_problem finds nothing (a name with a tab
        # or a no-break space, or with spaces around it past the limit, takes the long way)
        if not (
            (surname is None or (len(surname) <= NAME_MAX and surname.isprintable()))
            and (given_name is None or (len(given_name) <= NAME_MAX and given_name.isprintable()))
            and (patronymic is None or (len(patronymic) <= NAME_MAX and patronymic.isprintable()))
        ):
            return None
        return IntakeLine(
            line_no,
            iin,
            period_value,
            amount_value,
            context.knp,
            context.payer,
            context.paid_on,
            context.channel,
            reference,
            UNNAMED
            if surname is None and given_name is None and patronymic is None
            else WrittenName(
                None if surname is None else surname.strip() or None,
                None if given_name is None else given_name.strip() or None,
                None if patronymic is None else patronymic.strip() or None,
            ),
            birth_date_value,
            raw,
        )


def _context(
    knp: str | KNP | None,
    payer: str | None,
    paid_on: str | date | None,
    channel: str | Channel | None,
    window: tuple[date, date],
) -> LineContext | None:
    """:class:`LineContext` when :meth:`RawLine.validate` finds no problem with these fields
    (``window``: the payment dates accepted)."""
    if knp is None or payer is None or paid_on is None or channel is None:
        return None
    knp_value = knp if isinstance(knp, KNP) else _read_knp(knp)
    payer_value, payer_problem = _check_payer(payer)
    paid_on_value = paid_on if isinstance(paid_on, date) else _read_date(paid_on)
    channel_value = channel if isinstance(channel, Channel) else _read_channel(channel)
    if (
        knp_value is None
        or payer_value is None
        or payer_problem is not None
        or not isinstance(paid_on_value, date)
        or not window[0] <= paid_on_value <= window[1]
        or channel_value is None
    ):
        return None
    first, last = _period_window(knp_value, paid_on_value)
    return LineContext(
        knp=knp_value,
        payer=payer_value,
        paid_on=paid_on_value,
        channel=channel_value,
        first=first,
        last=last,
    )


def _period_window(knp: KNP, paid_on: date) -> tuple[int, int]:
    """The month indexes, inclusive, a line with this КНП paid on this day may be for (R-L-3):
    the КНП's own first month (for КНП 183 its window) through month(paid_on) + 12."""
    latest = _latest_period(paid_on)
    last = _NO_LAST_PERIOD if latest is None else latest.index
    if knp is KNP.SINGLE_PAYMENT:
        esp_first, esp_last = single_payment_periods()
        return esp_first.index, min(last, esp_last.index)
    return earliest_period(knp).index, last


def _read_birth_date(text: str) -> date | None:
    """A stripped, non-empty birth date as :func:`parse_date` reads it, else ``None``.

    Birth dates differ from person to person, so the three forms are read by position rather
    than through the patterns and the small cache of :func:`_read_date`."""
    if len(text) == 8:
        year, month, day = text[:4], text[4:6], text[6:]
    elif len(text) == 10 and text[4] == "-" and text[7] == "-":
        year, month, day = text[:4], text[5:7], text[8:]
    elif len(text) == 10 and text[2] == "." and text[5] == ".":
        day, month, year = text[:2], text[3:5], text[6:]
    else:
        return None
    digits = year + month + day
    if not (digits.isascii() and digits.isdigit()):
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
