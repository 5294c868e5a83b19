"""Intake: bank registers (MT102, CSV) read and validated line by line (R-L-1…R-L-8, R-F-1…3).

Use::

    reader = parse_register(open(path, "rb"))   # format detected; RegisterError if unreadable
    reader.header.declared_total                # MT102: read ahead from the :32A: trailer
    for result in reader.lines():               # IntakeLine | LineError, one per line, in order
        ...
    reader.verify()                             # raises register.total_mismatch (R-L-7)

Modules: :mod:`~osms.intake.lines` (value types and codes), :mod:`~osms.intake.validation`
(R-L-3), :mod:`~osms.intake.mt102`, :mod:`~osms.intake.csv_format`,
:mod:`~osms.intake.register` (format detection, duplicates, totals) and
:mod:`~osms.intake.samples` (writers for sample registers).  Booking into the ledger is not
done here: the use case "book a register" is :mod:`osms.services.registers`, which writes
through the registry (:func:`osms.registry.ledger.book_many`, :mod:`osms.registry.registers`).
"""

from __future__ import annotations

from osms.intake.csv_format import CsvHeader, CsvReader
from osms.intake.lines import (
    LINE_CODES,
    REGISTER_CODES,
    Format,
    IntakeLine,
    LineError,
    LineProblem,
    LineResult,
    RegisterError,
)
from osms.intake.mt102 import Mt102Header, Mt102Party, Mt102Reader, Mt102Trailer
from osms.intake.register import (
    RegisterHeader,
    RegisterReader,
    RegisterTotals,
    detect_format,
    parse_register,
)
from osms.intake.validation import RawLine

__all__ = [
    "LINE_CODES",
    "REGISTER_CODES",
    "CsvHeader",
    "CsvReader",
    "Format",
    "IntakeLine",
    "LineError",
    "LineProblem",
    "LineResult",
    "Mt102Header",
    "Mt102Party",
    "Mt102Reader",
    "Mt102Trailer",
    "RawLine",
    "RegisterError",
    "RegisterHeader",
    "RegisterReader",
    "RegisterTotals",
    "detect_format",
    "parse_register",
]
