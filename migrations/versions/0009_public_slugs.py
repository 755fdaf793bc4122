"""public slugs: the readable part of a published fact-check's URL, fixed at first publication

Revision ID: 0009_public_slugs
Revises: 0008_capture_urls
Create Date: 2026-11-25
"""

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_public_slugs"
down_revision: str | None = "0008_capture_urls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WORD = re.compile(r"[a-z0-9]+")


def _slug(text: str) -> str:
    """As app.workflow.verdicts.slug_of made it when this migration was written."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(_WORD.findall(ascii_text)[:10])[:80].strip("-")


def upgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_slug", sa.String(length=80), nullable=True))
    conn = op.get_bind()
    claims = sa.table(
        "claims", sa.column("id", sa.Integer), sa.column("text"), sa.column("public_slug")
    )
    verdicts = sa.table("verdicts", sa.column("claim_id"), sa.column("status"))
    published = sa.select(claims.c.id, claims.c.text).where(
        claims.c.id.in_(sa.select(verdicts.c.claim_id).where(verdicts.c.status == "approved"))
    )
    for claim_id, text in conn.execute(published).all():
        conn.execute(
            sa.update(claims).where(claims.c.id == claim_id).values(public_slug=_slug(text))
        )


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_column("public_slug")
