"""The values intake produces: a good line (:class:`IntakeLine`), a rejected line
(:class:`LineError`) and a register that cannot be taken at all (:class:`RegisterError`).

Every line of a register ends as exactly one :data:`LineResult` (R-F-3): an
:class:`IntakeLine` that booking may turn into a ledger item, or a :class:`LineError` that is
returned to the sender with its reason.  Register-level faults (R-L-7: the declared total
differs from the sum of the lines; or the file cannot be read as a register at all) reject the
whole register and are raised as :class:`RegisterError`.

Stable codes
------------

Line codes (R-L-3 and the formats of R-F-1/R-F-2), in the order in which
:meth:`osms.intake.validation.RawLine.validate` reports them when a line has several problems
(:data:`LINE_CODES`):

============================ =================================================================
``line.malformed``            the line cannot be read: a missing tag or column, amount text
                              that is not a number, a date that is not a date, an unknown
                              channel, no reference
``line.invalid_text``         a name (surname, given name, patronymic) holds control characters
                              (NUL ...) or is longer than the ledger keeps (:data:`NAME_MAX`)
``line.paid_on_out_of_range`` the payment date is before 2017-07-01 or after the next working
                              day (:func:`osms.intake.validation.paid_on_window`)
``line.invalid_iin``          the person's IIN fails R-IIN-3
``line.invalid_period``       the period is not a month (``YYYY-MM``, ``MM.YYYY``, ``MMYYYY``)
``line.period_too_early``     before the start of liability for the КНП (2020-01 for 122/124,
                              2017-07 for 121/123, from :mod:`osms.rules.parameters`)
``line.period_outside_esp``   КНП 183 (ЕСП) for a month outside 2019-01 … 2023-12 (R-L-2,
                              R-L-3)
``line.period_too_late``      later than month(paid_on) + 12 (``prepayment_months``)
``line.amount_not_positive``  amount ≤ 0
``line.amount_too_large``     amount of 10^12 tenge or more: more than a ledger amount holds
                              (:data:`AMOUNT_LIMIT`, the ``NUMERIC(14, 2)`` column)
``line.unknown_knp``          КНП other than 121, 122, 123, 124, 183 (R-L-2)
``line.invalid_payer``        the payer is neither a valid BIN nor a valid IIN
``line.duplicate``            the same idempotency key appeared earlier in the same register
                              (R-L-7; duplicates against the ledger are found at booking)
============================ =================================================================

Register codes: ``register.total_mismatch`` (R-L-7) and ``register.malformed`` (no header or
trailer, not the declared format, undecodable bytes, empty, a declared total of
:data:`AMOUNT_LIMIT` or more).

Messages are English and name the offending value; :func:`osms.i18n.error_message` translates
the codes.  A message never holds a control character (:func:`printable`): what a sender wrote
is shown escaped, so a message can be stored and displayed as it is.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final, Literal, TypeAlias

from osms.registry.columns import MONEY_PRECISION, MONEY_SCALE
from osms.registry.people import UNNAMED, WrittenName
from osms.rules.errors import RuleError
from osms.rules.facts import KNP, Channel
from osms.rules.month import Month

__all__ = [
    "AMOUNT_LIMIT",
    "AMOUNT_NOT_POSITIVE",
    "AMOUNT_TOO_LARGE",
    "DUPLICATE",
    "INVALID_IIN",
    "INVALID_PAYER",
    "INVALID_PERIOD",
    "INVALID_TEXT",
    "LINE_CODES",
    "MALFORMED",
    "NAME_MAX",
    "PAID_ON_OUT_OF_RANGE",
    "PERIOD_OUTSIDE_ESP",
    "PERIOD_TOO_EARLY",
    "PERIOD_TOO_LATE",
    "REGISTER_CODES",
    "REGISTER_MALFORMED",
    "TOTAL_MISMATCH",
    "UNKNOWN_KNP",
    "Format",
    "IntakeLine",
    "LineError",
    "LineProblem",
    "LineResult",
    "RegisterError",
    "has_control",
    "printable",
]

Format: TypeAlias = Literal["mt102", "csv"]

MALFORMED: Final = "line.malformed"
INVALID_TEXT: Final = "line.invalid_text"
PAID_ON_OUT_OF_RANGE: Final = "line.paid_on_out_of_range"
INVALID_IIN: Final = "line.invalid_iin"
INVALID_PERIOD: Final = "line.invalid_period"
PERIOD_TOO_EARLY: Final = "line.period_too_early"
PERIOD_OUTSIDE_ESP: Final = "line.period_outside_esp"
PERIOD_TOO_LATE: Final = "line.period_too_late"
AMOUNT_NOT_POSITIVE: Final = "line.amount_not_positive"
AMOUNT_TOO_LARGE: Final = "line.amount_too_large"
UNKNOWN_KNP: Final = "line.unknown_knp"
INVALID_PAYER: Final = "line.invalid_payer"
DUPLICATE: Final = "line.duplicate"

LINE_CODES: Final[tuple[str, ...]] = (
    MALFORMED,
    INVALID_TEXT,
    PAID_ON_OUT_OF_RANGE,
    INVALID_IIN,
    INVALID_PERIOD,
    PERIOD_TOO_EARLY,
    PERIOD_OUTSIDE_ESP,
    PERIOD_TOO_LATE,
    AMOUNT_NOT_POSITIVE,
    AMOUNT_TOO_LARGE,
    UNKNOWN_KNP,
    INVALID_PAYER,
    DUPLICATE,
)
"""Every line code, in the order problems are reported (the first is :attr:`LineError.code`)."""

AMOUNT_LIMIT: Final = 10 ** (MONEY_PRECISION - MONEY_SCALE)
"""Every amount intake accepts, and every declared total, is below this (10^12 tenge): the
ledger keeps amounts as ``NUMERIC(14, 2)``."""
NAME_MAX: Final = 100
"""The longest surname, given name or patronymic the registry keeps (``people`` columns)."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
"""Control characters (C0, DEL, C1) and lone surrogates: never stored, never shown as such."""


def printable(text: str) -> str:
    """``text`` with control characters and lone surrogates written as escapes.

    >>> print(printable("Ива\\x00нов\\tӘлі"))
    Ива\\x00нов\\tӘлі
    """
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


def has_control(text: str) -> bool:
    """Whether ``text`` holds a control character or a lone surrogate (see :func:`printable`)."""
    return _CONTROL.search(text) is not None


TOTAL_MISMATCH: Final = "register.total_mismatch"
REGISTER_MALFORMED: Final = "register.malformed"
REGISTER_CODES: Final[tuple[str, ...]] = (TOTAL_MISMATCH, REGISTER_MALFORMED)


class RegisterError(RuleError):
    """The whole register is rejected (R-L-7, R-F-3); nothing in it may be booked.

    ``code`` is ``register.malformed`` or ``register.total_mismatch``; ``line_no`` is the
    physical line of the file where the fault was found, when there is one.

    >>> error = RegisterError(TOTAL_MISMATCH, "declared 10,00, lines sum to 9,00")
    >>> (error.code, str(error))
    ('register.total_mismatch', 'declared 10,00, lines sum to 9,00')
    """

    code = REGISTER_MALFORMED

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        line_no: int | None = None,
    ) -> None:
        if code not in REGISTER_CODES:
            raise ValueError(f"not a register code: {code!r}")
        super().__init__(printable(message), field=field)
        self.code = code
        self.line_no = line_no


@dataclass(frozen=True, slots=True)
class LineProblem:
    """One problem of a line: a code of :data:`LINE_CODES`, the field and an English message.

    ``cause`` is the rules core's own code when one applies (``iin.checksum``,
    ``month.invalid``, ``bin.entity_type`` ...), for a finer translated explanation.
    """

    code: str
    field: str
    message: str
    cause: str | None = None

    def __post_init__(self) -> None:
        if _CONTROL.search(self.message) is not None:
            object.__setattr__(self, "message", printable(self.message))

    @property
    def rank(self) -> int:
        """The position of :attr:`code` in the reporting order (:data:`LINE_CODES`)."""
        return LINE_CODES.index(self.code)


@dataclass(frozen=True, slots=True)
class IntakeLine:
    """One good line of a register: one person, one month, one amount (R-L-1).

    ``line_no`` is the position of the line among the register's payment lines, counted
    from 1 (MT102: the n-th sequence B; CSV: the n-th data row after the header row).
    ``reference`` is the idempotency key (R-L-7): ``mt102:<bank BIC>:<:20:>:<:21:>`` or
    ``csv:<reference column>``.  ``raw`` is the line's original text, for reports.
    """

    line_no: int
    iin: str
    period: Month
    amount: Decimal
    knp: KNP
    payer: str
    paid_on: date
    channel: Channel
    reference: str
    name: WrittenName = UNNAMED
    """The surname, given name and patronymic as the line writes them (stripped)."""
    birth_date: date | None = None
    raw: str = dataclasses.field(default="", repr=False, compare=False)

    ok: Literal[True] = dataclasses.field(default=True, init=False, repr=False, compare=False)

    def with_problem(self, problem: LineProblem) -> LineError:
        """The line rejected for a problem found later (``line.duplicate``, by the register)."""
        return _rejected(self, (problem,))


@dataclass(frozen=True, slots=True)
class LineError:
    """A rejected line (R-F-3) with every problem found, first one first (:data:`LINE_CODES`
    order, stable); :attr:`code`, :attr:`field` and :attr:`message` are the first problem's.

    ``field`` names the input field (``iin``, ``period``, ``amount``, ``knp``, ``payer``,
    ``paid_on``, ``channel``, ``reference``, ``surname``, ``given_name``, ``patronymic``,
    ``birth_date``), or the line as a whole: ``row`` (CSV cells beyond the header) and ``raw``
    (an MT102 block with too many text lines, or an unexpected line in it).

    :attr:`codes` lists the codes of the problems without repeats.  ``reference`` and
    ``amount`` are filled when they could be read (the amount counts toward the register's
    total, the reference toward duplicates), ``iin`` when the line's IIN has 12 digits, valid
    or not (the sender's report names whose line it was).
    """

    line_no: int
    problems: tuple[LineProblem, ...]
    raw: str = dataclasses.field(default="", repr=False)
    reference: str | None = None
    amount: Decimal | None = None
    iin: str | None = None

    ok: Literal[False] = dataclasses.field(default=False, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.problems:
            raise ValueError("a LineError needs at least one problem")
        for problem in self.problems:
            if problem.code not in LINE_CODES:
                raise ValueError(f"not a line code: {problem.code!r}")
        ordered = tuple(sorted(self.problems, key=lambda p: p.rank))
        if ordered != self.problems:
            object.__setattr__(self, "problems", ordered)

    @classmethod
    def of(
        cls,
        problems: tuple[LineProblem, ...] | list[LineProblem],
        *,
        line_no: int,
        raw: str = "",
        reference: str | None = None,
        amount: Decimal | None = None,
        iin: str | None = None,
    ) -> LineError:
        """The error for one or more problems, in any order."""
        return cls(line_no, tuple(problems), raw, reference, amount, iin)

    @property
    def code(self) -> str:
        return self.problems[0].code

    @property
    def field(self) -> str:
        return self.problems[0].field

    @property
    def message(self) -> str:
        return self.problems[0].message

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(problem.code for problem in self.problems))

    def with_problem(self, problem: LineProblem) -> LineError:
        """The same error with one more problem (e.g. ``line.duplicate`` found by the register)."""
        return _rejected(self, (*self.problems, problem))


def _rejected(line: IntakeLine | LineError, problems: tuple[LineProblem, ...]) -> LineError:
    """The error for ``line`` (its number, text, reference, amount and IIN) with ``problems``."""
    return LineError(line.line_no, problems, line.raw, line.reference, line.amount, line.iin)


LineResult: TypeAlias = IntakeLine | LineError
"""What a register yields for each of its lines (R-F-3).  ``result.ok`` tells them apart."""
