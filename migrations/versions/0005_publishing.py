"""publishing: who made a claim, a person or an organisation (ClaimReview author type)

Revision ID: 0005_publishing
Revises: 0004_notes
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_publishing"
down_revision: str | None = "0004_notes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "speaker_kind",
                sa.Enum(
                    "person", "organization", name="speaker_kind", native_enum=False,
                    create_constraint=True, length=16,
                ),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_constraint("speaker_kind", type_="check")
        batch_op.drop_column("speaker_kind")
