"""The registry's first schema: people, categories, the append-only ledger, registers,
temporary-status and refund applications, and the audit trail.

Written by hand (frozen: it does not import the models).  Months are INTEGER ``YYYYMM``,
money NUMERIC(14, 2), codes short texts with CHECKs, timestamps timezone-aware.  Every table
holding a person's facts is keyed or indexed IIN first.  ``payments`` refuses UPDATE and
DELETE (and TRUNCATE on PostgreSQL) by trigger: the ledger is append-only (R-L-8).

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IIN = sa.CHAR(12)
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MONEY = sa.Numeric(14, 2)
MONTH = sa.Integer()
TIMESTAMP = sa.DateTime(timezone=True)
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

PAYER_KINDS = ("self_payer", "entrepreneur", "employee")
KNPS = ("121", "122", "123", "124")
CHANNELS = ("bank_branch", "bank_app", "terminal", "kazpost", "employer", "state_budget")
REGISTER_FORMATS = ("mt102", "csv")
REGISTER_STATUSES = ("accepted", "partially_accepted", "rejected")
LINE_STATUSES = ("booked", "duplicate", "rejected")
APPLICATION_STATUSES = ("applied", "approved", "refused")
REFUND_REASONS = ("wrong_period", "wrong_year", "wrong_iin", "overpayment")

APPEND_ONLY_MESSAGE = "payments is append-only (R-L-8)"


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def _month(table: str, column: str) -> sa.CheckConstraint:
    return _check(table, column, f"{column} % 100 BETWEEN 1 AND 12")


def _decision(table: str) -> list[sa.CheckConstraint]:
    return [
        _check(table, "status", _one_of("status", APPLICATION_STATUSES)),
        _check(
            table,
            "decided_by_and_at",
            "(status = 'applied') = (decided_by IS NULL AND decided_at IS NULL)",
        ),
        _check(table, "refusal_reason", "(status = 'refused') = (refusal_reason IS NOT NULL)"),
    ]


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("iin", IIN, nullable=False),
        sa.Column("surname", sa.String(100), nullable=True),
        sa.Column("given_name", sa.String(100), nullable=True),
        sa.Column("patronymic", sa.String(100), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("iin", name=op.f("pk_people")),
        _check("people", "iin_length", "length(iin) = 12"),
    )

    op.create_table(
        "payer_kind_periods",
        sa.Column("iin", IIN, nullable=False),
        sa.Column("first_period", MONTH, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("last_period", MONTH, nullable=True),
        sa.PrimaryKeyConstraint("iin", "first_period", name=op.f("pk_payer_kind_periods")),
        sa.ForeignKeyConstraint(
            ["iin"], ["people.iin"], name=op.f("fk_payer_kind_periods_iin_people")
        ),
        _check("payer_kind_periods", "kind", _one_of("kind", PAYER_KINDS)),
        _month("payer_kind_periods", "first_period"),
        _month("payer_kind_periods", "last_period"),
        _check(
            "payer_kind_periods",
            "period_order",
            "last_period IS NULL OR last_period >= first_period",
        ),
    )

    op.create_table(
        "category_periods",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("iin", IIN, nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("first_period", MONTH, nullable=False),
        sa.Column("last_period", MONTH, nullable=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_periods")),
        sa.ForeignKeyConstraint(
            ["iin"], ["people.iin"], name=op.f("fk_category_periods_iin_people")
        ),
        _month("category_periods", "first_period"),
        _month("category_periods", "last_period"),
        _check(
            "category_periods", "period_order", "last_period IS NULL OR last_period >= first_period"
        ),
    )
    op.create_index(
        "ix_category_periods_iin_first_period", "category_periods", ["iin", "first_period"]
    )

    op.create_table(
        "registers",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("sender", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Column("declared_total", MONEY, nullable=True),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("accepted_count", sa.Integer(), nullable=False),
        sa.Column("rejected_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("file_sha256", sa.CHAR(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registers")),
        sa.UniqueConstraint(
            "sender",
            "reference",
            "file_sha256",
            name=op.f("uq_registers_sender_reference_file_sha256"),
        ),
        _check("registers", "format", _one_of("format", REGISTER_FORMATS)),
        _check("registers", "status", _one_of("status", REGISTER_STATUSES)),
        _check(
            "registers",
            "counts",
            "line_count >= 0 AND accepted_count >= 0 AND rejected_count >= 0",
        ),
        _check("registers", "counts_add_up", "accepted_count + rejected_count = line_count"),
    )

    op.create_table(
        "payments",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("iin", IIN, nullable=False),
        sa.Column("period", MONTH, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("knp", sa.String(3), nullable=False),
        sa.Column("payer", IIN, nullable=False),
        sa.Column("channel", sa.String(16), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("credited_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("register_id", ID, nullable=True),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("booked_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.ForeignKeyConstraint(["iin"], ["people.iin"], name=op.f("fk_payments_iin_people")),
        sa.ForeignKeyConstraint(
            ["register_id"], ["registers.id"], name=op.f("fk_payments_register_id_registers")
        ),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_payments_idempotency_key")),
        sa.UniqueConstraint("register_id", "line_no", name=op.f("uq_payments_register_id_line_no")),
        _month("payments", "period"),
        _check("payments", "amount_positive", "amount > 0"),
        _check("payments", "knp", _one_of("knp", KNPS)),
        _check("payments", "channel", _one_of("channel", CHANNELS)),
        _check("payments", "payer_length", "length(payer) = 12"),
        _check("payments", "credited_after_paid", "credited_on >= paid_on"),
    )
    op.create_index("ix_payments_iin_period", "payments", ["iin", "period"])

    op.create_table(
        "register_lines",
        sa.Column("register_id", ID, nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("codes", sa.String(255), nullable=False),
        sa.Column("field", sa.String(64), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("iin", IIN, nullable=True),
        sa.Column("period", MONTH, nullable=True),
        sa.Column("amount", MONEY, nullable=True),
        sa.Column("payment_id", ID, nullable=True),
        sa.PrimaryKeyConstraint("register_id", "line_no", name=op.f("pk_register_lines")),
        sa.ForeignKeyConstraint(
            ["register_id"], ["registers.id"], name=op.f("fk_register_lines_register_id_registers")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_register_lines_payment_id_payments")
        ),
        _check("register_lines", "status", _one_of("status", LINE_STATUSES)),
        _month("register_lines", "period"),
        _check(
            "register_lines",
            "payment_unless_rejected",
            "(status = 'rejected') = (payment_id IS NULL)",
        ),
    )
    op.create_index("ix_register_lines_iin", "register_lines", ["iin"])

    op.create_table(
        "temporary_applications",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("iin", IIN, nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("documents", JSON_DOCUMENT, nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", TIMESTAMP, nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("granted_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_temporary_applications")),
        sa.ForeignKeyConstraint(
            ["iin"], ["people.iin"], name=op.f("fk_temporary_applications_iin_people")
        ),
        *_decision("temporary_applications"),
        _check(
            "temporary_applications",
            "grant_dates",
            "(status = 'approved') = (granted_on IS NOT NULL AND ends_on IS NOT NULL)",
        ),
        _check("temporary_applications", "grant_order", "ends_on IS NULL OR ends_on > granted_on"),
    )
    op.create_index(
        "ix_temporary_applications_iin_status", "temporary_applications", ["iin", "status"]
    )

    op.create_table(
        "refund_applications",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("payment_id", ID, nullable=False),
        sa.Column("iin", IIN, nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", TIMESTAMP, nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("refunded_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_applications")),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_refund_applications_payment_id_payments"),
        ),
        sa.ForeignKeyConstraint(
            ["iin"], ["people.iin"], name=op.f("fk_refund_applications_iin_people")
        ),
        *_decision("refund_applications"),
        _check("refund_applications", "reason", _one_of("reason", REFUND_REASONS)),
        _check(
            "refund_applications",
            "refunded_on",
            "(status = 'approved') = (refunded_on IS NOT NULL)",
        ),
        _check("refund_applications", "due_order", "due_by >= applied_on"),
    )
    op.create_index("ix_refund_applications_iin", "refund_applications", ["iin"])
    op.create_index("ix_refund_applications_payment_id", "refund_applications", ["payment_id"])
    op.create_index(
        "ux_refund_applications_approved_payment",
        "refund_applications",
        ["payment_id"],
        unique=True,
        sqlite_where=sa.text("status = 'approved'"),
        postgresql_where=sa.text("status = 'approved'"),
    )

    op.create_table(
        "audit_events",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("iin", IIN, nullable=True),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("detail", JSON_DOCUMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_iin_at", "audit_events", ["iin", "at"])
    op.create_index("ix_audit_events_at", "audit_events", ["at"])

    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_table("audit_events")
    op.drop_table("refund_applications")
    op.drop_table("temporary_applications")
    op.drop_table("register_lines")
    op.drop_table("payments")
    op.drop_table("registers")
    op.drop_table("category_periods")
    op.drop_table("payer_kind_periods")
    op.drop_table("people")


def _create_append_only_triggers() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION payments_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}: % refused', TG_OP
                    USING ERRCODE = 'restrict_violation';
            END
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments "
            "FOR EACH ROW EXECUTE FUNCTION payments_append_only()"
        )
        op.execute(
            "CREATE TRIGGER payments_no_truncate BEFORE TRUNCATE ON payments "
            "FOR EACH STATEMENT EXECUTE FUNCTION payments_append_only()"
        )
    elif dialect == "sqlite":
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER payments_no_{operation.lower()} BEFORE {operation} ON payments "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}: {operation} refused'); END"
            )
    else:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(f"no append-only trigger for {dialect}")


def _drop_append_only_triggers() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER payments_no_truncate ON payments")
        op.execute("DROP TRIGGER payments_append_only ON payments")
        op.execute("DROP FUNCTION payments_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER payments_no_update")
        op.execute("DROP TRIGGER payments_no_delete")
