"""The MT102 trailer ``:32A:YYMMDDKZT<total>``: the value date (every line's ``paid_on``) and
the declared total, read ahead from the end of the file (see :mod:`osms.intake.mt102`)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Final

from osms.intake.lines import AMOUNT_LIMIT
from osms.intake.mt102.syntax import malformed
from osms.intake.validation import parse_amount

__all__ = ["TAIL_BYTES", "Mt102Trailer", "parse_trailer", "read_trailer"]

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
