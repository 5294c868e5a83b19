"""Streaming reader for CSV payment lists from terminals, Kazpost and bank apps (R-F-2).

The first non-blank row is the header: the columns ``iin, period, amount, knp, payer, paid_on,
channel, reference`` (any order, any case), optionally also ``surname, given_name,
patronymic, birth_date``.  A missing or unknown column rejects the register
(``register.malformed`` naming the columns).  The delimiter is ``,`` or ``;``, whichever the
header row has more of.  Text is UTF-8 (with or without a byte order mark), Windows-1251 or
KZ-1048 (:mod:`osms.intake._io`; :attr:`CsvReader.encoding` names the one used); lines end in LF
or CRLF; quoted cells follow :mod:`csv`.

Cells: period in any :meth:`Month.parse` form (``2025-05``, ``05.2025``, ``052025``); amount
with ``.`` or ``,`` decimals (:func:`~osms.intake.validation.parse_amount`); paid_on
``YYYY-MM-DD`` or ``DD.MM.YYYY``; channel a :class:`~osms.rules.facts.Channel` value (one row may
differ from the next).  The idempotency key is ``csv:<sender>:<reference>``, or
``csv:<reference>`` without a sender (R-L-7, :func:`osms.registry.ledger.csv_key`).

Rows: every row after the header is one line (``line_no`` 1, 2, … in file order), except rows
with no content at all (blank lines, or only delimiters), which are not lines.  A row with
fewer cells than the header lacks those fields (``line.malformed``); extra cells that are not
empty are ``line.malformed`` too.  A row starting with ``#`` is a line (``line.malformed``) unless
it is the optional total row ``# total: <amount>``, which must be the last row; a line after it,
or a second one, rejects the register.  The total row, or the ``total`` argument, is reconciled
by the register after the stream (R-L-7).

Speed: a line without quotes, CR or NUL characters is split at the delimiter (what :mod:`csv`
would do with it); any other goes through :mod:`csv`, with the lines that follow when a quoted
cell spans lines.  Good rows are validated by
:class:`~osms.intake.validation.LineValidator`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import chain
from typing import IO, Final, TypeVar

from osms.intake._once import OnceReader
from osms.intake.lines import (
    AMOUNT_LIMIT,
    MALFORMED,
    REGISTER_MALFORMED,
    LineProblem,
    LineResult,
    RegisterError,
)
from osms.intake.validation import (
    REFERENCE_MAX,
    REQUIRED_FIELDS,
    LineValidator,
    RawLine,
    parse_amount,
    reference_problem,
)
from osms.registry.ledger import csv_key

__all__ = ["COLUMNS", "OPTIONAL_COLUMNS", "CsvHeader", "CsvReader"]

OPTIONAL_COLUMNS: Final = ("surname", "given_name", "patronymic", "birth_date")
COLUMNS: Final = (*REQUIRED_FIELDS, *OPTIONAL_COLUMNS)
"""Every column a CSV register may have; the first eight are required."""

_TOTAL = re.compile(r"^#\s*total\s*:\s*(.*?)\s*$", re.IGNORECASE)
_T = TypeVar("_T")
_RowHandler = Callable[[int, list[str], str], _T]


@dataclass(frozen=True, slots=True)
class CsvHeader:
    """The header row: the columns in file order and the delimiter."""

    columns: tuple[str, ...]
    delimiter: str


def _malformed(message: str, line_no: int | None = None, field: str | None = None) -> RegisterError:
    where = f"line {line_no}: " if line_no is not None else ""
    return RegisterError(REGISTER_MALFORMED, where + message, line_no=line_no, field=field)


class CsvReader(OnceReader[CsvHeader]):
    """Reads one CSV register: :attr:`header` (the header row) first, then :meth:`raw_lines`
    (once).

    ``total`` is the declared total when the sender gives it outside the file; the file's own
    ``# total:`` row is :attr:`file_total`.  Either is below
    :data:`~osms.intake.lines.AMOUNT_LIMIT`.  ``stream`` and ``today``: see
    :class:`OnceReader`.
    """

    _lines_of = "a CSV register"

    def __init__(
        self,
        stream: IO[bytes],
        *,
        total: Decimal | str | None = None,
        sender: str | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(stream, today)
        # R-L-7: a CSV line's key is its sender's reference; two senders may use the same one.
        self._sender = sender
        if isinstance(total, str):
            try:
                total = parse_amount(total)
            except ValueError as error:
                raise ValueError(f"total: {error}") from None
        if total is not None and not (total.is_finite() and abs(total) < AMOUNT_LIMIT):
            raise ValueError(f"total: {total} is not below {AMOUNT_LIMIT}")
        self.total: Decimal | None = total
        """The declared total given by the caller."""
        self.file_total: Decimal | None = None
        """The ``# total:`` row; known once :meth:`raw_lines` has finished."""

    def _read_header(self) -> CsvHeader:
        first = next(((n, text) for n, text in self._open().lines() if text.strip()), None)
        if first is None:
            raise _malformed("the register is empty")
        line_no, text = first
        text = text.rstrip("\r")
        delimiter = ";" if text.count(";") > text.count(",") else ","
        try:
            cells = next(csv.reader([text], delimiter=delimiter))
        except (csv.Error, StopIteration) as error:
            raise _malformed(f"the header row cannot be read: {error}", line_no) from None
        columns = tuple(cell.strip().lower() for cell in cells)
        while columns and not columns[-1]:
            columns = columns[:-1]  # a trailing delimiter
        unknown = [c for c in columns if c not in COLUMNS]
        missing = [c for c in REQUIRED_FIELDS if c not in columns]
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        problems = []
        if unknown:
            problems.append("unknown column(s): " + ", ".join(repr(c[:40]) for c in unknown[:10]))
        if missing:
            problems.append("missing column(s): " + ", ".join(missing))
        if repeated:
            problems.append("repeated column(s): " + ", ".join(repeated))
        if problems:
            raise _malformed(
                "the header row is not a payment list header: "
                + "; ".join(problems)
                + f" (expected {', '.join(REQUIRED_FIELDS)}"
                + f", optionally {', '.join(OPTIONAL_COLUMNS)})",
                line_no,
                field="header",
            )
        return CsvHeader(columns, delimiter)

    def raw_lines(self) -> Iterator[RawLine]:
        """The data rows as :class:`RawLine`, one at a time.

        Raises :class:`RegisterError` for a fault that makes the register unreadable.
        """

        def handler(header: CsvHeader) -> _RowHandler[RawLine]:
            columns = header.columns
            index = {name: i for i, name in enumerate(columns)}

            def row(line_no: int, cells: list[str], raw: str) -> RawLine:
                return self._row(line_no, cells, raw, columns, index)

            return row

        return self._rows(handler)

    def results(self) -> Iterator[LineResult]:
        """The data rows validated, one at a time: what :meth:`raw_lines` and
        :meth:`RawLine.validate` give, faster (see the module text)."""

        def handler(header: CsvHeader) -> _RowHandler[LineResult]:
            columns = header.columns
            index = {name: i for i, name in enumerate(columns)}
            width = len(columns)
            validator = LineValidator(self._today)
            iin, period, amount, knp, payer, paid_on, channel, reference = (
                index[name] for name in REQUIRED_FIELDS
            )
            surname, given_name, patronymic, birth_date = (
                index.get(name) for name in OPTIONAL_COLUMNS
            )

            def row(line_no: int, cells: list[str], raw: str) -> LineResult:
                if (
                    len(cells) == width
                    and (key := cells[reference].strip())
                    and len(key) <= REFERENCE_MAX
                ):
                    context = validator.context(
                        cells[knp], cells[payer], cells[paid_on], cells[channel]
                    )
                    if context is not None:
                        line = validator.line(
                            context,
                            line_no,
                            cells[iin],
                            cells[period],
                            cells[amount],
                            csv_key(self._sender, key),
                            None if surname is None else cells[surname],
                            None if given_name is None else cells[given_name],
                            None if patronymic is None else cells[patronymic],
                            None if birth_date is None else cells[birth_date],
                            raw,
                        )
                        if line is not None:
                            return line
                return self._row(line_no, cells, raw, columns, index).validate(self._today)

            return row

        return self._rows(handler)

    def _rows(self, handler: Callable[[CsvHeader], _RowHandler[_T]]) -> Iterator[_T]:
        """Each line of the register as ``row(line_no, cells, raw)``, with ``row`` made by
        ``handler(header)``; the total row is read, not passed on."""
        header, cursor = self._stream_once()
        row = handler(header)
        delimiter = header.delimiter
        lines = chain.from_iterable(enumerate(batch, start) for start, batch in cursor.batches())
        count = 0
        total_line: int | None = None
        for line_no, text in lines:
            if '"' in text or "\r" in text or "\x00" in text:
                cells, raw, line_no = self._csv_row(text, line_no, lines, delimiter)
            else:
                cells = text.split(delimiter)  # what csv.reader gives for such a line
                raw = text
            if total_line is None and cells and cells[0].strip() and "#" not in cells[0]:
                # the usual row: it has content and is neither a comment nor the total row
                count += 1
                yield row(count, cells, raw)
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if total_line is not None:
                raise _malformed(
                    f"a line follows the total row (line {total_line}); the total row must be last",
                    line_no,
                )
            first = cells[0].strip()
            if first.startswith("#") and (match := _TOTAL.match(raw.strip())):
                try:
                    self.file_total = parse_amount(match.group(1))
                except ValueError as error:
                    raise _malformed(f"total row: {error}", line_no) from None
                if abs(self.file_total) >= AMOUNT_LIMIT:
                    raise _malformed(
                        f"total row: {self.file_total} is not below {AMOUNT_LIMIT}, the most a "
                        "register can declare",
                        line_no,
                    )
                total_line = line_no
                continue
            count += 1
            yield row(count, cells, raw)
        if count == 0:
            raise _malformed("the register has no payment lines")
        self.line_count = count

    @staticmethod
    def _csv_row(
        text: str, line_no: int, lines: Iterator[tuple[int, str]], delimiter: str
    ) -> tuple[list[str], str, int]:
        """The row starting with the line ``text``, read by :mod:`csv` (taking more lines from
        ``lines`` while a quoted cell goes on): its cells, its text and its last line number."""
        consumed: list[str] = []
        last = line_no

        def feed() -> Iterator[str]:
            nonlocal last
            number, line = line_no, text
            while True:
                line = line.rstrip("\r") if line.endswith("\r") else line
                consumed.append(line)
                last = number
                yield line + "\n"
                following = next(lines, None)
                if following is None:
                    return
                number, line = following

        try:
            cells = next(csv.reader(feed(), delimiter=delimiter), [])
        except csv.Error as error:
            raise _malformed(f"the row cannot be read as CSV: {error}", last) from None
        return cells, "\n".join(consumed), last

    def _row(
        self,
        line_no: int,
        cells: list[str],
        raw: str,
        columns: tuple[str, ...],
        index: dict[str, int],
    ) -> RawLine:
        problems: list[LineProblem] = []
        if cells[0].strip().startswith("#"):
            problems.append(
                LineProblem(MALFORMED, columns[0], f"the row is a comment, not a payment: {raw!r}")
            )
        extra = [cell for cell in cells[len(columns) :] if cell.strip()]
        if extra:
            problems.append(
                LineProblem(
                    MALFORMED,
                    "row",
                    f"the row has {len(cells)} cells, the header {len(columns)} "
                    f"(extra: {', '.join(repr(c[:20]) for c in extra[:5])})",
                )
            )

        def cell(name: str) -> str | None:
            i = index.get(name)
            if i is None or i >= len(cells):
                return None
            return cells[i]

        reference = cell("reference")
        if reference is not None and reference.strip():
            # The sender's reference is bounded, not the key its namespace makes of it (R-L-7).
            if (problem := reference_problem(reference.strip())) is not None:
                problems.append(problem)
                reference = None
            else:
                reference = csv_key(self._sender, reference.strip())
        return RawLine(
            line_no=line_no,
            raw=raw,
            iin=cell("iin"),
            period=cell("period"),
            amount=cell("amount"),
            knp=cell("knp"),
            payer=cell("payer"),
            paid_on=cell("paid_on"),
            channel=cell("channel"),
            reference=reference,
            surname=cell("surname"),
            given_name=cell("given_name"),
            patronymic=cell("patronymic"),
            birth_date=cell("birth_date"),
            problems=tuple(problems),
        )
