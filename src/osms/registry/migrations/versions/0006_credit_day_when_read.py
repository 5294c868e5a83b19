"""A payment's credit day follows the calendar as it stands when read (R-T-3, R-P-3).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08

``payments.credited_on`` becomes nullable: it holds the credit day only when the intake record
carried its own; NULL means ``paid_on`` + 3 working days, computed when the payment is read
(:func:`osms.registry.ledger.credit_day`), so that a calendar correction published later (the
next year's decree of transfers) reaches payments booked before it.  The CHECK ``credited_on
>= paid_on`` stays (NULL passes it).

Rows booked before this revision keep the dates they stored: payments are append-only (R-L-8,
triggers on both databases), so none is rewritten.  On SQLite a column's nullability changes
only by rebuilding the table (Alembic's batch mode); the rebuilt ``payments`` table gets its
append-only triggers back.

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


def _credited_on(*, nullable: bool) -> None:
    if _sqlite():
        with op.batch_alter_table("payments", recreate="always") as batch:
            batch.alter_column("credited_on", existing_type=sa.Date(), nullable=nullable)
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS payments_no_{operation.lower()} BEFORE {operation} "
                f"ON payments BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}: "
                f"{operation} refused'); END"
            )
    else:
        op.alter_column("payments", "credited_on", existing_type=sa.Date(), nullable=nullable)


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
