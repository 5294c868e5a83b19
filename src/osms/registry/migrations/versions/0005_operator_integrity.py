"""Operators' integrity: category periods keyed and versioned (R-CAT-1), partial refunds of an
overpayment (R-R-1), one pending application per person and category or per payment and reason
(R-TMP-1, R-R-1).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

- ``category_periods`` holds the current version of each period, now unique by (IIN, category,
  first month); ``known_from`` is the day (in Kazakhstan) from which that version answers "as
  known on" questions (NULL: the period's first version, which answers every earlier day too).
  Periods stored twice by re-imported feeds are merged: the latest stays, the earlier ones go
  to the history.
- ``category_period_history`` keeps every replaced or withdrawn version with the window of
  knowledge dates it answered, [known_from, replaced_on); it is append-only (UPDATE, DELETE and,
  on PostgreSQL, TRUNCATE are refused).
- ``refund_applications.refunded_amount``: what an approved refund returned (NULL: the whole
  payment, as every refund before this revision); an overpayment returns only the surplus.
- A second pending application for the same person and category (temporary status) or the
  same payment and reason (refund) is the same application: partial unique indexes refuse it.
  Pending duplicates recorded before this revision are refused here, naming the application
  they repeat (the one UPDATE the 0004 triggers allow).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import pairwise

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IIN = sa.CHAR(12)
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MONEY = sa.Numeric(14, 2)
MONTH = sa.Integer()
TIMESTAMP = sa.DateTime(timezone=True)
KAZAKHSTAN = timezone(timedelta(hours=5))
MIGRATION_ACTOR = "osms:migration-0005"

HISTORY = "category_period_history"
HISTORY_MESSAGE = "category_period_history is append-only (R-CAT-1)"
REFUNDED_AMOUNT_CHECK = "refunded_amount IS NULL OR (refunded_amount > 0 AND status = 'approved')"


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def _month(table: str, column: str) -> sa.CheckConstraint:
    return _check(table, column, f"{column} % 100 BETWEEN 1 AND 12")


def _sqlite() -> bool:
    return op.get_context().dialect.name == "sqlite"


def upgrade() -> None:
    _category_history()
    _refunded_amount()
    _pending_applications_once()


def downgrade() -> None:
    for table, index in (
        ("temporary_applications", "ux_temporary_applications_pending_iin_category"),
        ("refund_applications", "ux_refund_applications_pending_payment_reason"),
        ("category_periods", "ux_category_periods_iin_category_first_period"),
    ):
        op.drop_index(index, table_name=table)
    if _sqlite():
        op.execute(f"DROP TRIGGER {HISTORY}_no_update")
        op.execute(f"DROP TRIGGER {HISTORY}_no_delete")
    else:
        op.execute(f"DROP TRIGGER {HISTORY}_no_truncate ON {HISTORY}")
        op.execute(f"DROP TRIGGER {HISTORY}_append_only ON {HISTORY}")
        op.execute(f"DROP FUNCTION {HISTORY}_append_only()")
    op.drop_index(f"ix_{HISTORY}_iin_first_period", table_name=HISTORY)
    op.drop_table(HISTORY)
    # SQLite drops a column in place (the 0004 triggers stay) when only its own CHECK names it.
    for table, column in (
        ("refund_applications", "refunded_amount"),
        ("category_periods", "known_from"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


# -- category periods --------------------------------------------------------------------------


def _category_history() -> None:
    op.add_column("category_periods", sa.Column("known_from", sa.Date(), nullable=True))
    op.create_table(
        HISTORY,
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("iin", IIN, nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("first_period", MONTH, nullable=False),
        sa.Column("last_period", MONTH, nullable=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
        sa.Column("known_from", sa.Date(), nullable=True),
        sa.Column("replaced_on", sa.Date(), nullable=False),
        sa.Column("replaced_at", TIMESTAMP, nullable=False),
        sa.Column("replaced_by", sa.String(16), nullable=False),
        sa.Column("replacing_source", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{HISTORY}")),
        sa.ForeignKeyConstraint(["iin"], ["people.iin"], name=op.f(f"fk_{HISTORY}_iin_people")),
        _month(HISTORY, "first_period"),
        _month(HISTORY, "last_period"),
        _check(HISTORY, "period_order", "last_period IS NULL OR last_period >= first_period"),
        _check(HISTORY, "replaced_by", "replaced_by IN ('record', 'withdrawal')"),
        _check(HISTORY, "known_order", "known_from IS NULL OR replaced_on >= known_from"),
    )
    op.create_index(f"ix_{HISTORY}_iin_first_period", HISTORY, ["iin", "first_period"])
    _merge_duplicate_periods()
    op.create_index(
        "ux_category_periods_iin_category_first_period",
        "category_periods",
        ["iin", "category", "first_period"],
        unique=True,
    )
    if _sqlite():
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {HISTORY}_no_{operation.lower()} BEFORE {operation} ON {HISTORY} "
                f"BEGIN SELECT RAISE(ABORT, '{HISTORY_MESSAGE}: {operation} refused'); END"
            )
    else:
        op.execute(
            f"""
            CREATE FUNCTION {HISTORY}_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{HISTORY_MESSAGE}: % refused', TG_OP
                    USING ERRCODE = 'restrict_violation';
            END
            $$
            """
        )
        op.execute(
            f"CREATE TRIGGER {HISTORY}_append_only BEFORE UPDATE OR DELETE ON {HISTORY} "
            f"FOR EACH ROW EXECUTE FUNCTION {HISTORY}_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {HISTORY}_no_truncate BEFORE TRUNCATE ON {HISTORY} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {HISTORY}_append_only()"
        )


def _kazakhstan_day(instant: datetime) -> date:
    if instant.tzinfo is None:  # SQLite keeps the UTC wall time
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(KAZAKHSTAN).date()


def _merge_duplicate_periods() -> None:
    """Keep the latest of the periods stored more than once; the earlier go to the history,
    each replaced on the day (in Kazakhstan) the next one was recorded."""
    bind = op.get_bind()
    periods = sa.table(
        "category_periods",
        sa.column("id", ID),
        sa.column("iin", IIN),
        sa.column("category", sa.String),
        sa.column("first_period", MONTH),
        sa.column("last_period", MONTH),
        sa.column("source", sa.String),
        sa.column("created_at", TIMESTAMP),
        sa.column("known_from", sa.Date),
    )
    history = sa.table(
        HISTORY,
        *(
            sa.column(name)
            for name in (
                "iin",
                "category",
                "first_period",
                "last_period",
                "source",
                "recorded_at",
                "known_from",
                "replaced_on",
                "replaced_at",
                "replaced_by",
                "replacing_source",
            )
        ),
    )
    key = (periods.c.iin, periods.c.category, periods.c.first_period)
    repeated = bind.execute(sa.select(*key).group_by(*key).having(sa.func.count() > 1)).all()
    for iin, category, first in repeated:
        rows = bind.execute(
            sa.select(periods)
            .where(
                periods.c.iin == iin,
                periods.c.category == category,
                periods.c.first_period == first,
            )
            .order_by(periods.c.created_at, periods.c.id)
        ).all()
        known_from: date | None = None
        for row, following in pairwise(rows):
            replaced_on = max(_kazakhstan_day(following.created_at), known_from or date.min)
            bind.execute(
                history.insert().values(
                    iin=row.iin,
                    category=row.category,
                    first_period=row.first_period,
                    last_period=row.last_period,
                    source=row.source,
                    recorded_at=row.created_at,
                    known_from=known_from,
                    replaced_on=replaced_on,
                    replaced_at=following.created_at,
                    replaced_by="record",
                    replacing_source=following.source,
                )
            )
            bind.execute(periods.delete().where(periods.c.id == row.id))
            known_from = replaced_on
        bind.execute(
            periods.update().where(periods.c.id == rows[-1].id).values(known_from=known_from)
        )


# -- refunds -----------------------------------------------------------------------------------


def _refunded_amount() -> None:
    if _sqlite():
        # ADD COLUMN keeps the table (and its 0004 triggers); SQLite takes a named CHECK there.
        op.execute(
            "ALTER TABLE refund_applications ADD COLUMN refunded_amount NUMERIC(14, 2) "
            f"CONSTRAINT ck_refund_applications_refunded_amount CHECK ({REFUNDED_AMOUNT_CHECK})"
        )
    else:
        op.add_column("refund_applications", sa.Column("refunded_amount", MONEY, nullable=True))
        op.create_check_constraint(
            op.f("ck_refund_applications_refunded_amount"),
            "refund_applications",
            REFUNDED_AMOUNT_CHECK,
        )


# -- one pending application -------------------------------------------------------------------


def _pending_applications_once() -> None:
    _refuse_pending_repeats("temporary_applications", ("iin", "category"), "R-TMP-1")
    _refuse_pending_repeats("refund_applications", ("payment_id", "reason"), "R-R-1")
    op.create_index(
        "ux_temporary_applications_pending_iin_category",
        "temporary_applications",
        ["iin", "category"],
        unique=True,
        sqlite_where=sa.text("status = 'applied'"),
        postgresql_where=sa.text("status = 'applied'"),
    )
    op.create_index(
        "ux_refund_applications_pending_payment_reason",
        "refund_applications",
        ["payment_id", "reason"],
        unique=True,
        sqlite_where=sa.text("status = 'applied'"),
        postgresql_where=sa.text("status = 'applied'"),
    )


def _refuse_pending_repeats(table: str, key: tuple[str, ...], rule: str) -> None:
    """Refuse every pending application but the first of its key: it is the same one."""
    bind = op.get_bind()
    applications = sa.table(
        table,
        sa.column("id", ID),
        sa.column("status", sa.String),
        sa.column("decided_by", sa.String),
        sa.column("decided_at", TIMESTAMP),
        sa.column("refusal_reason", sa.Text),
        *(sa.column(name) for name in key),
    )
    columns = [applications.c[name] for name in key]
    pending = applications.c.status == "applied"
    first_ids = bind.execute(
        sa.select(sa.func.min(applications.c.id), *columns)
        .where(pending)
        .group_by(*columns)
        .having(sa.func.count() > 1)
    ).all()
    now = datetime.now(UTC)
    for first_id, *values in first_ids:
        bind.execute(
            applications.update()
            .where(
                pending,
                applications.c.id != first_id,
                *(column == value for column, value in zip(columns, values, strict=True)),
            )
            .values(
                status="refused",
                decided_by=MIGRATION_ACTOR,
                decided_at=now if not _sqlite() else now.replace(tzinfo=None),
                refusal_reason=(
                    f"the same application as {first_id}, recorded again while it was "
                    f"pending ({rule})"
                ),
            )
        )
