"""A register, read line by line: format detection, validation, duplicates and totals.

:func:`parse_register` opens an MT102 or CSV register and returns a :class:`RegisterReader`:

- :attr:`RegisterReader.header` — who sent it, its reference, the declared total, the payment
  date (MT102), and the line count once known; reading it reads only the start (and, for
  MT102, the end) of the file;
- :meth:`RegisterReader.lines` — a generator of :data:`~osms.intake.lines.LineResult`, one per
  line of the file, in order: every line ends exactly once as an :class:`IntakeLine` or a
  :class:`LineError` (R-F-3), so accepted + rejected always equals the register's lines;
- :meth:`RegisterReader.totals` — after the lines: counts, the sum of every amount that could
  be read (good and bad lines alike, as the sender's total counts them) and whether it matches
  the declared total; :meth:`RegisterReader.verify` raises ``register.total_mismatch``
  (R-L-7: the whole register is rejected).

A :class:`~osms.intake.lines.RegisterError` (``register.malformed``) can come from
:func:`parse_register`, :attr:`~RegisterReader.header` or in the middle of
:meth:`~RegisterReader.lines`; it rejects the whole register, including lines already yielded.
Booking therefore stages the lines and commits only after :meth:`~RegisterReader.verify`.

Duplicates (R-L-7, ``line.duplicate``): the second and later lines with an idempotency key
already seen in this register, whether the earlier line was good or bad.  The keys are kept
compactly (:class:`KeySet`): about one byte per key for the usual numbered references.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, Final

from osms.intake._io import BOM, Source, as_seekable
from osms.intake.csv_format import CsvReader
from osms.intake.lines import (
    DUPLICATE,
    REGISTER_MALFORMED,
    TOTAL_MISMATCH,
    Format,
    LineProblem,
    LineResult,
    RegisterError,
)
from osms.intake.mt102 import Mt102Reader
from osms.intake.mt102.header import peek_reference
from osms.rules.facts import Channel

__all__ = [
    "KeySet",
    "RegisterHeader",
    "RegisterReader",
    "RegisterTotals",
    "detect_format",
    "identify",
    "parse_register",
]

_MT102_STARTS: Final = (b"{1:", b":20:")
_ASCII_DIGITS: Final = "0123456789"
_MAX_NUMBER_DIGITS: Final = 9


def detect_format(stream: IO[bytes]) -> Format:
    """``"mt102"`` when the first text is ``{1:`` or ``:20:``, else ``"csv"``; the position is
    kept.  An empty register raises :class:`RegisterError`.

    >>> import io
    >>> detect_format(io.BytesIO(b"\\xef\\xbb\\xbf\\r\\n{1:F01BANKKZKAXXX}"))
    'mt102'
    >>> detect_format(io.BytesIO(b"iin;period;amount"))
    'csv'
    """
    position = stream.tell()
    try:
        head = stream.read(4096)
    except (OSError, ValueError) as error:
        raise RegisterError(REGISTER_MALFORMED, f"the register cannot be read: {error}") from None
    finally:
        stream.seek(position)
    if head.startswith(BOM):
        head = head[len(BOM) :]
    head = head.lstrip()
    if not head:
        raise RegisterError(REGISTER_MALFORMED, "the register is empty")
    return "mt102" if head.startswith(_MT102_STARTS) else "csv"


def identify(stream: IO[bytes], format: Format | None = None) -> tuple[Format, str | None]:
    """The format and reference of a register that could not be opened (its header is
    unreadable), for its report: ``format`` when given, else detected (``"csv"`` when nothing
    can be read); an MT102 message's ``:20:`` when it is a valid reference, else None.  The
    position is kept.

    >>> import io
    >>> identify(io.BytesIO(b":20:REF-7\\r\\n:50:/D/KZ1\\r\\n:32A:270229KZT1,00\\r\\n"))
    ('mt102', 'REF-7')
    >>> identify(io.BytesIO(b""))
    ('csv', None)
    """
    if format is None:
        try:
            format = detect_format(stream)
        except RegisterError:
            return "csv", None
    return format, peek_reference(stream) if format == "mt102" else None


@dataclass(frozen=True, slots=True)
class RegisterHeader:
    """What is known about a register before (and, for ``line_count``, after) its lines."""

    format: Format
    sender: str | None
    """MT102: the bank BIC of the idempotency keys; CSV: the ``sender`` given by the caller."""
    reference: str | None
    """MT102: ``:20:``; CSV: none."""
    declared_total: Decimal | None
    """MT102: the ``:32A:`` total; CSV: the ``total`` argument, else the ``# total:`` row once
    the lines are read, else ``None`` (nothing to reconcile)."""
    paid_on: date | None
    """MT102: the ``:32A:`` value date of every line; CSV: none (per line)."""
    line_count: int | None
    """The number of lines, once :meth:`RegisterReader.lines` has finished."""
    knp: str | None = None
    payer: str | None = None


@dataclass(frozen=True, slots=True)
class RegisterTotals:
    """The reconciliation of a fully read register (R-F-3, R-L-7)."""

    lines: int
    accepted: int
    rejected: int
    amount: Decimal
    """The sum of every amount that could be read, on good and bad lines."""
    accepted_amount: Decimal
    declared_total: Decimal | None
    matches: bool
    """True when ``amount`` equals every declared total (and when none is declared)."""
    problem: str | None = None
    """Why it does not match, in English."""
    rejected_by_code: Mapping[str, int] = field(default_factory=dict)
    """Rejected lines by their first code."""

    def error(self) -> RegisterError | None:
        """The ``register.total_mismatch`` error, or ``None`` when the totals match."""
        if self.matches:
            return None
        return RegisterError(TOTAL_MISMATCH, self.problem or "the totals differ", field="total")


class _Bitmap:
    """Numbers seen for one key prefix, as bits from ``base`` on."""

    __slots__ = ("base", "bits", "count")

    def __init__(self, base: int) -> None:
        self.base = base
        self.bits = bytearray()
        self.count = 0

    def has(self, number: int) -> bool:
        """Whether ``number`` was seen."""
        offset = number - self.base
        return 0 <= offset < len(self.bits) * 8 and bool(
            self.bits[offset >> 3] & (1 << (offset & 7))
        )


class KeySet:
    """Idempotency keys seen so far in one register, kept compactly.

    Keys end in a number (``mt102:BANKKZKA:REF:17``, ``csv:T-0017``): the usual case is kept
    as one bit per key, in a bit set per prefix and digit count (so ``T-017`` and ``T-17``
    stay different) starting at the first number seen.  A number that would make its bit set
    sparser than one byte per key (plus 1 KiB), more than :attr:`MAX_BITMAPS` prefixes, and
    keys without a final number are kept as 128-bit BLAKE2b digests (about 40 bytes each; a
    false duplicate would need a digest collision, about 2^-64 likely for 10^9 keys).  Memory
    is thus about one byte per numbered key and 60-80 bytes per other key.

    >>> keys = KeySet()
    >>> keys.add("mt102:BANKKZKA:R1:1"), keys.add("mt102:BANKKZKA:R1:1"), keys.add("csv:A-x")
    (True, False, True)
    >>> "csv:A-x" in keys, "csv:A-y" in keys, "mt102:BANKKZKA:R1:01" in keys
    (True, False, False)
    """

    MAX_BITMAPS: Final = 64
    _SLACK: Final = 1024

    __slots__ = ("_bitmaps", "_digests", "_last_digits", "_last_name", "_last_stem", "_spilled")

    def __init__(self) -> None:
        self._bitmaps: dict[str, _Bitmap] = {}
        self._digests: set[int] = set()
        self._spilled: set[str] = set()
        self._last_stem = ""
        self._last_digits = 0
        self._last_name = ""

    @staticmethod
    def _split(key: str) -> tuple[str, int] | None:
        """``(prefix and digit count, number)`` for a key ending in 1-9 ASCII digits (the
        last 9 of a longer run), else ``None``."""
        digits = len(key) - len(key.rstrip(_ASCII_DIGITS))
        if not digits:
            return None
        if digits > _MAX_NUMBER_DIGITS:
            digits = _MAX_NUMBER_DIGITS
        cut = len(key) - digits
        return f"{key[:cut]}\x00{digits}", int(key[cut:])

    @staticmethod
    def _digest(key: str) -> int:
        digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        return int.from_bytes(digest, "big")

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        split = self._split(key)
        if split is None:
            return self._digest(key) in self._digests
        name, number = split
        bitmap = self._bitmaps.get(name)
        if bitmap is not None and bitmap.has(number):
            return True
        return name in self._spilled and self._digest(key) in self._digests

    def add(self, key: str) -> bool:
        """Add the key; ``True`` when it is new, ``False`` when it was already there."""
        # _split, inline (the hot path), with the name of the last prefix kept: the same
        # string object each time, whose hash Python keeps.
        stem = key.rstrip(_ASCII_DIGITS)
        digits = len(key) - len(stem)
        if not digits:
            unnumbered = self._digest(key)
            if unnumbered in self._digests:
                return False
            self._digests.add(unnumbered)
            return True
        if digits > _MAX_NUMBER_DIGITS:
            digits = _MAX_NUMBER_DIGITS
            stem = key[: len(key) - digits]
        number = int(key[len(stem) :])
        if digits == self._last_digits and stem == self._last_stem:
            name = self._last_name
        else:
            name = self._last_name = f"{stem}\x00{digits}"
            self._last_stem, self._last_digits = stem, digits
        bitmap = self._bitmaps.get(name)
        if bitmap is not None and bitmap.has(number):
            return False
        digest = None
        if name in self._spilled:
            digest = self._digest(key)
            if digest in self._digests:
                return False
        if bitmap is None and len(self._bitmaps) < self.MAX_BITMAPS:
            bitmap = self._bitmaps[name] = _Bitmap(number - number % 8)
        if bitmap is not None:
            offset = number - bitmap.base
            if 0 <= offset < 8 * (bitmap.count + self._SLACK):
                byte = offset >> 3
                if byte >= len(bitmap.bits):
                    grow = max(byte + 1 - len(bitmap.bits), len(bitmap.bits))
                    bitmap.bits.extend(bytes(grow))
                bitmap.bits[byte] |= 1 << (offset & 7)
                bitmap.count += 1
                return True
        self._spilled.add(name)
        self._digests.add(self._digest(key) if digest is None else digest)
        return True


class RegisterReader:
    """One register being read; see the module text.  Made by :func:`parse_register`."""

    def __init__(self, parser: Mt102Reader | CsvReader, format: Format, sender: str | None) -> None:
        self.parser = parser
        """The format's reader (:class:`Mt102Reader` or :class:`CsvReader`), for details
        such as :attr:`Mt102Reader.header` and :attr:`Mt102Reader.trailer`."""
        self.format: Format = format
        self._sender = sender
        self._keys = KeySet()
        self._started = False
        self._done = False
        self._accepted = 0
        self._rejected = 0
        self._amount = Decimal(0)
        self._accepted_amount = Decimal(0)
        self._rejected_amount = Decimal(0)
        self._by_code: Counter[str] = Counter()

    @property
    def header(self) -> RegisterHeader:
        """The register's header (raises :class:`RegisterError` for an unreadable one)."""
        line_count = self._accepted + self._rejected if self._done else None
        if isinstance(self.parser, Mt102Reader):
            mt = self.parser.header
            return RegisterHeader(
                format="mt102",
                sender=mt.bank,
                reference=mt.reference,
                declared_total=mt.declared_total,
                paid_on=mt.paid_on,
                line_count=line_count,
                knp=mt.knp,
                payer=mt.payer,
            )
        self.parser.header  # noqa: B018 - reads and checks the header row
        return RegisterHeader(
            format="csv",
            sender=self._sender,
            reference=None,
            declared_total=self._declared_total(),
            paid_on=None,
            line_count=line_count,
        )

    def _declared_total(self) -> Decimal | None:
        if isinstance(self.parser, Mt102Reader):
            return self.parser.header.declared_total
        if self.parser.total is not None:
            return self.parser.total
        return self.parser.file_total

    @property
    def done(self) -> bool:
        """Whether :meth:`lines` has been read to the end."""
        return self._done

    def __iter__(self) -> Iterator[LineResult]:
        return self.lines()

    def lines(self) -> Iterator[LineResult]:
        """Every line of the register, in order, as an :class:`IntakeLine` or a
        :class:`LineError` (R-F-3).  Can be read once."""
        if self._started:
            raise RuntimeError("the lines of a register can be read only once")
        self._started = True
        add_key = self._keys.add
        for result in self.parser.results():
            key = result.reference
            if key is not None and not add_key(key):
                problem = LineProblem(
                    DUPLICATE,
                    "reference",
                    f"the idempotency key {key!r} appears on an earlier line of this register",
                )
                result = result.with_problem(problem)
            if result.ok:
                self._accepted += 1
                self._accepted_amount += result.amount
            else:
                self._rejected += 1
                self._by_code[result.code] += 1
                if result.amount is not None:
                    self._rejected_amount += result.amount
            yield result
        self._amount = self._accepted_amount + self._rejected_amount
        self._done = True

    def totals(self) -> RegisterTotals:
        """The counts and the reconciliation; only after :meth:`lines` has finished."""
        if not self._done:
            raise RuntimeError("read all the lines of the register before its totals")
        declared = self._declared_total()
        problem = None
        if declared is not None and declared != self._amount:
            problem = (
                f"the declared total {declared} differs from the sum of the lines' amounts "
                f"{self._amount}"
            )
        if (
            isinstance(self.parser, CsvReader)
            and self.parser.total is not None
            and self.parser.file_total is not None
            and self.parser.file_total != self._amount
        ):
            problem = (
                f"the total row of the file, {self.parser.file_total}, differs from the sum of "
                f"the lines' amounts {self._amount}"
            )
        return RegisterTotals(
            lines=self._accepted + self._rejected,
            accepted=self._accepted,
            rejected=self._rejected,
            amount=self._amount,
            accepted_amount=self._accepted_amount,
            declared_total=declared,
            matches=problem is None,
            problem=problem,
            rejected_by_code=dict(self._by_code),
        )

    def verify(self) -> RegisterTotals:
        """:meth:`totals`, raising ``register.total_mismatch`` when they do not match (R-L-7)."""
        totals = self.totals()
        if (error := totals.error()) is not None:
            raise error
        return totals


def parse_register(
    stream: Source,
    format: Format | None = None,
    sender: str | None = None,
    *,
    total: Decimal | str | None = None,
    channel: Channel | None = None,
) -> RegisterReader:
    """Open a register for reading (see the module text).

    ``format`` is detected when not given (MT102 starts with ``{1:`` or ``:20:``).  ``sender``
    is the sending bank as known from the transport: for MT102 the key's bank when the message
    names none; for CSV it is only reported in the header.  ``total`` is a CSV register's
    declared total given outside the file.  ``channel`` overrides the MT102 default
    (``bank_branch``).

    >>> reader = parse_register(b"iin,period,amount,knp,payer,paid_on,channel,reference\\n"
    ...     b"900515300018,2025-05,6000.00,122,990140000007,2025-06-25,terminal,T-1\\n")
    >>> [type(r).__name__ for r in reader.lines()], reader.totals().accepted
    (['IntakeLine'], 1)
    """
    if format not in (None, "mt102", "csv"):
        raise ValueError(f"unknown register format {format!r} (expected 'mt102' or 'csv')")
    seekable = as_seekable(stream)
    detected: Format = format if format is not None else detect_format(seekable)
    if detected == "mt102":
        if total is not None:
            raise ValueError("an MT102 register declares its own total (:32A:)")
        return RegisterReader(
            Mt102Reader(seekable, sender=sender, channel=channel), "mt102", sender
        )
    return RegisterReader(CsvReader(seekable, total=total, sender=sender), "csv", sender)
