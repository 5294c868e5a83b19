"""MT102 keys in their sender's namespace (R-L-7): ``mt102:<sender>:<BIC>:<:20:>:<:21:>``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08

The bank of an MT102 key is the BIC the file claims (``:52B:``, else ``{1:}``), so any sender
could book lines under another bank's keys: that bank's own list then came back as duplicates
or key conflicts naming the other sender's payments.  Keys are now made in the namespace of the
register's sender (:func:`osms.registry.ledger.mt102_key`), as CSV keys are.

The payments booked from a register before this revision get their sender's namespace here,
so that a bank sending a list again after the upgrade finds its lines booked before (R-L-7)
instead of booking them twice; a line another sender had claimed becomes that sender's.  A key
is bookkeeping, not the payment (R-L-8: person, month, amount … are untouched); it is the one
UPDATE ``payments`` ever receives, with its append-only trigger set aside for the statement.
MT102 keys of payments that came from no register stay as they are (no sender is known).

Downgrading strips the namespace again; it fails (the unique key) if two senders have booked
the same bank, message and line since.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_MESSAGE = "payments is append-only (R-L-8)"

_SENDER = "(SELECT r.sender FROM registers r WHERE r.id = payments.register_id)"
_FROM_A_REGISTER = "idempotency_key LIKE 'mt102:%' AND register_id IS NOT NULL"


def upgrade() -> None:
    # 'mt102:' is 6 characters: the old key's rest starts at its 7th
    _rewrite(f"'mt102:' || {_SENDER} || ':' || substr(idempotency_key, 7)")


def downgrade() -> None:
    _rewrite(f"'mt102:' || substr(idempotency_key, length({_SENDER}) + 8)")


def _rewrite(key: str) -> None:
    """Set every MT102 key of a payment from a register to ``key`` (SQL on its row), with the
    append-only trigger of ``payments`` off for this statement alone."""
    statement = f"UPDATE payments SET idempotency_key = {key} WHERE {_FROM_A_REGISTER}"
    dialect = op.get_context().dialect.name
    if dialect == "postgresql":
        op.execute("ALTER TABLE payments DISABLE TRIGGER payments_append_only")
        op.execute(statement)
        op.execute("ALTER TABLE payments ENABLE TRIGGER payments_append_only")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER payments_no_update")
        op.execute(statement)
        op.execute(
            "CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}: UPDATE refused'); END"
        )
    else:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(f"no append-only trigger for {dialect}")
