"""Category feeds from state registers: CSV lines ``iin, category, first, last`` (R-CAT-1).

Each line is checked on its own: a good line is stored, a bad one is reported with its stable
code, field and message; accepted + rejected always equals the lines read (R-F-3).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from sqlalchemy.orm import Session

from osms.registry import audit, people
from osms.registry import categories as category_records
from osms.rules import iin as iin_rules
from osms.rules.categories import UnknownCategory, category
from osms.rules.errors import RuleError
from osms.rules.month import InvalidMonth, Month
from osms.services.errors import ServiceError

__all__ = ["FeedLine", "FeedReport", "import_category_feed"]

COLUMNS = ("iin", "category", "first", "last")


@dataclass(frozen=True, slots=True)
class FeedLine:
    line_no: int
    status: str
    """``stored`` or ``rejected``."""
    code: str | None = None
    field: str | None = None
    message: str | None = None


@dataclass(slots=True)
class FeedReport:
    source: str
    accepted: int = 0
    rejected: int = 0
    lines: list[FeedLine] = field(default_factory=list)


def _rows(stream: BinaryIO) -> Iterator[tuple[int, dict[str, str]]]:
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1251")
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        raise ServiceError(
            "feed.malformed",
            f"the header lacks the column(s) {', '.join(missing)} (expected {', '.join(COLUMNS)})",
            field="header",
        )
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        yield (
            number,
            {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)},
        )


def import_category_feed(
    session: Session, stream: BinaryIO, *, source: str, actor: str
) -> FeedReport:
    """Store the category periods of a feed, line by line, and audit the import."""
    report = FeedReport(source=source)
    for line_no, row in _rows(stream):
        try:
            number = iin_rules.validate(row.get("iin", ""))
        except RuleError as error:
            report.lines.append(FeedLine(line_no, "rejected", error.code, "iin", str(error)))
            continue
        try:
            code = category(row.get("category", "")).code
            first = Month.parse(row.get("first", ""))
            last = Month.parse(row["last"]) if row.get("last") else None
        except UnknownCategory as error:
            report.lines.append(FeedLine(line_no, "rejected", error.code, "category", str(error)))
            continue
        except InvalidMonth as error:
            report.lines.append(FeedLine(line_no, "rejected", error.code, "first/last", str(error)))
            continue
        if last is not None and last < first:
            report.lines.append(
                FeedLine(line_no, "rejected", "feed.period_order", "last", "last is before first")
            )
            continue
        people.ensure(session, number)
        category_records.add(session, number, code, first, last, source=source)
        report.lines.append(FeedLine(line_no, "stored"))
    report.accepted = sum(1 for line in report.lines if line.status == "stored")
    report.rejected = len(report.lines) - report.accepted
    audit.record(
        session,
        actor,
        "categories.import",
        None,
        f"category feed {source}",
        {"accepted": report.accepted, "rejected": report.rejected},
    )
    return report
