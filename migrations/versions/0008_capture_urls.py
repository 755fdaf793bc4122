"""capture URLs from fetched pages are unbounded text (a long redirect target never crashes
a worker)

Revision ID: 0008_capture_urls
Revises: 0007_politeness
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_capture_urls"
down_revision: str | None = "0007_politeness"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.alter_column("final_url", existing_type=sa.String(length=2048), type_=sa.Text())
        batch_op.alter_column(
            "canonical_url", existing_type=sa.String(length=2048), type_=sa.Text()
        )


def downgrade() -> None:
    with op.batch_alter_table("captures", schema=None) as batch_op:
        for column in ("canonical_url", "final_url"):
            batch_op.alter_column(
                column,
                existing_type=sa.Text(),
                type_=sa.String(length=2048),
                postgresql_using=f"left({column}, 2048)",
            )
