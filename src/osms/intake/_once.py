"""A register's header, read once: the readers give the same answer, header or error, each time.

Reading the header moves the stream on, so it cannot simply be read again: the first answer is
kept, and so is a :class:`~osms.intake.lines.RegisterError` (raised again, not read again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from osms.intake.lines import RegisterError

__all__ = ["ReadOnce"]

_T = TypeVar("_T")


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
