"""Retrieval metrics of the MultiHop-RAG benchmark (Tang & Yang, 2024), reproduced exactly.

A retrieved chunk is relevant when any gold fact, with all whitespace removed, is a substring
of the chunk text with all whitespace removed. Hits@k, MRR@k and the fact-level recall below
all use that one rule, so the benchmark script and the eval command score identically.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from index.text import squash

__all__ = ["squash"]  # re-exported: the benchmark scripts import it from here


def fact_found(chunk_text: str, fact: str) -> bool:
    """Whether one gold fact occurs in one chunk, whitespace ignored."""
    f = squash(fact)
    return bool(f) and f in squash(chunk_text)


def relevant(chunk_text: str, facts: Iterable[str]) -> bool:
    """Whether a chunk is relevant: some gold fact occurs in it, whitespace ignored."""
    text = squash(chunk_text)
    return any((f := squash(fact)) and f in text for fact in facts)


def relevance_flags(chunk_texts: Sequence[str], facts: Sequence[str]) -> list[bool]:
    return [relevant(t, facts) for t in chunk_texts]


def hits_at(chunk_texts: Sequence[str], facts: Sequence[str], k: int) -> float:
    """1.0 when some relevant chunk is among the first k, else 0.0."""
    return float(any(relevance_flags(chunk_texts[:k], facts)))


def mrr_at(chunk_texts: Sequence[str], facts: Sequence[str], k: int = 10) -> float:
    """1/rank of the first relevant chunk among the first k (0.0 if none)."""
    for rank, flag in enumerate(relevance_flags(chunk_texts[:k], facts), 1):
        if flag:
            return 1.0 / rank
    return 0.0


def fact_recall_at(chunk_texts: Sequence[str], facts: Sequence[str], k: int = 10) -> float:
    """Share of the distinct gold facts found in at least one of the first k chunks."""
    wanted = {squash(f) for f in facts if squash(f)}
    if not wanted:
        return 0.0
    texts = [squash(t) for t in chunk_texts[:k]]
    found = sum(1 for f in wanted if any(f in t for t in texts))
    return found / len(wanted)


def all_facts_at(chunk_texts: Sequence[str], facts: Sequence[str], k: int = 10) -> float:
    """1.0 when every gold fact is found in the first k chunks."""
    return float(fact_recall_at(chunk_texts, facts, k) >= 1.0)


@dataclass
class RetrievalScores:
    """Running means of the benchmark metrics over queries."""

    n: int = 0
    sums: dict[str, float] = field(default_factory=dict)

    def add(self, chunk_texts: Sequence[str], facts: Sequence[str]) -> dict[str, float]:
        row = score_query(chunk_texts, facts)
        self.n += 1
        for key, value in row.items():
            self.sums[key] = self.sums.get(key, 0.0) + value
        return row

    def means(self) -> dict[str, float]:
        return {k: v / self.n for k, v in self.sums.items()} if self.n else {}


METRIC_NAMES = ("hits@10", "hits@4", "mrr@10", "fact_recall@10", "all_facts@10")


def score_query(chunk_texts: Sequence[str], facts: Sequence[str]) -> dict[str, float]:
    """All benchmark metrics for one query's ranked chunk texts."""
    return {
        "hits@10": hits_at(chunk_texts, facts, 10),
        "hits@4": hits_at(chunk_texts, facts, 4),
        "mrr@10": mrr_at(chunk_texts, facts, 10),
        "fact_recall@10": fact_recall_at(chunk_texts, facts, 10),
        "all_facts@10": all_facts_at(chunk_texts, facts, 10),
    }
