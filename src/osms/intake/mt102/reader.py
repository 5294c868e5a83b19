"""The MT102 reader: sequence A and the trailer first, then the person blocks streamed one at a
time, then the trailer checked in the stream (see :mod:`osms.intake.mt102`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from itertools import chain
from typing import IO, TypeAlias, TypeVar

from osms.intake._once import OnceReader
from osms.intake.lines import LineResult
from osms.intake.mt102 import persons
from osms.intake.mt102.header import (
    Mt102Header,
    Mt102Trailer,
    parse_trailer,
    read_header,
    read_trailer,
)
from osms.intake.mt102.persons import MAX_BLOCK_LINES, block_period, person, usual_raw_line
from osms.intake.mt102.syntax import malformed
from osms.intake.validation import LineValidator, RawLine
from osms.registry.ledger import mt102_key
from osms.rules.facts import Channel

__all__ = ["Mt102Reader"]

_T = TypeVar("_T")
_Handlers: TypeAlias = tuple[
    Callable[[int, re.Match[str]], _T], Callable[[int, list[str], int], _T]
]
"""``(usual, general)``: what :meth:`Mt102Reader._persons` makes of each person block."""


def _line_no(text: str, first: int, position: int) -> int:
    """The number of the line at ``position`` of a batch's text whose first line is ``first``."""
    return first + text.count("\n", 0, position)


class Mt102Reader(OnceReader[Mt102Header]):
    """Reads one MT102 message: :attr:`header` (sequence A and the trailer's date and total)
    first, then :meth:`raw_lines` (once).

    ``sender`` is the sending bank's BIC as known from the transport; it is used in the
    idempotency keys only when the message names no bank.  ``channel`` overrides the default
    :attr:`Channel.BANK_BRANCH`.  ``stream`` and ``today``: see :class:`OnceReader`.
    """

    _lines_of = "an MT102 message"

    def __init__(
        self,
        stream: IO[bytes],
        *,
        sender: str | None = None,
        channel: Channel | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(stream, today)
        try:
            self._start = self._stream.tell()
        except (OSError, ValueError) as error:
            raise malformed(f"the register cannot be read: {error}") from None
        self._sender = sender
        self._channel = channel
        self._first: tuple[int, str] | None = None
        self.trailer: Mt102Trailer | None = None
        """The trailer as read in the stream; set once :meth:`raw_lines` has finished."""

    # -- sequence A --------------------------------------------------------------------------

    def _read_header(self) -> Mt102Header:
        header, self._first = read_header(
            self._open().lines(), self._read_trailer_ahead, self._sender, self._channel
        )
        return header

    def _read_trailer_ahead(self) -> Mt102Trailer:
        position = self._stream.tell()
        trailer = read_trailer(self._stream, self._start)
        self._stream.seek(position)
        return trailer

    # -- sequence B and the trailer ------------------------------------------------------------

    def raw_lines(self) -> Iterator[RawLine]:
        """The person blocks as :class:`RawLine`, one at a time, then the trailer checks.

        Raises :class:`RegisterError` for a fault that makes the message unreadable.
        """

        def handlers(header: Mt102Header) -> _Handlers[RawLine]:
            def usual(ordinal: int, match: re.Match[str]) -> RawLine:
                return usual_raw_line(ordinal, match.group(1), match.groups()[1:], header)

            def general(ordinal: int, block: list[str], count: int) -> RawLine:
                return person(ordinal, block, count, header)

            return usual, general

        return self._persons(handlers)

    def results(self) -> Iterator[LineResult]:
        """The person blocks validated, one at a time, then the trailer checks: what
        :meth:`raw_lines` and :meth:`RawLine.validate` give, faster (see the module text)."""

        def handlers(header: Mt102Header) -> _Handlers[LineResult]:
            validator = LineValidator(self._today)
            context = validator.context(header.knp, header.payer, header.paid_on, header.channel)

            def usual(ordinal: int, match: re.Match[str]) -> LineResult:
                raw, line_ref, amount, surname, given_name, patronymic, birth, iin, period = (
                    match.groups()
                )
                if period is None or len(period) != 6:
                    period = block_period(period, header)
                if context is not None and period is not None:
                    line = validator.line(
                        context,
                        ordinal,
                        iin,
                        period,
                        amount,
                        mt102_key(header.bank, header.reference, line_ref),
                        surname,
                        given_name,
                        patronymic,
                        birth,
                        raw,
                    )
                    if line is not None:
                        return line
                fields = match.groups()[1:]
                return usual_raw_line(ordinal, raw, fields, header).validate(self._today)

            def general(ordinal: int, block: list[str], count: int) -> LineResult:
                return person(ordinal, block, count, header).validate(self._today)

            return usual, general

        return self._persons(handlers)

    def _persons(self, handlers: Callable[[Mt102Header], _Handlers[_T]]) -> Iterator[_T]:
        """Sequence B, then the trailer checks.  With ``usual, general = handlers(header)``,
        each usual block (:data:`~osms.intake.mt102.persons.USUAL_IN_TEXT`) is
        ``usual(ordinal, match)`` and any other ``general(ordinal, its stripped lines, their
        count)``."""
        header, cursor = self._stream_once()
        usual, general = handlers(header)
        assert self._first is not None
        match_usual = persons.USUAL_IN_TEXT.match
        block: list[str] | None = None
        block_lines = 0
        ordinal = 0
        trailer: Mt102Trailer | None = None
        ended = False
        first_no, first_text = self._first
        for start, text in chain(((first_no, first_text),), cursor.texts()):
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
                            trailer = parse_trailer(line, _line_no(text, start, line_start))
                        continue
                    if line.startswith("-}"):
                        raise malformed(
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
                        raise malformed(
                            f"text after the end of the message: {rest[:40]!r}",
                            _line_no(text, start, line_start),
                        )
                    continue
                if ended and line.startswith("{"):
                    continue  # trailer blocks {5:…}
                raise malformed(
                    f"text after the trailer :32A:: {line[:40]!r}",
                    _line_no(text, start, line_start),
                )
        if trailer is None:
            raise malformed("the message has no trailer :32A:")
        if header.envelope and not ended:
            raise malformed("the message does not end with -}")
        if (trailer.value_date, trailer.total) != (header.paid_on, header.declared_total):
            raise malformed("the trailer :32A: in the message is not the last one in the file")
        if ordinal == 0:
            raise malformed("the message has no payment lines (:21:)")
        self.trailer = trailer
        self.line_count = ordinal
