"""Payloads built in code for the archive unit tests: a news page, a minimal PDF, and a
fetch result as the fetcher would return it (``fetched``)."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import Any

from app.archive.types import FetchResult, Hop

FINAL = "http://127.0.0.2:8000/article/a?x=1"

ARTICLE_SENTENCES = [
    "The ministry said on Tuesday that 40 schools in the region were rebuilt after the floods.",
    "Officials put the total cost of the programme at 12.5 million euros over three years.",
    "Teachers' unions disputed the figure, saying only 31 buildings had reopened to pupils.",
    "An independent audit published in March found delays at more than half of the sites.",
    "The regional governor told reporters that the remaining work would finish by spring.",
    "Parents interviewed outside one school described classrooms that still lacked heating.",
]


def news_page(slug: str = "alpha", *, paragraphs: int = 60) -> bytes:
    """A typical article page of about 20 KB: navigation, article, sidebar, scripts, footer."""
    nav = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(25))
    body = "".join(
        f"<p>{ARTICLE_SENTENCES[i % len(ARTICLE_SENTENCES)]} "
        f"{ARTICLE_SENTENCES[(i + 2) % len(ARTICLE_SENTENCES)]} Paragraph {i} of the report.</p>"
        for i in range(paragraphs)
    )
    related = "".join(
        f'<li><a href="/news/related-{i}">Related story number {i} about something else</a></li>'
        for i in range(15)
    )
    footer = "".join(f'<a href="/about/{i}">Footer link {i}</a> ' for i in range(30))
    script = "var tracking = {" + ",".join(f'"k{i}": {i}' for i in range(300)) + "};"
    html = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Report {slug} | The Example Times</title>
<meta property="og:title" content="Report {slug}">
<meta name="description" content="What the ministry said about the rebuilt schools.">
<meta property="article:published_time" content="2026-11-20T08:30:00Z">
<link rel="canonical" href="/news/{slug}">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Report {slug}",
 "datePublished": "2026-11-20T08:30:00Z"}}</script>
<script>{script}</script>
<style>body {{ font-family: serif; }} .nav li {{ display: inline; }}</style>
</head>
<body>
<header><div class="logo">The Example Times</div><ul class="nav">{nav}</ul></header>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
<main>
<article>
<h1>Report {slug}</h1>
<p class="byline">By A. Reporter, Political Correspondent</p>
<time datetime="2026-11-20">20 November 2026</time>
{body}
</article>
</main>
<aside><h2>Related</h2><ul>{related}</ul></aside>
<footer>{footer}<p>Copyright 2026 The Example Times. All rights reserved.</p></footer>
<script>document.querySelectorAll('a').forEach(function (a) {{ a.dataset.x = 1; }});</script>
</body>
</html>"""
    return html.encode("utf-8")


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"({escaped})".encode("latin-1")


def minimal_pdf(lines: list[str], *, title: str | None = None, compress: bool = False) -> bytes:
    """A one-page PDF showing ``lines`` in Helvetica, with a correct xref table."""
    ops = [b"BT", b"/F1 12 Tf", b"14 TL", b"72 720 Td"]
    for line in lines:
        ops.append(_pdf_string(line) + b" Tj T*")
    ops.append(b"ET")
    stream = b"\n".join(ops)
    stream_dict = b"<< /Length %d >>" % len(stream)
    if compress:
        stream = zlib.compress(stream)
        stream_dict = b"<< /Length %d /Filter /FlateDecode >>" % len(stream)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Lang (en-GB) >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        stream_dict + b"\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    if title is not None:
        objects.append(b"<< /Title " + _pdf_string(title) + b" /Producer (claimdesk tests) >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objects) + 1)
    if title is not None:
        trailer += b" /Info %d 0 R" % len(objects)
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def fetched(
    raw: bytes,
    body: bytes | None = None,
    headers: list[tuple[str, str]] | None = None,
    **changes: Any,
) -> FetchResult:
    fields: dict[str, Any] = dict(
        url="http://127.0.0.2:8000/start",
        final_url=FINAL,
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        request_headers=[("User-Agent", "claimdesk-test"), ("Accept-Encoding", "gzip")],
        response_headers=headers or [("Content-Type", "text/html; charset=utf-8")],
        raw_body=raw,
        body=raw if body is None else body,
        content_type="text/html",
        peer_ip="127.0.0.2",
        started_at=datetime(2026, 11, 22, 12, 0, 0, 123456, tzinfo=UTC),
        elapsed=0.25,
        redirects=[
            Hop("http://127.0.0.2:8000/start", 301, "/moved"),
            Hop("http://127.0.0.2:8000/moved", 302, FINAL),
        ],
    )
    fields.update(changes)
    return FetchResult(**fields)
