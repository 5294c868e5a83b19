"""API clients (hashed keys with scopes) and the bot's reminder subscriptions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "api_clients",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("key_prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.CHAR(64), nullable=False),
        sa.Column("scopes", sa.String(255), nullable=False),
        sa.Column("rate_limit_per_minute", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.Column("revoked_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_clients")),
        sa.UniqueConstraint("key_prefix", name=op.f("uq_api_clients_key_prefix")),
        sa.CheckConstraint(
            "rate_limit_per_minute > 0", name=op.f("ck_api_clients_rate_limit_positive")
        ),
    )
    op.create_table(
        "bot_subscriptions",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("iin", sa.CHAR(12), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_reminded_period", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("chat_id", "iin", name=op.f("pk_bot_subscriptions")),
        sa.CheckConstraint("lang IN ('kk', 'ru', 'en')", name=op.f("ck_bot_subscriptions_lang")),
    )
    op.create_index("ix_bot_subscriptions_iin", "bot_subscriptions", ["iin"])


def downgrade() -> None:
    op.drop_index("ix_bot_subscriptions_iin", table_name="bot_subscriptions")
    op.drop_table("bot_subscriptions")
    op.drop_table("api_clients")
