"""integrity: hash-chained append-only events, one evidence item per claim/source/stance,
claim closure, cluster-copied verdicts, export runs

Revision ID: 0003_integrity
Revises: 0002_user_admin
Create Date: 2026-11-25
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0003_integrity"
down_revision: str | None = "0002_user_admin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Triggers that make the audit trail append-only, per backend.
PG_TRIGGERS = [
    """
    CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'events are append-only: % refused', TG_OP;
    END $$
    """,
    """
    CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only()
    """,
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS events_append_only ON events",
    "DROP FUNCTION IF EXISTS events_append_only()",
]
SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END
    """,
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS events_no_update", "DROP TRIGGER IF EXISTS events_no_delete"]


def _frozen_hash(row: sa.Row, seq: int, prev: str | None) -> str:
    """The chain hash as app.workflow.audit computes it (canonical form version 1), frozen
    here so this migration backfills the same values whatever the app code becomes."""
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    payload = {
        "v": 1,
        "claim_id": row.claim_id,
        "seq": seq,
        "kind": row.kind,
        "actor_id": row.actor_id,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "before": row.before,
        "after": row.after,
        "detail": row.detail,
        "prev": prev,
    }
    data = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _backfill_chains() -> None:
    conn = op.get_bind()
    events = sa.table(
        "events",
        sa.column("id", sa.Integer),
        sa.column("claim_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("actor_id", sa.Integer),
        sa.column("at", app.db.UTCDateTime(timezone=True)),
        sa.column("before", sa.JSON),
        sa.column("after", sa.JSON),
        sa.column("detail", sa.JSON),
        sa.column("seq", sa.Integer),
        sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
    )
    rows = conn.execute(sa.select(events).order_by(events.c.claim_id, events.c.id)).all()
    claim_id, seq, prev = None, 0, None
    for row in rows:
        if row.claim_id != claim_id:
            claim_id, seq, prev = row.claim_id, 0, None
        seq += 1
        digest = _frozen_hash(row, seq, prev)
        conn.execute(
            sa.update(events)
            .where(events.c.id == row.id)
            .values(seq=seq, prev_hash=prev, hash=digest)
        )
        prev = digest


def _drop_duplicate_evidence() -> None:
    """Keep the first item of each (claim, source, stance) before the unique constraint."""
    op.execute(
        """
        DELETE FROM evidence WHERE id NOT IN (
            SELECT MIN(id) FROM evidence GROUP BY claim_id, source_id, stance
        )
        """
    )


def upgrade() -> None:
    op.create_table(
        "export_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("format", sa.String(length=30), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_export_runs_actor_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_runs")),
    )
    op.create_table(
        "exported_claims",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("verdict_id", sa.Integer(), nullable=False),
        sa.Column("chain_head", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["export_runs.id"], name=op.f("fk_exported_claims_run_id_export_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "claim_id", name=op.f("pk_exported_claims")),
    )
    with op.batch_alter_table("exported_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exported_claims_claim_id"), ["claim_id"], unique=False)

    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "closed_as",
                sa.Enum(
                    "rejected", "withdrawn", name="claim_closure", native_enum=False,
                    create_constraint=True, length=13,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("closed_at", app.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _backfill_chains()
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("claim_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.create_unique_constraint("claim_seq", ["claim_id", "seq"])
        batch_op.drop_constraint(batch_op.f("fk_events_claim_id_claims"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_events_actor_id_users"), type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f("fk_events_actor_id_users"), "users", ["actor_id"], ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_events_claim_id_claims"), "claims", ["claim_id"], ["id"],
            ondelete="RESTRICT",
        )

    _drop_duplicate_evidence()
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_unique_constraint("claim_source_stance", ["claim_id", "source_id", "stance"])

    with op.batch_alter_table("verdicts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("copied_from_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_verdicts_copied_from_id"), ["copied_from_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_verdicts_copied_from_id_verdicts"), "verdicts", ["copied_from_id"], ["id"]
        )

    # Last: from here on nothing may change or remove an event.
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in PG_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in PG_DROP if postgres else SQLITE_DROP:
        op.execute(statement)

    with op.batch_alter_table("verdicts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_verdicts_copied_from_id_verdicts"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_verdicts_copied_from_id"))
        batch_op.drop_column("copied_from_id")

    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_constraint("claim_source_stance", type_="unique")

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_events_claim_id_claims"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_events_actor_id_users"), type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f("fk_events_actor_id_users"), "users", ["actor_id"], ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_events_claim_id_claims"), "claims", ["claim_id"], ["id"],
            ondelete="CASCADE",
        )
        batch_op.drop_constraint("claim_seq", type_="unique")
        batch_op.alter_column("claim_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")

    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_constraint("claim_closure", type_="check")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("closed_as")

    with op.batch_alter_table("exported_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exported_claims_claim_id"))
    op.drop_table("exported_claims")
    op.drop_table("export_runs")
