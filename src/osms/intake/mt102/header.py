"""The MT102 header: sequence A (the envelope ``{1:}{2:}{4:``, then the message's reference,
payer, payer bank, beneficiary and purpose ``/KNP/``) and the trailer ``:32A:YYMMDDKZT<total>``,
whose value date (every line's ``paid_on``) and declared total are read ahead from the end of
the file (see :mod:`osms.intake.mt102`)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import chain
from typing import IO, Final

from osms.intake.lines import AMOUNT_LIMIT
from osms.intake.mt102.syntax import KEY_PART, SUBFIELD, TAG, malformed
from osms.intake.validation import parse_amount
from osms.rules.facts import Channel

__all__ = [
    "TAIL_BYTES",
    "Mt102Header",
    "Mt102Party",
    "Mt102Trailer",
    "parse_trailer",
    "peek_reference",
    "read_header",
    "read_trailer",
]


TAIL_BYTES: Final = 64 * 1024
"""How much of the file's end is searched for the ``:32A:`` trailer."""

_TRAILER = re.compile(r"^:32A:(\d{2})(\d{2})(\d{2})([A-Z]{3})(.*)$", re.ASCII)


@dataclass(frozen=True, slots=True)
class Mt102Trailer:
    """The ``:32A:`` line: value date (the payment date), currency and declared total."""

    value_date: date
    currency: str
    total: Decimal
    text: str


def parse_trailer(text: str, line_no: int | None) -> Mt102Trailer:
    match = _TRAILER.match(text)
    if match is None:
        raise malformed(f"trailer {text[:60]!r} is not :32A:YYMMDD<currency><total>", line_no)
    yy, mm, dd, currency, amount = match.groups()
    try:
        value_date = date(2000 + int(yy), int(mm), int(dd))
    except ValueError:
        raise malformed(f"trailer value date {yy}{mm}{dd} is not a date", line_no) from None
    if currency != "KZT":
        raise malformed(f"trailer currency is {currency}, expected KZT", line_no)
    try:
        total = parse_amount(amount)
    except ValueError as error:
        raise malformed(f"trailer total: {error}", line_no) from None
    if total < 0:
        raise malformed(f"trailer total {amount!r} is negative", line_no)
    if total >= AMOUNT_LIMIT:
        raise malformed(
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
        raise malformed(f"the register cannot be read: {error}") from None
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
                raise malformed(f"trailer {text[:60]!r} is not ASCII text") from None
            return parse_trailer(decoded, None)
    raise malformed("no trailer :32A:YYMMDDKZT<total> at the end of the message", field=":32A:")


_REFERENCE_LINE = re.compile(rb"(?:^|\{4:)[ \t]*:20:([^\r\n]*)", re.MULTILINE)


def peek_reference(stream: IO[bytes]) -> str | None:
    """The ``:20:`` reference of a message as written in its first :data:`TAIL_BYTES`, when it
    is a valid one (1-35 characters without ``:`` or spaces), else None; the position is kept.

    For the report of a message rejected while its header is read (a ``:32A:`` that is no
    date …): it still names the message by its own reference.

    >>> peek_reference(io.BytesIO(b"{1:F01X}{2:I102X}{4:\\r\\n:20:REF-7\\r\\n:32A:270229KZT1,00"))
    'REF-7'
    >>> peek_reference(io.BytesIO(b":20:" + b"R" * 100)) is None
    True
    """
    position = stream.tell()
    try:
        head = stream.read(TAIL_BYTES)
    except (OSError, ValueError):
        return None
    finally:
        stream.seek(position)
    match = _REFERENCE_LINE.search(head)
    if match is None:
        return None
    written = match.group(1).strip()
    try:
        reference = written.decode("utf-8")
    except UnicodeDecodeError:
        reference = written.decode("cp1251", "replace")
    return reference if KEY_PART.match(reference) else None


_MAX_HEADER_LINES: Final = 500
_MAX_ENVELOPE_CHARS: Final = 4096
_BLOCK1 = re.compile(r"\{1:[A-Z]\d{2}([A-Z0-9]{8})", re.ASCII)
_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$", re.ASCII)
_YYMMDD = re.compile(r"^(\d{2})(\d{2})(\d{2})$", re.ASCII)


@dataclass(frozen=True, slots=True)
class Mt102Party:
    """One side of the transfer as sequence A writes it (informative only): the payer, whose
    account ``/D/``, ``/NAME/`` and ``/IDN/`` stand under ``:50:`` and whose bank is ``:52B:``,
    or the beneficiary, under ``:59:`` with its bank ``:57B:``.  A part not written is None."""

    bank: str | None
    account: str | None
    name: str | None
    idn: str | None
    """The BIN or IIN."""


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
    ordering: Mt102Party = Mt102Party(None, None, None, None)
    """Who pays: ``:50:`` with its bank ``:52B:`` (``ordering.idn`` is :attr:`payer`)."""
    beneficiary: Mt102Party = Mt102Party(None, None, None, None)
    """Who is paid, the Fund: ``:59:`` with its bank ``:57B:``."""
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


class _Tag:
    __slots__ = ("name", "subfields", "value")

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self.value = value
        self.subfields: dict[str, str] = {}


def read_header(
    lines: Iterator[tuple[int, str]],
    trailer: Callable[[], Mt102Trailer],
    sender: str | None,
    channel: Channel | None,
) -> tuple[Mt102Header, tuple[int, str]]:
    """Sequence A, read from ``lines`` up to the first ``:21:`` or ``:32A:`` line, which is
    returned with the header.  ``trailer()`` reads the trailer ahead
    (:func:`read_trailer`); ``sender`` and ``channel`` are the
    caller's (see :class:`~osms.intake.mt102.Mt102Reader`).
    """
    envelope, first = _read_envelope(lines)
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
            raise malformed(f"sequence A is longer than {_MAX_HEADER_LINES} lines", line_no)
        if text.startswith((":21:", ":32A:")):
            return _build_header(tags, envelope, trailer, sender, channel), (line_no, text)
        if text.startswith("-}"):
            raise malformed("the message ends before its trailer :32A:", line_no)
        if match := TAG.match(text):
            name, value = match.groups()
            if name in tags:
                raise malformed(f"tag :{name}: appears twice in sequence A", line_no)
            current = tags[name] = _Tag(name, value.strip())
            last_subfield = None
            if sub := SUBFIELD.match(current.value):
                current.value = ""
                last_subfield = _subfield(current, sub, line_no)
            continue
        if current is None:
            raise malformed(f"expected the tag :20:, found {text[:40]!r}", line_no)
        if sub := SUBFIELD.match(text):
            last_subfield = _subfield(current, sub, line_no)
        elif last_subfield is not None:
            current.subfields[last_subfield] += text
        else:
            current.value += text
    raise malformed("the message has no payment lines (:21:) and no trailer (:32A:)")


def _subfield(tag: _Tag, match: re.Match[str], line_no: int) -> str:
    name, value = match.groups()
    if name in tag.subfields:
        raise malformed(f"subfield /{name}/ appears twice under :{tag.name}:", line_no)
    tag.subfields[name] = value.strip()
    return name


def _read_envelope(lines: Iterator[tuple[int, str]]) -> tuple[str | None, list[tuple[int, str]]]:
    """Skip ``{1:}{2:}{3:}{4:``: the envelope's blocks before ``{4:`` (None without an
    envelope) and the first line of sequence A."""
    envelope_text = ""
    for line_no, raw_text in lines:
        text = raw_text.strip()
        if not text:
            continue
        if not envelope_text and text.startswith(":"):
            return None, [(line_no, text)]
        if not text.startswith("{"):
            if not envelope_text:
                raise malformed(
                    f"not an MT102 message: it starts with {text[:40]!r}, expected {{1: or :20:",
                    line_no,
                )
            raise malformed(f"expected a block {{n: in the envelope, found {text[:40]!r}", line_no)
        envelope_text += text
        if len(envelope_text) > _MAX_ENVELOPE_CHARS:
            raise malformed("the message envelope {1:}{2:}{4: is too long", line_no)
        if "{4:" in envelope_text:
            before, _, after = envelope_text.partition("{4:")
            if not before.startswith("{1:"):
                raise malformed("the envelope does not start with {1:", line_no)
            rest = after.strip()
            return before, [(line_no, rest)] if rest else []
    if envelope_text:
        raise malformed("the envelope has no text block {4:")
    raise malformed("the register is empty")


def _build_header(
    tags: dict[str, _Tag],
    envelope: str | None,
    trailer: Callable[[], Mt102Trailer],
    sender: str | None,
    channel: Channel | None,
) -> Mt102Header:
    def sub(tag: str, name: str) -> str | None:
        found = tags.get(tag)
        value = found.subfields.get(name) if found else None
        return value or None

    def value(tag: str) -> str | None:
        found = tags.get(tag)
        return found.value or None if found else None

    reference = value("20")
    if reference is None:
        raise malformed("sequence A has no reference :20:", field=":20:")
    if not KEY_PART.match(reference):
        raise malformed(
            f"reference :20: {reference[:40]!r} must be 1-35 characters without ':' or spaces",
            field=":20:",
        )
    if "50" not in tags:
        raise malformed("sequence A has no payer :50:", field=":50:")
    payer = sub("50", "IDN")
    if payer is None:
        raise malformed("the payer :50: has no /IDN/ (BIN or IIN)", field=":50:/IDN/")
    knp = sub("70", "KNP")
    if knp is None:
        raise malformed("sequence A :70: has no /KNP/ (payment purpose code)", field="/KNP/")

    sender_bic = None
    if envelope and (match := _BLOCK1.search(envelope)):
        sender_bic = match.group(1)
    payer_bank = value("52B")
    if payer_bank is not None:
        payer_bank = payer_bank.upper()
        if not _BIC.match(payer_bank):
            raise malformed(f"payer bank :52B: {payer_bank[:20]!r} is not a BIC", field=":52B:")
        if len(payer_bank) == 11 and payer_bank.endswith("XXX"):
            payer_bank = payer_bank[:8]
    bank = payer_bank or sender_bic or (sender.strip() if sender else None)
    if not bank:
        raise malformed(
            "the message names no bank (:52B: or the {1:} block) for the idempotency key; "
            "pass sender=",
            field=":52B:",
        )
    if not KEY_PART.match(bank):
        raise malformed(f"sender {bank[:20]!r} may not contain ':' or spaces")

    channel = channel or Channel.BANK_BRANCH
    if (channel_text := sub("70", "CHANNEL")) is not None:
        try:
            channel = Channel(channel_text.lower())
        except ValueError:
            raise malformed(f"unknown channel /CHANNEL/{channel_text[:20]}") from None

    document_date = None
    if (date_text := sub("70", "DATE")) and (m := _YYMMDD.match(date_text)):
        try:
            document_date = date(2000 + int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            document_date = None

    read_ahead = trailer()
    return Mt102Header(
        reference=reference,
        bank=bank,
        payer=payer,
        knp=knp,
        channel=channel,
        paid_on=read_ahead.value_date,
        declared_total=read_ahead.total,
        currency=read_ahead.currency,
        sender_bic=sender_bic,
        ordering=Mt102Party(payer_bank, sub("50", "D"), sub("50", "NAME"), payer),
        beneficiary=Mt102Party(value("57B"), value("59"), sub("59", "NAME"), sub("59", "IDN")),
        document_number=sub("70", "NUM"),
        document_date=document_date,
        purpose=sub("70", "ASSIGN"),
        period=sub("70", "PERIOD"),
        envelope=envelope is not None,
        fields={name: {"": tag.value, **tag.subfields} for name, tag in tags.items()},
    )
