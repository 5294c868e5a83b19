"""Writers for sample registers (tests, benchmarks, the demo): MT102 and CSV.

Both write to a path or a binary stream, line by line, from any iterable of
:class:`SampleLine` (a generator is fine: nothing is kept), and return the total written.
Fields given as text are written as they are, which makes bad lines easy to produce
(``SampleLine(iin="123", period="13.2025", amount="abc")``).

>>> import io
>>> out = io.BytesIO()
>>> write_mt102(out, [SampleLine("900515300018", Month(2025, 5), Decimal("6000"))],
...             sender_bic="BANKKZKA", reference="R1", paid_on=date(2025, 6, 25), knp="122")
Decimal('6000.00')
>>> out.getvalue().splitlines()[-2:]
[b':32A:250625KZT6000,00', b'-}']
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO

from osms.intake.csv_format import OPTIONAL_COLUMNS
from osms.intake.validation import REQUIRED_FIELDS, parse_amount
from osms.rules.facts import KNP, Channel
from osms.rules.month import Month

__all__ = ["DEFAULT_PAYER", "SampleLine", "Target", "write_csv", "write_mt102"]

Target = str | os.PathLike[str] | IO[bytes]

DEFAULT_PAYER = "990140000007"
"""A valid BIN (R-BIN-1) for the sample payer (T8's illustrative 990140000001 has a wrong check
digit)."""


@dataclass(frozen=True, slots=True)
class SampleLine:
    """One line to write.  The last six fields override the register's defaults per line.

    ``line_ref`` is the MT102 ``:21:`` text (default: the line's position); ``reference`` the
    CSV reference (default ``R<position>``).
    """

    iin: str
    period: Month | str
    amount: Decimal | int | str
    surname: str = ""
    given_name: str = ""
    patronymic: str = ""
    birth_date: date | str | None = None
    line_ref: str | None = None
    knp: KNP | str | None = None
    payer: str | None = None
    paid_on: date | str | None = None
    channel: Channel | str | None = None
    reference: str | None = None


def _money(amount: Decimal | int | str, decimal: str) -> str:
    if isinstance(amount, str):
        return amount
    return f"{Decimal(amount):.2f}".replace(".", decimal)


def _readable(amount: Decimal | int | str) -> Decimal:
    if isinstance(amount, str):
        try:
            return parse_amount(amount)
        except ValueError:
            return Decimal(0)
    return Decimal(amount)


@contextmanager
def _open(target: Target) -> Iterator[IO[bytes]]:
    if isinstance(target, str | os.PathLike):
        with open(target, "wb") as stream:
            yield stream
    else:
        yield target


def write_mt102(
    target: Target,
    lines: Iterable[SampleLine],
    sender_bic: str,
    reference: str,
    paid_on: date,
    knp: KNP | str,
    encoding: str = "utf-8",
    newline: str = "\r\n",
    *,
    payer: str = DEFAULT_PAYER,
    payer_name: str = "ТОО «Пример»",
    payer_account: str = "KZ000000000000000001",
    document_number: str = "1",
    document_date: date | None = None,
    purpose: str | None = None,
    total: Decimal | None = None,
    envelope: bool = True,
    bom: bool = False,
    errors: str = "strict",
) -> Decimal:
    """Write an MT102 message per SOURCES.md T8; return the ``:32A:`` total written.

    ``total`` replaces the sum of the amounts in the trailer (to make a mismatched register);
    amounts given as unreadable text count as 0 in the sum.  ``encoding="cp1251"`` with
    ``errors="strict"`` fails on Kazakh letters Windows-1251 lacks (Ә Ғ Қ Ң Ө Ұ Ү Һ);
    ``encoding="kz1048"`` holds them.
    """
    knp_text = knp.value if isinstance(knp, KNP) else knp
    month = Month.of(paid_on)
    purpose_text = purpose if purpose is not None else f"Взносы на ОСМС за {month} г."

    with _open(target) as stream:

        def put(text: str) -> None:
            stream.write((text + newline).encode(encoding, errors))

        if bom:
            stream.write(b"\xef\xbb\xbf")
        if envelope:
            put(f"{{1:F01{sender_bic[:8]}XXX0000000000}}")
            put("{2:I102SGROSS0000003003}")
            put("{4:")
        put(f":20:{reference}")
        put(f":50:/D/{payer_account}")
        put(f"/NAME/{payer_name}")
        put(f"/IDN/{payer}")
        put("/IRS/1")
        put("/SECO/7")
        put(f":52B:{sender_bic}")
        put(":57B:GCVPKZ2A")
        put(":59:KZ92009MEDS368609103")
        put("/NAME/НАО «Государственная корпорация «Правительство для граждан»")
        put("/IDN/160440007161")
        put("/IRS/1")
        put("/SECO/1")
        put(f":70:/NUM/{document_number}")
        put(f"/DATE/{(document_date or paid_on):%y%m%d}")
        put("/SEND/07")
        put("/VO/01")
        put(f"/KNP/{knp_text}")
        put("/PSO/01")
        put("/PRT/50")
        put(f"/ASSIGN/{purpose_text}")
        written = Decimal(0)
        for position, line in enumerate(lines, start=1):
            written += _readable(line.amount)
            period = line.period.mt102() if isinstance(line.period, Month) else line.period
            birth = line.birth_date
            put(f":21:{line.line_ref if line.line_ref is not None else position}")
            put(f":32B:KZT{_money(line.amount, ',')}")
            put(":70:")
            put(f"/FM/{line.surname}")
            put(f"/NM/{line.given_name}")
            put(f"/FT/{line.patronymic}")
            if birth is not None:
                put(f"/DT/{birth:%Y%m%d}" if isinstance(birth, date) else f"/DT/{birth}")
            put(f"/IDN/{line.iin}")
            put(f"/PERIOD/{period}")
        declared = total if total is not None else written
        put(f":32A:{paid_on:%y%m%d}KZT{_money(declared, ',')}")
        if envelope:
            put("-}")
    return Decimal(f"{declared:.2f}")


def write_csv(
    target: Target,
    lines: Iterable[SampleLine],
    *,
    paid_on: date | str,
    knp: KNP | str = KNP.CONTRIBUTION,
    payer: str = DEFAULT_PAYER,
    channel: Channel | str = Channel.TERMINAL,
    delimiter: str = ",",
    decimal: str = ".",
    encoding: str = "utf-8",
    newline: str = "\r\n",
    names: bool = False,
    total: Decimal | bool | None = None,
    bom: bool = False,
    errors: str = "strict",
) -> Decimal:
    """Write a CSV register (R-F-2) with a header row; return the sum of the amounts.

    ``names`` adds the optional name and birth date columns.  ``total=True`` appends the row
    ``# total: <sum>``; a :class:`Decimal` appends that total instead.
    """

    def text(value: object) -> str:
        if isinstance(value, KNP | Channel):
            return value.value
        if isinstance(value, date):
            return value.isoformat()
        return "" if value is None else str(value)

    columns = [*REQUIRED_FIELDS, *(OPTIONAL_COLUMNS if names else ())]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    written = Decimal(0)
    with _open(target) as stream:

        def row(cells: list[str]) -> None:
            writer.writerow(cells)
            stream.write(buffer.getvalue().encode(encoding, errors))
            buffer.seek(0)
            buffer.truncate()

        if bom:
            stream.write(b"\xef\xbb\xbf")
        row(columns)
        for position, line in enumerate(lines, start=1):
            written += _readable(line.amount)
            values = {
                "iin": line.iin,
                "period": text(line.period),
                "amount": _money(line.amount, decimal),
                "knp": text(line.knp if line.knp is not None else knp),
                "payer": line.payer if line.payer is not None else payer,
                "paid_on": text(line.paid_on if line.paid_on is not None else paid_on),
                "channel": text(line.channel if line.channel is not None else channel),
                "reference": line.reference if line.reference is not None else f"R{position}",
                "surname": line.surname,
                "given_name": line.given_name,
                "patronymic": line.patronymic,
                "birth_date": text(line.birth_date),
            }
            row([values[column] for column in columns])
        if total is not None and total is not False:
            declared = written if isinstance(total, bool) else total
            stream.write(f"# total: {_money(declared, decimal)}{newline}".encode(encoding))
    return written
