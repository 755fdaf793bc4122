"""Ingest throughput: extract_candidates next to plain pysbd on the same text.

    .venv/bin/python bench/ingest.py [--mb 2] [--runs 5]

The labelled articles in tests/data/ingest are repeated until the corpus holds about ``--mb``
megabytes. Each measure runs ``--runs`` times and the median is printed: KB of text per second
and documents per second for

- pysbd: ``Segmenter(clean=False).segment`` on every non-empty line (pysbd alone, no offsets),
- segment: ``sentence_spans`` (noise/heading filter + pysbd + exact offsets),
- candidates: ``extract_candidates`` (segment + features + score),

and the time to find the cluster of one new claim among N stored claim signatures
(``best_match``, signatures precomputed as the integrator caches them; the stored claims are
the articles' own claims repeated, so most of them reach the word comparison: a worst case).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pysbd  # noqa: E402

from app.ingest.candidates import extract_candidates  # noqa: E402
from app.ingest.segment import sentence_spans  # noqa: E402
from app.ingest.similarity import (  # noqa: E402
    DEFAULT_THRESHOLD,
    ClaimSignature,
    best_match,
    claim_key,
)

DATA = ROOT / "tests" / "data" / "ingest"


def corpus(megabytes: float) -> list[str]:
    articles = [p.read_bytes().decode("utf-8") for p in sorted(DATA.glob("*.txt"))]
    docs: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        for text in articles:
            # a per-copy suffix keeps every document distinct, as real ones are
            doc = f"{text}\nEdition {len(docs)}.\n"
            docs.append(doc)
            size += len(doc.encode("utf-8"))
    return docs


def median_seconds(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cluster_all(new: list[ClaimSignature], pool: list[tuple[int, ClaimSignature]]) -> None:
    for sig in new:
        best_match(sig, pool, DEFAULT_THRESHOLD)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=2.0, help="corpus size in megabytes")
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (median kept)")
    args = parser.parse_args()

    docs = corpus(args.mb)
    kb = sum(len(d.encode("utf-8")) for d in docs) / 1000
    segmenter = pysbd.Segmenter(language="en", clean=False)

    def plain_pysbd() -> None:
        for doc in docs:
            for line in doc.splitlines():
                if line.strip():
                    segmenter.segment(line)

    measures = {
        "pysbd (lines)": plain_pysbd,
        "segment": lambda: [sentence_spans(d) for d in docs],
        "candidates": lambda: [extract_candidates(d) for d in docs],
    }
    print(f"corpus: {len(docs)} documents, {kb:,.0f} KB, median of {args.runs} runs")
    print(f"{'measure':<16}{'seconds':>10}{'KB/s':>10}{'docs/s':>10}")
    for name, run in measures.items():
        seconds = median_seconds(run, args.runs)
        print(f"{name:<16}{seconds:>10.2f}{kb / seconds:>10,.0f}{len(docs) / seconds:>10,.1f}")

    claims = [c.text for d in docs[:4] for c in extract_candidates(d)]
    print(f"\nclustering one new claim (best_match, threshold {DEFAULT_THRESHOLD})")
    print(f"{'stored claims':<16}{'ms/claim':>10}")
    for stored in (1_000, 10_000):
        # real claims, repeated: most stored claims then pass the cheap numbers test and get
        # the full word comparison, the slow case
        pool = [(i, claim_key(claims[i % len(claims)])) for i in range(stored)]
        new = [claim_key(c) for c in claims[:20]]
        seconds = median_seconds(partial(cluster_all, new, pool), args.runs)
        print(f"{stored:<16,}{seconds / len(new) * 1000:>10.2f}")


if __name__ == "__main__":
    main()
