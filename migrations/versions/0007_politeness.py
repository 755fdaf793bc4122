"""politeness: per-host state for re-checks (next allowed start, fetches under way)

Revision ID: 0007_politeness
Revises: 0006_similarity
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0007_politeness"
down_revision: str | None = "0006_similarity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "host_politeness",
        sa.Column("host", sa.String(length=253), nullable=False),
        sa.Column("not_before", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("host", name=op.f("pk_host_politeness")),
    )
    op.create_table(
        "politeness_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=253), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["capture_id"],
            ["captures.id"],
            name=op.f("fk_politeness_slots_capture_id_captures"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["host"],
            ["host_politeness.host"],
            name=op.f("fk_politeness_slots_host_host_politeness"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_politeness_slots")),
    )
    op.create_index(
        "ix_politeness_slots_host_expires", "politeness_slots", ["host", "expires_at"]
    )
    op.create_index(
        op.f("ix_politeness_slots_capture_id"), "politeness_slots", ["capture_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_politeness_slots_capture_id"), table_name="politeness_slots")
    op.drop_index("ix_politeness_slots_host_expires", table_name="politeness_slots")
    op.drop_table("politeness_slots")
    op.drop_table("host_politeness")
