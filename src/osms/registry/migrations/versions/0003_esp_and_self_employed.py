"""КНП 183 (ЕСП) in the ledger and the `self_employed` payer kind (R-L-2, R-L-6).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07

Widens two CHECK constraints.  On SQLite a constraint can only change by rebuilding the table
(Alembic's batch mode); the rebuilt ``payments`` table gets its append-only triggers back.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = ("self_payer", "entrepreneur", "employee")
NEW_KINDS = (*OLD_KINDS, "self_employed")
OLD_KNPS = ("121", "122", "123", "124")
NEW_KNPS = (*OLD_KNPS, "183")
APPEND_ONLY_MESSAGE = "payments is append-only (R-L-8)"


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _replace_check(table: str, name: str, condition: str) -> None:
    constraint = op.f(f"ck_{table}_{name}")
    if op.get_context().dialect.name == "sqlite":
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.drop_constraint(constraint, type_="check")
            batch.create_check_constraint(constraint, condition)
    else:
        op.drop_constraint(constraint, table, type_="check")
        op.create_check_constraint(constraint, table, condition)


def _sqlite_payments_triggers() -> None:
    if op.get_context().dialect.name != "sqlite":
        return
    for operation in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER IF NOT EXISTS payments_no_{operation.lower()} BEFORE {operation} "
            f"ON payments BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}: {operation} refused'); "
            "END"
        )


def upgrade() -> None:
    _replace_check("payer_kind_periods", "kind", _one_of("kind", NEW_KINDS))
    _replace_check("payments", "knp", _one_of("knp", NEW_KNPS))
    _sqlite_payments_triggers()


def downgrade() -> None:
    _replace_check("payments", "knp", _one_of("knp", OLD_KNPS))
    _replace_check("payer_kind_periods", "kind", _one_of("kind", OLD_KINDS))
    _sqlite_payments_triggers()
