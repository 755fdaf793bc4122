"""The claims JSON Lines of an export run, built by Postgres and streamed with COPY.

Python builds a claim's JSON at a few tens of thousands of rows a second; Postgres builds the
same objects in C and COPY streams them out at the speed ``psql \\copy`` gets. This is that
path for the largest export (``claims.jsonl`` of a run) on Postgres. Every value is the one
``app.exports.formats.claim_row`` gives for the same claim (tests/exports/test_postgres_jsonl.py
compares the two on the same data); only the spacing of the JSON text differs.

Public interface::

    claims_jsonl(session, run_id) -> Iterator[str]
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator

from psycopg import sql
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.exports.records import RatingScale
from app.models import ExportedClaim, Verdict
from config import settings

# ISO 8601 in UTC, whole seconds, Z: as app.exports.claimreview.isodatetime writes it.
ISO_Z = 'YYYY-MM-DD"T"HH24:MI:SS"Z"'

# The appearances as app.exports.query._first_first orders them: distinct URLs, the claim's
# own (origin 0, 1) before its restatements' (2, 3, by member id), earliest date first. Most
# claims have no restatement and at most one URL, and are written out directly; the others go
# through the general query, which also looks up the restatements.
OWN = (
    "json_build_object('url', c.appearance_url, 'published_at', c.claim_date, "
    "'title', NULL, 'publisher', NULL)"
)
DOCUMENT = (
    "json_build_object('url', d.url, 'published_at', d.published_at, "
    "'title', d.title, 'publisher', d.publisher)"
)
ALL_APPEARANCES = """
(SELECT coalesce(json_agg(json_build_object(
          'url', f.url, 'published_at', f.d, 'title', f.title, 'publisher', f.pub)
        ORDER BY f.d NULLS LAST, f.origin, f.mid, f.url), '[]'::json)
 FROM (SELECT DISTINCT ON (a.url) a.* FROM (
         SELECT o.* FROM (VALUES
             (c.appearance_url, c.claim_date, NULL::text, NULL::text, 0, 0),
             (d.url, d.published_at, d.title, d.publisher, 1, 0)
           ) AS o(url, d, title, pub, origin, mid)
          WHERE o.url IS NOT NULL
         UNION ALL
         SELECT r.url, r.d, r.title, r.pub, r.origin, r.mid
           FROM claims m
           LEFT JOIN documents md ON md.id = m.document_id
           CROSS JOIN LATERAL (VALUES
             (m.appearance_url, m.claim_date, NULL::text, NULL::text, 2, m.id),
             (md.url, md.published_at, md.title, md.publisher, 3, m.id)
           ) AS r(url, d, title, pub, origin, mid)
          WHERE restated.cluster_id IS NOT NULL AND m.cluster_id = c.cluster_id
            AND m.id <> c.id AND r.url IS NOT NULL
       ) a ORDER BY a.url, a.origin, a.mid) f)
"""
APPEARANCES = f"""
CASE WHEN restated.cluster_id IS NOT NULL THEN {ALL_APPEARANCES}
     WHEN d.url IS NULL AND c.appearance_url IS NULL THEN '[]'::json
     WHEN d.url IS NULL OR d.url = c.appearance_url THEN json_build_array({OWN})
     WHEN c.appearance_url IS NULL THEN json_build_array({DOCUMENT})
     ELSE {ALL_APPEARANCES} END
"""

# The corrections that led to the verdict, oldest first, walking corrects_id back; and when
# the first verdict of that line was published (as app.exports.query._chain).
LINE = """
WITH RECURSIVE line(id, corrects_id, note, at, depth) AS (
    SELECT v.id, v.corrects_id, v.correction_note, v.reviewed_at, 0
    UNION ALL
    SELECT p.id, p.corrects_id, p.correction_note, p.reviewed_at, line.depth + 1
      FROM verdicts p JOIN line ON p.id = line.corrects_id
)
"""
CORRECTIONS = f"""
CASE WHEN v.corrects_id IS NULL THEN '[]'::json ELSE (
  {LINE}
  SELECT json_agg(json_build_object(
           'date', (line.at AT TIME ZONE 'UTC')::date,
           'note', coalesce(line.note, 'Corrected.')) ORDER BY line.depth DESC)
    FROM line WHERE line.corrects_id IS NOT NULL) END
"""
FIRST_PUBLISHED = f"""
CASE WHEN v.corrects_id IS NULL THEN v.reviewed_at ELSE (
  {LINE}
  SELECT line.at FROM line ORDER BY line.depth DESC LIMIT 1) END
"""

# row_to_json over named columns: several times faster than json_build_object per row, and
# the keys come out in the order of the columns. People are made JSON once each, and the
# clusters with more than one claim are found in one pass instead of a lookup per claim.
STATEMENT = """
WITH people AS (
    SELECT id, json_build_object('email', email, 'name', coalesce(name, '')) AS person
      FROM users
), restated AS (
    SELECT cluster_id FROM claims WHERE cluster_id IS NOT NULL
     GROUP BY cluster_id HAVING count(*) > 1
)
SELECT row_to_json(r) FROM (
  SELECT
    c.id AS claim_id,
    c.text AS claim,
    c.speaker,
    c.speaker_kind,
    c.claim_date,
    {appearances} AS appearances,
    coalesce(c.tags, '[]'::json) AS tags,
    c.cluster_id,
    c.state,
    v.rating,
    scale.label AS rating_label,
    scale.value AS rating_value,
    v.rationale AS summary,
    p.person AS proposed_by,
    a.person AS approved_by,
    to_char(v.reviewed_at AT TIME ZONE 'UTC', {iso}) AS approved_at,
    to_char(({first_published}) AT TIME ZONE 'UTC', {iso}) AS first_published_at,
    {corrections} AS corrections,
    {base} || '/fact-checks/' || c.id
      || CASE WHEN c.public_slug IS NULL THEN '' ELSE '-' || c.public_slug END AS fact_check_url,
    v.id AS verdict_id
  FROM exported_claims x
  JOIN claims c ON c.id = x.claim_id
  JOIN verdicts v ON v.id = x.verdict_id
  JOIN (VALUES {scale}) AS scale(rating, label, value) ON scale.rating = v.rating
  LEFT JOIN restated ON restated.cluster_id = c.cluster_id
  LEFT JOIN documents d ON d.id = c.document_id
  LEFT JOIN people p ON p.id = v.proposed_by_id
  LEFT JOIN people a ON a.id = v.reviewed_by_id
  WHERE x.run_id = {run_id}
  ORDER BY x.claim_id
) r
"""

# COPY in CSV form with a quote and a delimiter that JSON text never holds unescaped, so each
# row comes out as the JSON line itself.
COPY = "COPY ({query}) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"


def _scale(session: Session, run_id: int) -> sql.Composable:
    """Every rating of the run with its label and value, as Python's RatingScale gives them."""
    scale = RatingScale.from_setting(settings().RATING_SCALE)
    used = session.scalars(
        select(Verdict.rating)
        .join(ExportedClaim, ExportedClaim.verdict_id == Verdict.id)
        .where(ExportedClaim.run_id == run_id)
        .distinct()
    )
    ratings = sorted(set(scale.values) | set(used))
    rows = [
        sql.SQL("({}, {}, {}::int)").format(
            sql.Literal(r), sql.Literal(scale.label(r)), sql.Literal(scale.value(r))
        )
        for r in ratings
    ]
    return sql.SQL(", ").join(rows)


def claims_jsonl(session: Session, run_id: int) -> Iterator[str]:
    """The run's claims as JSON Lines, streamed from COPY (Postgres only)."""
    query = sql.SQL(STATEMENT).format(
        appearances=sql.SQL(APPEARANCES),
        corrections=sql.SQL(CORRECTIONS),
        first_published=sql.SQL(FIRST_PUBLISHED),
        iso=sql.Literal(ISO_Z),
        base=sql.Literal(settings().PUBLIC_URL.rstrip("/")),
        scale=_scale(session, run_id),
        run_id=sql.Literal(run_id),
    )
    driver = session.connection().connection.driver_connection
    assert driver is not None
    decoder = codecs.getincrementaldecoder("utf-8")()
    statement = sql.SQL(COPY).format(query=query)
    with driver.cursor() as cursor:
        # The run's rows are sorted and hashed in memory, not spilled to disk (this
        # transaction only).
        cursor.execute("SET LOCAL work_mem = '64MB'")
        with cursor.copy(statement) as copy:
            for block in copy:
                yield decoder.decode(bytes(block))
    yield decoder.decode(b"", final=True)
