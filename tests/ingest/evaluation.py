"""Claim finding and restatement matching measured on one half of the labelled corpus.

``python -m tests.ingest.evaluation dev`` (or ``heldout``) prints aggregate figures only.
``--details`` lists the misses (and the noise offered) item by item. It is allowed for the
development halves only: ``dev``, and ``heldout``, which was measured once and has been
development data since. Any later half (``heldout2`` ...) is a test set: measured once, after
every rule and threshold is frozen, in aggregate only (tests/data/ingest/corpus/README).

Candidates are what ``extract_candidates`` offers at the default ``INGEST_MIN_SCORE``; a
labelled claim is found when a candidate covers at least half of it. Restatements are ranked
the way the service ranks them (``app.workflow.clusters``): every claim of the half is indexed
under its blocking keys, a claim's shortlist is the stored claims sharing the most key weight,
and ``compare`` orders the shortlist. The pool is every other claim of the half.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from app.ingest.candidates import DEFAULT_MIN_SCORE, Candidate, extract_candidates
from app.ingest.matching import (
    Match,
    blocking_keys,
    compare,
    probe_keys,
    shortlist,
    signature,
)
from app.ingest.speakers import attributed_speaker
from app.ingest.suggestions import AUTO_JOIN_SCORE, SHORTLIST, auto_joins, rank
from tests.ingest.corpus import ALL_HALVES, Corpus, Half, LabelledClaim, Span, load

COVER = 0.5  # a candidate finds a claim when it covers at least this share of it
# Halves whose misses may be read. "heldout" was run once as a test set (docs/ingest.md) and is
# development data since; a half not listed here is reported in aggregate only.
DEVELOPMENT_HALVES: tuple[str, ...] = ("dev", "heldout")


@dataclass
class CandidateFigures:
    claims: int = 0
    found: int = 0
    exact: int = 0
    not_claims: int = 0
    not_claims_offered: int = 0
    noise: int = 0
    noise_offered: int = 0
    offered: int = 0
    offered_on_claims: int = 0
    offered_on_not_claims: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    kinds_found: Counter[str] = field(default_factory=Counter)
    speakers: int = 0  # claims whose labelled speaker is named in the sentence itself
    speakers_right: int = 0
    speakers_given: int = 0  # attributed_speaker answered
    speakers_given_right: int = 0
    misses: list[str] = field(default_factory=list)
    noise_seen: list[str] = field(default_factory=list)  # noise strings an offer overlaps

    @property
    def recall(self) -> float:
        return self.found / self.claims

    @property
    def precision(self) -> float:
        """Share of the offered candidates on labelled sentences that are claims."""
        labelled = self.offered_on_claims + self.offered_on_not_claims + self.noise_offered
        return self.offered_on_claims / labelled if labelled else 1.0


def _covers(candidate: Candidate, span: Span) -> bool:
    overlap = min(candidate.end, span.end) - max(candidate.start, span.start)
    return overlap >= COVER * (span.end - span.start)


def _overlaps(candidate: Candidate, span: Span) -> bool:
    return candidate.start < span.end and span.start < candidate.end


def candidate_figures(corpus: Corpus, min_score: float = DEFAULT_MIN_SCORE) -> CandidateFigures:
    figures = CandidateFigures()
    for article in corpus.articles:
        offered = extract_candidates(article.text, min_score=min_score)
        figures.offered += len(offered)
        for claim in article.claims:
            figures.claims += 1
            figures.kinds.update(claim.kinds)
            hit = [c for c in offered if _covers(c, claim.span)]
            if hit:
                figures.found += 1
                figures.kinds_found.update(claim.kinds)
                figures.exact += any(c.text == claim.text for c in hit)
            else:
                figures.misses.append(f"{article.id}: {claim.text}")
            _score_speaker(figures, claim)
        for span in article.not_claims:
            figures.not_claims += 1
            figures.not_claims_offered += any(_overlaps(c, span) for c in offered)
        for span in article.noise:
            figures.noise += 1
            if any(_overlaps(c, span) for c in offered):
                figures.noise_offered += 1
                figures.noise_seen.append(f"{article.id}: {span.text}")
        figures.offered_on_claims += sum(
            any(_overlaps(c, claim.span) for claim in article.claims) for c in offered
        )
        figures.offered_on_not_claims += sum(
            any(_overlaps(c, span) for span in article.not_claims) for c in offered
        )
    return figures


def _score_speaker(figures: CandidateFigures, claim: LabelledClaim) -> None:
    named = claim.speaker is not None and claim.speaker.lower() in claim.text.lower()
    given = attributed_speaker(claim.text)
    if named:
        figures.speakers += 1
        figures.speakers_right += given is not None and _same_speaker(given, claim.speaker)
    if given is not None:
        figures.speakers_given += 1
        figures.speakers_given_right += claim.speaker is not None and _same_speaker(
            given, claim.speaker
        )


def _same_speaker(given: str, labelled: str | None) -> bool:
    if labelled is None:
        return False
    a, b = given.lower().removeprefix("the "), labelled.lower().removeprefix("the ")
    return a == b or a in b or b in a


@dataclass
class RestatementFigures:
    claims: int = 0
    directed: int = 0  # positive pairs x 2 directions
    top1: int = 0
    top3: int = 0
    pairs_top3: int = 0  # pairs whose partner is in the top 3 from both sides
    positive_pairs: int = 0
    relations: Counter[tuple[str, str]] = field(default_factory=Counter)  # (label, predicted)
    auto_joined: Counter[str] = field(default_factory=Counter)  # label -> pairs auto-joined
    auto_joined_cross_topic: int = 0
    auto_joined_unlabelled: int = 0
    auto_joined_positive: int = 0
    blocked_out: int = 0  # directed positives whose partner never reached the shortlist
    misses: list[str] = field(default_factory=list)


def _claim_ids(corpus: Corpus) -> dict[tuple[str, str], int]:
    return {(c.article_id, c.text): i for i, c in enumerate(corpus.claims, start=1)}


def ranked(corpus: Corpus) -> Iterator[tuple[int, list[tuple[int, Match]]]]:
    """Each claim's suggestions (id, match), best first, as the service would store them."""
    ids = _claim_ids(corpus)
    texts = {i: text for (_, text), i in ids.items()}
    index: dict[str, list[int]] = {}
    for claim_id, text in texts.items():
        for key in blocking_keys(text):
            index.setdefault(key, []).append(claim_id)
    for claim_id, text in texts.items():
        probes = probe_keys(text)
        postings = [
            (other, key) for key in probes for other in index.get(key, ()) if other != claim_id
        ]
        short = shortlist(probes, postings, SHORTLIST)
        yield claim_id, rank(signature(text), [(other, signature(texts[other])) for other in short])


def restatement_figures(corpus: Corpus) -> RestatementFigures:
    figures = RestatementFigures(claims=len(corpus.claims))
    ids = _claim_ids(corpus)
    topic_of = {
        ids[(c.article_id, c.text)]: corpus.article(c.article_id).topic for c in corpus.claims
    }
    suggestions = dict(ranked(corpus))
    labels: dict[frozenset[int], str] = {}
    for pair in corpus.pairs:
        a, b = ids[(pair.a.article_id, pair.a.text)], ids[(pair.b.article_id, pair.b.text)]
        labels[frozenset((a, b))] = pair.relation
        match = compare(pair.a.text, pair.b.text)
        figures.relations[(pair.relation, match.relation)] += 1
        if not pair.positive:
            continue
        figures.positive_pairs += 1
        both = True
        for query, partner in ((a, b), (b, a)):
            figures.directed += 1
            order = [other for other, _ in suggestions[query]]
            figures.top1 += order[:1] == [partner]
            figures.top3 += partner in order[:3]
            both = both and partner in order[:3]
            if partner not in order[:3]:
                rank_of = order.index(partner) + 1 if partner in order else "-"
                figures.misses.append(
                    f"[{pair.relation}] rank {rank_of} {match.score:.2f} {match.relation}"
                    f"\n    {pair.a.text}\n    {pair.b.text}"
                )
        figures.pairs_top3 += both
    # auto-joins over every pair the service would auto-join (each new claim vs its shortlist)
    seen: set[frozenset[int]] = set()
    for claim_id, matches in suggestions.items():
        for other, _ in auto_joins([(o, m) for o, m in matches if o < claim_id]):
            key = frozenset((claim_id, other))
            if key in seen:
                continue
            seen.add(key)
            label = labels.get(key)
            if label is not None:
                figures.auto_joined[label] += 1
                figures.auto_joined_positive += label in ("same", "approximate")
            elif topic_of[claim_id] != topic_of[other]:
                figures.auto_joined_cross_topic += 1
            else:
                figures.auto_joined_unlabelled += 1
    return figures


def report(half: Half, *, details: bool = False) -> str:
    if details and half not in DEVELOPMENT_HALVES:
        raise SystemExit(f"refused: the {half} half is a test set, reported in aggregate only")
    corpus = load(half)
    cand = candidate_figures(corpus)
    rest = restatement_figures(corpus)
    lines = [
        f"half: {half}  articles {len(corpus.articles)}  claims {cand.claims}  "
        f"pairs {len(corpus.pairs)}",
        f"candidates at min_score {DEFAULT_MIN_SCORE}:",
        f"  recall {cand.recall:.3f} ({cand.found}/{cand.claims}), exact text "
        f"{cand.exact}/{cand.claims}",
        f"  noise offered {cand.noise_offered}/{cand.noise}",
        f"  not_claims offered {cand.not_claims_offered}/{cand.not_claims}; precision on "
        f"labelled sentences {cand.precision:.3f}",
        "  recall by kind: "
        + ", ".join(
            f"{kind} {cand.kinds_found[kind]}/{n}" for kind, n in sorted(cand.kinds.items())
        ),
        f"  speaker: named in the sentence {cand.speakers_right}/{cand.speakers} right; "
        f"answers {cand.speakers_given}, right {cand.speakers_given_right}",
        "restatements (pool: every claim of the half):",
        f"  positive pairs {rest.positive_pairs}: partner top-1 {rest.top1}/{rest.directed} "
        f"({rest.top1 / rest.directed:.3f}), top-3 {rest.top3}/{rest.directed} "
        f"({rest.top3 / rest.directed:.3f}); pairs with top-3 both ways "
        f"{rest.pairs_top3}/{rest.positive_pairs} ({rest.pairs_top3 / rest.positive_pairs:.3f})",
        f"  auto-join at score >= {AUTO_JOIN_SCORE}: labelled same/approximate "
        f"{rest.auto_joined_positive}; false merges: contradicts "
        f"{rest.auto_joined['contradicts']}, different {rest.auto_joined['different']}, "
        f"across topics {rest.auto_joined_cross_topic}; unlabelled same-topic "
        f"{rest.auto_joined_unlabelled}",
        "  relation of labelled pairs (label -> predicted): "
        + "; ".join(
            f"{label}: "
            + ", ".join(
                f"{pred} {n}" for (lab, pred), n in sorted(rest.relations.items()) if lab == label
            )
            for label in ("same", "approximate", "contradicts", "different")
        ),
    ]
    if details:
        lines += ["candidate misses:", *(f"  {m}" for m in cand.misses)]
        lines += ["noise offered:", *(f"  {m}" for m in cand.noise_seen)]
        lines += ["restatement misses:", *(f"  {m}" for m in rest.misses)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("half", choices=ALL_HALVES)
    parser.add_argument(
        "--details", action="store_true", help="list misses (development halves only)"
    )
    args = parser.parse_args(argv)
    print(report(args.half, details=args.details))


if __name__ == "__main__":
    main(sys.argv[1:])
