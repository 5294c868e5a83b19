"""Revision 0006: MT102 keys booked before it get their register's sender (R-L-7), on SQLite
and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date

from alembic import command
from sqlalchemy import Engine, select

from osms.intake.samples import SampleLine, write_mt102
from osms.registry import migrate
from osms.registry.models import Payment
from osms.rules.month import Month
from osms.services.registers import book_register

IVAN, AIGERIM = "900515300018", "850312401235"
MAY = Month(2025, 5)


def _mt102(lines: list[SampleLine], **options: object) -> bytes:
    out = io.BytesIO()
    write_mt102(
        out, lines, sender_bic="HSBKKZKX", reference="OSMS1", paid_on=date(2025, 6, 10),
        knp="122", **options,  # type: ignore[arg-type]
    )  # fmt: skip
    return out.getvalue()


def _keys(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(select(Payment.idempotency_key)).scalars())


def test_revision_0006_gives_booked_mt102_keys_their_senders_namespace(
    database_url: str, engine: Engine
) -> None:
    # Kaspi's list claims Halyk's BIC; before 0006 its key was Halyk's.
    forged = [SampleLine(IVAN, MAY, "4250", "Иванов", "Иван")]
    book_register(engine, io.BytesIO(_mt102(forged)), actor="k", sender="kaspi")
    command.downgrade(migrate.alembic_config(database_url), "0005")
    assert _keys(engine) == {"mt102:HSBKKZKX:OSMS1:1"}
    migrate.upgrade(database_url)
    assert _keys(engine) == {"mt102:kaspi:HSBKKZKX:OSMS1:1"}
    # Kaspi sending its list again (re-encoded: another file) books nothing (R-L-7) …
    again = book_register(
        engine, io.BytesIO(_mt102(forged, encoding="cp1251")), actor="k", sender="kaspi"
    )
    assert (again.booked, again.duplicates) == (0, 1)
    # … and Halyk's own list is Halyk's
    real = book_register(
        engine, io.BytesIO(_mt102([SampleLine(AIGERIM, MAY, "4250")])), actor="h", sender="halyk"
    )
    assert (real.booked, real.rejected, real.outcomes) == (1, 0, [])
    assert _keys(engine) == {"mt102:kaspi:HSBKKZKX:OSMS1:1", "mt102:halyk:HSBKKZKX:OSMS1:1"}
