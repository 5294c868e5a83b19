"""A payment's credit day follows the calendar as it stands when read (R-T-3, R-P-3).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08

``payments.credited_on`` becomes nullable: it holds the credit day only when the intake record
carried its own; NULL means ``paid_on`` + 3 working days, computed when the payment is read
(:func:`osms.registry.ledger.credit_day`), so that a calendar correction published later (the
next year's decree of transfers) reaches payments booked before it.  The CHECK ``credited_on
>= paid_on`` stays (NULL passes it).

Rows booked from a register before this revision stored a credit day computed at booking (no
register format carries one), so it is cleared: theirs is computed when read too.  The ledger
is append-only (R-L-8) and this is the one rewrite of it, of a derived column, with the
append-only triggers lifted for it alone; rows booked without a register (the demo's, a
population loaded by ``osms batch load``) keep the day they stored.  On SQLite a column's
nullability changes only by rebuilding the table (Alembic's batch mode, with foreign keys off
while it runs: :func:`osms.registry.migrate.run_environment`); the rebuilt ``payments`` table
gets its append-only triggers back.

The downgrade refuses while a payment without a stored credit day exists: making the column
NOT NULL again would need those rows written, and they cannot be.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_MESSAGE = "payments is append-only (R-L-8)"


def _sqlite() -> bool:
    return op.get_context().dialect.name == "sqlite"


COMPUTED_AT_BOOKING = "UPDATE payments SET credited_on = NULL WHERE register_id IS NOT NULL"
"""The credit days a register's payments stored when booked: computed, never carried."""


def _credited_on(*, nullable: bool) -> None:
    if _sqlite():
        with op.batch_alter_table("payments", recreate="always") as batch:
            batch.alter_column("credited_on", existing_type=sa.Date(), nullable=nullable)
        if nullable:  # the rebuilt table has no trigger yet
            op.execute(COMPUTED_AT_BOOKING)
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS payments_no_{operation.lower()} BEFORE {operation} "
                f"ON payments BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}: "
                f"{operation} refused'); END"
            )
    else:
        op.alter_column("payments", "credited_on", existing_type=sa.Date(), nullable=nullable)
        if nullable:
            op.execute("ALTER TABLE payments DISABLE TRIGGER payments_append_only")
            op.execute(COMPUTED_AT_BOOKING)
            op.execute("ALTER TABLE payments ENABLE TRIGGER payments_append_only")


def upgrade() -> None:
    _credited_on(nullable=True)


def downgrade() -> None:
    computed = op.get_bind().execute(
        sa.text("SELECT count(*) FROM payments WHERE credited_on IS NULL")
    )
    count = computed.scalar_one()
    if count:
        raise RuntimeError(
            f"{count} payments have no stored credit day (R-T-3, computed when read); "
            "revision 0005 needs one and the ledger is append-only (R-L-8): not downgraded"
        )
    _credited_on(nullable=False)
