"""Ingest benchmarks: matching a new claim against a growing store, and text throughput.

    .venv/bin/python -m bench.ingest matching [--backend postgres|sqlite|both]
        [--sizes 10000 100000 1000000] [--new 100] [--database-url URL]
    .venv/bin/python -m bench.ingest throughput [--mb 2] [--runs 5]

``matching`` fills the store with realistic generated claims (a 30,000-word English
vocabulary from wordfreq, most words common and shared by many claims, invented names and
places, counts, percentages, money, years and dates), grows it to each size, and times
``app.workflow.clusters.assign_cluster``, the function the cluster task calls, for ``--new``
new claims: half restate a stored claim in other words, half are fresh. Each new claim is
inserted and indexed as ``create_claim`` does, timed through ``assign_cluster`` (blocking-key
shortlist, comparison, suggestions stored, auto-join), then rolled back so the store keeps
its size. The baseline in the same run is the naive scan at the first size: every stored
claim read and compared (signatures cached in memory, as a warm worker would have them).
Medians and 95th percentiles in milliseconds; "found" counts the restatements whose stored
original is among their suggestions.

Postgres: the database named by ``--database-url`` (default: the test database of this
worktree's settings, ``claimdesk_h_match``) is migrated and its claims emptied before and
after. SQLite: a temporary file.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from wordfreq import top_n_list

from app.db import make_engine
from app.ingest.matching import blocking_keys
from app.migrate import upgrade
from app.models import Claim, ClaimState
from app.workflow import clusters

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/claimdesk_h_match"

# ---- generated claims ----------------------------------------------------------------------

_SYLLABLES = "ka ri mo len dar vesh ol an tor bel sa mir ost gra hal vin ter lu pen cas dor"
_TEMPLATES = (
    "{Name} said {count} {noun} were {verb} in {Place} on {date}.",
    "The {adj} {noun} {trend} {pct} percent in {year}, according to the {Org}.",
    "{Org} will spend {money} on {noun} and {noun2} in {Place}, officials said.",
    "{count} {noun} have been {verb} since {year}, the {Org} {noun2} office reported.",
    "Under the {adj} agreement, {Place} must {verb2} {count} {noun} by {date}.",
    "{Name}, the {noun} minister, {trend} the {noun2} budget to {money}.",
    "The {noun} in {Place} lasted {small} hours and was held behind closed doors.",
    "About {count} {noun} from {Place} were {verb} after the {adj} {noun2}.",
    "{Org} confirmed that {count} {noun} had {verb2} the {noun2} near {Place}.",
    "{Place} has not {verb} any {noun} since {year}, {Name} told reporters.",
)
_VERBS = [
    "closed",
    "opened",
    "rebuilt",
    "damaged",
    "sold",
    "counted",
    "moved",
    "repaired",
    "approved",
    "evacuated",
]
_VERBS2 = ["reach", "replace", "inspect", "protect", "register", "deliver"]
_TRENDS = ["raised", "cut", "lifted", "lowered", "doubled"]


class Generator:
    def __init__(self, seed: int = 20261125) -> None:
        self.rng = random.Random(seed)
        words = [w for w in top_n_list("en", 30000) if w.isalpha() and len(w) > 3]
        self.common, self.rare = words[:3000], words[3000:]
        syllables = _SYLLABLES.split()
        self.names = sorted(
            {
                "".join(self.rng.choice(syllables) for _ in range(self.rng.randint(2, 3)))
                for _ in range(30000)
            }
        )

    def _word(self) -> str:
        pool = self.common if self.rng.random() < 0.7 else self.rare
        return self.rng.choice(pool)

    def _name(self) -> str:
        return self.rng.choice(self.names).capitalize()

    def claim(self) -> str:
        rng = self.rng
        template = rng.choice(_TEMPLATES)
        return template.format(
            Name=f"{self._name()} {self._name()}",
            Place=self._name(),
            Org=f"{self._name()} {rng.choice(['Council', 'Ministry', 'Agency', 'Union'])}",
            noun=self._word(),
            noun2=self._word(),
            adj=self._word(),
            verb=rng.choice(_VERBS),
            verb2=rng.choice(_VERBS2),
            trend=rng.choice(_TRENDS),
            count=f"{int(10 ** rng.uniform(0.3, 6)):,}",
            small=rng.randint(1, 12),
            pct=round(rng.uniform(0.5, 60), 1),
            money=f"${rng.randint(1, 900)} million",
            year=rng.randint(1990, 2026),
            date=f"{rng.randint(1, 28)} {rng.choice(['March', 'April', 'June', 'October'])}",
        )

    def restate(self, claim: str) -> str:
        """The same claim in other words: reordered, a number written out, filler added."""
        words = claim.rstrip(".").split()
        if len(words) > 6:
            cut = self.rng.randint(2, len(words) - 3)
            words = [*words[cut:], "-", *words[:cut]]
        return "Reports say " + " ".join(words) + ", it emerged."


# ---- loading -------------------------------------------------------------------------------


def _claim_row(claim_id: int, claim_text: str, now: str) -> list[object]:
    return [claim_id, claim_text, ClaimState.SUBMITTED.value, "[]", 0.5, 0.5, claim_id, now, now, 1]


_COLUMNS = (
    "id, text, state, tags, checkworthiness, priority, cluster_id, created_at, updated_at, version"
)


def load(engine: Engine, start: int, texts: list[str]) -> None:
    """Claims ``start``, ``start + 1``, ... with their blocking keys, as fast as each backend
    takes rows (the claims are not what is measured)."""
    now = datetime.now(UTC).isoformat()
    claims = [_claim_row(start + i, t, now) for i, t in enumerate(texts)]
    keys = [(k, start + i) for i, t in enumerate(texts) for k in blocking_keys(t)]
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            with raw.cursor() as cur:  # type: ignore[attr-defined]
                with cur.copy(f"COPY claims ({_COLUMNS}) FROM STDIN") as copy:
                    for row in claims:
                        copy.write_row(row)
                with cur.copy("COPY claim_keys (key, claim_id) FROM STDIN") as copy:
                    for key_row in keys:
                        copy.write_row(key_row)
                cur.execute("SELECT setval('claims_id_seq', (SELECT max(id) FROM claims))")
                cur.execute("ANALYZE claims")
                cur.execute("ANALYZE claim_keys")
            raw.commit()
        finally:
            raw.close()
        return
    with engine.begin() as conn:
        placeholders = ", ".join(f":p{i}" for i in range(10))
        conn.execute(
            text(f"INSERT INTO claims ({_COLUMNS}) VALUES ({placeholders})"),
            [{f"p{i}": v for i, v in enumerate(row)} for row in claims],
        )
        conn.execute(
            text("INSERT INTO claim_keys (key, claim_id) VALUES (:k, :c)"),
            [{"k": k, "c": c} for k, c in keys],
        )
        conn.execute(text("ANALYZE"))


def empty(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE claims RESTART IDENTITY CASCADE"))
        else:
            for table in ("claim_similarities", "claim_keys", "events", "claims"):
                conn.execute(text(f"DELETE FROM {table}"))


# ---- timing --------------------------------------------------------------------------------


def _new_claim(session: Session, claim_text: str) -> Claim:
    claim = Claim(text=claim_text, state=ClaimState.SUBMITTED, checkworthiness=0.5, tags=[])
    session.add(claim)
    session.flush()
    claim.cluster_id = claim.id
    clusters.index_claim(session, claim)  # as create_claim does, in its transaction
    return claim


def time_new_claims(
    engine: Engine,
    texts: list[tuple[str, int | None]],
    run: Callable[[Session, Claim], object],
) -> tuple[list[float], int]:
    """Milliseconds of ``run`` for each new claim (rolled back afterwards), and how many of
    the restatements got the claim they restate among their suggestions."""
    timings, found = [], 0
    for claim_text, source in texts:
        with Session(engine) as session:
            claim = _new_claim(session, claim_text)
            start = time.perf_counter()
            run(session, claim)
            session.flush()
            timings.append((time.perf_counter() - start) * 1000)
            if source is not None:
                found += source in {other for other, _ in clusters.similar(session, claim)}
            session.rollback()
    return timings, found


def _task(session: Session, claim: Claim) -> None:
    clusters.assign_cluster(session, claim.id)


def _naive(session: Session, claim: Claim) -> None:
    clusters.rank_for(session, claim, clusters.naive_candidates(session, claim))


def _stats(timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):>10.1f}{p95:>10.1f}"


def new_texts(gen: Generator, stored: list[str], count: int) -> list[tuple[str, int | None]]:
    """Half restatements of stored claims (with the id they restate), half fresh claims."""
    half = count // 2
    sources = [gen.rng.randrange(len(stored)) for _ in range(half)]
    restated: list[tuple[str, int | None]] = [(gen.restate(stored[i]), i + 1) for i in sources]
    return restated + [(gen.claim(), None) for _ in range(count - half)]


def bench_backend(name: str, url: str, sizes: list[int], count: int) -> Iterator[str]:
    upgrade(url)
    engine = make_engine(url)
    empty(engine)
    gen = Generator()
    stored: list[str] = []
    try:
        for size in sizes:
            started = time.perf_counter()
            batch = [gen.claim() for _ in range(size - len(stored))]
            for offset in range(0, len(batch), 50_000):
                load(engine, len(stored) + offset + 1, batch[offset : offset + 50_000])
            stored += batch
            with Session(engine) as s:
                assert s.scalar(select(func.count()).select_from(Claim)) == size
            loaded = time.perf_counter() - started
            texts = new_texts(gen, stored, count)
            time_new_claims(engine, texts[:5], _task)  # warm the caches and the plans
            timings, found = time_new_claims(engine, texts, _task)
            yield (
                f"{name:<10}{size:>12,}{'index':>8}{_stats(timings)}{found:>7}/{count // 2}"
                f"   (load {loaded:.0f} s)"
            )
            if size == sizes[0]:
                naive, _ = time_new_claims(engine, texts[: max(10, count // 5)], _naive)
                yield f"{name:<10}{size:>12,}{'naive':>8}{_stats(naive)}"
    finally:
        empty(engine)
        engine.dispose()


def matching(args: argparse.Namespace) -> None:
    header = f"{'backend':<10}{'stored':>12}{'method':>8}{'median ms':>10}{'p95 ms':>10}"
    print(f"{header}{'found':>11}")
    backends = ["postgres", "sqlite"] if args.backend == "both" else [args.backend]
    for backend in backends:
        if backend == "postgres":
            lines = bench_backend("postgres", args.database_url, args.sizes, args.new)
        else:
            folder = tempfile.mkdtemp(prefix="bench-ingest-")
            sizes = [s for s in args.sizes if s <= args.sqlite_max]
            lines = bench_backend("sqlite", f"sqlite:///{folder}/bench.db", sizes, args.new)
        for line in lines:
            print(line, flush=True)


# ---- throughput ----------------------------------------------------------------------------


def throughput(args: argparse.Namespace) -> None:
    import pysbd

    from app.ingest.candidates import extract_candidates
    from app.ingest.segment import sentence_spans

    data = ROOT / "tests" / "data" / "ingest"
    articles = [p.read_bytes().decode("utf-8") for p in sorted(data.glob("*.txt"))]
    docs: list[str] = []
    while sum(len(d) for d in docs) < args.mb * 1_000_000:
        docs += [f"{a}\nEdition {len(docs)}.\n" for a in articles]
    kb = sum(len(d.encode("utf-8")) for d in docs) / 1000
    segmenter = pysbd.Segmenter(language="en", clean=False)

    def plain() -> None:
        for doc in docs:
            for line in doc.splitlines():
                if line.strip():
                    segmenter.segment(line)

    measures: dict[str, Callable[[], object]] = {
        "pysbd (lines)": plain,
        "segment": lambda: [sentence_spans(d) for d in docs],
        "candidates": lambda: [extract_candidates(d) for d in docs],
    }
    print(f"corpus: {len(docs)} documents, {kb:,.0f} KB, median of {args.runs} runs")
    print(f"{'measure':<16}{'seconds':>10}{'KB/s':>10}{'docs/s':>10}")
    for name, run in measures.items():
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        seconds = statistics.median(times)
        print(f"{name:<16}{seconds:>10.2f}{kb / seconds:>10,.0f}{len(docs) / seconds:>10,.1f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("matching", help="a new claim against 10k-1M stored claims")
    m.add_argument("--backend", choices=("postgres", "sqlite", "both"), default="both")
    m.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    m.add_argument("--sqlite-max", type=int, default=100_000, help="largest SQLite store")
    m.add_argument("--new", type=int, default=100, help="new claims timed per size")
    m.add_argument("--database-url", default=DEFAULT_PG)
    t = sub.add_parser("throughput", help="segmenting and scoring articles")
    t.add_argument("--mb", type=float, default=2.0)
    t.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    {"matching": matching, "throughput": throughput}[args.command](args)


if __name__ == "__main__":
    main(sys.argv[1:])
