"""A register read once: its header first, then its lines streamed once.

Reading the header moves the stream on, so it cannot simply be read again: the first answer is
kept, and so is a :class:`~osms.intake.lines.RegisterError` (raised again, not read again).
:class:`OnceReader` is what the MT102 and the CSV reader share: the seekable stream, its
decoding, the header kept and the lines handed out once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import IO, ClassVar, Generic, TypeVar

from osms.clock import today as kazakhstan_today
from osms.intake._io import LineCursor, LineDecoder
from osms.intake.lines import RegisterError

__all__ = ["OnceReader", "ReadOnce"]

_T = TypeVar("_T")
_H = TypeVar("_H")


class ReadOnce(Generic[_T]):
    """What the first :meth:`get` read, or the :class:`RegisterError` it raised."""

    __slots__ = ("_error", "_value")

    def __init__(self) -> None:
        self._value: _T | None = None
        self._error: RegisterError | None = None

    def get(self, read: Callable[[], _T]) -> _T:
        """The kept value; ``read()`` only the first time (the reader passes its own method,
        so that this holds no reference back to it)."""
        if self._error is not None:
            raise self._error
        if self._value is None:
            try:
                self._value = read()
            except RegisterError as error:
                self._error = error
                raise
        return self._value


class OnceReader(Generic[_H]):
    """A register's reader: :attr:`header` first, then its lines once.

    ``stream`` is a seekable binary file at the register's start
    (:func:`osms.intake._io.as_seekable` makes one of any source; the register does it once).
    ``today`` sets the latest payment date accepted
    (:func:`~osms.intake.validation.paid_on_window`); default: today in Kazakhstan.
    """

    _lines_of: ClassVar[str]
    """What the lines belong to, for the error of a second read ("an MT102 message")."""

    def __init__(self, stream: IO[bytes], today: date | None) -> None:
        self._stream = stream
        self._decoder = LineDecoder()
        self._cursor: LineCursor | None = None
        self._header: ReadOnce[_H] = ReadOnce()
        self._streamed = False
        self._today = kazakhstan_today() if today is None else today
        self.line_count: int | None = None
        """The number of lines; set once the lines have all been read."""

    @property
    def encoding(self) -> str | None:
        """The encoding the text was read in: ``"utf-8"``, ``"cp1251"`` or ``"kz1048"`` once a
        non-ASCII line was read, else ``None`` (see :mod:`osms.intake._io`).  Final once
        the lines have all been read (a Windows-1251 register turns KZ-1048 at its first
        Kazakh letter)."""
        return self._decoder.encoding

    @property
    def header(self) -> _H:
        """The register's header (raises :class:`RegisterError` when it is not readable)."""
        return self._header.get(self._read_header)

    def _read_header(self) -> _H:
        raise NotImplementedError

    def _open(self) -> LineCursor:
        """The cursor over the register's text, from its start (for the header)."""
        self._cursor = LineCursor(self._stream, self._decoder)
        return self._cursor

    def _stream_once(self) -> tuple[_H, LineCursor]:
        """The header and the cursor where it stopped, for reading the lines: only once."""
        header = self.header
        if self._streamed:
            raise RuntimeError(f"the lines of {self._lines_of} can be read only once")
        self._streamed = True
        assert self._cursor is not None
        return header, self._cursor
