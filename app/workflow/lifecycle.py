"""The claim lifecycle rule (SPEC §4): the one place a claim's state is decided.

Pure: it sees plain facts about each evidence item and returns the state, so the same rule
serves the API, the workers and the tests, and nothing else may restate it.

An item is *usable* when its source has an archived capture and, if it carries a quote, the
quote was found in the archived text. Then, in order of precedence:

- ``disputed``     at least one usable ``refutes`` item;
- ``corroborated`` usable ``supports`` items from at least ``min_sources`` distinct
                   publishers (several items from one publisher count once);
- ``sourced``      at least one usable item of any stance (``context`` included);
- ``submitted``    otherwise.

Public interface::

    ClaimState, Stance                      (re-exported from app.models.enums)
    EvidenceFacts(stance, publisher, archived, quote=None, quote_found=None,
                  not_archived_because=None)
    unusable_reason(e) -> str | None        None when usable, else a sentence saying why not
    is_usable(e) -> bool
    compute_state(items, *, min_sources=2) -> ClaimState
    explain_state(items, *, min_sources=2) -> StateExplanation
    StateExplanation(state, usable_count, supporting_publishers, refuting_count, reasons)

``publisher`` is compared as given: callers pass :func:`app.workflow.publishers.publisher_of`
of the source's host, so ``news.bbc.co.uk`` and ``www.bbc.co.uk`` are one publisher.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.models.enums import ClaimState, Stance


@dataclass(frozen=True)
class EvidenceFacts:
    """What the rule needs to know about one evidence item, nothing more."""

    stance: Stance
    publisher: str  # registrable domain of the cited source (publishers.publisher_of)
    archived: bool  # the source has an archived capture
    quote: str | None = None  # the quote the fact-checker gave, if any
    quote_found: bool | None = None  # found in the archived text? None: not checked yet
    # Why an item that is not archived is not (yet), in plain words (app.workflow.reasons).
    not_archived_because: str | None = None

    def __post_init__(self) -> None:
        # Rows and JSON hand over plain strings; an unknown stance must fail here, loudly,
        # rather than silently count as neither supporting nor refuting.
        object.__setattr__(self, "stance", Stance(self.stance))

    @property
    def has_quote(self) -> bool:
        # A blank quote would be "found" in any text, so it is no quote at all.
        return self.quote is not None and self.quote.strip() != ""


def unusable_reason(e: EvidenceFacts) -> str | None:
    """Why the item does not count yet, in words a fact-checker can act on; None if it does."""
    if not e.archived:
        return e.not_archived_because or "the source has not been archived yet"
    if e.has_quote and e.quote_found is None:
        return "the quote has not been checked against the archived text yet"
    if e.has_quote and e.quote_found is False:
        return "the quote was not found in the archived text"
    return None


def is_usable(e: EvidenceFacts) -> bool:
    return unusable_reason(e) is None


@dataclass(frozen=True)
class StateExplanation:
    """The state and the figures that decided it, with sentences for the claim page.

    ``reasons`` starts with why the claim is in ``state``, followed by one line per evidence
    item that does not count (sorted, so the same evidence always reads the same).
    """

    state: ClaimState
    usable_count: int
    supporting_publishers: frozenset[str]  # publishers of usable supports items
    refuting_count: int  # usable refutes items
    reasons: list[str] = field(default_factory=list)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _names(publishers: Iterable[str]) -> str:
    return ", ".join(sorted(set(publishers)))


def explain_state(items: Iterable[EvidenceFacts], *, min_sources: int = 2) -> StateExplanation:
    """Apply the rule and say why; ValueError if ``min_sources`` is below 1."""
    if min_sources < 1:
        raise ValueError(f"min_sources must be at least 1, not {min_sources}")
    items = list(items)
    usable = [e for e in items if is_usable(e)]
    refuting = [e for e in usable if e.stance == Stance.REFUTES]
    supporting = [e for e in usable if e.stance == Stance.SUPPORTS]
    publishers = frozenset(e.publisher for e in supporting)
    needed = f"corroboration needs supporting sources from {min_sources} distinct publishers"
    if min_sources == 1:
        needed = "corroboration needs a supporting source"

    if refuting:
        state = ClaimState.DISPUTED
        headline = (
            f"disputed: {_plural(len(refuting), 'usable source')} "
            f"{'refutes' if len(refuting) == 1 else 'refute'} the claim "
            f"({_names(e.publisher for e in refuting)})"
        )
        if publishers:
            headline += (
                f"; refutation outweighs support from {_plural(len(publishers), 'publisher')}"
            )
    elif len(publishers) >= min_sources:
        state = ClaimState.CORROBORATED
        headline = (
            f"corroborated: supported by {_plural(len(publishers), 'distinct publisher')} "
            f"({_names(publishers)}) and refuted by none"
        )
    elif usable:
        state = ClaimState.SOURCED
        headline = f"sourced: {_plural(len(usable), 'usable evidence item')}; {needed}"
        if publishers:
            headline += f", has {_plural(len(publishers), 'publisher')} ({_names(publishers)})"
            if len(supporting) > len(publishers):
                headline += "; several sources from one publisher count once"
        else:
            headline += ", has none"
    else:
        state = ClaimState.SUBMITTED
        if len(items) == 1:
            headline = "submitted: the only evidence item is not usable yet"
        elif items:
            headline = f"submitted: none of the {len(items)} evidence items is usable yet"
        else:
            headline = "submitted: no evidence yet"

    not_counting = sorted(
        f"{e.stance.value} evidence from {e.publisher} does not count: {reason}"
        for e in items
        if (reason := unusable_reason(e)) is not None
    )
    return StateExplanation(
        state=state,
        usable_count=len(usable),
        supporting_publishers=publishers,
        refuting_count=len(refuting),
        reasons=[headline, *not_counting],
    )


def compute_state(items: Iterable[EvidenceFacts], *, min_sources: int = 2) -> ClaimState:
    """The claim's state under the SPEC §4 rule (see the module docstring)."""
    return explain_state(items, min_sources=min_sources).state
