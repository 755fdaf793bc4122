"""The first package format (claimreview.json, claims.csv, claims.jsonl, warc/capture-N.warc.gz),
read from the database through Flask's config: what ``claimdesk export package`` writes until
its query feeds ``app.exports.package.write_package`` with records instead."""

from __future__ import annotations

import zipfile
from typing import IO

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.archive.pipeline import blob_store
from app.exports.formats import to_claimreview, to_csv, to_jsonl
from app.exports.rows import VerifiedClaim
from app.models import Capture, CaptureStatus


def write_legacy_package(session: Session, items: list[VerifiedClaim], out: IO[bytes]) -> int:
    """Write a zip to ``out``; returns how many WARCs it holds."""
    config = current_app.config
    source_ids = {e.source_id for item in items for e in item.claim.evidence}
    captures = session.scalars(
        select(Capture)
        .where(Capture.source_id.in_(source_ids), Capture.status == CaptureStatus.ARCHIVED)
        .order_by(Capture.id)
    ).all()
    store = blob_store()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "claimreview.json",
            to_claimreview(
                items, config["RATING_SCALE"], config["PUBLIC_URL"], config["PUBLISHER_NAME"]
            ),
        )
        zf.writestr("claims.csv", "".join(to_csv(items, config["RATING_SCALE"])))
        zf.writestr("claims.jsonl", "".join(to_jsonl(items, config["RATING_SCALE"])))
        for capture in captures:
            if capture.warc_key:
                with store.open(capture.warc_key) as handle:
                    # Already gzip per record: store, do not recompress.
                    zf.writestr(
                        f"warc/capture-{capture.id}.warc.gz",
                        handle.read(),
                        compress_type=zipfile.ZIP_STORED,
                    )
    return len(captures)
