"""export rows unchecked: exported_claims.run_id without a foreign key

Recording a 100k-claim export spent a third of its time checking each row's run, a run that
the same transaction had just created. Runs are never deleted, so the key protects nothing
the writer does not already guarantee (see ``app.models.exports.ExportedClaim``).

Revision ID: 0010_export_rows_unchecked
Revises: 0009_public_slugs
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_export_rows_unchecked"
down_revision: str | None = "0009_public_slugs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_exported_claims_run_id_export_runs"


def upgrade() -> None:
    with op.batch_alter_table("exported_claims", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("exported_claims", schema=None) as batch_op:
        batch_op.create_foreign_key(FK, "export_runs", ["run_id"], ["id"], ondelete="CASCADE")
