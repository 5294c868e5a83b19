"""History cannot be rewritten: decided applications, the audit trail and the registers'
records are append-only in the database, like ``payments`` (R-L-8); applications name who
applied (R-R-1, R-TMP-1: the decider is someone else).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

Triggers refuse, on SQLite and PostgreSQL (and TRUNCATE too on PostgreSQL):

- ``refund_applications``, ``temporary_applications``: any DELETE; any UPDATE except the one
  that decides an application still ``applied`` (``applied`` → ``approved``/``refused``),
  which may not change what was applied for (id, person, payment or category, dates,
  documents, applicant);
- ``audit_events``, ``register_lines``: any UPDATE or DELETE;
- ``registers``: any DELETE; an UPDATE only while the register is as
  :func:`osms.registry.registers.open_register` inserts it (no line counted, ``accepted``, no
  reason), keeping what identifies it (format, sender, reference, received_at, file hash).
  Booking inserts the register first (its lines reference it) and writes the counters once,
  at the end of the same transaction; on PostgreSQL the UPDATE must indeed come from the
  transaction that inserted the row (its ``xmin``, so not from a savepoint of it).  On SQLite a
  register of zero lines keeps the initial state and so stays writable once more: SQLite
  cannot tell transactions apart.

A later SQLite "move and copy" (batch mode) of one of these tables drops its triggers: that
revision must create them again (see 0003 for ``payments``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


class _Guard(NamedTuple):
    """The triggers of one table: ``refused`` is the SQL condition (on OLD and NEW) under
    which an UPDATE is refused; None refuses every UPDATE."""

    table: str
    message: str
    refused: str | None


def _changed(*columns: str) -> str:
    return " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in columns)


_DECIDED_ONCE = "OLD.status <> 'applied' OR NEW.status = 'applied'"
_REGISTER_RECORDED = (
    "OLD.line_count <> 0 OR OLD.accepted_count <> 0 OR OLD.rejected_count <> 0 "
    "OR OLD.status <> 'accepted' OR OLD.reason IS NOT NULL"
)

GUARDS = (
    _Guard(
        "refund_applications",
        "a decided refund application is final (R-R-1)",
        f"{_DECIDED_ONCE} OR "
        + _changed("id", "payment_id", "iin", "reason", "applied_on", "due_by", "applied_by"),
    ),
    _Guard(
        "temporary_applications",
        "a decided temporary-status application is final (R-TMP-1)",
        f"{_DECIDED_ONCE} OR "
        + _changed("id", "iin", "category", "documents", "submitted_on", "channel", "applied_by"),
    ),
    _Guard("audit_events", "audit_events is append-only (RULES.md 11)", None),
    _Guard("register_lines", "register_lines is append-only (R-F-3)", None),
    _Guard(
        "registers",
        "a recorded register is final (R-F-3, R-L-7)",
        f"{_REGISTER_RECORDED} OR "
        + _changed("id", "format", "sender", "reference", "received_at", "file_sha256"),
    ),
)

_NOT_INSERTED_HERE = (
    "(SELECT r.xmin FROM registers r WHERE r.id = OLD.id) <> pg_current_xact_id()::xid"
)
"""PostgreSQL: the register row was not inserted by the current transaction."""


def upgrade() -> None:
    for table in ("refund_applications", "temporary_applications"):
        op.add_column(table, sa.Column("applied_by", sa.String(64), nullable=True))
    dialect = op.get_context().dialect.name
    for guard in GUARDS:
        if dialect == "postgresql":
            _postgresql_guard(guard)
        elif dialect == "sqlite":
            _sqlite_guard(guard)
        else:  # pragma: no cover - only the two supported databases
            raise NotImplementedError(f"no append-only trigger for {dialect}")


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    for guard in reversed(GUARDS):
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER {guard.table}_no_truncate ON {guard.table}")
            op.execute(f"DROP TRIGGER {guard.table}_append_only ON {guard.table}")
            op.execute(f"DROP FUNCTION {guard.table}_append_only()")
        else:
            op.execute(f"DROP TRIGGER {guard.table}_no_update")
            op.execute(f"DROP TRIGGER {guard.table}_no_delete")
    for table in ("temporary_applications", "refund_applications"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("applied_by")


def _postgresql_guard(guard: _Guard) -> None:
    if guard.refused is None:
        allowed = "FALSE"
    elif guard.table == "registers":
        allowed = f"NOT ({guard.refused} OR {_NOT_INSERTED_HERE})"
    else:
        allowed = f"NOT ({guard.refused})"
    op.execute(
        f"""
        CREATE FUNCTION {guard.table}_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                IF {allowed} THEN
                    RETURN NEW;
                END IF;
            END IF;
            RAISE EXCEPTION '{guard.message}: % refused', TG_OP
                USING ERRCODE = 'restrict_violation';
        END
        $$
        """
    )
    op.execute(
        f"CREATE TRIGGER {guard.table}_append_only BEFORE UPDATE OR DELETE ON {guard.table} "
        f"FOR EACH ROW EXECUTE FUNCTION {guard.table}_append_only()"
    )
    op.execute(
        f"CREATE TRIGGER {guard.table}_no_truncate BEFORE TRUNCATE ON {guard.table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {guard.table}_append_only()"
    )


def _sqlite_guard(guard: _Guard) -> None:
    # SQLite spells IS DISTINCT FROM as IS NOT (both compare NULLs as values).
    when = (
        ""
        if guard.refused is None
        else " WHEN " + guard.refused.replace("IS DISTINCT FROM", "IS NOT")
    )
    op.execute(
        f"CREATE TRIGGER {guard.table}_no_update BEFORE UPDATE ON {guard.table}{when} "
        f"BEGIN SELECT RAISE(ABORT, '{guard.message}: UPDATE refused'); END"
    )
    op.execute(
        f"CREATE TRIGGER {guard.table}_no_delete BEFORE DELETE ON {guard.table} "
        f"BEGIN SELECT RAISE(ABORT, '{guard.message}: DELETE refused'); END"
    )
