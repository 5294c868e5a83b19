"""Streaming reader for Kazakh MT102 mass payment lists (R-F-1, SOURCES.md T8).

Layout: an optional envelope ``{1:F01<BIC>…}{2:I102…}{4:`` (the blocks may share a line or
have one each; a message may also start directly with ``:20:``), then sequence A once
(``:20:`` reference, ``:50:/D/`` payer IIK with ``/NAME/``, ``/IDN/`` payer BIN/IIN, ``:52B:``
payer bank, ``:57B:``, ``:59:`` with ``/NAME/ /IDN/``, ``:70:`` with ``/NUM/ /DATE/ /KNP/
/ASSIGN/`` …), sequence B once per person (``:21:`` line number, ``:32B:KZT6000,00``, ``:70:``
then ``/FM/ /NM/ /FT/ /DT/ /IDN/ /PERIOD/``), the trailer ``:32A:YYMMDDKZT<total>`` and ``-}``
(after which only ``{5:…}``-style trailer blocks may follow).  Lines may end in LF or CRLF;
surrounding spaces and a UTF-8 byte order mark are ignored; the text is UTF-8, Windows-1251 or
KZ-1048 (see :mod:`osms.intake._io`; :attr:`Mt102Reader.encoding` names the one used).

Variants read as well (R-F-1):

- ``/PERIOD/`` given once in sequence A (under its ``:70:``) is the period of every person
  block without its own (a block's empty ``/PERIOD/`` counts as none);
- a period of 5 digits is MYYYY, a month below 10 written without its leading zero
  (``/PERIOD/52025`` is May 2025: the number 052025 written as an integer);
- pre-2013 subfields with a double slash (``//FM/ //NM/ //FT/ //DT/ //IDN/`` ...) are read as
  the single-slash ones, in both sequences.

Streaming and the trailer
-------------------------

``paid_on`` of every line is the ``:32A:`` value date, and the ``:32A:`` line comes last.  The
reader therefore works on a *seekable* file (anything else is first copied to a temporary file,
in memory up to 8 MiB, then on disk) and reads in two steps:

1. :attr:`Mt102Reader.header` reads sequence A from the start, then seeks to the end of the file
   and reads the trailer from the last 64 KiB (:func:`read_trailer`), then seeks back.  The
   header thus carries ``paid_on`` and the declared total before any line is read.
2. :meth:`Mt102Reader.raw_lines` streams sequence B one person at a time (a generator; only the
   current person's few text lines are held), then reads the trailer again in the stream and
   checks it is the one read in step 1 and that the message ends properly.  Only then is
   :attr:`Mt102Reader.trailer` set.  Total reconciliation (R-L-7) is the register's job
   (:mod:`osms.intake.register`), after the stream.

Speed: a person block in the usual layout (below) is read, as it stands in the decoded text, by
one regular expression that also checks it is exactly that layout (no blank lines, no spaces
around any line or value), and validated by :class:`~osms.intake.validation.LineValidator`;
any other block goes through the general reader, line by line.  Both give the same lines::

    :21:<line number>
    :32B:KZT<amount>
    :70:
    /FM/<surname>         (each of /FM/ /NM/ /FT/ /DT/ optional, in this order)
    /NM/<given name>
    /FT/<patronymic>
    /DT/<birth date>
    /IDN/<IIN>
    /PERIOD/<MMYYYY>

Sequence B texts: subfields count only under ``:70:`` (``:70:/OPV/C``-style flags on the tag line
are ignored); other tags inside a person's block (``:50:``, ``:59:`` …) are kept in ``raw`` but
ignored.  A text line that is neither a tag nor a subfield continues the previous subfield
(SWIFT wraps ``:70:`` at 35 characters, so the pieces are joined without a separator).

Idempotency key (R-L-7): ``mt102:<bank BIC>:<:20:>:<:21:>``, where the bank is the ``:52B:``
payer bank (an 11-character BIC ending in ``XXX`` is shortened to 8), else the BIC of the
``{1:}`` block, else the ``sender`` given by the caller.  ``:20:`` and ``:21:`` may not contain
``:`` or spaces, so keys cannot collide.  ``line_no`` is the position of the person's block
(1, 2, …), whatever ``:21:`` says.

The channel is :attr:`Channel.BANK_BRANCH` unless the caller passes another one or
sequence A's ``:70:`` carries the subfield ``/CHANNEL/<name>`` (an OSMS extension, not in the
bank layout).  The КНП of sequence A's ``/KNP/`` and its payer ``/IDN/`` apply to every line.

Not supported: several messages in one file (text after ``-}`` rejects the register).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import chain
from typing import IO, Final, TypeAlias, TypeVar

from osms.clock import today as kazakhstan_today
from osms.intake._io import LineCursor, LineDecoder, Source, as_seekable
from osms.intake._once import ReadOnce
from osms.intake.lines import (
    AMOUNT_LIMIT,
    MALFORMED,
    REGISTER_MALFORMED,
    LineProblem,
    LineResult,
    RegisterError,
)
from osms.intake.validation import LineValidator, RawLine, parse_amount
from osms.rules.facts import Channel

__all__ = [
    "TAIL_BYTES",
    "Mt102Header",
    "Mt102Reader",
    "Mt102Trailer",
    "read_trailer",
]

TAIL_BYTES: Final = 64 * 1024
"""How much of the file's end is searched for the ``:32A:`` trailer."""

MAX_BLOCK_LINES: Final = 100
"""More text lines than this in one person's block make the line ``line.malformed``."""

_MAX_HEADER_LINES: Final = 500
_MAX_ENVELOPE_CHARS: Final = 4096

_TAG = re.compile(r"^:(\d{2}[A-Z]?):(.*)$", re.ASCII)
_SUBFIELD = re.compile(r"^//?([A-Z]{1,10})/(.*)$", re.ASCII)
"""A subfield ``/NAME/value``; pre-2013 lists write ``//NAME/value``."""
_TRAILER = re.compile(r"^:32A:(\d{2})(\d{2})(\d{2})([A-Z]{3})(.*)$", re.ASCII)
_BLOCK1 = re.compile(r"\{1:[A-Z]\d{2}([A-Z0-9]{8})", re.ASCII)
_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$", re.ASCII)
_KEY_CHAR = r"[^\s:\x00-\x1f\x7f-\x9f]"
"""A character of a key part: no space, no ``:``, no control character."""
_KEY_PART = re.compile(rf"^{_KEY_CHAR}{{1,35}}$")
_YYMMDD = re.compile(r"^(\d{2})(\d{2})(\d{2})$", re.ASCII)
_CURRENCY_AMOUNT = re.compile(r"^([A-Z]{3})(.*)$", re.ASCII)

# The usual person block (see the module text).  A value has no space at either end, so a
# line matches only when the general reader, which strips lines and values, reads the same
# text; the line number is a valid key part.  Groups: :21:, the amount after KZT, then /FM/
# /NM/ /FT/ /DT/ /IDN/ /PERIOD/ (None when absent: then sequence A's /PERIOD/ applies).
_VALUE = r"(\S[^\n]*(?<!\s)|)"
_USUAL_PERSON = (
    rf":21:({_KEY_CHAR}{{1,35}})\n"
    rf":32B:KZT{_VALUE}\n"
    r":70:\n"
    rf"(?:/FM/{_VALUE}\n)?"
    rf"(?:/NM/{_VALUE}\n)?"
    rf"(?:/FT/{_VALUE}\n)?"
    rf"(?:/DT/{_VALUE}\n)?"
    rf"/IDN/{_VALUE}"
    rf"(?:\n/PERIOD/{_VALUE})?"
)
_USUAL_BLOCK = re.compile(_USUAL_PERSON)
"""One block's stripped lines joined by LF (:meth:`Mt102Reader._person`)."""
_USUAL_IN_TEXT = re.compile(rf"({_USUAL_PERSON})\n(?=:21:|:32A:)")
"""A block in the decoded text, followed by the next block or the trailer; group 1 is the
block's text, as the general reader gives it in ``raw``."""
_USUAL_LINES: Final = 9
"""The most lines a usual block has."""

_T = TypeVar("_T")
_Handlers: TypeAlias = tuple[
    Callable[[int, re.Match[str]], _T], Callable[[int, list[str], int], _T]
]
"""``(usual, general)``: what :meth:`Mt102Reader._persons` makes of each person block."""
_BLOCK_FIELDS: Final = {"21": "reference", "32B": "amount", "70": "raw"}
_PERSON: Final = {
    "FM": "surname",
    "NM": "given_name",
    "FT": "patronymic",
    "DT": "birth_date",
    "IDN": "iin",
    "PERIOD": "period",
}


def _malformed(message: str, line_no: int | None = None, field: str | None = None) -> RegisterError:
    where = f"line {line_no}: " if line_no is not None else ""
    return RegisterError(REGISTER_MALFORMED, where + message, line_no=line_no, field=field)


def _period(text: str | None, header: Mt102Header) -> str | None:
    """A block's period text (R-F-1): its own ``/PERIOD/``, else sequence A's; 5 digits are
    MYYYY and get their leading zero back.

    >>> header = Mt102Header("R", "BANKKZKA", "990140000007", "122", Channel.BANK_BRANCH,
    ...                      date(2025, 6, 25), Decimal(0), "KZT", period="52025")
    >>> [_period(text, header) for text in ("122024", None, "", "02025")]
    ['122024', '052025', '052025', '02025']
    """
    if not text and header.period is not None:
        text = header.period
    if text is not None and len(text) == 5 and text.isdigit() and text.isascii() and text[0] != "0":
        return "0" + text
    return text


def _line_no(text: str, first: int, position: int) -> int:
    """The number of the line at ``position`` of a batch's text whose first line is ``first``."""
    return first + text.count("\n", 0, position)


@dataclass(frozen=True, slots=True)
class Mt102Trailer:
    """The ``:32A:`` line: value date (the payment date), currency and declared total."""

    value_date: date
    currency: str
    total: Decimal
    text: str


@dataclass(frozen=True, slots=True)
class Mt102Header:
    """Sequence A, with the trailer's value date and total read ahead (see the module text)."""

    reference: str
    """``:20:``, the sender's reference."""
    bank: str
    """The BIC in the idempotency keys (``:52B:``, else ``{1:}``, else the caller's sender)."""
    payer: str
    """``/IDN/`` under ``:50:`` as written (validated per line: ``line.invalid_payer``)."""
    knp: str
    """``/KNP/`` under ``:70:`` as written (validated per line: ``line.unknown_knp``)."""
    channel: Channel
    paid_on: date
    """The ``:32A:`` value date."""
    declared_total: Decimal
    """The ``:32A:`` total."""
    currency: str
    sender_bic: str | None = None
    """The BIC (8 characters) of the ``{1:}`` basic header block, when there is one."""
    payer_bank: str | None = None
    payer_account: str | None = None
    payer_name: str | None = None
    beneficiary_bank: str | None = None
    beneficiary_account: str | None = None
    beneficiary_name: str | None = None
    beneficiary_bin: str | None = None
    document_number: str | None = None
    document_date: date | None = None
    """``/DATE/`` (YYMMDD); ``None`` when absent or unreadable (informative only)."""
    purpose: str | None = None
    """``/ASSIGN/``, the purpose text."""
    period: str | None = None
    """``/PERIOD/`` under sequence A's ``:70:``, as written: the period of every person block
    without its own (R-F-1 variant)."""
    envelope: bool = True
    """Whether the message has the ``{1:}…{4:`` envelope (and so must end with ``-}``)."""
    fields: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)
    """Every sequence A tag (``"50"``, ``"70"`` …) with its value (key ``""``) and subfields."""


def _parse_trailer(text: str, line_no: int | None) -> Mt102Trailer:
    match = _TRAILER.match(text)
    if match is None:
        raise _malformed(f"trailer {text[:60]!r} is not :32A:YYMMDD<currency><total>", line_no)
    yy, mm, dd, currency, amount = match.groups()
    try:
        value_date = date(2000 + int(yy), int(mm), int(dd))
    except ValueError:
        raise _malformed(f"trailer value date {yy}{mm}{dd} is not a date", line_no) from None
    if currency != "KZT":
        raise _malformed(f"trailer currency is {currency}, expected KZT", line_no)
    try:
        total = parse_amount(amount)
    except ValueError as error:
        raise _malformed(f"trailer total: {error}", line_no) from None
    if total < 0:
        raise _malformed(f"trailer total {amount!r} is negative", line_no)
    if total >= AMOUNT_LIMIT:
        raise _malformed(
            f"trailer total {total} is not below {AMOUNT_LIMIT}, the most a register can declare",
            line_no,
        )
    return Mt102Trailer(value_date, currency, total, text)


def read_trailer(stream: IO[bytes], start: int = 0) -> Mt102Trailer:
    """The ``:32A:`` trailer found in the last :data:`TAIL_BYTES` of a seekable file.

    The stream position is restored.  Raises :class:`RegisterError` when there is none.

    >>> read_trailer(io.BytesIO(b":20:X\\r\\n:32A:250625KZT23000,00\\r\\n-}\\r\\n")).total
    Decimal('23000.00')
    """
    position = stream.tell()
    try:
        end = stream.seek(0, io.SEEK_END)
        tail_start = max(start, end - TAIL_BYTES)
        stream.seek(tail_start)
        chunk = stream.read(end - tail_start)
    except (OSError, ValueError) as error:
        raise _malformed(f"the register cannot be read: {error}") from None
    finally:
        stream.seek(position)
    lines = chunk.split(b"\n")
    if tail_start > start:
        lines = lines[1:]  # the first piece may be the end of a longer line
    for raw in reversed(lines):
        text = raw.strip()
        if text.startswith(b":32A:"):
            try:
                decoded = text.decode("ascii")
            except UnicodeDecodeError:
                raise _malformed(f"trailer {text[:60]!r} is not ASCII text") from None
            return _parse_trailer(decoded, None)
    raise _malformed("no trailer :32A:YYMMDDKZT<total> at the end of the message", field=":32A:")


class _Tag:
    __slots__ = ("name", "subfields", "value")

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self.value = value
        self.subfields: dict[str, str] = {}


class Mt102Reader:
    """Reads one MT102 message: :attr:`header` first, then :meth:`raw_lines` (once).

    ``sender`` is the sending bank's BIC as known from the transport; it is used in the
    idempotency keys only when the message names no bank.  ``channel`` overrides the default
    :attr:`Channel.BANK_BRANCH`.  ``today`` sets the latest payment date accepted
    (:func:`~osms.intake.validation.paid_on_window`); default: today in Kazakhstan.
    """

    def __init__(
        self,
        source: Source,
        *,
        sender: str | None = None,
        channel: Channel | None = None,
        today: date | None = None,
    ) -> None:
        self._stream = as_seekable(source)
        try:
            self._start = self._stream.tell()
        except (OSError, ValueError) as error:
            raise _malformed(f"the register cannot be read: {error}") from None
        self._decoder = LineDecoder()
        self._sender = sender
        self._channel = channel
        self._today = kazakhstan_today() if today is None else today
        self._header: ReadOnce[Mt102Header] = ReadOnce()
        self._envelope = ""
        self._cursor: LineCursor | None = None
        self._first: tuple[int, str] | None = None
        self._streamed = False
        self.trailer: Mt102Trailer | None = None
        """The trailer as read in the stream; set once :meth:`raw_lines` has finished."""
        self.line_count: int | None = None
        """The number of person blocks; set once :meth:`raw_lines` has finished."""

    @property
    def encoding(self) -> str | None:
        """The encoding the text was read in: ``"utf-8"``, ``"cp1251"`` or ``"kz1048"`` once a
        non-ASCII line was read, else ``None`` (see :mod:`osms.intake._io`).  Final once
        :meth:`raw_lines` or :meth:`results` has finished (a Windows-1251 register turns
        KZ-1048 at its first Kazakh letter)."""
        return self._decoder.encoding

    @property
    def header(self) -> Mt102Header:
        """Sequence A and the trailer's date and total (raises :class:`RegisterError`)."""
        return self._header.get(self._read_header)

    # -- sequence A --------------------------------------------------------------------------

    def _read_header(self) -> Mt102Header:
        self._cursor = LineCursor(self._stream, self._decoder)
        lines = self._cursor.lines()
        envelope, first = self._read_envelope(lines)
        tags: dict[str, _Tag] = {}
        current: _Tag | None = None
        last_subfield: str | None = None
        count = 0
        for line_no, raw_text in chain(first, lines):
            text = raw_text.strip()
            if not text:
                continue
            count += 1
            if count > _MAX_HEADER_LINES:
                raise _malformed(f"sequence A is longer than {_MAX_HEADER_LINES} lines", line_no)
            if text.startswith((":21:", ":32A:")):
                self._first = (line_no, text)
                break
            if text.startswith("-}"):
                raise _malformed("the message ends before its trailer :32A:", line_no)
            if match := _TAG.match(text):
                name, value = match.groups()
                if name in tags:
                    raise _malformed(f"tag :{name}: appears twice in sequence A", line_no)
                current = tags[name] = _Tag(name, value.strip())
                last_subfield = None
                if sub := _SUBFIELD.match(current.value):
                    current.value = ""
                    last_subfield = self._subfield(current, sub, line_no)
                continue
            if current is None:
                raise _malformed(f"expected the tag :20:, found {text[:40]!r}", line_no)
            if sub := _SUBFIELD.match(text):
                last_subfield = self._subfield(current, sub, line_no)
            elif last_subfield is not None:
                current.subfields[last_subfield] += text
            else:
                current.value += text
        else:
            raise _malformed("the message has no payment lines (:21:) and no trailer (:32A:)")
        return self._build_header(tags, envelope)

    @staticmethod
    def _subfield(tag: _Tag, match: re.Match[str], line_no: int) -> str:
        name, value = match.groups()
        if name in tag.subfields:
            raise _malformed(f"subfield /{name}/ appears twice under :{tag.name}:", line_no)
        tag.subfields[name] = value.strip()
        return name

    def _read_envelope(
        self, lines: Iterator[tuple[int, str]]
    ) -> tuple[bool, list[tuple[int, str]]]:
        """Skip ``{1:}{2:}{3:}{4:``; the envelope flag and the first line of sequence A."""
        envelope_text = ""
        for line_no, raw_text in lines:
            text = raw_text.strip()
            if not text:
                continue
            if not envelope_text and text.startswith(":"):
                return False, [(line_no, text)]
            if not text.startswith("{"):
                if not envelope_text:
                    raise _malformed(
                        f"not an MT102 message: it starts with {text[:40]!r}, "
                        "expected {1: or :20:",
                        line_no,
                    )
                raise _malformed(
                    f"expected a block {{n: in the envelope, found {text[:40]!r}", line_no
                )
            envelope_text += text
            if len(envelope_text) > _MAX_ENVELOPE_CHARS:
                raise _malformed("the message envelope {1:}{2:}{4: is too long", line_no)
            if "{4:" in envelope_text:
                before, _, after = envelope_text.partition("{4:")
                if not before.startswith("{1:"):
                    raise _malformed("the envelope does not start with {1:", line_no)
                self._envelope = before
                rest = after.strip()
                return True, [(line_no, rest)] if rest else []
        if envelope_text:
            raise _malformed("the envelope has no text block {4:")
        raise _malformed("the register is empty")

    def _build_header(self, tags: dict[str, _Tag], envelope: bool) -> Mt102Header:
        def sub(tag: str, name: str) -> str | None:
            found = tags.get(tag)
            value = found.subfields.get(name) if found else None
            return value or None

        def value(tag: str) -> str | None:
            found = tags.get(tag)
            return found.value or None if found else None

        reference = value("20")
        if reference is None:
            raise _malformed("sequence A has no reference :20:", field=":20:")
        if not _KEY_PART.match(reference):
            raise _malformed(
                f"reference :20: {reference[:40]!r} must be 1-35 characters without ':' or spaces",
                field=":20:",
            )
        if "50" not in tags:
            raise _malformed("sequence A has no payer :50:", field=":50:")
        payer = sub("50", "IDN")
        if payer is None:
            raise _malformed("the payer :50: has no /IDN/ (BIN or IIN)", field=":50:/IDN/")
        knp = sub("70", "KNP")
        if knp is None:
            raise _malformed("sequence A :70: has no /KNP/ (payment purpose code)", field="/KNP/")

        sender_bic = None
        if envelope and (match := _BLOCK1.search(self._envelope)):
            sender_bic = match.group(1)
        payer_bank = value("52B")
        if payer_bank is not None:
            payer_bank = payer_bank.upper()
            if not _BIC.match(payer_bank):
                raise _malformed(
                    f"payer bank :52B: {payer_bank[:20]!r} is not a BIC", field=":52B:"
                )
            if len(payer_bank) == 11 and payer_bank.endswith("XXX"):
                payer_bank = payer_bank[:8]
        bank = payer_bank or sender_bic or (self._sender.strip() if self._sender else None)
        if not bank:
            raise _malformed(
                "the message names no bank (:52B: or the {1:} block) for the idempotency key; "
                "pass sender=",
                field=":52B:",
            )
        if not _KEY_PART.match(bank):
            raise _malformed(f"sender {bank[:20]!r} may not contain ':' or spaces")

        channel = self._channel or Channel.BANK_BRANCH
        if (channel_text := sub("70", "CHANNEL")) is not None:
            try:
                channel = Channel(channel_text.lower())
            except ValueError:
                raise _malformed(f"unknown channel /CHANNEL/{channel_text[:20]}") from None

        document_date = None
        if (date_text := sub("70", "DATE")) and (m := _YYMMDD.match(date_text)):
            try:
                document_date = date(2000 + int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                document_date = None

        position = self._stream.tell()
        trailer = read_trailer(self._stream, self._start)
        self._stream.seek(position)

        return Mt102Header(
            reference=reference,
            bank=bank,
            payer=payer,
            knp=knp,
            channel=channel,
            paid_on=trailer.value_date,
            declared_total=trailer.total,
            currency=trailer.currency,
            sender_bic=sender_bic,
            payer_bank=payer_bank,
            payer_account=sub("50", "D"),
            payer_name=sub("50", "NAME"),
            beneficiary_bank=value("57B"),
            beneficiary_account=value("59"),
            beneficiary_name=sub("59", "NAME"),
            beneficiary_bin=sub("59", "IDN"),
            document_number=sub("70", "NUM"),
            document_date=document_date,
            purpose=sub("70", "ASSIGN"),
            period=sub("70", "PERIOD"),
            envelope=envelope,
            fields={name: {"": tag.value, **tag.subfields} for name, tag in tags.items()},
        )

    # -- sequence B and the trailer ------------------------------------------------------------

    def raw_lines(self) -> Iterator[RawLine]:
        """The person blocks as :class:`RawLine`, one at a time, then the trailer checks.

        Raises :class:`RegisterError` for a fault that makes the message unreadable.
        """

        def handlers(header: Mt102Header) -> _Handlers[RawLine]:
            def usual(ordinal: int, match: re.Match[str]) -> RawLine:
                return self._usual_raw_line(ordinal, match.group(1), match.groups()[1:], header)

            def general(ordinal: int, block: list[str], count: int) -> RawLine:
                return self._person(ordinal, block, count, header)

            return usual, general

        return self._persons(handlers)

    def results(self) -> Iterator[LineResult]:
        """The person blocks validated, one at a time, then the trailer checks: what
        :meth:`raw_lines` and :meth:`RawLine.validate` give, faster (see the module text)."""

        def handlers(header: Mt102Header) -> _Handlers[LineResult]:
            validator = LineValidator(self._today)
            context = validator.context(header.knp, header.payer, header.paid_on, header.channel)
            key = f"mt102:{header.bank}:{header.reference}:"

            def usual(ordinal: int, match: re.Match[str]) -> LineResult:
                raw, line_ref, amount, surname, given_name, patronymic, birth, iin, period = (
                    match.groups()
                )
                if period is None or len(period) != 6:
                    period = _period(period, header)
                if context is not None and period is not None:
                    line = validator.line(
                        context,
                        ordinal,
                        iin,
                        period,
                        amount,
                        key + line_ref,
                        surname,
                        given_name,
                        patronymic,
                        birth,
                        raw,
                    )
                    if line is not None:
                        return line
                fields = match.groups()[1:]
                return self._usual_raw_line(ordinal, raw, fields, header).validate(self._today)

            def general(ordinal: int, block: list[str], count: int) -> LineResult:
                return self._person(ordinal, block, count, header).validate(self._today)

            return usual, general

        return self._persons(handlers)

    def _persons(self, handlers: Callable[[Mt102Header], _Handlers[_T]]) -> Iterator[_T]:
        """Sequence B, then the trailer checks.  With ``usual, general = handlers(header)``,
        each usual block (:data:`_USUAL_IN_TEXT`) is ``usual(ordinal, match)`` and any other
        ``general(ordinal, its stripped lines, their count)``."""
        header = self.header
        if self._streamed:
            raise RuntimeError("the lines of an MT102 message can be read only once")
        self._streamed = True
        usual, general = handlers(header)
        assert self._cursor is not None and self._first is not None
        match_usual = _USUAL_IN_TEXT.match
        block: list[str] | None = None
        block_lines = 0
        ordinal = 0
        trailer: Mt102Trailer | None = None
        ended = False
        first_no, first_text = self._first
        for start, text in chain(((first_no, first_text),), self._cursor.texts()):
            # Each line of the text ends in LF; a line's number is found from its position
            # only for an error.
            text += "\n"
            size = len(text)
            pos = 0
            while pos < size:
                line_start = pos
                pos = text.index("\n", pos) + 1
                line = text[line_start : pos - 1].strip()
                if not line:
                    continue
                if trailer is None:
                    if line.startswith((":21:", ":32A:")):
                        if block is not None:
                            ordinal += 1
                            yield general(ordinal, block, block_lines)
                            block = None
                        if line.startswith(":21:"):
                            found = match_usual(text, line_start)
                            if found is None:
                                block, block_lines = [line], 1
                                continue
                            while found is not None:
                                ordinal += 1
                                yield usual(ordinal, found)
                                pos = found.end()
                                found = match_usual(text, pos)
                        else:
                            trailer = _parse_trailer(line, _line_no(text, start, line_start))
                        continue
                    if line.startswith("-}"):
                        raise _malformed(
                            "the message ends before its trailer :32A:",
                            _line_no(text, start, line_start),
                        )
                    assert block is not None
                    block_lines += 1
                    if block_lines <= MAX_BLOCK_LINES:
                        block.append(line)
                    continue
                if line.startswith("-}") and not ended:
                    ended = True
                    rest = line[2:].strip()
                    if rest and not rest.startswith("{"):
                        raise _malformed(
                            f"text after the end of the message: {rest[:40]!r}",
                            _line_no(text, start, line_start),
                        )
                    continue
                if ended and line.startswith("{"):
                    continue  # trailer blocks {5:…}
                raise _malformed(
                    f"text after the trailer :32A:: {line[:40]!r}",
                    _line_no(text, start, line_start),
                )
        if trailer is None:
            raise _malformed("the message has no trailer :32A:")
        if header.envelope and not ended:
            raise _malformed("the message does not end with -}")
        if (trailer.value_date, trailer.total) != (header.paid_on, header.declared_total):
            raise _malformed("the trailer :32A: in the message is not the last one in the file")
        if ordinal == 0:
            raise _malformed("the message has no payment lines (:21:)")
        self.trailer = trailer
        self.line_count = ordinal

    def _person(self, ordinal: int, block: list[str], count: int, header: Mt102Header) -> RawLine:
        """One person's block (its stripped, non-blank text lines) as a :class:`RawLine`."""
        raw = "\n".join(block)
        if count <= _USUAL_LINES and (match := _USUAL_BLOCK.fullmatch(raw)):
            # The usual layout: one regular expression reads it all.  The general reader below
            # gives the same result for it, only slower.
            return self._usual_raw_line(ordinal, raw, match.groups(), header)
        return self._person_general(ordinal, block, raw, count, header)

    @staticmethod
    def _usual_raw_line(
        ordinal: int, raw: str, fields: Sequence[str | None], header: Mt102Header
    ) -> RawLine:
        """The :class:`RawLine` of a usual block, from the groups of :data:`_USUAL_BLOCK`."""
        line_ref, amount, surname, given_name, patronymic, birth, iin, period = fields
        return RawLine(
            line_no=ordinal,
            raw=raw,
            iin=iin,
            period=_period(period, header),
            amount=amount,
            knp=header.knp,
            payer=header.payer,
            paid_on=header.paid_on,
            channel=header.channel,
            reference=f"mt102:{header.bank}:{header.reference}:{line_ref}",
            surname=surname,
            given_name=given_name,
            patronymic=patronymic,
            birth_date=birth,
        )

    def _person_general(
        self, ordinal: int, block: list[str], raw: str, count: int, header: Mt102Header
    ) -> RawLine:
        problems: list[LineProblem] = []

        def problem(field: str, message: str) -> None:
            problems.append(LineProblem(MALFORMED, field, message))

        if count > MAX_BLOCK_LINES:
            problem("raw", f"the block has {count} text lines, more than {MAX_BLOCK_LINES}")
        seen: set[str] = set()
        line_ref: str | None = None
        amount: str | None = None
        person: dict[str, str] = {}
        current: str | None = None
        last: str | None = None
        for text in block:
            first = text[0]
            if first == ":" and (match := _TAG.match(text)):
                current, value = match.groups()
                value = value.strip()
                last = None
                if current in seen and current in _BLOCK_FIELDS:
                    problem(_BLOCK_FIELDS[current], f"tag :{current}: appears twice in the block")
                    current = "?"
                    continue
                seen.add(current)
                if current == "21":
                    line_ref = value
                elif current == "32B":
                    amount = value
                elif current == "70" and (sub := _SUBFIELD.match(value)):
                    last = self._person_field(person, sub, problem)
                continue
            if first == "/" and (match := _SUBFIELD.match(text)):
                if current == "70":
                    last = self._person_field(person, match, problem)
                elif current in ("21", "32B"):
                    name = match.group(1)
                    problem(_PERSON.get(name, "raw"), f"subfield /{name}/ is not under :70:")
                continue
            if current == "70" and last is not None:
                person[last] += text
            elif current in ("21", "32B"):
                problem(_BLOCK_FIELDS[current], f"unexpected text {text[:40]!r} after :{current}:")

        return self._raw_line(ordinal, raw, line_ref, amount, person, problems, header)

    @staticmethod
    def _raw_line(
        ordinal: int,
        raw: str,
        line_ref: str | None,
        amount: str | None,
        person: dict[str, str],
        problems: list[LineProblem],
        header: Mt102Header,
    ) -> RawLine:
        def problem(field: str, message: str) -> None:
            problems.append(LineProblem(MALFORMED, field, message))

        reference: str | None = None
        if line_ref is not None:
            if _KEY_PART.match(line_ref):
                reference = f"mt102:{header.bank}:{header.reference}:{line_ref}"
            else:
                problem(
                    "reference",
                    f"line number :21: {line_ref[:40]!r} must be 1-35 characters without ':' "
                    "or spaces",
                )
        amount_text: str | None = None
        if amount is not None:
            if (m := _CURRENCY_AMOUNT.match(amount)) is None:
                problem("amount", f"amount :32B: {amount[:40]!r} does not start with KZT")
            elif m.group(1) != "KZT":
                problem("amount", f"amount :32B: {amount[:40]!r} is in {m.group(1)}, not KZT")
            else:
                amount_text = m.group(2)

        return RawLine(
            line_no=ordinal,
            raw=raw,
            iin=person.get("IDN"),
            period=_period(person.get("PERIOD"), header),
            amount=amount_text,
            knp=header.knp,
            payer=header.payer,
            paid_on=header.paid_on,
            channel=header.channel,
            reference=reference,
            surname=person.get("FM"),
            given_name=person.get("NM"),
            patronymic=person.get("FT"),
            birth_date=person.get("DT"),
            problems=tuple(problems),
        )

    @staticmethod
    def _person_field(
        person: dict[str, str],
        match: re.Match[str],
        problem: Callable[[str, str], None],
    ) -> str | None:
        name, value = match.groups()
        if name in person:
            problem(_PERSON.get(name, "raw"), f"subfield /{name}/ appears twice in the block")
            return None
        person[name] = value.strip()
        return name
