"""The vector side past HybridIndex.ann_above: cosines from the vector store's HNSW instead of
a product over every vector."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from index.chunking import Chunk
from index.scoring import one_blas_thread, top_indices

# The rest of the chunks get the median cosine, estimated from this many evenly strided
# vectors, copied together once: the estimate is within about half a percentile of the
# corpus median. Reading 32,768 rows spread over the 1.5 GB matrix of 1M chunks (the sample
# exact scoring takes, index.scoring.MEDIAN_SAMPLE) cost ~6 ms a question.
ANN_MEDIAN_SAMPLE = 8192


class AnnSide:
    """The HNSW's nearest chunks, mapped to rows of one index's matrix."""

    def __init__(self, chunks: list[Chunk], embeddings: np.ndarray) -> None:
        self._row = {c.id: i for i, c in enumerate(chunks)}
        self._embeddings = embeddings
        step = max(1, len(embeddings) // ANN_MEDIAN_SAMPLE)
        self._sample = np.ascontiguousarray(embeddings[::step])

    def cosines(
        self,
        nearest: Callable[[np.ndarray, int], list[tuple[str, float]]],
        vec: np.ndarray,
        bm: np.ndarray,
        k: int,
    ) -> np.ndarray:
        """Exact cosines for the store's k nearest and for the k best by BM25 (the chunks
        that can reach the candidate pools), the median for the rest, which fusion rescales to
        0 (index.scoring.scale_median)."""
        near = [self._row[cid] for cid, _ in nearest(vec, k) if cid in self._row]
        rows = np.union1d(np.asarray(near, dtype=np.int64), top_indices(bm, None, k))
        with one_blas_thread():
            median = float(np.median(self._sample @ vec)) if len(self._sample) else 0.0
            out = np.full(len(self._embeddings), median, np.float32)
            out[rows] = self._embeddings[rows] @ vec
        return out
