"""The refusal policy: when the retrieved passages cannot hold the answer, and why."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from assistant.answer import RefusalReason
from assistant.extractive import Candidate, question_coverage
from assistant.settings import RefusalSettings
from index.retrieval import Filters, Hit
from index.text import names, stem, words


def _evidence(
    question: str, passages: list[Hit], candidates: list[Candidate], unindexed: Sequence[str]
) -> tuple[dict[str, float], set[str], list[str]]:
    """The policy's figures, the question's names the passages never mention, and the
    publications it cites that are neither indexed nor quoted in the passages."""
    coverage, missing_names = question_coverage(question, passages)
    text = " ".join(h.chunk.text for h in passages).lower()
    foreign = [s for s in unindexed if s.lower() not in text]
    features = {
        "coverage": coverage,
        "missing_names": float(len(missing_names)),
        "lexical": max((c.lexical for c in candidates), default=0.0),
        "dense": max((c.dense for c in candidates), default=0.0),
        "foreign_sources": float(len(foreign)),
    }
    return features, missing_names, foreign


def refusal_features(
    question: str,
    passages: list[Hit],
    candidates: list[Candidate],
    unindexed_sources: Sequence[str] = (),
) -> dict[str, float]:
    """The figures the policy decides on (benchmarks/calibrate_refusal.py fits them)."""
    return _evidence(question, passages, candidates, unindexed_sources)[0]


def refusal_reason(
    question: str,
    passages: list[Hit],
    candidates: list[Candidate],
    unindexed_sources: Sequence[str] = (),
    limits: RefusalSettings | None = None,
) -> RefusalReason | None:
    """Why the retrieved passages cannot hold the answer, or None when they may.

    unindexed_sources: publications the question attributes claims to that no indexed
    article comes from (index.query_analysis.unindexed_sources); the articles cannot say what
    those reported, unless a passage quotes them.
    """
    t = limits or RefusalSettings()
    if not passages or not candidates:
        return RefusalReason("off_topic", "No indexed passage matches the question.")
    f, missing, foreign = _evidence(question, passages, candidates, unindexed_sources)
    if foreign:
        return RefusalReason(
            "unindexed_source", f"No indexed article comes from {', '.join(foreign)}."
        )
    if f["dense"] < t.min_dense and f["lexical"] < t.min_lexical:
        return RefusalReason("off_topic", "The passages found are not about the question.")
    if f["coverage"] < t.min_coverage:
        return RefusalReason("off_topic", "The passages found miss most of the question's words.")
    # Every name the question gives missing counts as much as min_missing_names do: "When did
    # the SAG-AFTRA strike end?" was answered "10:56" from a baseball game's "strikes out ...
    # to end the game". (None of 500 answerable MultiHop-RAG dev queries, sample seed 7, has
    # all its names missing from its passages.)
    every = bool(missing) and missing == set(names(question))
    if (f["missing_names"] >= t.min_missing_names or every) and f[
        "dense"
    ] < t.min_dense_if_names_missing:
        return RefusalReason(
            "missing_names", f"The articles never mention {_as_written(question, missing)}."
        )
    return None


def _as_written(question: str, stems: set[str], most: int = 4) -> str:
    """The question's own spelling of the missing names ("Pelosi, Kyiv", not "kyiv, pelosi")."""
    seen = dict.fromkeys(re.sub(r"['’]s$", "", w) for w in words(question) if stem(w) in stems)
    return ", ".join(list(seen)[:most]) or ", ".join(sorted(stems)[:most])


def out_of_range(
    question: str, filters: Filters | None, as_of: date | str | None
) -> RefusalReason | None:
    """Why no passage was found when filters or the question's own time narrowed the search,
    naming the window ("last week" as of 2023-06-01 is 2023-05-25 to 2023-06-01); None when
    nothing narrowed it."""
    from index.timeref import resolve_time

    filtered = filters is not None and not filters.is_empty()
    scope = resolve_time(question, as_of) if as_of else None
    if scope is None or not scope.has_range:
        if not filtered:
            return None
        return RefusalReason(
            "no_articles_in_range", "No indexed article matches the source or date filters."
        )
    start, end = scope.iso_range()
    window = (
        f"from {start} to {end}" if start and end else f"on or after {start}" if start
        else f"on or before {end}"
    )  # fmt: skip
    extra = " and the source or date filters" if filtered else ""
    return RefusalReason(
        "no_articles_in_range",
        f"No indexed article is dated {window} (the question's time as of {scope.as_of}){extra}.",
    )
