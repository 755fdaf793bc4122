"""Where a desk's processes spent their time, from py-spy's collapsed stacks.

    .venv/bin/python -m bench.profile_report DIR/*.txt [--top 25]

Each file holds ``stack count`` lines recorded with ``--subprocesses --idle``: every sample of
every thread, waiting included. Stacks are grouped by process (web, worker, beat, ...) and,
within a process, split into the phases listed in ``PHASES`` (the first rule whose marker is
in the stack wins), so the report says how the wall-clock time of the threads that do the work
was spent. ``--top`` lists the frames that appear in most samples of each process.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from pathlib import Path

# Threads that only wait, whatever the load: left out of the shares.
IDLE_THREADS = (
    "wait_for_eof",  # the supervisor watch
    "_bootstrap (threading.py",  # any other thread is counted only if a phase below matches
)

# (process kind, phase, marker in the stack); first match wins, in this order.
PHASES: list[tuple[str, str, str]] = [
    ("worker", "fetch page", "app/archive/fetch.py"),
    ("worker", "requisites", "fetch_requisites"),
    ("worker", "extract text", "extract (app/archive/extract.py"),
    ("worker", "WARC", "build_warc"),
    ("worker", "store blobs", "app/archive/storage.py"),
    ("worker", "record outcome", "app/workflow/recording.py"),
    ("worker", "claim capture", "claim_capture"),
    ("worker", "cluster task", "workers/tasks/claims.py"),
    ("worker", "other task code", "FlaskTask.__call__"),
    ("worker", "task bookkeeping", "trace_task"),
    ("worker", "broker wait/poll", "drain_events"),
    ("worker", "broker wait/poll", "_poll"),
    ("worker", "event loop", "asynloop"),
    ("worker", "event loop", "synloop"),
    ("web", "outbox: delete sent rows", "OutboxJanitor._delete"),
    ("web", "outbox send", "app/outbox.py"),
    ("web", "cite", "app/workflow/citing.py"),
    ("web", "read claim", "app/workflow/reading.py"),
    ("web", "auth", "app/auth/"),
    ("web", "idempotency", "app/api/idempotency.py"),
    ("web", "commit", "Session.commit"),
    ("web", "response", "jsonify"),
    ("web", "other request", "Flask.wsgi_app"),
    ("web", "gunicorn", "handle_request"),
    ("web", "accept/wait", "ThreadWorker.run"),
]

_PROCESS = re.compile(r'^process \d+:"(?P<cmd>[^"]*)"$')
_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^:]+)(:\d+)?\)$")


def kind_of(command: str) -> str:
    for kind in ("worker", "beat", "web"):
        if re.search(rf"(supervisor|claimdesk) {kind}\b", command):
            return kind
    if "gunicorn" in command:
        return "web"
    return "supervisor"


def parse(paths: list[Path]) -> dict[str, list[tuple[list[str], int]]]:
    """Stacks (frames, outermost first, without the process frames) by process kind."""
    by_kind: dict[str, list[tuple[list[str], int]]] = defaultdict(list)
    for path in paths:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue  # a command line that spans lines
            frames = stack.split(";")
            kind, rest = "supervisor", []
            for frame in frames:
                match = _PROCESS.match(frame)
                if match:
                    kind = kind_of(match["cmd"])
                else:
                    rest.append(frame)
            by_kind[kind].append((rest, int(count)))
    return by_kind


def phase_of(kind: str, joined: str) -> str | None:
    # An idle thread of a pool (Celery's threads, the requisites' fetchers) or the outbox
    # janitor waiting for work: not time a capture or a request spent.
    if "concurrent/futures/thread.py" in joined and "_WorkItem.run" not in joined:
        return None
    if "OutboxJanitor._run" in joined and "_delete" not in joined:
        return None
    for rule_kind, phase, marker in PHASES:
        if rule_kind == kind and marker in joined:
            return phase
    if any(marker in joined for marker in IDLE_THREADS):
        return None
    return "other"


def short(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    file = match["file"]
    for cut in ("site-packages/", "/speed/", "lib/python3.11/"):
        if cut in file:
            file = file.split(cut, 1)[1]
    return f"{match['func']} ({file})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--rate", type=float, default=200.0, help="py-spy's samples a second")
    parser.add_argument("--per", type=int, default=0, help="also show ms per item (e.g. pages)")
    args = parser.parse_args()
    for kind, stacks in sorted(parse(args.files).items()):
        phases: Counter[str] = Counter()
        frames: Counter[str] = Counter()
        for stack, count in stacks:
            phase = phase_of(kind, ";".join(stack))
            if phase is None:
                continue
            phases[phase] += count
            for frame in {short(f) for f in stack}:
                frames[frame] += count
        total = sum(phases.values())
        if not total:
            continue
        print(f"\n== {kind}: {total / args.rate:.1f} thread-seconds in working threads")
        for phase, count in phases.most_common():
            per = f"  {1000 * count / args.rate / args.per:6.1f} ms each" if args.per else ""
            print(f"  {phase:24} {count / args.rate:7.2f} s  {100 * count / total:5.1f}%{per}")
        if args.top:
            print(f"  -- top {args.top} frames (inclusive)")
            for frame, count in frames.most_common(args.top):
                print(f"  {100 * count / total:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
