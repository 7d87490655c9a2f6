"""The knobs of HybridIndex.search, in a module of their own so that the settings can read
their defaults without loading the retrieval stack (numpy, scipy, the stemmer).

Every field is also a setting, ASSISTANT_RETRIEVAL__<FIELD> (assistant/settings.py
RetrievalSettings, which says where each value was measured).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RetrievalConfig:
    """Knobs of HybridIndex.search; the defaults are the tuned method (MultiHop-RAG dev,
    benchmarks/multihop_retrieval.py)."""

    bm25_weight: float = 0.75  # share of BM25 in the fused score: 1 = BM25 only, 0 = vectors only
    source_boost: float = 0.3  # bonus for chunks of a source the question names
    date_boost: float = 0.3  # bonus for chunks published on a date the question names
    decompose: bool = True  # sub-queries per named source and per claim
    sub_constraint: float = 1.0  # bonus inside a sub-query for its own source/date
    sub_dense: bool = False  # embed each sub-query too (same quality, 4-5x the encode time)
    rerank: bool = True  # logistic second stage over all facets (else interleave them)
    sub_context: float = 0.5  # interleaving only: share of the whole question in each sub-query
    max_per_doc: int = 0  # chunks of one article in the top k (0: no cap; a cap of 2-3 hurt)
    pool_main: int = 60  # candidates from the whole question's ranking
    pool_sub: int = 30  # candidates from each sub-query's ranking

    def replace(self, **changes: Any) -> RetrievalConfig:
        return dataclasses.replace(self, **changes)

    @classmethod
    def plain(cls) -> RetrievalConfig:
        """Fusion only: no metadata, decomposition, second stage or diversity."""
        return cls(source_boost=0.0, date_boost=0.0, decompose=False, rerank=False)

    @staticmethod
    def ablation_steps() -> list[tuple[str, dict[str, Any]]]:
        """The improvements in the order the benchmark stacks them on plain fusion (the last
        one, the second stage, makes the default config)."""
        d = RetrievalConfig()
        return [
            ("+metadata", {"source_boost": d.source_boost, "date_boost": d.date_boost}),
            ("+decompose(interleave)", {"decompose": True}),
        ]
