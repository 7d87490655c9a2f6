"""Hybrid retrieval over the indexed chunks: BM25 plus dense vectors, fused, with metadata filters.

The whole chunk table (texts, metadata, vectors) is held in memory, loaded once from Chroma;
scoring every chunk exactly costs well under a millisecond per thousand chunks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from index.chunking import Chunk

if TYPE_CHECKING:
    from index.embeddings import Embedder

TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:['’][a-z]+)?")


@dataclass
class Filters:
    """Restrict retrieval to some sources and/or a publication date range (ISO dates)."""

    sources: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None

    def accepts(self, chunk: Chunk) -> bool:
        if self.sources:
            wanted = {s.lower() for s in self.sources}
            if chunk.source.lower() not in wanted:
                return False
        date = str(chunk.metadata.get("date") or (chunk.published_at or "")[:10])
        if self.date_from and (not date or date < self.date_from):
            return False
        return not (self.date_to and (not date or date > self.date_to))

    def is_empty(self) -> bool:
        return not (self.sources or self.date_from or self.date_to)


@dataclass
class Hit:
    chunk: Chunk
    score: float
    bm25: float = 0.0
    dense: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def tokenize(text: str) -> list[str]:
    return [t.lower() for t in TOKEN_RE.findall(text)]


class HybridIndex:
    """BM25 and dense scores over all chunks, fused by a weighted sum of normalised scores."""

    def __init__(
        self,
        chunks: list[Chunk],
        embeddings: np.ndarray,
        embedder: Embedder,
        bm25_weight: float = 0.7,
    ) -> None:
        self.chunks = chunks
        self.embeddings = embeddings
        self.embedder = embedder
        self.bm25_weight = bm25_weight
        self._bm25: Any = None
        if chunks:
            self._bm25 = _build_bm25([self._index_text(c) for c in chunks])

    @staticmethod
    def _index_text(chunk: Chunk) -> str:
        return f"{chunk.title}\n{chunk.source}\n{chunk.text}"

    def __len__(self) -> int:
        return len(self.chunks)

    def bm25_scores(self, query: str) -> np.ndarray:
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        return _bm25_scores(self._bm25, query, len(self.chunks))

    def dense_scores(self, query: str) -> np.ndarray:
        if not self.chunks:
            return np.zeros(0, dtype=np.float32)
        q = self.embedder.embed_query(query)
        return np.asarray(self.embeddings @ q, dtype=np.float32)

    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        if not self.chunks:
            return []
        bm = self.bm25_scores(query)
        dn = self.dense_scores(query)
        fused = self.bm25_weight * _normalise(bm) + (1 - self.bm25_weight) * _normalise(dn)
        if filters and not filters.is_empty():
            mask = np.array([filters.accepts(c) for c in self.chunks])
            fused = np.where(mask, fused, -np.inf)
        order = np.argsort(-fused)[:k]
        return [
            Hit(self.chunks[i], float(fused[i]), float(bm[i]), float(dn[i]))
            for i in order
            if np.isfinite(fused[i])
        ]


def _normalise(x: np.ndarray) -> np.ndarray:
    if x.size == 0:
        return x
    hi = float(x.max())
    lo = float(np.percentile(x, 50))
    if hi <= lo:
        return np.zeros_like(x)
    return np.clip((x - lo) / (hi - lo), 0.0, 1.0)


def _build_bm25(texts: list[str]) -> Any:
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
    model = bm25s.BM25()
    model.index(tokens, show_progress=False)
    model._stemmer = stemmer
    return model


def _bm25_scores(model: Any, query: str, n: int) -> np.ndarray:
    import bm25s

    q = bm25s.tokenize([query], stopwords="en", stemmer=model._stemmer, show_progress=False)
    ids = q.ids[0] if hasattr(q, "ids") else q[0]
    if not len(ids):
        return np.zeros(n, dtype=np.float32)
    vocab_inv = {v: k for k, v in q.vocab.items()}
    words = [vocab_inv[i] for i in ids]
    return np.asarray(model.get_scores(words), dtype=np.float32)
