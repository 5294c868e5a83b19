"""Category feeds from state registers: CSV lines ``iin, category, first, last[, action]``
(R-CAT-1).

A period is keyed by (IIN, category, first month).  A line records the period (``action``
empty or ``record``): a new key is added, the same key with another last month closes, reopens
or moves it, the same key as held changes nothing; ``action`` ``withdraw`` removes it.  When
a feed names one key on several lines, the last line decides and the earlier ones are
``superseded``: so re-importing a feed changes nothing, whatever its order.  Every change keeps
the earlier version for "as known on" answers (:mod:`osms.registry.categories`).

Each line is checked on its own: a good line is reported with what it did, a bad one with its
stable code, field and message; accepted + rejected always equals the lines read (R-F-3).

The import is audited as a whole (``categories.import``) and each change under its person's
IIN (``category.change``), so that ``osms audit --iin`` and the person's file show who changed
a category, from which feed and through which door.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import BinaryIO

from sqlalchemy.orm import Session

from osms import clock
from osms.intake.lines import MALFORMED
from osms.registry import audit, people
from osms.registry import categories as category_records
from osms.registry.categories import Change
from osms.registry.errors import NotFound
from osms.rules import iin as iin_rules
from osms.rules.categories import UnknownCategory, category
from osms.rules.errors import RuleError
from osms.rules.facts import CategoryPeriod
from osms.rules.month import InvalidMonth, Month
from osms.rules.plausibility import NOT_A_WOMAN, implausibility
from osms.services.errors import ServiceError

__all__ = ["FeedLine", "FeedReport", "LineStatus", "Unapplied", "import_category_feed"]

COLUMNS = ("iin", "category", "first", "last", "action")
_WITHDRAW = frozenset({"withdraw", "withdrawal", "withdrawn"})
_RECORD = frozenset({"", "record"})


class Unapplied(StrEnum):
    """Why a feed line was not applied to the registry; an applied line's status is what it
    did there, its :class:`~osms.registry.categories.Change`."""

    SUPERSEDED = "superseded"
    """A later line of the same feed names the same period: that line decides."""
    REJECTED = "rejected"


LineStatus = Change | Unapplied
"""What a feed line did (R-CAT-1)."""


@dataclass(frozen=True, slots=True)
class FeedLine:
    line_no: int
    status: LineStatus
    code: str | None = None
    field: str | None = None
    message: str | None = None
    iin: str | None = None


@dataclass(slots=True)
class FeedReport:
    source: str
    lines: list[FeedLine] = field(default_factory=list)

    def count(self, status: LineStatus) -> int:
        return sum(1 for line in self.lines if line.status is status)

    @property
    def rejected(self) -> int:
        return self.count(Unapplied.REJECTED)

    @property
    def accepted(self) -> int:
        return len(self.lines) - self.rejected

    @property
    def changes(self) -> dict[str, int]:
        """How many lines did what, every status named."""
        counted = Counter(line.status.value for line in self.lines)
        return {status.value: counted.get(status.value, 0) for status in (*Change, *Unapplied)}


@dataclass(frozen=True, slots=True)
class _Wanted:
    line_no: int
    iin: str
    period: CategoryPeriod
    withdraw: bool

    @property
    def key(self) -> tuple[str, str, Month]:
        return (self.iin, self.period.category, self.period.first)


def _rows(stream: BinaryIO) -> Iterator[tuple[int, dict[str, str]] | FeedLine]:
    """Each line after the header, numbered from 2, with its cells by column; a line CSV
    cannot read is rejected alone (the lines around it are applied, R-F-3)."""
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Every value of a feed is ASCII: a byte Windows-1251 lacks only spoils its own line.
        text = raw.decode("cp1251", errors="replace")
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    first = _cells(lines[0], delimiter)
    header = [h.strip().lower() for h in first] if isinstance(first, list) else []
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        raise ServiceError(
            "feed.malformed",
            f"the header lacks the column(s) {', '.join(missing)} (expected {', '.join(COLUMNS)})",
            field="header",
        )
    for number, line in enumerate(lines[1:], start=2):
        row = _cells(line, delimiter)
        if isinstance(row, str):
            yield FeedLine(number, Unapplied.REJECTED, MALFORMED, "line", row)
        elif any(cell.strip() for cell in row):
            yield (
                number,
                {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)},
            )


def _cells(line: str, delimiter: str) -> list[str] | str:
    """The cells of one CSV line, or why it cannot be read."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error as error:
        return f"the line cannot be read as CSV: {error}"


def _read(line_no: int, row: dict[str, str], on: date) -> _Wanted | FeedLine:
    """The line as a wanted state of one period, or its rejection."""

    def rejected(code: str, where: str, message: str, iin: str | None = None) -> FeedLine:
        return FeedLine(line_no, Unapplied.REJECTED, code, where, message, iin)

    try:
        number = iin_rules.validate(row.get("iin", ""))
    except RuleError as error:
        return rejected(error.code, "iin", str(error))
    try:
        code = category(row.get("category", "")).code
        first = Month.parse(row.get("first", ""))
        last = Month.parse(row["last"]) if row.get("last") else None
    except UnknownCategory as error:
        return rejected(error.code, "category", str(error), number)
    except InvalidMonth as error:
        return rejected(error.code, "first/last", str(error), number)
    if last is not None and last < first:
        return rejected("feed.period_order", "last", "last is before first", number)
    action = row.get("action", "").strip().lower()
    if action not in _WITHDRAW | _RECORD:
        return rejected(
            "feed.action", "action", f"action is record or withdraw, not {action!r}", number
        )
    if implausibility(number, code, on) == NOT_A_WOMAN:
        return rejected(
            "feed.not_a_woman", "category", f"{number} is a man's IIN: not {code}", number
        )
    return _Wanted(line_no, number, CategoryPeriod(code, first, last), action in _WITHDRAW)


def import_category_feed(
    session: Session,
    stream: BinaryIO,
    *,
    source: str,
    actor: str,
    on: date | None = None,
    channel: str | None = None,
) -> FeedReport:
    """Apply a feed's periods, known from ``on`` (today in Kazakhstan, R-T-4), line by line,
    and audit the import."""
    day = on or clock.today()
    report = FeedReport(source=source)
    read: list[_Wanted | FeedLine] = [
        row if isinstance(row, FeedLine) else _read(*row, day) for row in _rows(stream)
    ]
    deciding = {item.key: item.line_no for item in read if isinstance(item, _Wanted)}
    for item in read:
        if isinstance(item, FeedLine):
            report.lines.append(item)
        elif deciding[item.key] != item.line_no:
            report.lines.append(
                FeedLine(
                    item.line_no,
                    Unapplied.SUPERSEDED,
                    message=f"line {deciding[item.key]} names the same period",
                    iin=item.iin,
                )
            )
        else:
            applied = _apply(session, item, source=source, on=day)
            report.lines.append(applied)
            if applied.status is not Change.UNCHANGED:
                _audit_change(session, item, applied, source=source, actor=actor, channel=channel)
    audit.record(
        session,
        actor,
        "categories.import",
        None,
        f"category feed {source}" + audit.through(channel),
        {"on": day, **report.changes, "accepted": report.accepted},
    )
    return report


def _audit_change(
    session: Session,
    wanted: _Wanted,
    applied: FeedLine,
    *,
    source: str,
    actor: str,
    channel: str | None,
) -> None:
    """One person's category change, under the IIN (R-CAT-1: every change is kept)."""
    period = wanted.period
    audit.record(
        session,
        actor,
        "category.change",
        wanted.iin,
        f"category feed {source}" + audit.through(channel),
        {
            "change": str(applied.status),
            "category": period.category,
            "first": str(period.first),
            "last": None if period.last is None else str(period.last),
        },
    )


def _apply(session: Session, wanted: _Wanted, *, source: str, on: date) -> FeedLine:
    people.ensure(session, wanted.iin)
    if wanted.withdraw:
        try:
            period = wanted.period
            outcome = category_records.withdraw(
                session, wanted.iin, period.category, period.first, source=source, on=on
            )
        except NotFound as error:
            return FeedLine(
                wanted.line_no,
                Unapplied.REJECTED,
                "feed.withdraw_unknown",
                "first",
                str(error),
                wanted.iin,
            )
    else:
        outcome = category_records.record(session, wanted.iin, wanted.period, source=source, on=on)
    return FeedLine(wanted.line_no, outcome.change, iin=wanted.iin)
